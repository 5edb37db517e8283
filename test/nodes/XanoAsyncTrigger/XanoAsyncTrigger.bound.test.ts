import { emittedIds } from './support';
import { startListingStandIn, type ListingStandIn } from './listing-stand-in';

/** A listing of 300 completions, so the test controls exactly what each page holds. */
describe('Xano Async Trigger, Max Executions per Poll that is not a multiple of the page size', () => {
	let standIn: ListingStandIn;

	beforeAll(async () => {
		standIn = await startListingStandIn();
	});

	afterAll(async () => {
		await standIn.close();
	});

	it('emits at most that many per poll, and every completion once over the polls', async () => {
		const completedAt = Date.now() - 60_000;
		for (let index = 0; index < 300; index++) {
			standIn.rows.push({
				execution_id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
				completed_at: completedAt + index,
			});
		}
		const session = standIn.session({ includeLastMinutes: 5, maxPerPoll: 150 });
		const emitted: string[][] = [];
		for (let poll = 0; poll < 4; poll++) emitted.push(emittedIds(await session.poll()));
		expect(emitted.map((ids) => ids.length)).toEqual([150, 150, 0, 0]);
		expect(emitted.flat()).toEqual(standIn.rows.map((row) => row.execution_id));
	});
});
