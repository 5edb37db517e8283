import {
	advanceCursor,
	pollStart,
	readCursor,
	seedCursor,
	selectUnseen,
	type CompletionCursor,
	type FinishedExecution,
} from '../../nodes/XanoAsyncTrigger/completion-cursor';

const LOOK_BACK = 1_000;
const done = (id: string, completedAt: number): FinishedExecution => ({
	execution_id: id,
	completed_at: completedAt,
});

/** One poll as the node runs it, over a listing in the backend's order: read, emit, advance. */
function poll(cursor: CompletionCursor, visible: FinishedExecution[], bound = Infinity) {
	const start = pollStart(cursor, LOOK_BACK);
	const ordered = visible
		.filter((execution) => (execution.completed_at ?? -1) >= start.completedAfter)
		.sort(
			(a, b) =>
				(a.completed_at ?? 0) - (b.completed_at ?? 0) ||
				a.execution_id.localeCompare(b.execution_id),
		)
		.slice(start.skip);
	const fetched = ordered.slice(0, bound);
	const emitted = selectUnseen(cursor, fetched);
	const next = advanceCursor(cursor, start, fetched, emitted, ordered.length > bound, LOOK_BACK);
	return { emitted: emitted.map((execution) => execution.execution_id), next };
}

describe('completion cursor', () => {
	it('starts from the activation time, or N minutes before it', () => {
		expect(seedCursor(10_000, 0)).toEqual({
			version: 1,
			since: 10_000,
			watermark: 10_000,
			resume: null,
			seen: {},
		});
		expect(pollStart(seedCursor(10_000, 60_000), LOOK_BACK)).toEqual({
			completedAfter: -50_000,
			skip: 0,
		});
	});

	it('never emits what completed before the start, even inside the look-back window', () => {
		const cursor = seedCursor(10_000, 0);
		expect(poll(cursor, [done('old', 9_999), done('new', 10_000)]).emitted).toEqual(['new']);
	});

	it('emits every one of several completions sharing a millisecond, once', () => {
		let cursor = seedCursor(0, 0);
		const first = poll(cursor, [done('a', 500), done('b', 500)]);
		expect(first.emitted).toEqual(['a', 'b']);
		cursor = first.next;
		// A third completion of the same millisecond becomes visible after the poll.
		const second = poll(cursor, [done('a', 500), done('b', 500), done('c', 500)]);
		expect(second.emitted).toEqual(['c']);
		expect(poll(second.next, [done('a', 500), done('b', 500), done('c', 500)]).emitted).toEqual([]);
	});

	it('emits a completion that becomes visible late, within the look-back window', () => {
		let cursor = seedCursor(0, 0);
		const first = poll(cursor, [done('later', 2_000)]);
		cursor = first.next;
		expect(cursor.watermark).toBe(2_000);
		// 'earlier' finished 800 ms before 'later' but only now shows up.
		const second = poll(cursor, [done('later', 2_000), done('earlier', 1_200)]);
		expect(second.emitted).toEqual(['earlier']);
	});

	it('forgets ids that fell out of the look-back window, keeping the static data small', () => {
		let cursor = seedCursor(0, 0);
		cursor = poll(cursor, [done('a', 100)]).next;
		cursor = poll(cursor, [done('a', 100), done('b', 5_000)]).next;
		expect(Object.keys(cursor.seen)).toEqual(['b']);
	});

	it('resumes after a poll that stopped at its bound, and loses nothing of a dense window', () => {
		const visible = Array.from({ length: 25 }, (_, index) =>
			done(`e${String(index).padStart(2, '0')}`, 1_000 + index),
		);
		let cursor = seedCursor(0, 0);
		const emitted: string[] = [];
		for (let round = 0; round < 10; round++) {
			const result = poll(cursor, visible, 10);
			emitted.push(...result.emitted);
			cursor = result.next;
		}
		expect(emitted).toEqual(visible.map((execution) => execution.execution_id));
		// The window stays denser than the bound, so polls alternate between re-reading it and
		// resuming; neither emits anything again.
		for (let round = 0; round < 10; round++) {
			const result = poll(cursor, visible, 10);
			expect(result.emitted).toEqual([]);
			cursor = result.next;
		}
	});

	it('pages through one millisecond holding more completions than a poll may read', () => {
		const visible = [
			done('a', 1),
			done('b', 1),
			done('c', 1),
			done('d', 1),
			done('e', 1),
			done('f', 2),
		];
		const first = poll(seedCursor(0, 0), visible, 2);
		expect(first.emitted).toEqual(['a', 'b']);
		expect(first.next.resume).toEqual({ completedAt: 1, skip: 2 });
		const second = poll(first.next, visible, 2);
		expect(second.emitted).toEqual(['c', 'd']);
		expect(second.next.resume).toEqual({ completedAt: 1, skip: 4 });
		const third = poll(second.next, visible, 2);
		expect(third.emitted).toEqual(['e', 'f']);
		expect(third.next.resume).toBeNull();
		expect(poll(third.next, visible, 2).emitted).toEqual([]);
	});

	it('still emits a late arrival a resumed poll skipped over, in the next full poll', () => {
		const early = [done('b', 1), done('c', 1), done('d', 1)];
		const first = poll(seedCursor(0, 0), early, 2);
		expect(first.emitted).toEqual(['b', 'c']);
		// 'a' (same millisecond, smaller id) shows up late and lands inside the skipped part.
		const visible = [done('a', 1), ...early];
		const second = poll(first.next, visible, 2);
		const third = poll(second.next, visible, 2);
		expect([...second.emitted, ...third.emitted].sort()).toEqual(['a', 'd']);
	});

	it('does not change the cursor it was given', () => {
		const cursor = seedCursor(0, 0);
		const before = JSON.stringify(cursor);
		poll(cursor, [done('a', 1)]);
		expect(JSON.stringify(cursor)).toBe(before);
	});

	it('skips executions without a completion time and repeats inside one poll', () => {
		const cursor = seedCursor(0, 0);
		const fetched = [done('a', 1), { execution_id: 'x', completed_at: null }, done('a', 1)];
		expect(selectUnseen(cursor, fetched).map((execution) => execution.execution_id)).toEqual(['a']);
	});

	it('reads back what it stored and rejects anything else', () => {
		const stored = JSON.parse(JSON.stringify(poll(seedCursor(0, 0), [done('a', 1)]).next));
		expect(readCursor(stored)).toEqual(stored);
		expect(readCursor(undefined)).toBeUndefined();
		expect(readCursor({ version: 2 })).toBeUndefined();
		expect(readCursor({ version: 1, since: 'x', watermark: 0, seen: {} })).toBeUndefined();
	});
});
