/**
 * The trigger's cursor over finished executions, kept in the node's static data.
 *
 * Invariants:
 * - `watermark` is the largest `completed_at` the trigger has read; it never goes back.
 * - Every poll starts `lookBackMs` before the watermark (never before `floor`) and
 *   reads the listing in order from there, because the backend may make a completion visible
 *   after later ones: anything that shows up late within the look-back window of what was read
 *   is still emitted, also when the previous polls stopped at their bound.
 * - An execution is known (never emitted again) when its id is in `seen` or it lies below the
 *   floor: before `floor`, or at the `floor` millisecond with an id up to `floorId` (the listing
 *   orders by `completed_at`, then `execution_id`).
 * - `seen` holds the ids already emitted at or after the floor; ids the floor covers are pruned.
 *   The floor starts at `since` and only rises: to where the window starts after each poll (so a longer Look-Back
 *   Window set later does not emit older executions again), and past the oldest ids when `seen`
 *   would exceed SEEN_LIMIT (it is saved on every emit), so the look-back shrinks for that
 *   stretch instead of emitting them again. Every id it passes was emitted.
 * - Executions already emitted do not count against a poll's bound; only new ones do. So a
 *   window, or a single millisecond, holding more completions than one poll may emit is emitted
 *   over the next polls.
 * - The cursor only moves after every page of a poll was fetched; a failed poll leaves it as it
 *   was, and the next poll reads the same range again.
 */
export interface CompletionCursor {
	version: 1;
	/** Nothing that completed before this is emitted (the activation time, or N minutes before). */
	since: number;
	watermark: number;
	/** No poll starts before this millisecond; what completed before it is known. */
	floor: number;
	/** At the `floor` millisecond, ids up to this one (in the listing's order) are known too. */
	floorId: string | null;
	/** Emitted execution ids at or after the floor, with their `completed_at`. */
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
	return { version: 1, since, watermark: since, floor: since, floorId: null, seen: {} };
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
		// Never below `since`, so `floor` alone bounds what may be emitted.
		floor: typeof cursor.floor === 'number' ? Math.max(cursor.floor, cursor.since) : cursor.since,
		floorId: typeof cursor.floorId === 'string' ? cursor.floorId : null,
		seen: { ...cursor.seen },
	};
}

/** The look-back in whole milliseconds, as `completed_after` is sent. */
function lookBackOf(lookBackMs: number): number {
	return Number.isFinite(lookBackMs) ? Math.max(0, Math.ceil(lookBackMs)) : 0;
}

/** `completed_after` of the next poll: the look-back before the watermark. */
export function pollStart(cursor: CompletionCursor, lookBackMs: number): number {
	return Math.max(cursor.floor, cursor.watermark - lookBackOf(lookBackMs));
}

/** Whether an execution was emitted already or may never be (unfinished, before the start). */
export function isKnown(cursor: CompletionCursor, execution: FinishedExecution): boolean {
	const completedAt = execution.completed_at;
	if (completedAt === null || completedAt < cursor.floor) {
		return true;
	}
	if (
		completedAt === cursor.floor &&
		cursor.floorId !== null &&
		execution.execution_id <= cursor.floorId
	) {
		return true;
	}
	// `seen` comes from JSON: an id such as "constructor" must not match the prototype.
	return Object.prototype.hasOwnProperty.call(cursor.seen, execution.execution_id);
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
		if (isKnown(cursor, execution) || taken.has(execution.execution_id)) continue;
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
	// The floor rises to where the next poll's window starts, at least: what is before it was
	// read with its look-back already, and its ids leave `seen`.
	let floor = cursor.floor;
	let floorId = cursor.floorId;
	const windowStart = watermark - lookBackOf(lookBackMs);
	if (windowStart > floor) {
		floor = windowStart;
		floorId = null;
	}
	const below = { ...cursor, floor, floorId, seen: {} };

	let kept: Array<[string, number]> = Object.entries(cursor.seen).filter(
		([id, completedAt]) => !isKnown(below, { execution_id: id, completed_at: completedAt }),
	);
	for (const execution of emitted) {
		if (execution.completed_at !== null && !isKnown(below, execution)) {
			kept.push([execution.execution_id, execution.completed_at]);
		}
	}
	if (kept.length > SEEN_LIMIT) {
		// Keep the newest ids in the listing's order; the floor moves onto the newest one dropped,
		// so exactly the dropped ones (all emitted) become known through it.
		kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));
		[floorId, floor] = kept[SEEN_LIMIT];
		kept = kept.slice(0, SEEN_LIMIT);
	}
	return {
		version: 1,
		since: cursor.since,
		watermark,
		floor,
		floorId,
		seen: Object.fromEntries(kept),
	};
}
