// @ts-check
/**
 * The one catalogue of error codes this server answers with. Every non-2xx body has Xano's shape
 * `{ code, message, payload }`, and every code has exactly one HTTP status here.
 */

/** @typedef {{ code: string, message: string, payload?: unknown }} ErrorShape */

export const ErrorCode = Object.freeze({
	InputError: 'ERROR_CODE_INPUT_ERROR',
	Unauthorized: 'ERROR_CODE_UNAUTHORIZED',
	AccessDenied: 'ERROR_CODE_ACCESS_DENIED',
	NotFound: 'ERROR_CODE_NOT_FOUND',
	TooManyRequests: 'ERROR_CODE_TOO_MANY_REQUESTS',
	Fatal: 'ERROR_FATAL',
});

/**
 * Codes an execution's `error` can carry besides whatever a function throws itself.
 * They never become HTTP statuses; they describe how a run ended.
 */
export const ExecutionErrorCode = Object.freeze({
	TimedOut: 'ERROR_CODE_TIMEOUT',
	Cancelled: 'ERROR_CODE_CANCELLED',
	Crashed: 'ERROR_CODE_CRASHED',
	WorkerLost: 'ERROR_CODE_WORKER_LOST',
	Fatal: 'ERROR_FATAL',
});

/** An error that is meant to reach the HTTP client as it is. */
export class ApiError extends Error {
	/**
	 * @param {number} status
	 * @param {string} code
	 * @param {string} message
	 * @param {unknown} [payload]
	 * @param {Record<string, string>} [headers] extra response headers, e.g. Retry-After
	 */
	constructor(status, code, message, payload, headers) {
		super(message);
		this.name = 'ApiError';
		this.status = status;
		this.code = code;
		this.payload = payload;
		this.headers = headers ?? {};
	}

	/** @returns {ErrorShape} */
	toBody() {
		/** @type {ErrorShape} */
		const body = { code: this.code, message: this.message };
		if (this.payload !== undefined) body.payload = this.payload;
		return body;
	}
}

/**
 * @param {string} param the input field at fault, dotted for nested fields (`invocations.3.priority`)
 * @param {string} message
 */
export const inputError = (param, message) =>
	new ApiError(400, ErrorCode.InputError, message, { param });

export const bodyTooLarge = (/** @type {number} */ limitBytes) =>
	new ApiError(413, ErrorCode.InputError, `Request body is larger than ${limitBytes} bytes.`, {
		param: 'body',
		limit: limitBytes,
	});

export const unauthorized = (/** @type {string} */ message) =>
	new ApiError(401, ErrorCode.Unauthorized, message);

export const accessDenied = (/** @type {string} */ message) =>
	new ApiError(403, ErrorCode.AccessDenied, message);

export const notFound = (/** @type {string} */ message, /** @type {unknown} */ payload) =>
	new ApiError(404, ErrorCode.NotFound, message, payload);

/**
 * @param {string} message
 * @param {number} retryAfterSeconds
 * @param {unknown} [payload]
 */
export const tooManyRequests = (message, retryAfterSeconds, payload) =>
	new ApiError(429, ErrorCode.TooManyRequests, message, payload, {
		'retry-after': String(retryAfterSeconds),
	});

export const fatal = (/** @type {string} */ message) => new ApiError(500, ErrorCode.Fatal, message);

/**
 * Turns anything a function threw into the execution's error shape: a thrown error's own
 * `code`, `message` and `payload` win, so functions can fail with Xano-like errors. A payload that
 * JSON cannot carry is replaced by a description, so the code and message still reach the caller.
 * @param {unknown} thrown
 * @returns {ErrorShape}
 */
export function executionErrorFrom(thrown) {
	if (thrown && typeof thrown === 'object') {
		const source = /** @type {{ code?: unknown, message?: unknown, payload?: unknown }} */ (thrown);
		/** @type {ErrorShape} */
		const shape = {
			code: typeof source.code === 'string' && source.code ? source.code : ExecutionErrorCode.Fatal,
			message: typeof source.message === 'string' ? source.message : String(source.message ?? ''),
		};
		if (source.payload !== undefined) {
			try {
				shape.payload = toJsonValue(source.payload);
			} catch (error) {
				if (!(error instanceof NotJsonError)) throw error;
				shape.payload = {
					payload_error: `The error payload is not JSON-serialisable: ${error.message}`,
				};
			}
		}
		return shape;
	}
	return { code: ExecutionErrorCode.Fatal, message: String(thrown) };
}

/** A value JSON cannot carry (a BigInt, a circular object, a throwing toJSON). */
export class NotJsonError extends Error {}

/**
 * A JSON round trip, so that what is stored and answered is exactly what JSON can carry. Values
 * JSON drops (undefined, functions) become null, as JSON.stringify makes them.
 * @param {unknown} value
 * @throws {NotJsonError} when JSON.stringify refuses the value
 */
export function toJsonValue(value) {
	let text;
	try {
		text = JSON.stringify(value);
	} catch (error) {
		throw new NotJsonError(/** @type {Error} */ (error)?.message ?? String(error));
	}
	return text === undefined ? null : JSON.parse(text);
}
