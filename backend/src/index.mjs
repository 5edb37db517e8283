// @ts-check
import { resolveOptions } from './config.mjs';
import { ExecutionErrorCode } from './errors.mjs';
import { createAwaiter } from './executor/awaiter.mjs';
import { createCompletionBus } from './executor/completion-bus.mjs';
import { createExecutor, threadsFor } from './executor/executor.mjs';
import { createFunctionRequestHandler } from './executor/function-requests.mjs';
import { loadFunctions } from './functions/registry.mjs';
import { buildHttpServer } from './http/server.mjs';
import { createInvocationService } from './invocations.mjs';
import { createLogger } from './logger.mjs';
import { createWorkerPool } from './pool/worker-pool.mjs';
import { startRetentionSweep } from './retention.mjs';
import { lockDataFile } from './storage/data-file-lock.mjs';
import { startCheckpointer } from './storage/checkpointer.mjs';
import { openDatabase } from './storage/database.mjs';
import { createExecutionStore } from './storage/execution-store.mjs';
import { createRecordStore } from './storage/record-store.mjs';
import { createUserStore } from './storage/user-store.mjs';
import { setUpUsers } from './users-setup.mjs';

export { ConfigError, DEFAULTS, parseCommandLine, resolveOptions } from './config.mjs';
export { FunctionLoadError } from './functions/registry.mjs';
export { DataFileInUseError } from './storage/data-file-lock.mjs';

/**
 * @typedef {object} RunningServer
 * @property {string} baseUrl the API group base URL, e.g. http://127.0.0.1:8787/api:async
 * @property {string} origin e.g. http://127.0.0.1:8787
 * @property {number} port
 * @property {{ name: string, description: string }[]} functions
 * @property {{ email: string, password: string, token: string } | null} demo credentials made because no user or token was given
 * @property {(options?: { graceSeconds?: number }) => Promise<void>} close drains and closes; safe to call twice
 */

/**
 * Starts the reference backend: storage, recovery of runs cut short by a crash, the worker pool,
 * the executor, the retention sweep and the HTTP server.
 * @param {Partial<import('./config.mjs').ServerOptions>} [partialOptions]
 * @returns {Promise<RunningServer>}
 */
export async function startServer(partialOptions = {}) {
	const options = resolveOptions(partialOptions);
	const startedAt = Date.now();
	const log = createLogger({ level: options.logLevel, stream: options.logStream });
	const registry = await loadFunctions(options.functionDirs);
	// Held until close: recovery below treats every running execution in the file as this
	// server's own, which is true only while no other server uses the file.
	const dataFileLock = await lockDataFile(options.dataFile, {
		waitMs: options.dataFileLockWaitMs,
	});
	/** @type {import('better-sqlite3').Database} */
	let db;
	try {
		db = openDatabase(options.dataFile, log);
	} catch (error) {
		dataFileLock.release();
		throw error;
	}

	const store = createExecutionStore(db, { visibilityLagMs: options.completionVisibilityLagMs });
	const records = createRecordStore(db);
	const users = createUserStore(db);
	const demo = setUpUsers(users, options);

	const recovered = store.recoverInterrupted(
		options.maxAttempts,
		{
			code: ExecutionErrorCode.Crashed,
			message: `The server stopped during the run ${options.maxAttempts} time(s); not retried again.`,
		},
		{ code: ExecutionErrorCode.Cancelled, message: 'The execution was cancelled while running.' },
	);
	if (recovered.requeued + recovered.failed + recovered.cancelled > 0) {
		log.warn(recovered, 'recovered executions interrupted by a previous stop');
	}

	const bus = createCompletionBus();
	const awaiter = createAwaiter({ store, bus });
	const pool = createWorkerPool({
		maxThreads: threadsFor(options.maxParallel),
		settings: { welcome_email_url: options.welcomeEmailUrl },
	});
	/** @type {import('./executor/executor.mjs').Executor} */
	let executor;
	const invocations = createInvocationService({
		store,
		registry,
		queueSize: options.queueSize,
		maxParallel: options.maxParallel,
		defaultTimeoutSeconds: options.defaultTimeoutSeconds,
		onAccepted: () => executor.wake(),
	});
	executor = createExecutor({
		store,
		registry,
		pool,
		bus,
		log,
		maxParallel: options.maxParallel,
		abortGraceMs: options.abortGraceMs,
		onFunctionMessage: createFunctionRequestHandler({ records, invocations, awaiter, log }),
	});

	const app = buildHttpServer({
		services: { options, store, records, users, registry, invocations, awaiter, executor },
		log,
		startedAt,
	});
	const retention = startRetentionSweep({
		store,
		users,
		retentionSeconds: options.retentionSeconds,
		log,
	});

	const checkpointer = startCheckpointer(db, options.dataFile, { log });

	try {
		await app.listen({ host: options.host, port: options.port });
	} catch (error) {
		retention.stop();
		await pool.close();
		await checkpointer.stop();
		db.close();
		dataFileLock.release();
		throw error;
	}
	const address = /** @type {import('node:net').AddressInfo} */ (app.server.address());
	const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	const origin = `http://${hostForUrl}:${address.port}`;
	const baseUrl = `${origin}/api:${options.apiGroup}`;
	executor.wake();
	log.info(
		{ base_url: baseUrl, functions: registry.describe().length, max_parallel: options.maxParallel },
		'serving',
	);

	/** @type {Promise<void> | null} */
	let closing = null;
	const close = ({ graceSeconds = options.shutdownGraceSeconds } = {}) => {
		closing ??= (async () => {
			log.info({ grace_seconds: graceSeconds, running: executor.runningCount }, 'shutting down');
			// Order matters: stop claiming work and stop accepting connections first; let running
			// functions finish (up to the grace); then answer the waits still open so the HTTP
			// server can finish closing; then the pool, the checkpoint thread and, last, the
			// database (whose close checkpoints what is left).
			const drained = executor.drain(graceSeconds * 1000);
			const httpClosed = app.close();
			await drained;
			awaiter.releaseAll();
			await httpClosed;
			retention.stop();
			await pool.close();
			await checkpointer.stop();
			db.close();
			dataFileLock.release();
			log.info({ uptime_ms: Date.now() - startedAt }, 'stopped');
		})();
		return closing;
	};

	return {
		baseUrl,
		origin,
		port: address.port,
		functions: registry.describe().map(({ name, description }) => ({ name, description })),
		demo,
		close,
	};
}
