/**
 * The trigger's cursor over finished executions, kept in the node's static data.
 *
 * Invariants:
 * - `watermark` is the largest `completed_at` the trigger has read; it never goes back.
 * - `seen` holds every id already emitted whose `completed_at` is inside the window the next
 *   poll re-reads, so no id is emitted twice.
 * - A poll re-reads `lookBackMs` before the watermark, because the backend may make a completion
 *   visible after later ones; anything that shows up late inside that window is still emitted.
 * - The cursor only moves after every page of a poll was fetched; a failed poll leaves it as it
 *   was, and the next poll reads the same range again.
 * - A poll that stopped at its page bound resumes where it stopped (`resume`: the last
 *   millisecond read and how many executions of that millisecond were read) instead of re-reading
 *   the window, so a window, or a single millisecond, holding more completions than one poll may
 *   read cannot stall the trigger. A late completion that a resumed poll skips is still inside
 *   the look-back window of the next full poll.
 */
export interface CompletionCursor {
	version: 1;
	/** Nothing that completed before this is emitted (the activation time, or N minutes before). */
	since: number;
	watermark: number;
	/** Where the next poll starts when the previous one stopped at its bound. */
	resume: ResumePoint | null;
	/** Emitted execution ids near the watermark, with their `completed_at`. */
	seen: Record<string, number>;
}

export interface ResumePoint {
	completedAt: number;
	/** Executions of that millisecond already read, in the listing's order. */
	skip: number;
}

/** Where a poll starts: `completed_after` (inclusive), then leave out the first `skip` entries. */
export interface PollStart {
	completedAfter: number;
	skip: number;
}

/** The fields of an execution the cursor needs. */
export interface FinishedExecution {
	execution_id: string;
	completed_at: number | null;
}

export function seedCursor(nowMs: number, includeLastMs: number): CompletionCursor {
	const since = nowMs - Math.max(0, includeLastMs);
	return { version: 1, since, watermark: since, resume: null, seen: {} };
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
	const resume = cursor.resume;
	return {
		version: 1,
		since: cursor.since,
		watermark: cursor.watermark,
		resume:
			resume && typeof resume.completedAt === 'number' && typeof resume.skip === 'number'
				? { completedAt: resume.completedAt, skip: resume.skip }
				: null,
		seen: { ...cursor.seen },
	};
}

/** Where the next poll reads from. */
export function pollStart(cursor: CompletionCursor, lookBackMs: number): PollStart {
	if (cursor.resume !== null && cursor.resume.completedAt >= cursor.since) {
		return { completedAfter: cursor.resume.completedAt, skip: cursor.resume.skip };
	}
	return {
		completedAfter: Math.max(cursor.since, cursor.watermark - Math.max(0, lookBackMs)),
		skip: 0,
	};
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
 * The cursor after a poll that read every page from `start` on. `fetched` is what it read after
 * the skip, in the listing's order; `truncated` says it stopped at its bound with more left.
 * Returns a new cursor; the old one is not changed.
 */
export function advanceCursor(
	cursor: CompletionCursor,
	start: PollStart,
	fetched: readonly FinishedExecution[],
	emitted: readonly FinishedExecution[],
	truncated: boolean,
	lookBackMs: number,
): CompletionCursor {
	let watermark = cursor.watermark;
	let lastRead: number | null = null;
	let readAtLast = 0;
	for (const execution of fetched) {
		if (execution.completed_at === null) continue;
		watermark = Math.max(watermark, execution.completed_at);
		if (lastRead === null || execution.completed_at > lastRead) {
			lastRead = execution.completed_at;
			readAtLast = 0;
		}
		if (execution.completed_at === lastRead) readAtLast++;
	}

	let resume: ResumePoint | null = null;
	if (truncated && lastRead !== null) {
		const skippedBefore = lastRead === start.completedAfter ? start.skip : 0;
		resume = { completedAt: lastRead, skip: skippedBefore + readAtLast };
	}
	// Ids at the resume point itself stay in `seen`: a late arrival there shifts the listing.
	const keepFrom = Math.min(watermark - Math.max(0, lookBackMs), resume?.completedAt ?? Infinity);

	const seen: Record<string, number> = {};
	for (const [id, completedAt] of Object.entries(cursor.seen)) {
		if (completedAt >= keepFrom) seen[id] = completedAt;
	}
	for (const execution of emitted) {
		if (execution.completed_at !== null && execution.completed_at >= keepFrom) {
			seen[execution.execution_id] = execution.completed_at;
		}
	}

	return { version: 1, since: cursor.since, watermark, resume, seen };
}
