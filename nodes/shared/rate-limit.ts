import type { XanoApiError } from './errors';

/**
 * How every node waits out a 429. The contract says to wait as `Retry-After` says, so the wait is
 * honoured in full up to MAX_RATE_LIMIT_WAIT_MS; a backend asking for longer, or a wait that would
 * end past the caller's deadline, is not waited at all: the 429 is the answer then. A retry sooner
 * than the backend asked would only be refused again.
 */

/** Longest `Retry-After` waited out: five minutes. */
export const MAX_RATE_LIMIT_WAIT_MS = 300_000;

/** A `Retry-After` of 0 (or a date already past, or none) still waits this long: never hammer. */
export const MIN_RATE_LIMIT_WAIT_MS = 1_000;

export function isRateLimited(error: XanoApiError): boolean {
	return error.status === 429;
}

/**
 * Milliseconds to wait before trying again after `error` (a 429), or null when it must not be
 * retried: the backend asks for more than the bound, or the wait would pass `deadline` (epoch ms).
 */
export function rateLimitWaitMs(error: XanoApiError, deadline?: number): number | null {
	const askedMs = (error.retryAfterSeconds ?? 0) * 1000;
	if (askedMs > MAX_RATE_LIMIT_WAIT_MS) return null;
	const waitMs = Math.max(askedMs, MIN_RATE_LIMIT_WAIT_MS);
	if (deadline !== undefined && Date.now() + waitMs > deadline) return null;
	return waitMs;
}
