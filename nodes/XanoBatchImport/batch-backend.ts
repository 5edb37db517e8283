import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { oneExecution } from '../shared/answers';
import { XanoApiError } from '../shared/errors';
import { sleepUnlessCancelled, WaitCancelledError } from '../shared/sleep';
import { xanoApiRequest } from '../shared/transport';
import type {
	ContractError,
	Execution,
	InvocationPriority,
	InvocationRequest,
} from '../shared/types';
import { isTerminal } from '../shared/types';
import { awaitExecutions } from '../shared/wait';
import { batchItemRange, type BatchPlan } from './batch-plan';
import { PermanentBatchError, StopImportError, type BatchBackend } from './run-batches';

/** A full queue is waited out this many times per request before it counts as a failed attempt. */
const RATE_LIMIT_RETRIES = 60;

/** The contract's bounds of an invocation's `timeout`, in seconds. */
const MIN_RUN_TIMEOUT_SECONDS = 1;
const MAX_RUN_TIMEOUT_SECONDS = 3600;

/** How long the backend lets one batch run: Batch Timeout, within the contract's bounds. */
export function runTimeoutSeconds(batchTimeoutSeconds: number): number {
	return Math.min(
		MAX_RUN_TIMEOUT_SECONDS,
		Math.max(MIN_RUN_TIMEOUT_SECONDS, Math.ceil(batchTimeoutSeconds)),
	);
}

export interface BatchBackendOptions {
	functionName: string;
	plan: BatchPlan;
	priority: InvocationPriority | undefined;
	/** Sent as each invocation's `timeout`; without it the backend's default (300 s) applies. */
	runTimeoutSeconds: number;
}

/** The backend side of the import: invoke and await through the shared transport. */
export function backendFor(context: IExecuteFunctions, options: BatchBackendOptions): BatchBackend {
	const { functionName, plan, priority } = options;
	const signal = context.getExecutionCancelSignal();
	return {
		async invoke(slice, input, idempotencyKey) {
			const body: InvocationRequest = {
				function: functionName,
				input,
				idempotency_key: idempotencyKey,
				timeout: options.runTimeoutSeconds,
			};
			if (priority) body.priority = priority;
			return await (xanoApiRequest<Execution>).call(context, {
				method: 'POST',
				endpoint: 'invoke',
				body,
				itemIndex: batchItemRange(plan, slice).first,
				rateLimitRetries: RATE_LIMIT_RETRIES,
				check: oneExecution,
			});
		},
		async awaitTerminal(slice, execution, deadline) {
			if (isTerminal(execution.status)) return execution;
			const [finished] = await awaitExecutions.call(context, {
				executionIds: [execution.execution_id],
				timeoutSeconds: Math.max(1, Math.ceil((deadline - Date.now()) / 1000)),
				until: 'all',
				itemIndex: batchItemRange(plan, slice).first,
			});
			return finished;
		},
		async sleep(ms) {
			await sleepUnlessCancelled(ms, signal);
		},
		now: () => Date.now(),
		random: () => Math.random(),
		classifyRequestError(error) {
			if (error instanceof WaitCancelledError || signal?.aborted) throw new WaitCancelledError();
			if (!(error instanceof XanoApiError)) {
				throw new NodeOperationError(
					context.getNode(),
					error instanceof Error ? error : String(error),
				);
			}
			const failure: ContractError = {
				code: error.xanoCode ?? (error.status === null ? 'ERROR_NETWORK' : `HTTP_${error.status}`),
				message: error.message,
			};
			if (error.param !== null) failure.payload = { param: error.param };
			// A refused token, access or login fails every batch alike, and with the login credential
			// each 401 makes n8n log in again: stop the import rather than try every batch.
			if (error.status === 401 || error.status === 403 || error.refusedLogin) {
				return new StopImportError(failure, error);
			}
			const transient =
				error.status === null ||
				error.status === 408 ||
				error.status === 429 ||
				error.status >= 500;
			return transient ? failure : new PermanentBatchError(failure);
		},
	};
}
