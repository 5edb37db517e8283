/**
 * When to try a failed batch again. Failed attempts back off exponentially with jitter, so ten
 * lanes whose batches failed together do not come back together. (A 429 is not a failed attempt:
 * the shared transport waits as long as `Retry-After` says and sends the same request again.)
 */
export interface RetryPolicy {
	/** Retries after the first attempt; 0 means one attempt only. */
	maxRetries: number;
	/** Delay before the first retry. */
	baseDelayMs: number;
	/** No delay is longer than this. */
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
};

/**
 * Delay before retry number `retry` (1 for the first retry). `random` is a number in [0, 1);
 * the delay is spread over the upper half of the exponential step so it never collapses to 0.
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, random: number): number {
	const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
	return Math.round(step / 2 + (step / 2) * random);
}
