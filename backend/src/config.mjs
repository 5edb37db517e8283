// @ts-check
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * @typedef {object} ServerOptions
 * @property {string} host
 * @property {number} port 0 picks a free port
 * @property {string} apiGroup served at /api:NAME and /api:NAME:BRANCH
 * @property {string} dataFile SQLite file
 * @property {string[]} functionDirs folders of function modules added to the built-in ones
 * @property {{ email: string, password: string }[]} users
 * @property {{ token: string, email: string }[]} tokens
 * @property {number} maxParallel functions running at once
 * @property {number} queueSize pending executions accepted before 429
 * @property {number} defaultTimeoutSeconds
 * @property {number} retentionSeconds terminal executions are purged after this
 * @property {string} logLevel
 * @property {number} maxAttempts runs of one execution, counting runs cut short by a crash
 * @property {number} completionVisibilityLagMs test knob: delays when terminal executions are listed
 * @property {string | null} welcomeEmailUrl where send_welcome_email posts; null posts nowhere
 * @property {number} shutdownGraceSeconds how long SIGTERM waits for running functions
 * @property {number} abortGraceMs how long an aborted function may run before its worker is killed
 * @property {number} bodyLimitBytes
 * @property {number} dataFileLockWaitMs how long a start waits for another server to release the data file
 * @property {import('node:stream').Writable | undefined} [logStream] defaults to stderr
 */

export const DEFAULT_DATA_FILE = fileURLToPath(
	new URL('../data/xano-async.sqlite', import.meta.url),
);

/** @type {Omit<ServerOptions, 'logStream'>} */
export const DEFAULTS = Object.freeze({
	host: '127.0.0.1',
	port: 0,
	apiGroup: 'async',
	dataFile: DEFAULT_DATA_FILE,
	functionDirs: [],
	users: [],
	tokens: [],
	maxParallel: 10,
	queueSize: 100,
	defaultTimeoutSeconds: 300,
	retentionSeconds: 86_400,
	logLevel: 'info',
	maxAttempts: 3,
	completionVisibilityLagMs: 0,
	welcomeEmailUrl: null,
	shutdownGraceSeconds: 30,
	abortGraceMs: 1000,
	bodyLimitBytes: 10 * 1024 * 1024,
	dataFileLockWaitMs: 5000,
});

/** A bad flag or environment variable; the CLI prints its message and exits 2. */
export class ConfigError extends Error {}

/**
 * Every flag with its environment variable. `list` flags repeat on the command line and are
 * comma-separated in the environment.
 * @type {Record<string, { env: string, key: keyof ServerOptions, kind: 'string' | 'int' | 'list' }>}
 */
export const FLAGS = {
	host: { env: 'XANO_ASYNC_HOST', key: 'host', kind: 'string' },
	port: { env: 'XANO_ASYNC_PORT', key: 'port', kind: 'int' },
	'api-group': { env: 'XANO_ASYNC_API_GROUP', key: 'apiGroup', kind: 'string' },
	data: { env: 'XANO_ASYNC_DATA', key: 'dataFile', kind: 'string' },
	functions: { env: 'XANO_ASYNC_FUNCTIONS', key: 'functionDirs', kind: 'list' },
	user: { env: 'XANO_ASYNC_USER', key: 'users', kind: 'list' },
	token: { env: 'XANO_ASYNC_TOKEN', key: 'tokens', kind: 'list' },
	'max-parallel': { env: 'XANO_ASYNC_MAX_PARALLEL', key: 'maxParallel', kind: 'int' },
	'queue-size': { env: 'XANO_ASYNC_QUEUE_SIZE', key: 'queueSize', kind: 'int' },
	'default-timeout': {
		env: 'XANO_ASYNC_DEFAULT_TIMEOUT',
		key: 'defaultTimeoutSeconds',
		kind: 'int',
	},
	retention: { env: 'XANO_ASYNC_RETENTION', key: 'retentionSeconds', kind: 'int' },
	'log-level': { env: 'XANO_ASYNC_LOG_LEVEL', key: 'logLevel', kind: 'string' },
	'max-attempts': { env: 'XANO_ASYNC_MAX_ATTEMPTS', key: 'maxAttempts', kind: 'int' },
	'completion-visibility-lag': {
		env: 'XANO_ASYNC_COMPLETION_VISIBILITY_LAG',
		key: 'completionVisibilityLagMs',
		kind: 'int',
	},
	'welcome-email-url': {
		env: 'XANO_ASYNC_WELCOME_EMAIL_URL',
		key: 'welcomeEmailUrl',
		kind: 'string',
	},
	'shutdown-grace': { env: 'XANO_ASYNC_SHUTDOWN_GRACE', key: 'shutdownGraceSeconds', kind: 'int' },
	'abort-grace': { env: 'XANO_ASYNC_ABORT_GRACE', key: 'abortGraceMs', kind: 'int' },
};

/**
 * Reads flags, then environment variables for the flags not given.
 * @param {string[]} argv arguments after the script name
 * @param {NodeJS.ProcessEnv} env
 * @returns {Partial<ServerOptions> & { help?: boolean }}
 */
export function parseCommandLine(argv, env) {
	/** @type {import('node:util').ParseArgsConfig['options']} */
	const parseOptions = { help: { type: 'boolean', short: 'h' } };
	for (const [flag, spec] of Object.entries(FLAGS)) {
		parseOptions[flag] = { type: 'string', multiple: spec.kind === 'list' };
	}
	let values;
	try {
		({ values } = parseArgs({ args: argv, options: parseOptions, strict: true }));
	} catch (error) {
		throw new ConfigError(/** @type {Error} */ (error).message);
	}

	/** @type {Record<string, unknown>} */
	const partial = {};
	for (const [flag, spec] of Object.entries(FLAGS)) {
		/** @type {unknown} */
		let raw = values[flag];
		let source = `--${flag}`;
		if (raw === undefined && env[spec.env] !== undefined && env[spec.env] !== '') {
			const fromEnv = /** @type {string} */ (env[spec.env]);
			raw = spec.kind === 'list' ? fromEnv.split(',').map((part) => part.trim()) : fromEnv;
			source = spec.env;
		}
		if (raw === undefined) continue;
		partial[spec.key] = convert(flag, spec, raw, source);
	}
	if (values.help) partial.help = true;
	return /** @type {Partial<ServerOptions> & { help?: boolean }} */ (partial);
}

/**
 * @param {string} flag
 * @param {{ kind: string }} spec
 * @param {unknown} raw
 * @param {string} source
 */
function convert(flag, spec, raw, source) {
	if (spec.kind === 'int') {
		const text = String(raw);
		if (!/^\d+$/.test(text))
			throw new ConfigError(`${source} must be a whole number, got "${text}".`);
		return Number(text);
	}
	if (spec.kind === 'string') return String(raw);
	const items = /** @type {string[]} */ (raw).filter((item) => item !== '');
	if (flag === 'user') return items.map((item) => parseUser(item, source));
	if (flag === 'token') return items.map((item) => parseToken(item, source));
	return items;
}

/** @param {string} text @param {string} source */
function parseUser(text, source) {
	const colon = text.indexOf(':');
	if (colon <= 0 || colon === text.length - 1 || !text.slice(0, colon).includes('@')) {
		throw new ConfigError(`${source} expects EMAIL:PASSWORD, got "${text}".`);
	}
	return { email: text.slice(0, colon).toLowerCase(), password: text.slice(colon + 1) };
}

/** A token cannot contain "@": the first "@" separates the token from its owner's email. */
function parseToken(/** @type {string} */ text, /** @type {string} */ source) {
	const at = text.indexOf('@');
	if (at <= 0 || !text.slice(at + 1).includes('@')) {
		throw new ConfigError(`${source} expects TOKEN@EMAIL, got "${text}".`);
	}
	return { token: text.slice(0, at), email: text.slice(at + 1).toLowerCase() };
}

/**
 * Fills in defaults and checks ranges, so the server never starts half-configured.
 * @param {Partial<ServerOptions>} [partial]
 * @returns {ServerOptions}
 */
export function resolveOptions(partial = {}) {
	/** @type {ServerOptions} */
	const options = { ...DEFAULTS, ...stripUndefined(partial) };
	const atLeast = (/** @type {keyof ServerOptions} */ key, /** @type {number} */ min) => {
		const value = options[key];
		if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
			throw new ConfigError(`${key} must be a whole number of at least ${min}, got ${value}.`);
		}
	};
	atLeast('port', 0);
	atLeast('maxParallel', 1);
	atLeast('queueSize', 1);
	atLeast('defaultTimeoutSeconds', 1);
	atLeast('retentionSeconds', 1);
	atLeast('maxAttempts', 1);
	atLeast('completionVisibilityLagMs', 0);
	atLeast('shutdownGraceSeconds', 0);
	atLeast('abortGraceMs', 0);
	atLeast('dataFileLockWaitMs', 0);
	if (options.port > 65_535) throw new ConfigError(`port must be at most 65535.`);
	if (options.defaultTimeoutSeconds > 3600) {
		throw new ConfigError('defaultTimeoutSeconds must be at most 3600.');
	}
	if (!/^[A-Za-z0-9_-]+$/.test(options.apiGroup)) {
		throw new ConfigError(
			`apiGroup may hold only letters, digits, "_" and "-", got "${options.apiGroup}".`,
		);
	}
	if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(options.logLevel)) {
		throw new ConfigError(
			`logLevel must be one of fatal, error, warn, info, debug, trace, silent.`,
		);
	}
	return options;
}

/** @template {object} T @param {T} object @returns {Partial<T>} */
function stripUndefined(object) {
	return /** @type {Partial<T>} */ (
		Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined))
	);
}
