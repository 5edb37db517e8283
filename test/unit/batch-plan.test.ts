import {
	batchItemIndexes,
	batchItemRange,
	batchSlice,
	planBatches,
} from '../../nodes/XanoBatchImport/batch-plan';

const identity = (count: number) => Uint32Array.from({ length: count }, (_, index) => index);

describe('planBatches', () => {
	it('cuts 250 records into batches of 100, 100 and 50', () => {
		const plan = planBatches(identity(250), 100);
		expect(plan.batchCount).toBe(3);
		expect([1, 2, 3].map((n) => batchSlice(plan, n))).toEqual([
			{ batchNumber: 1, start: 0, end: 100 },
			{ batchNumber: 2, start: 100, end: 200 },
			{ batchNumber: 3, start: 200, end: 250 },
		]);
	});

	it('makes no batch for no records', () => {
		expect(planBatches(identity(0), 100).batchCount).toBe(0);
	});

	it('makes one batch when the records fit', () => {
		const plan = planBatches(identity(1), 100);
		expect(plan.batchCount).toBe(1);
		expect(batchItemIndexes(plan, batchSlice(plan, 1))).toEqual([0]);
	});

	it('names the input items of a batch when some items were left out', () => {
		// Items 1 and 4 failed before batching (Continue On Fail), so records skip them.
		const plan = planBatches(Uint32Array.from([0, 2, 3, 5, 6]), 2);
		expect(plan.batchCount).toBe(3);
		expect(batchItemIndexes(plan, batchSlice(plan, 2))).toEqual([3, 5]);
		expect(batchItemRange(plan, batchSlice(plan, 2))).toEqual({ first: 3, last: 5 });
		expect(batchItemIndexes(plan, batchSlice(plan, 3))).toEqual([6]);
	});

	it('refuses a batch size below 1 or a fraction', () => {
		expect(() => planBatches(identity(3), 0)).toThrow(RangeError);
		expect(() => planBatches(identity(3), 1.5)).toThrow(RangeError);
	});

	it('refuses a batch number outside the plan', () => {
		const plan = planBatches(identity(3), 2);
		expect(() => batchSlice(plan, 0)).toThrow(RangeError);
		expect(() => batchSlice(plan, 3)).toThrow(RangeError);
	});
});
