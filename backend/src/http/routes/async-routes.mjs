// @ts-check
import { ExecutionErrorCode, inputError, notFound } from '../../errors.mjs';
import { TERMINAL_STATUSES } from '../../storage/execution-store.mjs';
import { stringifyWithStoredJson } from '../../storage/stored-json.mjs';
import { executionId, objectBody, pageEnvelope, queryInt, queryList } from '../validate.mjs';

const MAX_AWAIT_IDS = 1000;
const MAX_AWAIT_SECONDS = 300;

/**
 * Execution objects are answered through stringifyWithStoredJson: their input and output go out
 * as the JSON text they were stored as, without a parse and a stringify on the main thread.
 * @param {import('fastify').FastifyReply<any, any, any, any>} reply
 */
const withStoredJson = (reply) =>
	reply
		// A custom serializer sets no type of its own: without it clients (n8n's HTTP Request among
		// them) take the answer for text.
		.type('application/json; charset=utf-8')
		.serializer((/** @type {unknown} */ payload) => stringifyWithStoredJson(payload) ?? 'null');

/**
 * The contract's /async endpoints.
 * @param {import('fastify').FastifyInstance<any, any, any, any>} app
 * @param {import('../server.mjs').RouteContext} context
 */
export function registerAsyncRoutes(app, { path, services, callerOf }) {
	const { store, invocations, awaiter, executor, registry } = services;

	app.post(path('/async/invoke'), async (request, reply) => {
		const caller = callerOf(request);
		const accepted = invocations.invokeFromBody(caller.id, request.body);
		withStoredJson(reply);
		// Each answer is a fresh object of its own; marking it in place keeps its stored JSON unread.
		if (!accepted.bulk) {
			const { execution, deduplicated } = accepted.result;
			request.log.info(
				{ execution_id: execution.execution_id, function: execution.function, deduplicated },
				'invocation accepted',
			);
			if (deduplicated) return reply.code(200).send(Object.assign(execution, { deduplicated }));
			return reply.code(202).send(execution);
		}
		const created = accepted.results.filter((result) => !result.deduplicated).length;
		request.log.info({ invocations: accepted.results.length, created }, 'bulk invocation accepted');
		return reply.code(created > 0 ? 202 : 200).send({
			executions: accepted.results.map(({ execution, deduplicated }) =>
				deduplicated ? Object.assign(execution, { deduplicated }) : execution,
			),
		});
	});

	app.post(path('/async/await'), async (request, reply) => {
		const caller = callerOf(request);
		const body = objectBody(request.body);
		const ids = body.execution_ids;
		if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_AWAIT_IDS) {
			throw inputError(
				'execution_ids',
				`execution_ids must be a list of 1 to ${MAX_AWAIT_IDS} execution ids.`,
			);
		}
		const parsedIds = ids.map((id, index) => executionId(id, `execution_ids.${index}`));
		const timeout = body.timeout ?? 0;
		if (
			typeof timeout !== 'number' ||
			!Number.isFinite(timeout) ||
			timeout < 0 ||
			timeout > MAX_AWAIT_SECONDS
		) {
			throw inputError(
				'timeout',
				`timeout must be a number of seconds from 0 to ${MAX_AWAIT_SECONDS}.`,
			);
		}
		const until = body.until ?? 'all';
		if (until !== 'all' && until !== 'any') {
			throw inputError('until', 'until must be "all" or "any".');
		}
		// A client that hangs up ends its wait; nothing is left subscribed for it. (The response's
		// 'close' also fires after a normal answer, when ending the wait is a no-op.)
		const gone = new AbortController();
		reply.raw.once('close', () => gone.abort());
		withStoredJson(reply);
		return awaiter.awaitExecutions(caller.id, parsedIds, {
			timeoutSeconds: timeout,
			until,
			signal: gone.signal,
		});
	});

	app.get(path('/async/executions'), async (request, reply) => {
		const caller = callerOf(request);
		const query = /** @type {Record<string, unknown>} */ (request.query ?? {});
		const statuses = queryList(query, 'status', TERMINAL_STATUSES);
		const functions = queryList(query, 'function');
		const page = queryInt(query, 'page', { fallback: 1, min: 1 });
		const perPage = queryInt(query, 'per_page', { fallback: 100, min: 1, max: 1000 });
		const completedAfter =
			query.completed_after === undefined || query.completed_after === ''
				? null
				: queryInt(query, 'completed_after', { fallback: 0, min: 0 });
		const rows = store.listTerminal(caller.id, {
			statuses: statuses.length > 0 ? statuses : [...TERMINAL_STATUSES],
			functions,
			completedAfter,
			offset: (page - 1) * perPage,
			limit: perPage + 1,
		});
		const hasMore = rows.length > perPage;
		withStoredJson(reply);
		return pageEnvelope(rows.slice(0, perPage), { page, perPage, hasMore });
	});

	app.get(path('/async/executions/:execution_id'), async (request, reply) => {
		const caller = callerOf(request);
		const id = executionId(/** @type {any} */ (request.params).execution_id, 'execution_id');
		const execution = store.get(caller.id, id);
		if (!execution) throw notFound(`No execution ${id}.`, { param: 'execution_id' });
		withStoredJson(reply);
		return execution;
	});

	app.post(path('/async/executions/:execution_id/cancel'), async (request, reply) => {
		const caller = callerOf(request);
		const id = executionId(/** @type {any} */ (request.params).execution_id, 'execution_id');
		const outcome = store.cancel(caller.id, id, {
			code: ExecutionErrorCode.Cancelled,
			message: 'The execution was cancelled before it started.',
		});
		if (!outcome) throw notFound(`No execution ${id}.`, { param: 'execution_id' });
		if (outcome.state === 'cancelled') executor.publish(outcome.execution);
		if (outcome.state === 'requested') executor.cancelRunning(id);
		request.log.info({ execution_id: id, cancel: outcome.state }, 'cancel requested');
		withStoredJson(reply);
		return outcome.execution;
	});

	app.get(path('/async/functions'), async (request) => {
		callerOf(request);
		return registry.describe();
	});

	app.get(path('/async/stats'), async (request) => {
		callerOf(request);
		const { byStatus, functions } = store.stats();
		return {
			counts: byStatus,
			queue_depth: byStatus.pending,
			running_now: executor.runningCount,
			max_parallel: services.options.maxParallel,
			queue_size: services.options.queueSize,
			functions,
		};
	});
}
