import {
	advanceCursor,
	isKnown,
	pollStart,
	readCursor,
	seedCursor,
	selectUnseen,
	SEEN_LIMIT,
	type CompletionCursor,
	type FinishedExecution,
} from '../../nodes/XanoAsyncTrigger/completion-cursor';

const LOOK_BACK = 1_000;
const done = (id: string, completedAt: number): FinishedExecution => ({
	execution_id: id,
	completed_at: completedAt,
});

/**
 * One poll as the node runs it, over a listing in the backend's order: read from the look-back
 * until `bound` new executions, emit them, advance.
 */
function poll(
	cursor: CompletionCursor,
	visible: FinishedExecution[],
	bound = Infinity,
	lookBack = LOOK_BACK,
) {
	// completed_after goes out in whole milliseconds, rounded down, as the node sends it.
	const start = Math.floor(pollStart(cursor, lookBack));
	const ordered = visible
		.filter((execution) => (execution.completed_at ?? -1) >= start)
		.sort(
			(a, b) =>
				(a.completed_at ?? 0) - (b.completed_at ?? 0) ||
				(a.execution_id < b.execution_id ? -1 : a.execution_id > b.execution_id ? 1 : 0),
		);
	const fetched: FinishedExecution[] = [];
	let fresh = 0;
	for (const execution of ordered) {
		if (fresh >= bound) break;
		fetched.push(execution);
		if (!isKnown(cursor, execution)) fresh++;
	}
	const emitted = selectUnseen(cursor, fetched);
	const next = advanceCursor(cursor, fetched, emitted, lookBack);
	return { emitted: emitted.map((execution) => execution.execution_id), next };
}

/** Polls until one emits nothing; every id emitted, in order. */
function drain(cursor: CompletionCursor, visible: FinishedExecution[], bound: number) {
	const emitted: string[] = [];
	for (let round = 0; round < 1_000; round++) {
		const result = poll(cursor, visible, bound);
		cursor = result.next;
		if (result.emitted.length === 0) return { emitted, cursor };
		emitted.push(...result.emitted);
	}
	throw new Error('The polls never ran dry');
}

describe('completion cursor', () => {
	it('starts from the activation time, or N minutes before it', () => {
		expect(seedCursor(10_000, 0)).toEqual({
			version: 1,
			since: 10_000,
			watermark: 10_000,
			floor: 10_000,
			floorId: null,
			seen: {},
		});
		expect(pollStart(seedCursor(10_000, 60_000), LOOK_BACK)).toBe(-50_000);
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
		// The window stays denser than the bound; re-reading it emits nothing again.
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
		const second = poll(first.next, visible, 2);
		expect(second.emitted).toEqual(['c', 'd']);
		const third = poll(second.next, visible, 2);
		expect(third.emitted).toEqual(['e', 'f']);
		expect(poll(third.next, visible, 2).emitted).toEqual([]);
	});

	it('emits a late arrival inside a bounded millisecond that sorts before ids already read', () => {
		const early = [done('b', 1), done('c', 1), done('d', 1)];
		const first = poll(seedCursor(0, 0), early, 2);
		expect(first.emitted).toEqual(['b', 'c']);
		// 'a' (same millisecond, smaller id) shows up late and lands inside the skipped part.
		const visible = [done('a', 1), ...early];
		const second = poll(first.next, visible, 2);
		const third = poll(second.next, visible, 2);
		expect([...second.emitted, ...third.emitted].sort()).toEqual(['a', 'd']);
	});

	it('emits a late completion behind a chain of bounded polls (the resumed polls had no look-back)', () => {
		// Look-back 1 s, bound 2: the first poll reads a and b and stops at its bound.
		const rows = [done('a', 10_000), done('b', 10_500), done('c', 11_000)];
		const emitted: string[] = [];
		let cursor: CompletionCursor = { ...seedCursor(0, 0), watermark: 9_000 };
		let result = poll(cursor, rows, 2);
		emitted.push(...result.emitted);
		cursor = result.next;
		// 'late' finished at 9.9 s, within the look-back of what was read, and shows up only now;
		// 'd' arrives 990 ms after c, so the watermark runs far ahead while the chain goes on.
		rows.push(done('late', 9_900), done('d', 11_990));
		for (let round = 0; round < 5; round++) {
			result = poll(cursor, rows, 2);
			emitted.push(...result.emitted);
			cursor = result.next;
		}
		expect(emitted.sort()).toEqual(['a', 'b', 'c', 'd', 'late']);
	});

	it(`keeps at most ${SEEN_LIMIT} seen ids, moving the floor onto the newest one dropped`, () => {
		const rows = Array.from({ length: SEEN_LIMIT + 500 }, (_, index) =>
			done(`e${index}`, 100 + Math.floor(index / 10)),
		);
		const first = poll(seedCursor(0, 0), rows);
		expect(first.emitted).toHaveLength(rows.length);
		expect(Object.keys(first.next.seen).length).toBeLessThanOrEqual(SEEN_LIMIT);
		expect(first.next.floor).toBeGreaterThan(first.next.watermark - LOOK_BACK);
		// Nothing is emitted again: the next poll starts past the dropped ids.
		expect(poll(first.next, rows).emitted).toEqual([]);
	});

	it(`loses nothing when the ${SEEN_LIMIT} seen ids fill up inside a millisecond a bounded poll stopped in`, () => {
		const id = (index: number) => `e${String(index).padStart(5, '0')}`;
		const rows = Array.from({ length: SEEN_LIMIT + 1_001 }, (_, index) => done(id(index), 500));
		const { emitted, cursor } = drain(seedCursor(0, 0), rows, 1_000);
		expect(emitted).toEqual(rows.map((row) => row.execution_id));
		expect(Object.keys(cursor.seen)).toHaveLength(SEEN_LIMIT);
		expect([cursor.floor, cursor.floorId]).toEqual([500, id(1_000)]);
	});

	it('loses nothing late inside a millisecond when the seen ids are full', () => {
		const rows = Array.from({ length: SEEN_LIMIT }, (_, index) =>
			done(`m${String(index).padStart(5, '0')}`, 101 + (index % 50)),
		);
		let { cursor } = drain(seedCursor(0, 0), rows, 1_000);
		rows.push(done('late-a', 100), done('late-b', 100));
		const emitted: string[] = [];
		for (let round = 0; round < 5; round++) {
			const result = poll(cursor, rows, 1);
			emitted.push(...result.emitted);
			cursor = result.next;
		}
		expect(emitted).toEqual(['late-a', 'late-b']);
	});

	it('emits nothing twice with a look-back that is not a whole number of milliseconds', () => {
		let cursor = seedCursor(0, 0);
		const rows = [done('a', 1_000), done('b', 1_001)];
		const emitted: string[] = [];
		for (let round = 0; round < 5; round++) {
			const result = poll(cursor, rows, Infinity, 0.5);
			emitted.push(...result.emitted);
			cursor = result.next;
		}
		expect(emitted).toEqual(['a', 'b']);
	});

	it('emits nothing again when the look-back window is made longer', () => {
		const rows = Array.from({ length: 10 }, (_, index) => done(`r${index}`, 1_000 + index * 400));
		const { cursor } = drain(seedCursor(0, 0), rows, 100);
		expect(poll(cursor, rows, Infinity, 60_000).emitted).toEqual([]);
	});

	it('takes an id that names a property of every object ("constructor") for what it is', () => {
		const rows = [done('constructor', 1), done('__proto__', 2), done('toString', 3)];
		const { emitted } = drain(seedCursor(0, 0), rows, 10);
		expect(emitted).toEqual(['constructor', '__proto__', 'toString']);
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
		// A cursor stored with a resume point (before the floor existed) still reads.
		expect(
			readCursor({
				version: 1,
				since: 5,
				watermark: 9,
				resume: { completedAt: 9, skip: 1 },
				seen: {},
			}),
		).toEqual({ version: 1, since: 5, watermark: 9, floor: 5, floorId: null, seen: {} });
	});
});
