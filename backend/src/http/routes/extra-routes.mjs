// @ts-check
import { randomUUID } from 'node:crypto';
import { ApiError, ErrorCode, inputError, notFound } from '../../errors.mjs';
import { pageEnvelope, queryInt } from '../validate.mjs';

/** Statuses for the error codes of a synchronous run; any other code answers 500. */
const SYNC_ERROR_STATUS = {
	[ErrorCode.InputError]: 400,
	[ErrorCode.Unauthorized]: 401,
	[ErrorCode.AccessDenied]: 403,
	[ErrorCode.NotFound]: 404,
	[ErrorCode.TooManyRequests]: 429,
	ERROR_CODE_TIMEOUT: 504,
};

/**
 * Reference-backend extras, outside the contract: a paged view of ctx.db tables, and a
 * synchronous run of a function in the same worker pool (what the benchmark compares the async
 * path against).
 * @param {import('fastify').FastifyInstance<any, any, any, any>} app
 * @param {import('../server.mjs').RouteContext} context
 */
export function registerExtraRoutes(app, { path, services, callerOf }) {
	const { records, registry, executor, options } = services;

	app.get(path('/tables/:table'), async (request) => {
		const caller = callerOf(request);
		const table = /** @type {any} */ (request.params).table;
		const query = /** @type {Record<string, unknown>} */ (request.query ?? {});
		const page = queryInt(query, 'page', { fallback: 1, min: 1 });
		const perPage = queryInt(query, 'per_page', { fallback: 100, min: 1, max: 1000 });
		if (!/^[A-Za-z0-9_-]{1,64}$/.test(table)) {
			throw inputError('table', 'table must be 1 to 64 letters, digits, "_" or "-".');
		}
		const itemsTotal = records.count(caller.id, table);
		const items = records.query(caller.id, table, { limit: perPage, offset: (page - 1) * perPage });
		return pageEnvelope(items, { page, perPage, hasMore: page * perPage < itemsTotal, itemsTotal });
	});

	app.post(path('/functions/:name/run'), async (request, reply) => {
		const caller = callerOf(request);
		const name = /** @type {any} */ (request.params).name;
		const entry = registry.get(name);
		if (!entry) throw notFound(`Unknown function: ${name}.`, { param: 'name' });
		const body = request.body ?? {};
		if (typeof body !== 'object' || Array.isArray(body)) {
			throw inputError('body', 'The body must be a JSON object: { input, timeout }.');
		}
		const { input = {}, timeout = options.defaultTimeoutSeconds } = /** @type {any} */ (body);
		registry.validateInput(entry, input, 'input');
		if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 1 || timeout > 3600) {
			throw inputError('timeout', 'timeout must be a number of seconds from 1 to 3600.');
		}
		// A client that hangs up before the answer cancels the run: nobody is left to read it.
		const hungUp = new AbortController();
		const onClose = () => {
			if (!reply.raw.writableFinished) hungUp.abort();
		};
		reply.raw.once('close', onClose);
		let outcome;
		try {
			outcome = await executor.runSync({
				ownerId: caller.id,
				functionName: entry.name,
				input,
				timeoutSeconds: timeout,
				executionId: randomUUID(),
				signal: hungUp.signal,
			});
		} finally {
			reply.raw.off('close', onClose);
		}
		reply.header('x-duration-ms', String(outcome.duration_ms));
		if (outcome.status === 'completed') {
			// Serialized here: fastify sends a string return as text/plain, as it stands, and a
			// function may return a string ("hello", or '{"a":1}', which is a string all the same).
			return reply
				.type('application/json; charset=utf-8')
				.send(JSON.stringify(outcome.output ?? null));
		}
		const error = outcome.error ?? { code: ErrorCode.Fatal, message: 'The function failed.' };
		// Own keys only: a function may throw any code, "constructor" included.
		const status = Object.hasOwn(SYNC_ERROR_STATUS, error.code)
			? SYNC_ERROR_STATUS[/** @type {keyof typeof SYNC_ERROR_STATUS} */ (error.code)]
			: 500;
		throw new ApiError(status, error.code, error.message, error.payload);
	});
}
