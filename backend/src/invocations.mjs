// @ts-check
import { ApiError, ErrorCode, inputError, notFound, tooManyRequests } from './errors.mjs';
import { PRIORITY_RANK, QueueFullError } from './storage/execution-store.mjs';

export const MAX_BULK_INVOCATIONS = 1000;
const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 128;
const MAX_KEY_LENGTH = 255;

/**
 * Accepting invocations, from HTTP and from ctx.invoke alike: validate every one, store all of
 * them in one transaction (or none when the queue is full), then wake the executor.
 * @param {{ store: import('./storage/execution-store.mjs').ExecutionStore, registry: import('./functions/registry.mjs').FunctionRegistry, queueSize: number, maxParallel: number, defaultTimeoutSeconds: number, onAccepted: () => void }} deps
 */
export function createInvocationService(deps) {
	const { store, registry, queueSize, maxParallel, defaultTimeoutSeconds, onAccepted } = deps;

	/** @param {unknown} raw @param {string} prefix @returns {import('./storage/execution-store.mjs').Invocation} */
	const parseInvocation = (raw, prefix) => {
		const at = (/** @type {string} */ field) => (prefix ? `${prefix}.${field}` : field);
		if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
			throw inputError(prefix || 'body', `${prefix || 'The body'} must be a JSON object.`);
		}
		const body = /** @type {Record<string, unknown>} */ (raw);

		if (typeof body.function !== 'string' || body.function.trim() === '') {
			throw inputError(at('function'), `Missing param: ${at('function')} (a function name).`);
		}
		const entry = registry.get(body.function);
		if (!entry) {
			throw notFound(`Unknown function: ${body.function}.`, { param: at('function') });
		}

		const input = body.input ?? {};
		registry.validateInput(entry, input, at('input'));

		let idempotencyKey = null;
		if (body.idempotency_key !== undefined && body.idempotency_key !== null) {
			const key = body.idempotency_key;
			if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_LENGTH) {
				throw inputError(
					at('idempotency_key'),
					`${at('idempotency_key')} must be a string of 1 to ${MAX_KEY_LENGTH} characters.`,
				);
			}
			idempotencyKey = key;
		}

		const priority = body.priority ?? 'normal';
		if (typeof priority !== 'string' || !Object.hasOwn(PRIORITY_RANK, priority)) {
			throw inputError(
				at('priority'),
				`${at('priority')} must be one of critical, high, normal, low.`,
			);
		}

		const timeout = body.timeout ?? defaultTimeoutSeconds;
		if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 1 || timeout > 3600) {
			throw inputError(
				at('timeout'),
				`${at('timeout')} must be a number of seconds from 1 to 3600.`,
			);
		}

		const tags = body.tags ?? [];
		if (
			!Array.isArray(tags) ||
			tags.length > MAX_TAGS ||
			tags.some((tag) => typeof tag !== 'string' || tag.length > MAX_TAG_LENGTH)
		) {
			throw inputError(
				at('tags'),
				`${at('tags')} must be a list of at most ${MAX_TAGS} strings of up to ${MAX_TAG_LENGTH} characters.`,
			);
		}

		return {
			function: entry.name,
			input,
			idempotencyKey,
			priority: /** @type {import('./storage/execution-store.mjs').Priority} */ (priority),
			timeoutSeconds: timeout,
			tags: /** @type {string[]} */ (tags),
		};
	};

	/** @param {number} ownerId @param {import('./storage/execution-store.mjs').Invocation[]} invocations */
	const accept = (ownerId, invocations) => {
		try {
			const results = store.enqueue(ownerId, invocations, queueSize);
			onAccepted();
			return results;
		} catch (error) {
			if (error instanceof QueueFullError) {
				const payload = {
					pending: error.pending,
					requested: error.requested,
					queue_size: error.queueSize,
					exceeds_queue_size: error.requested > error.queueSize,
				};
				// All or none: a request with more new invocations than the queue holds would be
				// refused on an empty queue too, so it gets no Retry-After, only the size to split to.
				if (payload.exceeds_queue_size) {
					throw new ApiError(
						429,
						ErrorCode.TooManyRequests,
						`This request alone has ${error.requested} new invocations, more than the queue ` +
							`holds (queue size ${error.queueSize}), so waiting cannot help: send at most ` +
							`${error.queueSize} per request.`,
						payload,
					);
				}
				throw tooManyRequests(error.message, retryAfterSeconds(error.pending), payload);
			}
			throw error;
		}
	};

	/**
	 * Rough time until the queue has room: the pending work spread over the slots, from the
	 * average of recent runs; between 1 and 60 seconds.
	 * @param {number} pending
	 */
	const retryAfterSeconds = (pending) => {
		const averageMs = store.recentAverageDurationMs() ?? 1000;
		return Math.min(60, Math.max(1, Math.ceil((pending / maxParallel) * (averageMs / 1000))));
	};

	return {
		/**
		 * The body of POST /async/invoke: one invocation, or `{ invocations: [...] }`.
		 * @param {number} ownerId
		 * @param {unknown} body
		 * @returns {{ bulk: false, result: { execution: import('./storage/execution-store.mjs').Execution, deduplicated: boolean } } | { bulk: true, results: { execution: import('./storage/execution-store.mjs').Execution, deduplicated: boolean }[] }}
		 */
		invokeFromBody(ownerId, body) {
			if (body && typeof body === 'object' && !Array.isArray(body) && 'invocations' in body) {
				const list = /** @type {{ invocations: unknown }} */ (body).invocations;
				if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BULK_INVOCATIONS) {
					throw inputError(
						'invocations',
						`invocations must be a list of 1 to ${MAX_BULK_INVOCATIONS} invocations.`,
					);
				}
				const parsed = list.map((item, index) => parseInvocation(item, `invocations.${index}`));
				return { bulk: true, results: accept(ownerId, parsed) };
			}
			const [result] = accept(ownerId, [parseInvocation(body, '')]);
			return { bulk: false, result };
		},

		/** ctx.invoke(name, input, options) from inside a function. */
		invokeFromFunction(
			/** @type {number} */ ownerId,
			/** @type {string} */ name,
			/** @type {unknown} */ input,
			/** @type {Record<string, unknown>} */ options,
		) {
			const [result] = accept(ownerId, [
				parseInvocation({ ...options, function: name, input }, ''),
			]);
			return { ...result.execution, ...(result.deduplicated ? { deduplicated: true } : {}) };
		},
	};
}

/** @typedef {ReturnType<typeof createInvocationService>} InvocationService */
