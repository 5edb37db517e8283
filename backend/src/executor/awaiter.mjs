// @ts-check
import { TERMINAL_STATUSES } from '../storage/execution-store.mjs';

/**
 * Xano's Async Function Await over HTTP: hold the request until the listed executions are
 * terminal (all of them, or any one), or until the timeout; answer one execution object per
 * requested id, in request order, repeats included.
 *
 * Waiting is event-driven: each wait subscribes to the completion bus, and is answered in the same
 * turn of the event loop in which the last execution ends. Ids the caller may not see, or that
 * retention already removed, answer `not_found`, which is terminal: a wait never hangs on them.
 * The completion visibility lag affects only listing; awaits see real completion.
 */

const TERMINAL = new Set([...TERMINAL_STATUSES, 'not_found']);

/**
 * @param {{ store: import('../storage/execution-store.mjs').ExecutionStore, bus: import('./completion-bus.mjs').CompletionBus }} deps
 */
export function createAwaiter({ store, bus }) {
	/** @type {Set<() => void>} waits in progress, answered early on shutdown */
	const inProgress = new Set();

	/**
	 * @param {number} ownerId
	 * @param {string[]} ids
	 * @param {{ timeoutSeconds: number, until: 'all' | 'any', signal?: AbortSignal }} options
	 * @returns {Promise<object[]>}
	 */
	function awaitExecutions(ownerId, ids, { timeoutSeconds, until, signal }) {
		const unique = [...new Set(ids)];
		// An execution that is not terminal yet is read in full only when the answer is given (it
		// may have started meanwhile): a wait that ends on its completion never reads it twice.
		/** @type {Map<string, any>} */
		const states = new Map(
			unique.map((id) => [id, store.getIfTerminal(ownerId, id) ?? notFound(id)]),
		);
		const isTerminal = (/** @type {string} */ id) => TERMINAL.has(states.get(id).status);
		const satisfied = () => (until === 'any' ? unique.some(isTerminal) : unique.every(isTerminal));
		const answer = () => {
			// Executions still running get their latest state (started_at, attempts).
			for (const id of unique) {
				if (!isTerminal(id)) states.set(id, store.get(ownerId, id) ?? notFound(id));
			}
			return ids.map((id) => states.get(id));
		};

		if (satisfied() || timeoutSeconds === 0 || signal?.aborted) return Promise.resolve(answer());

		return new Promise((resolve) => {
			/** @type {(() => void)[]} */
			const unsubscribes = [];
			// Every path out of this wait goes through finish: it releases the subscriptions, the timer
			// and the shutdown hook exactly once.
			let finished = false;
			const finish = () => {
				if (finished) return;
				finished = true;
				for (const unsubscribe of unsubscribes) unsubscribe();
				clearTimeout(timer);
				signal?.removeEventListener('abort', finish);
				inProgress.delete(finish);
				resolve(answer());
			};
			for (const id of unique) {
				if (isTerminal(id)) continue;
				unsubscribes.push(
					bus.subscribe(id, (execution) => {
						states.set(id, execution);
						if (satisfied()) finish();
					}),
				);
			}
			const timer = setTimeout(finish, timeoutSeconds * 1000);
			signal?.addEventListener('abort', finish, { once: true });
			inProgress.add(finish);
		});
	}

	return {
		awaitExecutions,
		/** Answers every wait now with the current state (used when the server stops). */
		releaseAll() {
			for (const finish of [...inProgress]) finish();
		},
	};
}

/** @typedef {ReturnType<typeof createAwaiter>} Awaiter */

/** @param {string} id */
function notFound(id) {
	return {
		execution_id: id,
		function: null,
		status: 'not_found',
		input: null,
		output: null,
		error: null,
		attempts: 0,
		priority: null,
		tags: [],
		created_at: null,
		started_at: null,
		completed_at: null,
		duration_ms: null,
		idempotency_key: null,
	};
}
