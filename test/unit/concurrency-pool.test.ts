import { runWithConcurrency } from '../../nodes/XanoBatchImport/concurrency-pool';

const tick = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describe('runWithConcurrency', () => {
	it('returns results in index order whatever order tasks finish in', async () => {
		const results = await runWithConcurrency(5, 3, async (index) => {
			await tick((5 - index) * 3);
			return index * 10;
		});
		expect(results).toEqual([0, 10, 20, 30, 40]);
	});

	it('never has more than the limit in flight, and reaches the limit', async () => {
		let inFlight = 0;
		let peak = 0;
		await runWithConcurrency(40, 4, async () => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			await tick(2);
			inFlight--;
		});
		expect(peak).toBe(4);
	});

	it('starts tasks in index order', async () => {
		const started: number[] = [];
		await runWithConcurrency(10, 3, async (index) => {
			started.push(index);
			await tick(1);
		});
		expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it('stops starting tasks after one throws, awaits those in flight, rethrows the first error', async () => {
		const started: number[] = [];
		const finished: number[] = [];
		const run = runWithConcurrency(20, 2, async (index) => {
			started.push(index);
			await tick(index === 1 ? 1 : 10);
			if (index === 1) throw new Error('batch 2 broke');
			finished.push(index);
		});
		await expect(run).rejects.toThrow('batch 2 broke');
		expect(started).toEqual([0, 1]);
		expect(finished).toEqual([0]);
	});

	it('runs nothing for zero tasks and refuses a limit below 1', async () => {
		await expect(runWithConcurrency(0, 3, async () => 1)).resolves.toEqual([]);
		await expect(runWithConcurrency(3, 0, async () => 1)).rejects.toThrow(RangeError);
	});
});
