/**
 * The trigger's cursor over finished executions, kept in the node's static data.
 *
 * Invariants:
 * - `watermark` is the largest `completed_at` the trigger has read; it never goes back.
 * - Every poll starts `lookBackMs` before the watermark (never before `since` or `floor`) and
 *   reads the listing in order from there, because the backend may make a completion visible
 *   after later ones: anything that shows up late within the look-back window of what was read
 *   is still emitted, also when the previous polls stopped at their bound.
 * - `seen` holds every id already emitted whose `completed_at` is at or after where the next poll
 *   starts, so no id is emitted twice. Ids the next poll cannot reach are pruned.
 * - `seen` holds at most SEEN_LIMIT ids (it is saved on every emit). When more were emitted
 *   inside the window, the oldest are dropped and `floor` moves past them, so the look-back
 *   shrinks for that stretch instead of emitting them again.
 * - Executions already emitted do not count against a poll's bound; only new ones do. So a
 *   window, or a single millisecond, holding more completions than one poll may emit is emitted
 *   over the next polls, and a poll reads at most SEEN_LIMIT + its bound executions.
 * - The cursor only moves after every page of a poll was fetched; a failed poll leaves it as it
 *   was, and the next poll reads the same range again.
 */
export interface CompletionCursor {
	version: 1;
	/** Nothing that completed before this is emitted (the activation time, or N minutes before). */
	since: number;
	watermark: number;
	/** No poll starts before this: ids before it were dropped from `seen` at its limit. */
	floor: number;
	/** Emitted execution ids inside the window the next poll reads, with their `completed_at`. */
	seen: Record<string, number>;
}

/** Most ids `seen` keeps; about 60 bytes each in the static data. */
export const SEEN_LIMIT = 5_000;

/** The fields of an execution the cursor needs. */
export interface FinishedExecution {
	execution_id: string;
	completed_at: number | null;
}

export function seedCursor(nowMs: number, includeLastMs: number): CompletionCursor {
	const since = nowMs - Math.max(0, includeLastMs);
	return { version: 1, since, watermark: since, floor: since, seen: {} };
}

/** A cursor read back from static data, or undefined when there is none or it is unreadable. */
export function readCursor(stored: unknown): CompletionCursor | undefined {
	if (stored === null || typeof stored !== 'object') return undefined;
	const cursor = stored as Partial<CompletionCursor>;
	if (
		cursor.version !== 1 ||
		typeof cursor.since !== 'number' ||
		typeof cursor.watermark !== 'number' ||
		cursor.seen === null ||
		typeof cursor.seen !== 'object'
	) {
		return undefined;
	}
	// A cursor stored before `floor` existed (it had a resume point instead) starts at `since`.
	return {
		version: 1,
		since: cursor.since,
		watermark: cursor.watermark,
		floor: typeof cursor.floor === 'number' ? cursor.floor : cursor.since,
		seen: { ...cursor.seen },
	};
}

/** `completed_after` of the next poll: the look-back before the watermark. */
export function pollStart(cursor: CompletionCursor, lookBackMs: number): number {
	return Math.max(cursor.since, cursor.floor, cursor.watermark - Math.max(0, lookBackMs));
}

/**
 * The executions of one poll that were never emitted, in the order read. Repeats inside the
 * poll (a page boundary shifted by a late completion) count once.
 */
export function selectUnseen<T extends FinishedExecution>(
	cursor: CompletionCursor,
	fetched: readonly T[],
): T[] {
	const taken = new Set<string>();
	const fresh: T[] = [];
	for (const execution of fetched) {
		const completedAt = execution.completed_at;
		if (completedAt === null || completedAt < cursor.since) continue;
		if (execution.execution_id in cursor.seen || taken.has(execution.execution_id)) continue;
		taken.add(execution.execution_id);
		fresh.push(execution);
	}
	return fresh;
}

/**
 * The cursor after a poll that read every page it asked for. `fetched` is what it read, in the
 * listing's order; `emitted` what of it was new. Returns a new cursor; the old one is not changed.
 */
export function advanceCursor(
	cursor: CompletionCursor,
	fetched: readonly FinishedExecution[],
	emitted: readonly FinishedExecution[],
	lookBackMs: number,
): CompletionCursor {
	let watermark = cursor.watermark;
	for (const execution of fetched) {
		if (execution.completed_at !== null) watermark = Math.max(watermark, execution.completed_at);
	}
	let floor = cursor.floor;
	const keepFrom = Math.max(floor, watermark - Math.max(0, lookBackMs));

	let kept: Array<[string, number]> = Object.entries(cursor.seen).filter(
		([, completedAt]) => completedAt >= keepFrom,
	);
	for (const execution of emitted) {
		if (execution.completed_at !== null && execution.completed_at >= keepFrom) {
			kept.push([execution.execution_id, execution.completed_at]);
		}
	}
	if (kept.length > SEEN_LIMIT) {
		// Drop whole milliseconds, oldest first: a poll starting inside a millisecond whose ids
		// were partly dropped would emit the dropped ones again.
		kept.sort((a, b) => b[1] - a[1]);
		const cut = kept[SEEN_LIMIT][1];
		kept = kept.filter(([, completedAt]) => completedAt > cut);
		floor = Math.max(floor, cut + 1);
	}
	return { version: 1, since: cursor.since, watermark, floor, seen: Object.fromEntries(kept) };
}
