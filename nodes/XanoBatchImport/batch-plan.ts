/**
 * How the input items are cut into batches. A batch is a slice of the record list; the record
 * list remembers which input item each record came from, so every batch knows the input items it
 * covers even when some items were left out (a per-item error under Continue On Fail).
 *
 * Records are never copied here: a plan holds numbers only, and the records of one batch are
 * gathered just before that batch is sent, so memory stays close to the input's own size.
 */
export interface BatchSlice {
	/** 1-based, as the batch function receives it. */
	batchNumber: number;
	/** First position in the record list (inclusive). */
	start: number;
	/** Last position in the record list (exclusive). */
	end: number;
}

export interface BatchPlan {
	batchCount: number;
	batchSize: number;
	/** Input item index of each record, in record order. */
	sourceItems: Uint32Array;
}

export function planBatches(sourceItems: Uint32Array, batchSize: number): BatchPlan {
	if (!Number.isInteger(batchSize) || batchSize < 1) {
		throw new RangeError(`Batch size must be a whole number of at least 1, got ${batchSize}`);
	}
	return {
		batchCount: Math.ceil(sourceItems.length / batchSize),
		batchSize,
		sourceItems,
	};
}

export function batchSlice(plan: BatchPlan, batchNumber: number): BatchSlice {
	if (batchNumber < 1 || batchNumber > plan.batchCount) {
		throw new RangeError(`Batch ${batchNumber} is outside 1..${plan.batchCount}`);
	}
	const start = (batchNumber - 1) * plan.batchSize;
	return { batchNumber, start, end: Math.min(start + plan.batchSize, plan.sourceItems.length) };
}

/** The input item indexes a batch covers, in order. */
export function batchItemIndexes(plan: BatchPlan, slice: BatchSlice): number[] {
	return Array.from(plan.sourceItems.subarray(slice.start, slice.end));
}

/** First and last input item index of a batch (both inclusive), for messages and summaries. */
export function batchItemRange(
	plan: BatchPlan,
	slice: BatchSlice,
): { first: number; last: number } {
	return { first: plan.sourceItems[slice.start], last: plan.sourceItems[slice.end - 1] };
}
