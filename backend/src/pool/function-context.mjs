// @ts-check

/**
 * The `ctx` a function's handler receives, built inside its worker thread. Everything that touches
 * shared state (ctx.db, ctx.invoke, ctx.await) is a request over the task's MessagePort to the main
 * thread, which owns the one SQLite connection and the queue, and which answers as the caller that
 * owns the execution.
 */

/**
 * @param {{ port: import('node:worker_threads').MessagePort, execution: { id: string, attempt: number, function: string }, settings: Record<string, unknown> }} options
 */
export function createFunctionContext({ port, execution, settings }) {
	const abortController = new AbortController();
	/** @type {Map<number, { resolve: (value: unknown) => void, reject: (error: Error) => void }>} */
	const calls = new Map();
	let nextCallId = 1;

	port.on('message', (message) => {
		if (message.type === 'abort') {
			abortController.abort(abortReason(message.reason));
		} else if (message.type === 'rpc-result') {
			const call = calls.get(message.id);
			if (!call) return;
			calls.delete(message.id);
			if (message.error)
				call.reject(Object.assign(new Error(message.error.message), message.error));
			else call.resolve(message.result);
		}
	});

	/** @param {string} method @param {unknown[]} args */
	const rpc = (method, args) =>
		new Promise((resolve, reject) => {
			const id = nextCallId++;
			calls.set(id, { resolve, reject });
			port.postMessage({ type: 'rpc', id, method, args });
		});

	/** @param {'debug' | 'info' | 'warn' | 'error'} level */
	const logAt =
		(level) => (/** @type {unknown} */ first, /** @type {string | undefined} */ message) => {
			const fields = typeof first === 'object' && first !== null ? first : {};
			const text = typeof first === 'string' ? first : (message ?? '');
			port.postMessage({ type: 'log', level, fields: safeClone(fields), message: text });
		};

	const signal = abortController.signal;

	const ctx = Object.freeze({
		signal,
		execution: Object.freeze({ ...execution }),
		settings: Object.freeze({ ...settings }),
		log: Object.freeze({
			debug: logAt('debug'),
			info: logAt('info'),
			warn: logAt('warn'),
			error: logAt('error'),
		}),
		db: Object.freeze({
			add: (/** @type {string} */ table, /** @type {object} */ fields) =>
				rpc('db.add', [table, fields]),
			bulkAdd: (/** @type {string} */ table, /** @type {object[]} */ rows) =>
				rpc('db.bulkAdd', [table, rows]),
			get: (/** @type {string} */ table, /** @type {number} */ id) => rpc('db.get', [table, id]),
			edit: (
				/** @type {string} */ table,
				/** @type {number} */ id,
				/** @type {object} */ changes,
			) => rpc('db.edit', [table, id, changes]),
			delete: (/** @type {string} */ table, /** @type {number} */ id) =>
				rpc('db.delete', [table, id]),
			query: (/** @type {string} */ table, /** @type {object} */ query) =>
				rpc('db.query', [table, query ?? {}]),
			count: (/** @type {string} */ table, /** @type {object} */ where) =>
				rpc('db.count', [table, where ?? {}]),
		}),
		http: createHttpClient(signal),
		/** Starts another execution owned by the same caller; answers its execution object. */
		invoke: (
			/** @type {string} */ name,
			/** @type {unknown} */ input,
			/** @type {object} */ options,
		) => rpc('invoke', [name, input ?? {}, options ?? {}]),
		/** Xano's Async Function Await: one execution object per id, in order. */
		await: (
			/** @type {string | string[]} */ ids,
			/** @type {number} */ timeoutSeconds,
			/** @type {object} */ options,
		) => rpc('await', [Array.isArray(ids) ? ids : [ids], timeoutSeconds ?? 10, options ?? {}]),
		/** Waits `ms`, or rejects as soon as the run is aborted. */
		sleep: (/** @type {number} */ ms) => sleep(ms, signal),
	});

	return {
		ctx,
		/** Ends the task's side of the port: pending calls fail, nothing keeps the worker busy. */
		dispose() {
			for (const call of calls.values()) call.reject(new Error('The execution ended.'));
			calls.clear();
			port.close();
		},
	};
}

/** @param {string} reason */
function abortReason(reason) {
	const error = new Error(
		reason === 'timeout'
			? 'The execution ran past its timeout.'
			: reason === 'cancel'
				? 'The execution was cancelled.'
				: 'The server is shutting down.',
	);
	error.name = 'AbortError';
	return Object.assign(error, { reason });
}

/** @param {number} ms @param {AbortSignal} signal */
function sleep(ms, signal) {
	return new Promise((resolve, reject) => {
		if (signal.aborted) return reject(signal.reason);
		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve(undefined);
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal.reason);
		};
		signal.addEventListener('abort', onAbort, { once: true });
	});
}

/**
 * A small HTTP client over fetch, bound to the run's signal so a timeout or cancel also ends the
 * calls in flight.
 * @param {AbortSignal} runSignal
 */
function createHttpClient(runSignal) {
	/**
	 * @param {{ url: string, method?: string, headers?: Record<string, string>, json?: unknown, body?: string, timeoutMs?: number }} request
	 */
	const request = async ({ url, method = 'GET', headers = {}, json, body, timeoutMs = 30_000 }) => {
		const signal = AbortSignal.any([runSignal, AbortSignal.timeout(timeoutMs)]);
		const finalHeaders = { ...headers };
		let payload = body;
		if (json !== undefined) {
			payload = JSON.stringify(json);
			finalHeaders['content-type'] ??= 'application/json';
		}
		const response = await fetch(url, { method, headers: finalHeaders, body: payload, signal });
		const text = await response.text();
		let parsed = text;
		try {
			parsed = text ? JSON.parse(text) : null;
		} catch {
			// not JSON: the text itself is the body
		}
		return {
			status: response.status,
			headers: Object.fromEntries(response.headers),
			body: parsed,
		};
	};
	return Object.freeze({
		request,
		get: (/** @type {string} */ url, /** @type {object} */ options = {}) =>
			request({ ...options, url }),
		post: (
			/** @type {string} */ url,
			/** @type {unknown} */ json,
			/** @type {object} */ options = {},
		) => request({ ...options, url, method: 'POST', json }),
	});
}

/** Log fields must survive structured cloning; anything odd is stringified. @param {unknown} value */
function safeClone(value) {
	try {
		return structuredClone(value);
	} catch {
		return { value: String(value) };
	}
}
