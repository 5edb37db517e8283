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

/**
 * A failed request that ends the whole import: a refused token or access fails every batch
 * alike, so no further batch is sent. The batch it happened in fails with `contractError`;
 * `reason` is the error to throw when the node does not continue on fail.
 */
export class StopImportError extends Error {
	constructor(
		readonly contractError: ContractError,
		readonly reason: Error,
	) {
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
	 * end the node at once (a cancelled workflow, a bug), returns StopImportError for what must
	 * stop the import (a refused token) and PermanentBatchError for what retrying cannot fix.
	 */
	classifyRequestError(error: unknown): ContractError | PermanentBatchError | StopImportError;
}

export interface BatchRunOptions {
	plan: BatchPlan;
	concurrency: number;
	retry: RetryPolicy;
	/** Longest wait for one attempt of one batch to finish. */
	batchTimeoutMs: number;
	/** The batch function's input for one batch, records gathered just now. */
	buildInput(slice: BatchSlice): IDataObject;
	/** The batch's key, from its first input; every retry of the batch sends the same key. */
	idempotencyKey(slice: BatchSlice, input: IDataObject): string;
	/**
	 * Keep each succeeded batch's output in its outcome. Off when only `processed_count` is
	 * needed (the summary), so an import does not hold every batch's output until it ends.
	 */
	keepOutput: boolean;
}

/** The outcome of every batch, and what stopped the import early, if anything did. */
export interface BatchRun {
	outcomes: BatchOutcome[];
	stop: { batchNumber: number; reason: Error } | null;
}

/** Shared by the lanes of one run: once set, no lane sends another batch. */
interface RunState {
	stop: BatchRun['stop'];
}

/**
 * How much longer than Batch Timeout the node waits for a batch. The same timeout bounds the
 * run on the backend, which then needs a moment (its abort grace) to report `timed_out`; without
 * the margin the node's deadline raced that verdict.
 */
export const VERDICT_MARGIN_MS = 5_000;

function stillRunningError(execution: Execution, timeoutMs: number): ContractError {
	return {
		code: 'BATCH_TIMEOUT',
		message: `The batch's execution was still ${execution.status} after ${Math.round(timeoutMs / 1000)} s (Batch Timeout). It was not retried: it may still import its records`,
		payload: { execution_id: execution.execution_id },
	};
}

function notSentError(stop: NonNullable<BatchRun['stop']>): ContractError {
	return {
		code: 'IMPORT_STOPPED',
		message: `Not sent: the import stopped when batch ${stop.batchNumber} was refused: ${stop.reason.message}`,
	};
}

function timedOutError(execution: Execution, timeoutMs: number): ContractError {
	const cause = execution.error?.message ? `: ${execution.error.message}` : '';
	return {
		code: execution.error?.code ?? 'ERROR_CODE_TIMED_OUT',
		message: `The batch's execution timed out${cause}. It was not retried: a new run could import again what this one already wrote (Batch Timeout ${Math.round(timeoutMs / 1000)} s)`,
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
	state: RunState,
	batchNumber: number,
): Promise<BatchOutcome> {
	const slice = batchSlice(options.plan, batchNumber);
	const range = batchItemRange(options.plan, slice);
	let key: string | undefined;
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
		if (state.stop !== null) {
			// Stopped while this batch waited for its slot or its retry: keep what it met last.
			outcome.error ??= notSentError(state.stop);
			return outcome;
		}
		outcome.attempts = attempt;

		let finished: Execution;
		try {
			// The input (and so the records) lives only for this attempt's request.
			const input = options.buildInput(slice);
			key ??= options.idempotencyKey(slice, input);
			const execution = await backend.invoke(slice, input, key);
			outcome.executionId = execution.execution_id;
			finished = await backend.awaitTerminal(
				slice,
				execution,
				backend.now() + options.batchTimeoutMs + VERDICT_MARGIN_MS,
			);
		} catch (error) {
			// A lost await is retried like a failed run: the same key finds the same execution.
			const failure = backend.classifyRequestError(error);
			if (failure instanceof StopImportError) {
				state.stop ??= { batchNumber, reason: failure.reason };
				outcome.error = failure.contractError;
				return outcome;
			}
			if (failure instanceof PermanentBatchError) {
				outcome.error = failure.contractError;
				return outcome;
			}
			outcome.error = failure;
			continue;
		}
		if (finished.status === 'completed') {
			outcome.status = 'succeeded';
			outcome.output = options.keepOutput ? finished.output : null;
			outcome.processedCount = readProcessedCount(finished.output);
			outcome.error = null;
			return outcome;
		}
		if (finished.status === 'pending' || finished.status === 'running') {
			// Retrying would find the same execution under the same key; it already had its time.
			outcome.error = stillRunningError(finished, options.batchTimeoutMs);
			return outcome;
		}
		if (finished.status === 'timed_out') {
			// The backend frees the key of a timed-out run, so a retry would be a new run of the
			// same records; a function that wrote part of them would write that part twice.
			outcome.error = timedOutError(finished, options.batchTimeoutMs);
			return outcome;
		}
		outcome.error = executionFailure(finished);
	}
	return outcome;
}

/**
 * Imports every batch of the plan, at most `concurrency` at a time, each retried on its own.
 * Returns one outcome per batch in batch order; a batch's failure never stops the others, but a
 * StopImportError stops every batch not yet sent (each fails as not sent). Only a cancelled
 * workflow (or a bug) makes this throw.
 */
export async function runBatches(
	backend: BatchBackend,
	options: BatchRunOptions,
): Promise<BatchRun> {
	const state: RunState = { stop: null };
	const outcomes = await runWithConcurrency(
		options.plan.batchCount,
		options.concurrency,
		async (index) => await runOneBatch(backend, options, state, index + 1),
	);
	return { outcomes, stop: state.stop };
}
