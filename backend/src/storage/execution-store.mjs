// @ts-check
import { randomInt, randomUUID } from 'node:crypto';
import { defineStoredJson } from './stored-json.mjs';

/**
 * The storage interface of executions. Everything the queue, the executor and the HTTP layer
 * know about SQL ends here: they speak in enqueue, claim, complete, fail, cancel, list and purge.
 */

/** @typedef {'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'timed_out'} ExecutionStatus */
/** @typedef {'critical' | 'high' | 'normal' | 'low'} Priority */
/** @typedef {import('../errors.mjs').ErrorShape} ErrorShape */

/**
 * The execution object of the contract.
 * @typedef {object} Execution
 * @property {string} execution_id
 * @property {string} function
 * @property {ExecutionStatus} status
 * @property {unknown} input
 * @property {unknown} output
 * @property {ErrorShape | null} error
 * @property {number} attempts
 * @property {Priority} priority
 * @property {string[]} tags
 * @property {number} created_at
 * @property {number | null} started_at
 * @property {number | null} completed_at
 * @property {number | null} duration_ms
 * @property {string | null} idempotency_key
 */

/**
 * One accepted invocation, already validated.
 * @typedef {object} Invocation
 * @property {string} function
 * @property {unknown} input
 * @property {string | null} idempotencyKey
 * @property {Priority} priority
 * @property {number} timeoutSeconds
 * @property {string[]} tags
 */

/**
 * A function's input on its way to a worker: the stored JSON text of an execution's input, parsed
 * in the worker (the main thread neither parses nor clones it), or a value a synchronous run got.
 * @typedef {{ json: string } | { value: unknown }} TaskInput
 */

/**
 * What the executor needs to run a claimed execution.
 * @typedef {{ id: string, ownerId: number, function: string, input: TaskInput, attempts: number, timeoutSeconds: number }} ClaimedExecution
 */

export const PRIORITY_RANK = Object.freeze({ critical: 0, high: 1, normal: 2, low: 3 });
export const TERMINAL_STATUSES = Object.freeze(['completed', 'failed', 'cancelled', 'timed_out']);

/** The queue is full; nothing of the request was stored. */
export class QueueFullError extends Error {
	/** @param {number} pending @param {number} requested @param {number} queueSize */
	constructor(pending, requested, queueSize) {
		super(
			`The queue is full: ${pending} of ${queueSize} pending executions, ${requested} more requested.`,
		);
		this.pending = pending;
		this.requested = requested;
		this.queueSize = queueSize;
	}
}

/**
 * @param {import('better-sqlite3').Database} db
 * @param {{ visibilityLagMs: number, now?: () => number }} options
 */
export function createExecutionStore(db, { visibilityLagMs, now = Date.now }) {
	const statements = {
		insert: db.prepare(`
			INSERT INTO executions (id, owner_id, function, input, status, priority, priority_rank,
				timeout_seconds, tags, idempotency_key, created_at)
			VALUES (@id, @ownerId, @function, @input, 'pending', @priority, @priorityRank,
				@timeoutSeconds, @tags, @idempotencyKey, @createdAt)`),
		byKey: db.prepare(`
			SELECT * FROM executions
			WHERE owner_id = ? AND function = ? AND idempotency_key = ?
				AND status IN ('pending', 'running', 'completed')`),
		byId: db.prepare('SELECT * FROM executions WHERE id = ?'),
		byOwnerAndId: db.prepare('SELECT * FROM executions WHERE owner_id = ? AND id = ?'),
		// The input (the large column) is read only for a terminal execution.
		terminalByOwnerAndId: db.prepare(`
			SELECT id, function, status, output, error, attempts, priority, tags, created_at,
				started_at, completed_at, duration_ms, idempotency_key,
				CASE WHEN status IN ('completed', 'failed', 'cancelled', 'timed_out') THEN input END
					AS input
			FROM executions WHERE owner_id = ? AND id = ?`),
		countPending: db.prepare(`SELECT COUNT(*) AS n FROM executions WHERE status = 'pending'`),
		claim: db.prepare(`
			UPDATE executions SET status = 'running', started_at = @now, attempts = attempts + 1
			WHERE seq = (
				SELECT seq FROM executions WHERE status = 'pending' ORDER BY priority_rank, seq LIMIT 1
			)
			RETURNING id, owner_id, function, input, attempts, timeout_seconds`),
		claimPending: db.prepare(`
			UPDATE executions SET status = 'running', started_at = @now, attempts = attempts + 1
			WHERE owner_id = @ownerId AND id = @id AND status = 'pending'
			RETURNING id, owner_id, function, input, attempts, timeout_seconds`),
		finish: db.prepare(`
			UPDATE executions
			SET status = @status, output = @output, error = @error, completed_at = @completedAt,
				visible_at = @visibleAt, duration_ms = @completedAt - started_at
			WHERE id = @id AND status = 'running'
			RETURNING *`),
		cancelPending: db.prepare(`
			UPDATE executions
			SET status = 'cancelled', error = @error, completed_at = @completedAt, visible_at = @visibleAt
			WHERE owner_id = @ownerId AND id = @id AND status = 'pending'
			RETURNING *`),
		requestCancel: db.prepare(`
			UPDATE executions SET cancel_requested = 1
			WHERE owner_id = ? AND id = ? AND status = 'running'
			RETURNING *`),
		requeue: db.prepare(`
			UPDATE executions SET status = 'pending', started_at = NULL
			WHERE id = ? AND status = 'running'`),
		interrupted: db.prepare(
			`SELECT id, attempts, cancel_requested FROM executions WHERE status = 'running'`,
		),
		purge: db.prepare(`
			DELETE FROM executions
			WHERE status IN ('completed', 'failed', 'cancelled', 'timed_out') AND completed_at < ?`),
		statusCounts: db.prepare('SELECT status, COUNT(*) AS n FROM executions GROUP BY status'),
		functionStats: db.prepare(`
			SELECT function,
				COUNT(*) AS finished,
				SUM(status = 'completed') AS completed,
				AVG(CASE WHEN duration_ms IS NOT NULL AND started_at IS NOT NULL THEN duration_ms END)
					AS average_duration_ms
			FROM executions
			WHERE status IN ('completed', 'failed', 'cancelled', 'timed_out')
			GROUP BY function ORDER BY function`),
		recentAverageDuration: db.prepare(`
			SELECT AVG(duration_ms) AS ms FROM (
				SELECT duration_ms FROM executions
				WHERE status = 'completed' ORDER BY completed_at DESC LIMIT 100
			)`),
	};

	/** A terminal execution becomes listable at once, or up to the configured lag later. */
	const visibleAtFor = (/** @type {number} */ completedAt) =>
		visibilityLagMs > 0 ? completedAt + randomInt(visibilityLagMs + 1) : completedAt;

	/**
	 * Stores every invocation of one request, or none: hits on live idempotency keys are answered
	 * with the existing execution and the queue limit is checked against the new ones only.
	 * @param {number} ownerId
	 * @param {Invocation[]} invocations
	 * @param {number} queueSize
	 * @returns {{ execution: Execution, deduplicated: boolean }[]}
	 */
	const enqueue = db.transaction(
		(
			/** @type {number} */ ownerId,
			/** @type {Invocation[]} */ invocations,
			/** @type {number} */ queueSize,
		) => {
			/** @type {Map<string, any>} the rows this request creates, by idempotency scope */
			const createdByKey = new Map();
			/** @type {({ hit: any } | { invocation: Invocation, id: string })[]} */
			const plan = [];
			let newCount = 0;
			for (const invocation of invocations) {
				const scope =
					invocation.idempotencyKey === null
						? null
						: JSON.stringify([invocation.function, invocation.idempotencyKey]);
				const hit =
					scope === null
						? undefined
						: (statements.byKey.get(ownerId, invocation.function, invocation.idempotencyKey) ??
							createdByKey.get(scope));
				if (hit) {
					plan.push({ hit });
					continue;
				}
				const id = randomUUID();
				if (scope !== null) createdByKey.set(scope, { pendingId: id });
				plan.push({ invocation, id });
				newCount += 1;
			}

			const pending = /** @type {{ n: number }} */ (statements.countPending.get()).n;
			if (newCount > 0 && pending + newCount > queueSize) {
				throw new QueueFullError(pending, newCount, queueSize);
			}

			const createdAt = now();
			/** @type {Map<string, any>} the rows inserted, as SELECT * would read them back */
			const inserted = new Map();
			for (const step of plan) {
				if (!('invocation' in step)) continue;
				const { invocation, id } = step;
				const values = {
					id,
					ownerId,
					function: invocation.function,
					input: JSON.stringify(invocation.input ?? null),
					priority: invocation.priority,
					priorityRank: PRIORITY_RANK[invocation.priority],
					timeoutSeconds: invocation.timeoutSeconds,
					tags: JSON.stringify(invocation.tags),
					idempotencyKey: invocation.idempotencyKey,
					createdAt,
				};
				statements.insert.run(values);
				// What a new row holds is known, so it is not read back (a large input would be read
				// and copied again): every other column is still at its default.
				inserted.set(id, {
					id,
					function: values.function,
					status: 'pending',
					input: values.input,
					output: null,
					error: null,
					attempts: 0,
					priority: values.priority,
					tags: values.tags,
					created_at: createdAt,
					started_at: null,
					completed_at: null,
					duration_ms: null,
					idempotency_key: values.idempotencyKey,
				});
			}
			return plan.map((step) => {
				if ('invocation' in step) {
					return { execution: toExecution(inserted.get(step.id)), deduplicated: false };
				}
				const row = step.hit.pendingId ? inserted.get(step.hit.pendingId) : step.hit;
				return { execution: toExecution(row), deduplicated: true };
			});
		},
	);

	return {
		enqueue,

		/**
		 * Moves the next pending execution (priority, then arrival) to running and counts the attempt.
		 * @returns {ClaimedExecution | null}
		 */
		claim() {
			const row = statements.claim.get({ now: now() });
			return row ? toClaimed(row) : null;
		},

		/**
		 * Moves one given execution of the caller to running, when it is still pending: the run that
		 * awaits it starts it out of turn (see the executor's helper slots).
		 * @param {number} ownerId
		 * @param {string} id
		 * @returns {ClaimedExecution | null}
		 */
		claimPending(ownerId, id) {
			const row = statements.claimPending.get({ now: now(), ownerId, id });
			return row ? toClaimed(row) : null;
		},

		/**
		 * Ends a running execution. Only a running one changes, so a late result of a run that was
		 * already timed out or cancelled is dropped, and a completed execution is never ended twice.
		 * @param {string} id
		 * @param {{ status: Exclude<ExecutionStatus, 'pending' | 'running'>, output?: unknown, error?: ErrorShape | null, at?: number }} outcome
		 * @returns {Execution | null}
		 */
		finish(id, { status, output = null, error = null, at }) {
			// TODO(outputs of several MB show up in real use): keep large outputs by reference
			// (an output URL) instead of inline, as Trigger.dev does past 512 KB.
			const completedAt = at ?? now();
			const row = statements.finish.get({
				id,
				status,
				output: status === 'completed' ? JSON.stringify(output ?? null) : null,
				error: error ? JSON.stringify(error) : null,
				completedAt,
				visibleAt: visibleAtFor(completedAt),
			});
			return row ? toExecution(row) : null;
		},

		/**
		 * @param {number} ownerId
		 * @param {string} id
		 * @param {ErrorShape} error
		 * @returns {{ execution: Execution, state: 'cancelled' | 'requested' | 'unchanged' } | null}
		 */
		cancel(ownerId, id, error) {
			const completedAt = now();
			const cancelled = statements.cancelPending.get({
				ownerId,
				id,
				error: JSON.stringify(error),
				completedAt,
				visibleAt: visibleAtFor(completedAt),
			});
			if (cancelled) return { execution: toExecution(cancelled), state: 'cancelled' };
			const requested = statements.requestCancel.get(ownerId, id);
			if (requested) return { execution: toExecution(requested), state: 'requested' };
			const row = statements.byOwnerAndId.get(ownerId, id);
			return row ? { execution: toExecution(row), state: 'unchanged' } : null;
		},

		/** Puts a running execution back in the queue (a run cut short by shutdown). @param {string} id */
		requeue(id) {
			statements.requeue.run(id);
		},

		/**
		 * Executions found running at start were cut short by a crash. Each is queued again while it
		 * has attempts left, or failed with ERROR_CODE_CRASHED; one whose cancel was requested ends
		 * cancelled. Completed ones are never touched.
		 * @param {number} maxAttempts
		 * @param {ErrorShape} crashError
		 * @param {ErrorShape} cancelError
		 */
		recoverInterrupted: db.transaction(
			(
				/** @type {number} */ maxAttempts,
				/** @type {ErrorShape} */ crashError,
				/** @type {ErrorShape} */ cancelError,
			) => {
				const rows = /** @type {{ id: string, attempts: number, cancel_requested: number }[]} */ (
					statements.interrupted.all()
				);
				let requeued = 0;
				let failed = 0;
				let cancelled = 0;
				for (const row of rows) {
					if (row.cancel_requested) {
						const completedAt = now();
						statements.finish.get({
							id: row.id,
							status: 'cancelled',
							output: null,
							error: JSON.stringify(cancelError),
							completedAt,
							visibleAt: completedAt,
						});
						cancelled += 1;
					} else if (row.attempts < maxAttempts) {
						statements.requeue.run(row.id);
						requeued += 1;
					} else {
						const completedAt = now();
						statements.finish.get({
							id: row.id,
							status: 'failed',
							output: null,
							error: JSON.stringify({
								...crashError,
								payload: { attempts: row.attempts, max_attempts: maxAttempts },
							}),
							completedAt,
							visibleAt: completedAt,
						});
						failed += 1;
					}
				}
				return { requeued, failed, cancelled };
			},
		),

		/**
		 * A terminal execution in full; of one still pending or running only its status, so that its
		 * input is not read and copied for nothing.
		 * @param {number} ownerId @param {string} id
		 * @returns {Execution | { status: 'pending' | 'running' } | null}
		 */
		getIfTerminal(ownerId, id) {
			const row = /** @type {any} */ (statements.terminalByOwnerAndId.get(ownerId, id));
			if (!row) return null;
			return row.input === null ? { status: row.status } : toExecution(row);
		},

		/** @param {number} ownerId @param {string} id @returns {Execution | null} */
		get(ownerId, id) {
			const row = statements.byOwnerAndId.get(ownerId, id);
			return row ? toExecution(row) : null;
		},

		/**
		 * The caller's terminal executions in the trigger's order, as visible now.
		 * @param {number} ownerId
		 * @param {{ statuses: string[], functions: string[], completedAfter: number | null, offset: number, limit: number }} query
		 * @returns {Execution[]}
		 */
		listTerminal(ownerId, { statuses, functions, completedAfter, offset, limit }) {
			const where = ['owner_id = ?', 'completed_at IS NOT NULL', 'visible_at <= ?'];
			/** @type {unknown[]} */
			const params = [ownerId, now()];
			where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
			params.push(...statuses);
			if (functions.length > 0) {
				where.push(`function IN (${functions.map(() => '?').join(', ')})`);
				params.push(...functions);
			}
			if (completedAfter !== null) {
				where.push('completed_at >= ?');
				params.push(completedAfter);
			}
			const sql = `SELECT * FROM executions WHERE ${where.join(' AND ')}
				ORDER BY completed_at ASC, id ASC LIMIT ? OFFSET ?`;
			return db
				.prepare(sql)
				.all(...params, limit, offset)
				.map(toExecution);
		},

		/** Removes terminal executions completed before `before`. Pending and running ones stay. */
		purgeCompletedBefore(/** @type {number} */ before) {
			return statements.purge.run(before).changes;
		},

		countPending() {
			return /** @type {{ n: number }} */ (statements.countPending.get()).n;
		},

		/** Average duration of the last completed runs, for Retry-After estimates. */
		recentAverageDurationMs() {
			return /** @type {{ ms: number | null }} */ (statements.recentAverageDuration.get()).ms;
		},

		/** Server-wide counts for /async/stats. */
		stats() {
			/** @type {Record<string, number>} */
			const byStatus = {
				pending: 0,
				running: 0,
				completed: 0,
				failed: 0,
				cancelled: 0,
				timed_out: 0,
			};
			for (const row of /** @type {{ status: string, n: number }[]} */ (
				statements.statusCounts.all()
			)) {
				byStatus[row.status] = row.n;
			}
			const functions = /** @type {any[]} */ (statements.functionStats.all()).map((row) => ({
				function: row.function,
				finished: row.finished,
				completed: row.completed,
				success_rate: row.finished > 0 ? row.completed / row.finished : null,
				average_duration_ms:
					row.average_duration_ms === null ? null : Math.round(row.average_duration_ms),
			}));
			return { byStatus, functions };
		},
	};
}

/** @typedef {ReturnType<typeof createExecutionStore>} ExecutionStore */

/** @param {any} row @returns {ClaimedExecution} */
function toClaimed(row) {
	return {
		id: row.id,
		ownerId: row.owner_id,
		function: row.function,
		input: { json: row.input },
		attempts: row.attempts,
		timeoutSeconds: row.timeout_seconds,
	};
}

/**
 * Input and output are parsed only when read (see stored-json.mjs): an answer that just sends the
 * execution writes their stored text as it is.
 * @param {any} row
 * @returns {Execution}
 */
function toExecution(row) {
	const execution = {
		execution_id: row.id,
		function: row.function,
		status: row.status,
		input: /** @type {unknown} */ (null),
		output: /** @type {unknown} */ (null),
		error: row.error === null ? null : JSON.parse(row.error),
		attempts: row.attempts,
		priority: row.priority,
		tags: JSON.parse(row.tags),
		created_at: row.created_at,
		started_at: row.started_at,
		completed_at: row.completed_at,
		duration_ms: row.duration_ms,
		idempotency_key: row.idempotency_key,
	};
	return defineStoredJson(
		execution,
		row.output === null ? { input: row.input } : { input: row.input, output: row.output },
	);
}
