import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../../nodes/XanoBatchImport/retry-policy';

describe('retryDelayMs', () => {
	const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

	it('doubles per retry, spread over the upper half of the step', () => {
		expect(retryDelayMs(policy, 1, 0)).toBe(50);
		expect(retryDelayMs(policy, 1, 0.999)).toBe(100);
		expect(retryDelayMs(policy, 2, 0)).toBe(100);
		expect(retryDelayMs(policy, 3, 0.5)).toBe(300);
	});

	it('never waits longer than the cap', () => {
		expect(retryDelayMs(policy, 30, 0.999)).toBeLessThanOrEqual(1_000);
	});

	it('defaults to three retries', () => {
		expect(DEFAULT_RETRY_POLICY.maxRetries).toBe(3);
	});
});
