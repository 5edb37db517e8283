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
 * Helper slots: a run blocked in ctx.await on executions that are still pending would hold its
 * slot while they wait for one, and with every slot held that way nothing moves until the awaits
 * time out. So a waiting run gets one helper slot, used only to start the executions it awaits,
 * one at a time, out of turn. Helpers do not count against `maxParallel`; the pool has threads
 * for a few levels of such nesting (see threadsFor).
 *
 * Synchronous runs (the reference backend's extra `/functions/{name}/run` endpoint) share the same
 * slots and lifecycle but are never stored: they wait in memory for a slot, ahead of the durable
 * queue, and their outcome goes straight back to the waiting request.
 */

/** Nesting levels of ctx.await the pool has threads for, helpers included. */
const NESTING_LEVELS = 4;

/** Worker threads the pool needs for `maxParallel` runs and their helpers. @param {number} maxParallel */
export const threadsFor = (maxParallel) => maxParallel * NESTING_LEVELS;

/**
 * What a function's requests to the main thread know of their run.
 * @typedef {object} RunContext
 * @property {number} ownerId
 * @property {string} executionId
 * @property {AbortSignal} ended aborted when the run settles
 * @property {<T>(ids: unknown[], waiting: Promise<T>) => Promise<T>} helpWhileAwaiting lends the
 *   run's helper slot to the listed executions while `waiting` is open
 */

/**
 * @typedef {object} ExecutorDeps
 * @property {import('../storage/execution-store.mjs').ExecutionStore} store
 * @property {import('../functions/registry.mjs').FunctionRegistry} registry
 * @property {import('../pool/worker-pool.mjs').WorkerPool} pool
 * @property {import('./completion-bus.mjs').CompletionBus} bus
 * @property {(run: RunContext, message: any, reply: (answer: any) => void) => void} onFunctionMessage
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
 * @property {ActiveRun | null} helping the waiting run whose helper slot this run uses
 * @property {string[][]} awaiting the id lists of the run's open ctx.await calls
 * @property {boolean} hasHelper whether its helper slot is in use
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
	/** Active runs in regular slots, that is all but helpers. */
	let regular = 0;

	/** Fills free slots, synchronous runs first. Claims are synchronous, so two pumps never race. */
	function pump() {
		pumpScheduled = false;
		while (accepting && regular < maxParallel) {
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
	 * Starts the next still-pending execution a waiting run awaits, in that run's helper slot.
	 * This goes on during a drain: only the pump of new top-level work stops, so a parent that
	 * awaits its children can still finish within the grace instead of being cut short and run
	 * again from the top (which would invoke its children a second time).
	 * @param {ActiveRun} run
	 */
	function startHelper(run) {
		if (run.hasHelper || run.stopReason !== null) return;
		if (active.get(run.claimed.id) !== run) return;
		for (const ids of run.awaiting) {
			for (const id of ids) {
				const claimed = store.claimPending(run.claimed.ownerId, id);
				if (!claimed) continue;
				run.hasHelper = true;
				start(claimed, null, run);
				return;
			}
		}
	}

	/**
	 * @param {ActiveRun} run
	 * @param {unknown[]} ids
	 * @param {Promise<any>} waiting
	 */
	function helpWhileAwaiting(run, ids, waiting) {
		const awaited = Array.isArray(ids) ? ids.filter((id) => typeof id === 'string') : [];
		run.awaiting.push(awaited);
		startHelper(run);
		return waiting.finally(() => {
			run.awaiting = run.awaiting.filter((list) => list !== awaited);
		});
	}

	/**
	 * @param {import('../storage/execution-store.mjs').ClaimedExecution} claimed
	 * @param {((outcome: SyncOutcome) => void) | null} onSyncSettled
	 * @param {ActiveRun | null} [helping] the waiting run whose helper slot this run takes
	 */
	function start(claimed, onSyncSettled, helping = null) {
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
			if (helping) {
				helping.hasHelper = false;
				startHelper(helping);
			}
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
					{
						ownerId: claimed.ownerId,
						executionId: claimed.id,
						ended: ended.signal,
						helpWhileAwaiting: (ids, waiting) => helpWhileAwaiting(run, ids, waiting),
					},
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
			helping,
			awaiting: [],
			hasHelper: false,
		};
		active.set(claimed.id, run);
		if (!helping) regular += 1;
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
		if (!run.helping) regular -= 1;
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
		if (run.helping) {
			// The slot goes back to the run it helps, for the next execution it still awaits.
			run.helping.hasHelper = false;
			startHelper(run.helping);
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
		 * Runs a function now, in a pool slot, without storing an execution. When `signal` aborts
		 * (the client hung up), a run still waiting for a slot is dropped and a running one is
		 * cancelled, so it does not hold its slot for nobody up to its timeout.
		 * @param {{ ownerId: number, functionName: string, input: unknown, timeoutSeconds: number, executionId: string, signal?: AbortSignal }} request
		 * @returns {Promise<SyncOutcome>}
		 */
		runSync({ ownerId, functionName, input, timeoutSeconds, executionId, signal }) {
			return new Promise((resolve) => {
				const waiting = {
					claimed: {
						id: executionId,
						ownerId,
						function: functionName,
						input: /** @type {import('../storage/execution-store.mjs').TaskInput} */ ({
							value: input,
						}),
						attempts: 1,
						timeoutSeconds,
					},
					/** @param {SyncOutcome} outcome */
					resolve(outcome) {
						signal?.removeEventListener('abort', onAbort);
						resolve(outcome);
					},
				};
				const onAbort = () => {
					const position = syncWaiting.indexOf(waiting);
					if (position === -1) {
						stop(executionId, 'cancel');
						return;
					}
					syncWaiting.splice(position, 1);
					waiting.resolve({
						status: 'failed',
						output: null,
						error: { code: ExecutionErrorCode.Cancelled, message: 'The client went away.' },
						duration_ms: 0,
					});
				};
				if (signal?.aborted) return onAbort();
				signal?.addEventListener('abort', onAbort, { once: true });
				syncWaiting.push(waiting);
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
