// @ts-check
import pino from 'pino';

/**
 * One pino logger for the server. Scope fields (request_id, execution_id, function) are added
 * with child loggers. Logs go to stderr so stdout stays a readable banner for people and tests.
 * Nothing logged here may carry a token, a password or a function's input or output.
 * @param {{ level: string, stream?: import('node:stream').Writable }} options
 */
export function createLogger({ level, stream }) {
	// Synchronous writes: a crash or kill right after a log call still leaves the line behind.
	const destination = stream ?? pino.destination({ dest: 2, sync: true });
	return pino(
		{
			level,
			base: { service: 'xano-async-backend' },
			redact: { paths: ['authorization', 'password', 'token', 'authToken'], censor: '[redacted]' },
		},
		destination,
	);
}

/** @typedef {import('pino').Logger} Logger */
