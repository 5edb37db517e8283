import type { IDataObject } from 'n8n-workflow';

import type { ContractError } from '../shared/types';

/** How one batch ended, after its retries. */
export interface BatchOutcome {
	batchNumber: number;
	status: 'succeeded' | 'failed';
	/** Input item indexes the batch held (first and last inclusive) and how many records. */
	firstItem: number;
	lastItem: number;
	recordCount: number;
	/** Invocations sent for this batch, including the successful one; 429 answers not counted. */
	attempts: number;
	executionId: string | null;
	/** The batch function's output, for a succeeded batch. */
	output: unknown;
	/** `processed_count` from the output, when the function reports one. */
	processedCount: number | null;
	error: ContractError | null;
}

export interface FailedBatch extends IDataObject {
	batch_number: number;
	first_item: number;
	last_item: number;
	record_count: number;
	attempts: number;
	execution_id: string | null;
	error: IDataObject;
}

export interface ImportSummary extends IDataObject {
	function: string;
	batches_total: number;
	batches_succeeded: number;
	batches_failed: number;
	records_total: number;
	/** Sum of `processed_count` over the succeeded batches that reported one. */
	records_processed: number;
	/** Records in succeeded batches, whether or not the function reported a count. */
	records_in_succeeded_batches: number;
	duration_ms: number;
	failed_batches: FailedBatch[];
}

/** `processed_count` of a batch function's output, when it is a non-negative number. */
export function readProcessedCount(output: unknown): number | null {
	if (output === null || typeof output !== 'object' || Array.isArray(output)) return null;
	const value = (output as Record<string, unknown>).processed_count;
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

export function errorToJson(error: ContractError): IDataObject {
	const json: IDataObject = { code: error.code, message: error.message };
	if (error.payload !== undefined && error.payload !== null && error.payload !== '') {
		json.payload = error.payload;
	}
	return json;
}

export function describeFailedBatch(outcome: BatchOutcome): FailedBatch {
	return {
		batch_number: outcome.batchNumber,
		first_item: outcome.firstItem,
		last_item: outcome.lastItem,
		record_count: outcome.recordCount,
		attempts: outcome.attempts,
		execution_id: outcome.executionId,
		error: errorToJson(outcome.error ?? { code: 'ERROR_FATAL', message: 'Unknown failure' }),
	};
}

export function summarizeImport(
	functionName: string,
	outcomes: readonly BatchOutcome[],
	durationMs: number,
): ImportSummary {
	let succeeded = 0;
	let recordsTotal = 0;
	let recordsProcessed = 0;
	let recordsInSucceeded = 0;
	const failed: FailedBatch[] = [];

	for (const outcome of outcomes) {
		recordsTotal += outcome.recordCount;
		if (outcome.status === 'succeeded') {
			succeeded++;
			recordsInSucceeded += outcome.recordCount;
			recordsProcessed += outcome.processedCount ?? 0;
		} else {
			failed.push(describeFailedBatch(outcome));
		}
	}

	return {
		function: functionName,
		batches_total: outcomes.length,
		batches_succeeded: succeeded,
		batches_failed: failed.length,
		records_total: recordsTotal,
		records_processed: recordsProcessed,
		records_in_succeeded_batches: recordsInSucceeded,
		duration_ms: durationMs,
		failed_batches: failed,
	};
}

const PERCENT_SCALE = 1_000_000;

/**
 * Whether the failed share is over what the user tolerates. `toleratedPercent` 0 tolerates no
 * failure at all; 100 tolerates every batch failing.
 */
export function exceedsFailureTolerance(
	summary: Pick<ImportSummary, 'batches_total' | 'batches_failed'>,
	toleratedPercent: number,
): boolean {
	if (summary.batches_failed === 0) return false;
	// Compared in integers: (7 / 100) * 100 is 7.000000000000001, which made 7 failed batches of
	// 100 exceed 7 %. A fractional percentage counts in millionths of a percent, which stays exact
	// (below 2^53) for any batch count an import can have.
	const toleratedMillionths = Math.round(toleratedPercent * PERCENT_SCALE);
	return summary.batches_failed * 100 * PERCENT_SCALE > toleratedMillionths * summary.batches_total;
}

/** "batches 3 (items 200-299), 7 (items 600-699)", shortened after `limit` batches. */
export function listFailedBatches(failed: readonly FailedBatch[], limit = 10): string {
	const named = failed
		.slice(0, limit)
		.map((batch) => `${batch.batch_number} (items ${batch.first_item}-${batch.last_item})`);
	const more = failed.length > limit ? ` and ${failed.length - limit} more` : '';
	return `${failed.length === 1 ? 'batch' : 'batches'} ${named.join(', ')}${more}`;
}
