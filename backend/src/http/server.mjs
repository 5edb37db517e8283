// @ts-check
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import Fastify, { LogController } from 'fastify';
import { ApiError, ErrorCode, bodyTooLarge, inputError } from '../errors.mjs';
import { authenticate } from './auth.mjs';
import { registerAsyncRoutes } from './routes/async-routes.mjs';
import { registerAuthRoutes } from './routes/auth-routes.mjs';
import { registerExtraRoutes } from './routes/extra-routes.mjs';

/** Levels of objects and arrays a JSON body may have; far more than any real input needs. */
export const MAX_JSON_DEPTH = 256;

/**
 * @typedef {object} Services
 * @property {import('../config.mjs').ServerOptions} options
 * @property {import('../storage/execution-store.mjs').ExecutionStore} store
 * @property {import('../storage/record-store.mjs').RecordStore} records
 * @property {import('../storage/user-store.mjs').UserStore} users
 * @property {import('../functions/registry.mjs').FunctionRegistry} registry
 * @property {import('../invocations.mjs').InvocationService} invocations
 * @property {import('../executor/awaiter.mjs').Awaiter} awaiter
 * @property {import('../executor/executor.mjs').Executor} executor
 */

/**
 * @typedef {object} RouteContext
 * @property {(route: string) => string} path the route under the API group
 * @property {Services} services
 * @property {(request: import('fastify').FastifyRequest) => import('../storage/user-store.mjs').User} callerOf
 */

/**
 * The HTTP face: Xano's URL shape (`/api:GROUP` and `/api:GROUP:BRANCH`), Xano's error shape for
 * every failure fastify itself detects (bad JSON, big bodies, unknown paths), and one log line per
 * request with its duration. Logs carry paths without query strings, because `?authtoken=` is a
 * secret.
 * @param {{ services: Services, log: import('pino').Logger, startedAt: number }} deps
 */
export function buildHttpServer({ services, log, startedAt }) {
	const { options, users } = services;
	const group = options.apiGroup;
	const branchPrefix = new RegExp(`^/api:${group}:[^/?]+`);

	const app = Fastify({
		loggerInstance: log,
		// Fastify's own per-request lines are off: the onResponse hook below logs one line per
		// request with paths stripped of query strings.
		...(LogController
			? {
					logController: new LogController({
						disableRequestLogging: true,
						requestIdLogLabel: 'request_id',
					}),
				}
			: { disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
		bodyLimit: options.bodyLimitBytes,
		genReqId: () => randomUUID(),
		clientErrorHandler: answerClientError,
		// Fastify's own 503 while closing has its own body; the onRequest hook below answers it in
		// Xano's shape instead.
		return503OnClosing: false,
		// Every branch of the group serves the same endpoints, as a Xano branch would.
		rewriteUrl: (request) => (request.url ?? '/').replace(branchPrefix, `/api:${group}`),
	});

	// Bodies are JSON whatever their Content-Type says; an empty body is no body.
	app.removeAllContentTypeParsers();
	app.addContentTypeParser('*', { parseAs: 'string' }, (_request, text, done) => {
		const source = String(text);
		if (source.trim() === '') return done(null, undefined);
		let body;
		try {
			body = JSON.parse(source);
		} catch (error) {
			return done(
				inputError('body', `Malformed JSON body: ${/** @type {Error} */ (error).message}`),
				undefined,
			);
		}
		// JSON.parse takes any depth, but storing, cloning into a worker and answering recurse: past
		// a few thousand levels they overflow the stack, so a small body could answer 500.
		if (nestedDeeperThan(body, MAX_JSON_DEPTH)) {
			return done(
				inputError('body', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`),
				undefined,
			);
		}
		done(null, body);
	});

	app.setErrorHandler((error, request, reply) => {
		const apiError = toApiError(error, options.bodyLimitBytes);
		if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
		reply.code(apiError.status).headers(apiError.headers).send(apiError.toBody());
	});

	app.setNotFoundHandler((request, reply) => {
		reply.code(404).send({
			code: ErrorCode.NotFound,
			message: `Unable to locate request: ${request.method} ${pathOf(request.url)}`,
			payload: '',
		});
	});

	app.addHook('onResponse', (request, reply, done) => {
		const fields = {
			method: request.method,
			path: pathOf(request.url),
			status: reply.statusCode,
			duration_ms: Math.round(reply.elapsedTime),
		};
		if (reply.statusCode >= 500) request.log.error(fields, 'request completed');
		else request.log.info(fields, 'request completed');
		done();
	});

	// Answers to requests still in flight when the server begins to close (open awaits above all)
	// end their connection: closing the server waits for every connection, and a keep-alive one
	// would stay open until its timeout.
	let closing = false;
	app.addHook('preClose', (done) => {
		closing = true;
		done();
	});

	// A request that reaches a closing server (on a keep-alive connection; new connections are
	// refused) is not started: it could outlive the database.
	app.addHook('onRequest', (_request, reply, done) => {
		if (!closing) return done();
		reply.code(503).send({
			code: ErrorCode.Fatal,
			message: 'The server is shutting down; send the request again once it is back.',
			payload: '',
		});
	});

	// Echo Xano's data-source header unchanged (this server has a single data source), and answer
	// with the CORS defaults of a Xano API group, so browser tools can call it too.
	app.addHook('onSend', (request, reply, payload, done) => {
		if (closing) reply.header('connection', 'close');
		const dataSource = request.headers['x-data-source'];
		if (typeof dataSource === 'string') reply.header('x-data-source', dataSource);
		const origin = request.headers.origin;
		if (typeof origin === 'string') {
			reply.header('access-control-allow-origin', origin);
			reply.header('access-control-allow-credentials', 'true');
			reply.header('vary', 'Origin');
		}
		done(null, payload);
	});

	app.options('*', async (request, reply) => {
		reply
			.code(204)
			.header('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
			.header(
				'access-control-allow-headers',
				request.headers['access-control-request-headers'] ?? '*',
			)
			.header('access-control-max-age', '3600')
			.send();
	});

	app.get('/health', async () => ({
		status: 'ok',
		uptime_ms: Date.now() - startedAt,
		running: services.executor.runningCount,
	}));

	/** @type {RouteContext} */
	const context = {
		// find-my-way reads "::" as a literal ":", so "/api::async" serves "/api:async".
		path: (route) => `/api::${group}${route}`,
		services,
		callerOf: (request) => authenticate(request, users),
	};
	registerAuthRoutes(app, context);
	registerAsyncRoutes(app, context);
	registerExtraRoutes(app, context);
	return app;
}

/**
 * Whether a parsed JSON value has more than `limit` levels of objects and arrays. The recursion
 * stops at the limit, so the check itself is safe at any depth.
 * @param {unknown} value
 * @param {number} limit
 * @returns {boolean}
 */
function nestedDeeperThan(value, limit) {
	if (value === null || typeof value !== 'object') return false;
	if (limit === 0) return true;
	for (const child of Object.values(value)) {
		if (nestedDeeperThan(child, limit - 1)) return true;
	}
	return false;
}

/**
 * Requests Node's HTTP parser refuses before any route (headers over the size limit, a broken
 * request line or Content-Length, a request that takes too long to arrive) get Xano's error shape
 * too, written straight to the socket as there is no request to reply to.
 * @param {Error & { code?: string }} error
 * @param {import('node:net').Socket} socket
 */
function answerClientError(error, socket) {
	if (error.code === 'ECONNRESET' || socket.destroyed) return;
	const [status, param, message] =
		error.code === 'HPE_HEADER_OVERFLOW'
			? [431, 'headers', 'Request headers are larger than the server accepts.']
			: error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
				? [408, 'request', 'The request did not arrive in time.']
				: [400, 'request', 'Malformed HTTP request.'];
	const body = JSON.stringify({ code: ErrorCode.InputError, message, payload: { param } });
	if (socket.writable) {
		socket.write(
			`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
				`Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
		);
	}
	socket.destroy(error);
}

/** @param {string} url */
function pathOf(url) {
	const question = url.indexOf('?');
	return question === -1 ? url : url.slice(0, question);
}

/**
 * @param {any} error
 * @param {number} bodyLimitBytes
 * @returns {ApiError}
 */
function toApiError(error, bodyLimitBytes) {
	if (error instanceof ApiError) return error;
	if (error?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error?.statusCode === 413) {
		return bodyTooLarge(bodyLimitBytes);
	}
	const status = Number(error?.statusCode);
	if (status >= 400 && status < 500) {
		const message = String(error?.message ?? 'Bad request.');
		if (status === 404) return new ApiError(404, ErrorCode.NotFound, message);
		if (status === 401) return new ApiError(401, ErrorCode.Unauthorized, message);
		if (status === 403) return new ApiError(403, ErrorCode.AccessDenied, message);
		if (status === 429) return new ApiError(429, ErrorCode.TooManyRequests, message);
		return new ApiError(400, ErrorCode.InputError, message, { param: 'body' });
	}
	return new ApiError(500, ErrorCode.Fatal, 'Internal server error.');
}
