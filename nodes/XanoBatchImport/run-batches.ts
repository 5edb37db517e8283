import type { IDataObject } from 'n8n-workflow';

import type { ContractError, Execution } from '../shared/types';
import { batchItemRange, batchSlice, type BatchPlan, type BatchSlice } from './batch-plan';
import { runWithConcurrency } from './concurrency-pool';
import { readProcessedCount, type BatchOutcome } from './import-summary';
import { retryDelayMs, type RetryPolicy } from './retry-policy';

/** A failed invocation request that trying again cannot fix (bad input, unknown function...). */
export class PermanentBatchError extends Error {
	constructor(readonly contractError: ContractError) {
		super(contractError.message);
	}
}

/** What the runner needs from the backend and from n8n; the node passes the real ones. */
export interface BatchBackend {
	/** Starts the batch's execution, or returns the one its idempotency key already names. */
	invoke(slice: BatchSlice, input: IDataObject, idempotencyKey: string): Promise<Execution>;
	/** The execution once terminal, or as it is when `deadline` (epoch ms) passes. */
	awaitTerminal(slice: BatchSlice, execution: Execution, deadline: number): Promise<Execution>;
	/** Waits, and throws when the n8n execution is cancelled meanwhile. */
	sleep(ms: number): Promise<void>;
	now(): number;
	random(): number;
	/**
	 * Turns a failed request (invoke or await) into the contract's error shape; throws what must
	 * stop the whole import (a cancelled workflow, a refused token) and returns
	 * PermanentBatchError for what retrying cannot fix.
	 */
	classifyRequestError(error: unknown): ContractError | PermanentBatchError;
}

export interface BatchRunOptions {
	plan: BatchPlan;
	concurrency: number;
	retry: RetryPolicy;
	/** Longest wait for one attempt of one batch to finish. */
	batchTimeoutMs: number;
	/** The batch function's input for one batch, records gathered just now. */
	buildInput(slice: BatchSlice): IDataObject;
	idempotencyKey(slice: BatchSlice): string;
}

function stillRunningError(execution: Execution, timeoutMs: number): ContractError {
	return {
		code: 'BATCH_TIMEOUT',
		message: `The batch's execution was still ${execution.status} after ${Math.round(timeoutMs / 1000)} s`,
		payload: { execution_id: execution.execution_id },
	};
}

function executionFailure(execution: Execution): ContractError {
	return (
		execution.error ?? {
			code: 'ERROR_FATAL',
			message: `The batch's execution ended ${execution.status}`,
		}
	);
}

async function runOneBatch(
	backend: BatchBackend,
	options: BatchRunOptions,
	batchNumber: number,
): Promise<BatchOutcome> {
	const slice = batchSlice(options.plan, batchNumber);
	const range = batchItemRange(options.plan, slice);
	const key = options.idempotencyKey(slice);
	const outcome: BatchOutcome = {
		batchNumber,
		status: 'failed',
		firstItem: range.first,
		lastItem: range.last,
		recordCount: slice.end - slice.start,
		attempts: 0,
		executionId: null,
		output: null,
		processedCount: null,
		error: null,
	};

	for (let attempt = 1; attempt <= options.retry.maxRetries + 1; attempt++) {
		if (attempt > 1)
			await backend.sleep(retryDelayMs(options.retry, attempt - 1, backend.random()));
		outcome.attempts = attempt;

		let finished: Execution;
		try {
			// The input (and so the records) lives only for this attempt's request.
			const execution = await backend.invoke(slice, options.buildInput(slice), key);
			outcome.executionId = execution.execution_id;
			finished = await backend.awaitTerminal(
				slice,
				execution,
				backend.now() + options.batchTimeoutMs,
			);
		} catch (error) {
			// A lost await is retried like a failed run: the same key finds the same execution.
			const failure = backend.classifyRequestError(error);
			if (failure instanceof PermanentBatchError) {
				outcome.error = failure.contractError;
				return outcome;
			}
			outcome.error = failure;
			continue;
		}
		if (finished.status === 'completed') {
			outcome.status = 'succeeded';
			outcome.output = finished.output;
			outcome.processedCount = readProcessedCount(finished.output);
			outcome.error = null;
			return outcome;
		}
		if (finished.status === 'pending' || finished.status === 'running') {
			// Retrying would find the same execution under the same key; it already had its time.
			outcome.error = stillRunningError(finished, options.batchTimeoutMs);
			return outcome;
		}
		outcome.error = executionFailure(finished);
	}
	return outcome;
}

/**
 * Imports every batch of the plan, at most `concurrency` at a time, each retried on its own.
 * Returns one outcome per batch in batch order; a batch's failure never stops the others. Only a
 * cancelled workflow (or a bug) makes this throw.
 */
export async function runBatches(
	backend: BatchBackend,
	options: BatchRunOptions,
): Promise<BatchOutcome[]> {
	return await runWithConcurrency(
		options.plan.batchCount,
		options.concurrency,
		async (index) => await runOneBatch(backend, options, index + 1),
	);
}
