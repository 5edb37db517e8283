import type { IExecuteFunctions } from 'n8n-workflow';

import { bulkExecutions, oneExecution } from '../shared/answers';
import { toXanoApiError, XanoApiError } from '../shared/errors';
import { chunksOf } from '../shared/items';
import { isRateLimited, rateLimitWaitMs } from '../shared/rate-limit';
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

/** 429 waits a single invocation gets; a bulk request gets one more per halving it may need. */
const RATE_LIMIT_RETRIES = 3;
const BULK_PARAM = /^invocations\.(\d+)(\.function)?(?:\.|$)/;

/**
 * One 429 policy for the whole send: each 429 is waited out as Retry-After says (rate-limit.ts)
 * and counts against a budget of tries without progress; an accepted request refills it. Once a
 * 429 cannot be waited out (budget spent, or Retry-After over the bound), it is the answer for
 * every invocation not yet started, and none of them is sent again.
 */
interface RateLimitBudget {
	full: number;
	left: number;
	refusal: XanoApiError | null;
}

function budgetFor(pending: PendingInvocation[]): RateLimitBudget {
	// Halving a bulk request down to one invocation takes ceil(log2(n)) refusals.
	const halvings = Math.ceil(Math.log2(Math.max(1, Math.min(pending.length, MAX_BATCH_SIZE))));
	const full = halvings + RATE_LIMIT_RETRIES;
	return { full, left: full, refusal: null };
}

async function post(this: IExecuteFunctions, batch: PendingInvocation[]): Promise<Execution[]> {
	// No retries in the transport: sendBatch owns the 429 policy of the whole send.
	if (batch.length === 1) {
		const execution = await (xanoApiRequest<Execution>).call(this, {
			method: 'POST',
			endpoint: 'invoke',
			body: batch[0].invocation,
			itemIndex: batch[0].itemIndex,
			check: oneExecution,
		});
		return [execution];
	}
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

function failAll(
	batch: PendingInvocation[],
	failure: XanoApiError,
	outcomes: InvocationOutcomes,
	stopOnError: boolean,
): void {
	if (stopOnError) throw failure.forItem(batch[0].itemIndex);
	for (const pending of batch) outcomes.set(pending.itemIndex, failure.forItem(pending.itemIndex));
}

/**
 * Sends one bulk request of at most 1,000 invocations. The backend accepts all or none, so:
 * - a refusal of one invocation (a 400/404 whose `payload.param` names `invocations.N`) fails that
 *   item; an unknown function (404 on `invocations.N.function`) fails every invocation of that
 *   name at once. The others are sent again (see below for repeated refusals). A refusal that
 *   names no invocation is tried one invocation per request.
 * - a request over the body size limit (413) is sent again in halves.
 * - a 429 is waited out (see RateLimitBudget) and the request sent again in halves: one bulk
 *   request larger than the queue limit is refused even when the queue is empty.
 * - any other failure (auth, 5xx, network) belongs to every item of the batch.
 * With `stopOnError`, the first failure is thrown instead.
 */
async function sendBatch(
	this: IExecuteFunctions,
	batch: PendingInvocation[],
	outcomes: InvocationOutcomes,
	stopOnError: boolean,
	budget: RateLimitBudget,
	afterRefusal = false,
): Promise<void> {
	if (batch.length === 0) return;
	if (budget.refusal) return failAll(batch, budget.refusal, outcomes, stopOnError);
	const signal = this.getExecutionCancelSignal();
	const again = (part: PendingInvocation[], refusedBefore = afterRefusal) =>
		sendBatch.call(this, part, outcomes, stopOnError, budget, refusedBefore);
	const inHalves = async (part: PendingInvocation[]) => {
		const half = Math.ceil(part.length / 2);
		await again(part.slice(0, half));
		await again(part.slice(half));
	};

	throwIfCancelled(signal);
	const answer = await attempt.call(this, batch);
	throwIfCancelled(signal);
	if (!(answer instanceof XanoApiError)) {
		budget.left = budget.full;
		batch.forEach((pending, position) => outcomes.set(pending.itemIndex, answer[position]));
		return;
	}
	if (isRateLimited(answer)) {
		const waitMs = budget.left > 0 ? rateLimitWaitMs(answer) : null;
		if (waitMs === null) {
			budget.refusal = answer;
			return failAll(batch, answer, outcomes, stopOnError);
		}
		budget.left--;
		await sleepUnlessCancelled(waitMs, signal);
		return batch.length > 1 ? await inHalves(batch) : await again(batch);
	}
	if (answer.status === 413 && batch.length > 1) return await inHalves(batch);

	const refusedInput = answer.status === 400 || answer.status === 404;
	const culprit = batch.length > 1 ? BULK_PARAM.exec(answer.param ?? '') : null;
	const position = culprit ? Number(culprit[1]) : -1;
	if (refusedInput && culprit && position < batch.length) {
		const unknownFunction = answer.status === 404 && culprit[2] !== undefined;
		const name = batch[position].invocation.function;
		const refused = (index: number) =>
			index === position || (unknownFunction && batch[index].invocation.function === name);
		for (let index = 0; index < batch.length; index++) {
			if (!refused(index)) continue;
			const failed = answer.forItem(batch[index].itemIndex, `invocations.${position}.`);
			if (stopOnError) throw failed;
			outcomes.set(batch[index].itemIndex, failed);
		}
		const rest = (from: number, to: number) =>
			batch.slice(from, to).filter((_, offset) => !refused(from + offset));
		// One refusal: the rest goes again as one request. A second one in that request means
		// several refusals: then the part before the culprit goes whole and the part after it in
		// halves, so that many refusals cost a logarithmic resend each, not a resend of everything.
		if (!afterRefusal) return await again(rest(0, batch.length), true);
		await again(rest(0, position), true);
		await inHalves(rest(position + 1, batch.length));
		return;
	}
	if (refusedInput && batch.length > 1) {
		for (const pending of batch) await again([pending]);
		return;
	}
	failAll(batch, answer, outcomes, stopOnError);
}

/** Starts every pending invocation in bulk requests of up to 1,000, one batch after another. */
export async function sendInvocations(
	this: IExecuteFunctions,
	pending: PendingInvocation[],
	stopOnError: boolean,
): Promise<InvocationOutcomes> {
	const outcomes: InvocationOutcomes = new Map();
	const budget = budgetFor(pending);
	for (const batch of chunksOf(pending, MAX_BATCH_SIZE)) {
		await sendBatch.call(this, batch, outcomes, stopOnError, budget);
	}
	return outcomes;
}
