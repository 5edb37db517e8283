/**
 * Runs `task(0) … task(count - 1)` with at most `limit` of them in flight, and returns their
 * results in index order. Tasks are started lazily, in index order, so nothing is prepared for a
 * task before a slot is free.
 *
 * A task that throws stops the pool from starting new tasks; the tasks already in flight are
 * awaited (never abandoned half-way), then the first error is rethrown. Tasks that want to carry
 * on after a failure must return the failure as a value instead of throwing.
 */
export async function runWithConcurrency<T>(
	count: number,
	limit: number,
	task: (index: number) => Promise<T>,
): Promise<T[]> {
	if (!Number.isInteger(limit) || limit < 1) {
		throw new RangeError(`Concurrency must be a whole number of at least 1, got ${limit}`);
	}
	const results = new Array<T>(count);
	let next = 0;
	let firstError: { error: unknown } | undefined;

	const lane = async () => {
		while (firstError === undefined && next < count) {
			const index = next++;
			try {
				results[index] = await task(index);
			} catch (error) {
				firstError ??= { error };
			}
		}
	};

	await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
	if (firstError !== undefined) throw firstError.error;
	return results;
}
