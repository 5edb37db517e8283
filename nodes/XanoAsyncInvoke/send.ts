import type { IExecuteFunctions } from 'n8n-workflow';

import { bulkExecutions, oneExecution } from '../shared/answers';
import { toXanoApiError, XanoApiError } from '../shared/errors';
import { chunksOf } from '../shared/items';
import { sleepUnlessCancelled, throwIfCancelled } from '../shared/sleep';
import { xanoApiRequest } from '../shared/transport';
import { MAX_BATCH_SIZE } from '../shared/types';
import type { Execution, InvocationRequest } from '../shared/types';

export interface PendingInvocation {
	itemIndex: number;
	invocation: InvocationRequest;
}

/** Per input item: the execution the backend started, or why it refused. */
export type InvocationOutcomes = Map<number, Execution | XanoApiError>;

const RATE_LIMIT_RETRIES = 3;
const BULK_PARAM = /^invocations\.(\d+)(?:\.|$)/;

async function post(this: IExecuteFunctions, batch: PendingInvocation[]): Promise<Execution[]> {
	if (batch.length === 1) {
		const execution = await (xanoApiRequest<Execution>).call(this, {
			method: 'POST',
			endpoint: 'invoke',
			body: batch[0].invocation,
			itemIndex: batch[0].itemIndex,
			rateLimitRetries: RATE_LIMIT_RETRIES,
			check: oneExecution,
		});
		return [execution];
	}
	// No retries of a refused bulk request here: sendBatch answers a 429 by sending smaller ones.
	const answer = await (xanoApiRequest<{ executions: Execution[] }>).call(this, {
		method: 'POST',
		endpoint: 'invoke',
		body: { invocations: batch.map((pending) => pending.invocation) },
		check: bulkExecutions(batch.length),
	});
	return answer.executions;
}

async function attempt(
	this: IExecuteFunctions,
	batch: PendingInvocation[],
): Promise<Execution[] | XanoApiError> {
	try {
		return await post.call(this, batch);
	} catch (error) {
		return toXanoApiError(this.getNode(), error);
	}
}

/**
 * Sends one bulk request of at most 1,000 invocations. The backend accepts all or none, so when
 * it refuses one invocation (a 400/404 whose `payload.param` names `invocations.N`), that item
 * gets the error and the others are sent again; a refusal that names no invocation is retried
 * one invocation per request. A request over the body size limit (413) or over what the queue
 * takes (429) is sent again in halves. Any other failure (auth, a single invocation's 429 after
 * retries, 5xx, network) belongs to every item of the batch.
 * With `stopOnError`, the first failure is thrown instead.
 */
async function sendBatch(
	this: IExecuteFunctions,
	batch: PendingInvocation[],
	outcomes: InvocationOutcomes,
	stopOnError: boolean,
): Promise<void> {
	const signal = this.getExecutionCancelSignal();
	let remaining = batch;
	for (let round = 0; remaining.length > 0 && round <= batch.length; round++) {
		throwIfCancelled(signal);
		const answer = await attempt.call(this, remaining);
		throwIfCancelled(signal);
		if (!(answer instanceof XanoApiError)) {
			remaining.forEach((pending, position) => outcomes.set(pending.itemIndex, answer[position]));
			return;
		}
		if ((answer.status === 413 || answer.status === 429) && remaining.length > 1) {
			// Too large as one request (413), or more than the backend's queue takes at once (429:
			// a bulk request is accepted whole or not at all, so one larger than the queue limit is
			// refused even when the queue is empty): each half goes on its own, halved again as
			// needed; a 429 is first waited out as Retry-After says. Single invocations keep the
			// transport's own 429 retries.
			if (answer.status === 429) {
				await sleepUnlessCancelled(Math.max(1, answer.retryAfterSeconds ?? 1) * 1000, signal);
			}
			const half = Math.ceil(remaining.length / 2);
			await sendBatch.call(this, remaining.slice(0, half), outcomes, stopOnError);
			await sendBatch.call(this, remaining.slice(half), outcomes, stopOnError);
			return;
		}
		const culprit = remaining.length > 1 ? BULK_PARAM.exec(answer.param ?? '') : null;
		const refusedInput = answer.status === 400 || answer.status === 404;
		if (refusedInput && culprit && Number(culprit[1]) < remaining.length) {
			const position = Number(culprit[1]);
			const failed = answer.forItem(remaining[position].itemIndex, `invocations.${position}.`);
			if (stopOnError) throw failed;
			outcomes.set(remaining[position].itemIndex, failed);
			remaining = remaining.filter((_, index) => index !== position);
			continue;
		}
		if (refusedInput && remaining.length > 1) {
			for (const pending of remaining) await sendBatch.call(this, [pending], outcomes, stopOnError);
			return;
		}
		if (stopOnError) throw answer.forItem(remaining[0].itemIndex);
		for (const pending of remaining)
			outcomes.set(pending.itemIndex, answer.forItem(pending.itemIndex));
		return;
	}
}

/** Starts every pending invocation in bulk requests of up to 1,000, one batch after another. */
export async function sendInvocations(
	this: IExecuteFunctions,
	pending: PendingInvocation[],
	stopOnError: boolean,
): Promise<InvocationOutcomes> {
	const outcomes: InvocationOutcomes = new Map();
	for (const batch of chunksOf(pending, MAX_BATCH_SIZE)) {
		await sendBatch.call(this, batch, outcomes, stopOnError);
	}
	return outcomes;
}
