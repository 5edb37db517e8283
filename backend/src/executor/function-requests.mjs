// @ts-check
import { ApiError, executionErrorFrom } from '../errors.mjs';

/**
 * Answers what a running function asks of the main thread over its port: ctx.db calls, nested
 * ctx.invoke / ctx.await, and log lines. Every request acts as the caller that owns the running
 * execution, through the same stores, queue and awaiter as HTTP requests.
 *
 * @param {{ records: import('../storage/record-store.mjs').RecordStore, invocations: import('../invocations.mjs').InvocationService, awaiter: import('./awaiter.mjs').Awaiter, log: import('pino').Logger }} deps
 */
export function createFunctionRequestHandler({ records, invocations, awaiter, log }) {
	// TODO(a function that makes thousands of ctx.db calls becomes a bottleneck): batch calls per
	// message, or give workers their own read connection; one round trip per call is simple and
	// keeps every write on the main thread's single connection.
	/** @type {Record<string, (ownerId: number, args: any[], run: import('./executor.mjs').RunContext) => unknown>} */
	const methods = {
		'db.add': (ownerId, [table, fields]) => records.add(ownerId, table, fields),
		'db.bulkAdd': (ownerId, [table, rows]) => records.bulkAdd(ownerId, table, rows),
		'db.get': (ownerId, [table, id]) => records.get(ownerId, table, id),
		'db.edit': (ownerId, [table, id, changes]) => records.edit(ownerId, table, id, changes),
		'db.delete': (ownerId, [table, id]) => records.delete(ownerId, table, id),
		'db.query': (ownerId, [table, query]) => records.query(ownerId, table, query),
		'db.count': (ownerId, [table, where]) => records.count(ownerId, table, where),
		invoke: (ownerId, [name, input, options]) =>
			invocations.invokeFromFunction(ownerId, name, input, options),
		// While it waits, the run lends its helper slot to the executions it awaits (see the executor).
		await: (ownerId, [ids, timeoutSeconds, options], run) =>
			run.helpWhileAwaiting(
				ids,
				awaiter.awaitExecutions(ownerId, ids, {
					timeoutSeconds: Math.min(300, Math.max(0, Number(timeoutSeconds) || 0)),
					until: options?.until === 'any' ? 'any' : 'all',
					signal: run.ended,
				}),
			),
	};

	/**
	 * @param {import('./executor.mjs').RunContext} run
	 * @param {any} message
	 * @param {(answer: any) => void} reply
	 */
	return function handleFunctionMessage(run, message, reply) {
		if (message?.type === 'log') {
			/** @type {'debug' | 'info' | 'warn' | 'error'} */
			const level = ['debug', 'info', 'warn', 'error'].includes(message.level)
				? message.level
				: 'info';
			log[level](
				{ ...message.fields, execution_id: run.executionId, scope: 'function' },
				message.message,
			);
			return;
		}
		if (message?.type !== 'rpc') return;
		const method = methods[message.method];
		Promise.resolve()
			.then(() => {
				if (!method) throw new Error(`Unknown ctx call: ${message.method}`);
				return method(run.ownerId, Array.isArray(message.args) ? message.args : [], run);
			})
			.then(
				(result) => reply({ type: 'rpc-result', id: message.id, result }),
				(error) =>
					reply({
						type: 'rpc-result',
						id: message.id,
						error: error instanceof ApiError ? error.toBody() : executionErrorFrom(error),
					}),
			);
	};
}
