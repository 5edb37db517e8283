import type { IExecuteFunctions } from 'n8n-workflow';

import { executionList } from './answers';
import { toXanoApiError, XanoApiError } from './errors';
import { chunksOf } from './items';
import { isRateLimited, rateLimitWaitMs } from './rate-limit';
import { sleepUnlessCancelled, throwIfCancelled } from './sleep';
import { xanoApiRequest } from './transport';
import { isTerminal, MAX_BATCH_SIZE } from './types';
import type { AwaitRequest, AwaitUntil, Execution } from './types';

export interface AwaitPlan {
	executionIds: string[];
	/** Overall deadline from now, in seconds. 0 reads the current state once. */
	timeoutSeconds: number;
	until: AwaitUntil;
	itemIndex?: number;
}

/** Longest hold one await request may ask of the backend (the contract's limit). */
const MAX_HOLD_SECONDS = 300;
/** Polling fallback for a backend that answers at once instead of holding the request. */
const FIRST_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;
/** A hold that ends this much before its timeout, unsatisfied, means the backend did not hold. */
const EARLY_ANSWER_MARGIN_MS = 250;
/** The HTTP client waits this long beyond the hold the backend was asked for. */
const TRANSPORT_MARGIN_MS = 15_000;

/**
 * Waits until the listed executions are terminal (`all`) or one of them is (`any`), or the
 * deadline passes, and answers one execution object per requested id, in order (repeats
 * included). Executions still pending or running at the deadline come back as they are.
 *
 * The backend holds each `POST /async/await` until its ids are done, so a finished execution
 * wakes the node at once. More than 1,000 ids are awaited chunk after chunk within the same
 * deadline. Waiting honours the execution's cancel signal: n8n aborts the held request and the
 * backoff sleeps stop.
 */
export async function awaitExecutions(
	this: IExecuteFunctions,
	plan: AwaitPlan,
): Promise<Execution[]> {
	const signal = this.getExecutionCancelSignal();
	const deadline = Date.now() + Math.max(0, plan.timeoutSeconds) * 1000;
	const uniqueIds = [...new Set(plan.executionIds)];
	const latest = new Map<string, Execution>();
	const isDone = (id: string) => {
		const execution = latest.get(id);
		return execution !== undefined && isTerminal(execution.status);
	};
	const satisfied = () => (plan.until === 'any' ? uniqueIds.some(isDone) : uniqueIds.every(isDone));
	const report = () => plan.executionIds.map((id) => latest.get(id) ?? notFoundExecution(id));

	let backoffMs = FIRST_BACKOFF_MS;
	// One read is always made, and one more right at the deadline after a final sleep, so that a
	// completion in the last moments is not reported as still running.
	let readAgain = true;
	while (readAgain) {
		throwIfCancelled(signal);
		const waiting = uniqueIds.filter((id) => !isDone(id));
		const chunks = chunksOf(waiting, MAX_BATCH_SIZE);
		// With several chunks, `any` cannot hold on one chunk while another finishes first.
		const mayHold = plan.until === 'all' || chunks.length === 1;
		let heldEnough = true;
		let rateLimited = false;
		for (const chunk of chunks) {
			// Rounded: the hold ends at most half a second after the deadline, never a second early.
			const holdSeconds = mayHold
				? Math.min(MAX_HOLD_SECONDS, Math.round(Math.max(0, deadline - Date.now()) / 1000))
				: 0;
			const body: AwaitRequest = { execution_ids: chunk, timeout: holdSeconds };
			if (plan.until === 'any') body.until = 'any';
			const startedAt = Date.now();
			const answer = await readChunk.call(this, body, plan.itemIndex);
			if (answer instanceof XanoApiError) {
				// Rate limited: wait as Retry-After says and read again, unless the deadline comes
				// first. Then every id last read is reported as it was (Still Running); an id never
				// read has no state to report, so the 429 is the answer.
				const waitMs = rateLimitWaitMs(answer, deadline);
				if (waitMs === null) {
					if (uniqueIds.every((id) => latest.has(id))) return report();
					throw answer;
				}
				await sleepUnlessCancelled(waitMs, signal);
				rateLimited = true;
				break;
			}
			chunk.forEach((id, position) => latest.set(id, answer[position]));
			const chunkSatisfied = plan.until === 'any' ? chunk.some(isDone) : chunk.every(isDone);
			if (!chunkSatisfied && Date.now() - startedAt + EARLY_ANSWER_MARGIN_MS < holdSeconds * 1000) {
				heldEnough = false;
			}
			// No break for `any`: every chunk is read, or its ids would have no state to report.
		}
		const remainingMs = deadline - Date.now();
		readAgain = !satisfied() && remainingMs > 0;
		if (readAgain && !rateLimited && !(mayHold && heldEnough && remainingMs >= 500)) {
			await sleepUnlessCancelled(Math.min(backoffMs, remainingMs), signal);
			backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
		}
	}
	return report();
}

/** One await request; a 429 is answered, for the caller to wait out within its deadline. */
async function readChunk(
	this: IExecuteFunctions,
	body: AwaitRequest,
	itemIndex: number | undefined,
): Promise<Execution[] | XanoApiError> {
	try {
		return await (xanoApiRequest<Execution[]>).call(this, {
			method: 'POST',
			endpoint: 'await',
			body,
			itemIndex,
			timeoutMs: body.timeout * 1000 + TRANSPORT_MARGIN_MS,
			check: executionList(body.execution_ids.length),
		});
	} catch (error) {
		const failure = toXanoApiError(this.getNode(), error, itemIndex);
		if (isRateLimited(failure)) return failure;
		throw failure;
	}
}

/** Unreachable: every id is read at least once, and the transport checks each answer's shape. */
function notFoundExecution(id: string): Execution {
	return {
		execution_id: id,
		function: '',
		status: 'not_found',
		output: null,
		error: null,
		attempts: 0,
		priority: 'normal',
		tags: [],
		created_at: null,
		started_at: null,
		completed_at: null,
		duration_ms: null,
		idempotency_key: null,
	};
}
