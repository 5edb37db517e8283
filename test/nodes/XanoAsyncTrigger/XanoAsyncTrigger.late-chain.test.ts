import { emittedIds } from './support';
import { startListingStandIn, type ListingStandIn } from './listing-stand-in';

/**
 * The reference backend makes a completion visible when it is stored, so it cannot list one
 * late, or answer a page slowly, on purpose; the loopback stand-in does, as the test says.
 */
describe('Xano Async Trigger against a listing the test controls', () => {
	let standIn: ListingStandIn;

	beforeAll(async () => {
		standIn = await startListingStandIn();
	});

	beforeEach(() => {
		standIn.rows.length = 0;
		standIn.failing = 0;
		standIn.pageDelayMs = 0;
	});

	afterAll(async () => {
		await standIn.close();
	});

	it('emits a late completion once although later polls went past it and the watermark ran ahead', async () => {
		const second = 1000;
		const base = Date.now() - 2_000 * second;
		const at = (seconds: number) => base + seconds * second;
		standIn.rows.push(
			{ execution_id: 'a', completed_at: at(999) },
			{ execution_id: 'b', completed_at: at(999.5) },
			{ execution_id: 'c', completed_at: at(1000) },
			// Finished at 998 s, within the 60 s look-back of a and b, listed only after poll 1.
			{ execution_id: 'late', completed_at: at(998), visible: false },
			{ execution_id: 'd', completed_at: at(1059), visible: false },
			// Same millisecond as c, sorting before it, also listed late.
			{ execution_id: 'c-', completed_at: at(1000), visible: false },
		);
		const session = standIn.session({ includeLastMinutes: 60, lookBackSeconds: 60, maxPerPoll: 2 });

		const emitted: string[][] = [emittedIds(await session.poll())];
		expect(emitted[0]).toEqual(['a', 'b']);
		for (const row of standIn.rows) row.visible = true;
		for (let poll = 0; poll < 5; poll++) emitted.push(emittedIds(await session.poll()));

		expect(emitted.flat().sort()).toEqual(['a', 'b', 'c', 'c-', 'd', 'late']);
		expect(emitted.every((ids) => ids.length <= 2)).toBe(true);
	});

	it('gets past what it emitted before when a poll runs out of time before anything new', async () => {
		const base = Date.now() - 10_000;
		for (let index = 0; index < 300; index++) {
			standIn.rows.push({
				execution_id: `old-${String(index).padStart(3, '0')}`,
				completed_at: base + index,
			});
		}
		const session = standIn.session(
			{ includeLastMinutes: 1, lookBackSeconds: 60, maxPerPoll: 100 },
			// Half of it is the read's share: 50 ms, less than two pages take.
			{ pollBudgetMs: 100 },
		);
		const emitted: string[] = [];
		for (let poll = 0; poll < 3; poll++) emitted.push(...emittedIds(await session.poll()));
		expect(emitted).toHaveLength(300);

		standIn.pageDelayMs = 40;
		standIn.rows.push({ execution_id: 'new', completed_at: base + 500 });
		expect(emittedIds(await session.poll())).toEqual(['new']);
	});

	it('keeps the start of "include the last minutes" when the first poll fails', async () => {
		const session = standIn.session({ includeLastMinutes: 1 });
		// Finished just inside the last minute when the trigger was activated.
		standIn.rows.push({ execution_id: 'edge', completed_at: Date.now() - 60_000 + 300 });
		standIn.failing = 1;
		await expect(session.poll()).rejects.toThrow(/500|database is down/);
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(emittedIds(await session.poll())).toEqual(['edge']);
	});
});
