// @ts-check
import { ExecutionErrorCode, executionErrorFrom } from '../errors.mjs';

/**
 * Runs queued executions: at most `maxParallel` at once, claimed in priority order, each with a
 * timeout, in the worker pool. The executor owns the lifecycle of a run:
 *
 *   claimed (running) ─┬─ function returns ──────────────► completed / failed
 *                      ├─ timeout ─► abort ─► (grace) kill ► timed_out
 *                      ├─ cancel ──► abort ─► (grace) kill ► cancelled
 *                      └─ shutdown ► abort ─► (grace) kill ► back to pending (completed if it returned)
 *
 * Invariant: a terminal status is written only once the run has really stopped (its handler
 * settled or its worker was terminated), and its slot is released at that same moment.
 *
 * Synchronous runs (the reference backend's extra `/functions/{name}/run` endpoint) share the same
 * slots and lifecycle but are never stored: they wait in memory for a slot, ahead of the durable
 * queue, and their outcome goes straight back to the waiting request.
 */

/**
 * @typedef {object} ExecutorDeps
 * @property {import('../storage/execution-store.mjs').ExecutionStore} store
 * @property {import('../functions/registry.mjs').FunctionRegistry} registry
 * @property {import('../pool/worker-pool.mjs').WorkerPool} pool
 * @property {import('./completion-bus.mjs').CompletionBus} bus
 * @property {(run: { ownerId: number, executionId: string, ended: AbortSignal }, message: any, reply: (answer: any) => void) => void} onFunctionMessage
 * @property {import('pino').Logger} log
 * @property {number} maxParallel
 * @property {number} abortGraceMs
 */

/**
 * @typedef {object} ActiveRun
 * @property {import('../storage/execution-store.mjs').ClaimedExecution} claimed
 * @property {import('../pool/worker-pool.mjs').RunHandle} handle
 * @property {NodeJS.Timeout} timeoutTimer
 * @property {NodeJS.Timeout | null} killTimer
 * @property {'timeout' | 'cancel' | 'shutdown' | null} stopReason
 * @property {import('pino').Logger} log
 * @property {number} startedAt
 * @property {((outcome: SyncOutcome) => void) | null} onSyncSettled set for synchronous runs
 * @property {AbortController} ended aborted when the run settles
 */

/**
 * @typedef {{ status: 'completed' | 'failed' | 'timed_out', output: unknown, error: import('../errors.mjs').ErrorShape | null, duration_ms: number }} SyncOutcome
 */

/** @param {ExecutorDeps} deps */
export function createExecutor(deps) {
	const { store, registry, pool, bus, log, maxParallel, abortGraceMs } = deps;
	/** @type {Map<string, ActiveRun>} */
	const active = new Map();
	/** @type {Set<() => void>} */
	const idleWaiters = new Set();
	/** @type {{ claimed: import('../storage/execution-store.mjs').ClaimedExecution, resolve: (outcome: SyncOutcome) => void }[]} */
	const syncWaiting = [];
	let accepting = true;
	let pumpScheduled = false;

	/** Fills free slots, synchronous runs first. Claims are synchronous, so two pumps never race. */
	function pump() {
		pumpScheduled = false;
		while (accepting && active.size < maxParallel) {
			const sync = syncWaiting.shift();
			if (sync) {
				start(sync.claimed, sync.resolve);
				continue;
			}
			const claimed = store.claim();
			if (!claimed) break;
			start(claimed, null);
		}
	}

	/** Coalesces many wake-ups (a bulk invoke, a burst of completions) into one pump. */
	function schedulePump() {
		if (pumpScheduled || !accepting) return;
		pumpScheduled = true;
		setImmediate(pump);
	}

	/**
	 * @param {import('../storage/execution-store.mjs').ClaimedExecution} claimed
	 * @param {((outcome: SyncOutcome) => void) | null} onSyncSettled
	 */
	function start(claimed, onSyncSettled) {
		const runLog = log.child({ execution_id: claimed.id, function: claimed.function });
		const entry = registry.get(claimed.function);
		if (!entry) {
			// The function was removed since the invocation was accepted (a restart with other --functions).
			publish(
				store.finish(claimed.id, {
					status: 'failed',
					error: {
						code: 'ERROR_CODE_NOT_FOUND',
						message: `Function ${claimed.function} is not loaded on this server any more.`,
					},
				}),
			);
			runLog.warn('execution failed: function not loaded');
			return;
		}

		// Aborted when the run settles: a ctx.await still open for it stops waiting.
		const ended = new AbortController();
		const handle = pool.run(
			{
				modulePath: entry.modulePath,
				execution: { id: claimed.id, attempt: claimed.attempts, function: claimed.function },
				input: claimed.input,
			},
			(message, reply) =>
				deps.onFunctionMessage(
					{ ownerId: claimed.ownerId, executionId: claimed.id, ended: ended.signal },
					message,
					reply,
				),
		);
		/** @type {ActiveRun} */
		const run = {
			claimed,
			handle,
			timeoutTimer: setTimeout(() => stop(claimed.id, 'timeout'), claimed.timeoutSeconds * 1000),
			killTimer: null,
			stopReason: null,
			log: runLog,
			startedAt: Date.now(),
			onSyncSettled,
			ended,
		};
		active.set(claimed.id, run);
		runLog.debug({ attempt: claimed.attempts }, 'execution started');
		handle.result.then(
			(outcome) => settle(run, outcome),
			(error) => settle(run, { lost: error }),
		);
	}

	/**
	 * Asks a run to stop (its ctx.signal aborts), and terminates its worker if it is still
	 * running after the grace.
	 * @param {string} id
	 * @param {'timeout' | 'cancel' | 'shutdown'} reason
	 * @param {number} [graceMs]
	 */
	function stop(id, reason, graceMs = abortGraceMs) {
		const run = active.get(id);
		if (!run) return;
		if (run.stopReason === null) {
			run.stopReason = reason;
			run.handle.abort(reason);
		}
		if (run.killTimer === null || graceMs === 0) {
			if (run.killTimer) clearTimeout(run.killTimer);
			run.killTimer = setTimeout(() => {
				run.log.warn(
					{ reason: run.stopReason, grace_ms: graceMs },
					'terminating worker of a run that ignored its abort',
				);
				run.handle.kill();
			}, graceMs);
		}
	}

	/**
	 * @param {ActiveRun} run
	 * @param {{ ok: true, output: unknown } | { ok: false, error: import('../errors.mjs').ErrorShape } | { lost: unknown }} outcome
	 */
	function settle(run, outcome) {
		const { claimed } = run;
		clearTimeout(run.timeoutTimer);
		if (run.killTimer) clearTimeout(run.killTimer);
		run.ended.abort();
		active.delete(claimed.id);
		const durationMs = Date.now() - run.startedAt;

		if (run.onSyncSettled) {
			const finish = outcomeToFinish(run, outcome);
			const status = finish.status === 'cancelled' ? 'failed' : finish.status;
			run.onSyncSettled({
				status: /** @type {SyncOutcome['status']} */ (status),
				output: finish.output ?? null,
				error: finish.error ?? null,
				duration_ms: durationMs,
			});
			run.log.info({ status, duration_ms: durationMs, sync: true }, 'synchronous run finished');
		} else if (run.stopReason === 'shutdown' && !('ok' in outcome && outcome.ok)) {
			// Only a run that did not finish goes back to the queue; one that returned its output
			// during the abort grace is completed like any other, so it never runs again.
			store.requeue(claimed.id);
			run.log.info({ duration_ms: durationMs }, 'execution interrupted by shutdown; queued again');
		} else {
			const execution = store.finish(claimed.id, outcomeToFinish(run, outcome));
			if (execution) {
				publish(execution);
				const fields = {
					status: execution.status,
					attempt: claimed.attempts,
					duration_ms: durationMs,
				};
				if (execution.error) Object.assign(fields, { error_code: execution.error.code });
				if (execution.status === 'completed') run.log.info(fields, 'execution finished');
				else run.log.warn(fields, 'execution finished');
			}
		}
		if (active.size === 0) for (const waiter of [...idleWaiters]) waiter();
		schedulePump();
	}

	/**
	 * @param {ActiveRun} run
	 * @param {{ ok: true, output: unknown } | { ok: false, error: import('../errors.mjs').ErrorShape } | { lost: unknown }} outcome
	 * @returns {Parameters<import('../storage/execution-store.mjs').ExecutionStore['finish']>[1]}
	 */
	function outcomeToFinish(run, outcome) {
		if (run.stopReason === 'timeout') {
			return {
				status: 'timed_out',
				error: {
					code: ExecutionErrorCode.TimedOut,
					message: `The execution ran past its timeout of ${run.claimed.timeoutSeconds} s.`,
					payload: { timeout_seconds: run.claimed.timeoutSeconds },
				},
			};
		}
		if (run.stopReason === 'shutdown' && run.onSyncSettled) {
			return {
				status: 'failed',
				error: { code: ExecutionErrorCode.Cancelled, message: 'The server is shutting down.' },
			};
		}
		if (run.stopReason === 'cancel') {
			return {
				status: 'cancelled',
				error: {
					code: ExecutionErrorCode.Cancelled,
					message: 'The execution was cancelled while running.',
				},
			};
		}
		if ('lost' in outcome) {
			const error = executionErrorFrom(outcome.lost);
			return {
				status: 'failed',
				error: {
					code: ExecutionErrorCode.WorkerLost,
					message: `The worker running this execution failed: ${error.message}`,
				},
			};
		}
		if (outcome.ok) return { status: 'completed', output: outcome.output };
		return { status: 'failed', error: outcome.error };
	}

	/** @param {import('../storage/execution-store.mjs').Execution | null} execution */
	function publish(execution) {
		if (execution) bus.publish(execution);
	}

	return {
		/** Wakes the executor after invocations were accepted. */
		wake: schedulePump,

		/** Cancels a running execution that belongs to this server; a no-op for anything else. */
		cancelRunning(/** @type {string} */ id) {
			stop(id, 'cancel');
		},

		/**
		 * Runs a function now, in a pool slot, without storing an execution.
		 * @param {{ ownerId: number, functionName: string, input: unknown, timeoutSeconds: number, executionId: string }} request
		 * @returns {Promise<SyncOutcome>}
		 */
		runSync({ ownerId, functionName, input, timeoutSeconds, executionId }) {
			return new Promise((resolve) => {
				syncWaiting.push({
					claimed: {
						id: executionId,
						ownerId,
						function: functionName,
						input,
						attempts: 1,
						timeoutSeconds,
					},
					resolve,
				});
				schedulePump();
			});
		},

		/** Publishes an execution that became terminal outside a run (a cancelled pending one). */
		publish,

		get runningCount() {
			return active.size;
		},

		/**
		 * SIGTERM: take no more work, let running functions finish for up to `graceMs`, then stop the
		 * rest (abort, then kill after the abort grace); those go back to pending for the next start.
		 * @param {number} graceMs
		 */
		async drain(graceMs) {
			accepting = false;
			for (const waiting of syncWaiting.splice(0)) {
				waiting.resolve({
					status: 'failed',
					output: null,
					error: { code: ExecutionErrorCode.Cancelled, message: 'The server is shutting down.' },
					duration_ms: 0,
				});
			}
			const idle = () =>
				new Promise((resolve) => {
					if (active.size === 0) return resolve(undefined);
					idleWaiters.add(() => resolve(undefined));
				});
			let timer;
			const finished = await Promise.race([
				idle().then(() => true),
				new Promise((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
			]);
			clearTimeout(timer);
			if (!finished) {
				log.warn({ running: active.size }, 'shutdown grace over; stopping running executions');
				for (const id of [...active.keys()]) stop(id, 'shutdown');
				await idle();
			}
			idleWaiters.clear();
		},
	};
}

/** @typedef {ReturnType<typeof createExecutor>} Executor */
