// @ts-check

/**
 * In-process notifications of executions reaching a terminal state. Awaiters subscribe per
 * execution id, so a waiting request wakes the moment its execution ends rather than at a poll tick.
 */
export function createCompletionBus() {
	/** @type {Map<string, Set<(execution: import('../storage/execution-store.mjs').Execution) => void>>} */
	const listeners = new Map();

	return {
		/**
		 * @param {string} executionId
		 * @param {(execution: import('../storage/execution-store.mjs').Execution) => void} listener
		 * @returns {() => void} unsubscribe
		 */
		subscribe(executionId, listener) {
			let set = listeners.get(executionId);
			if (!set) {
				set = new Set();
				listeners.set(executionId, set);
			}
			set.add(listener);
			return () => {
				set.delete(listener);
				if (set.size === 0) listeners.delete(executionId);
			};
		},

		/** @param {import('../storage/execution-store.mjs').Execution} execution */
		publish(execution) {
			const set = listeners.get(execution.execution_id);
			if (!set) return;
			for (const listener of [...set]) listener(execution);
		},
	};
}

/** @typedef {ReturnType<typeof createCompletionBus>} CompletionBus */
