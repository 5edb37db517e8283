export type HttpMethod = 'GET' | 'HEAD' | 'OPTIONS' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpAnswer {
	status: number;
	headers: Headers;
	/** Parsed JSON when the body is JSON, the text otherwise, undefined when empty. */
	body: unknown;
}

export class HttpError extends Error {
	constructor(
		readonly method: string,
		readonly url: string,
		readonly status: number,
		readonly body: unknown,
	) {
		super(`${method} ${url} answered ${status}: ${JSON.stringify(body)?.slice(0, 1_000)}`);
		this.name = 'HttpError';
	}
}

/** One HTTP call to a loopback server the tests started; never throws on a status. */
export async function httpCall(
	method: HttpMethod,
	url: string,
	options: HttpOptions = {},
): Promise<HttpAnswer> {
	try {
		return await send(method, url, options);
	} catch (error) {
		// A kept-alive connection the server closed at the moment it was reused fails with
		// "other side closed"; seen on a busy machine. Reads are safe to send again, writes not.
		if (!readOnly.has(method) || !isClosedSocket(error)) throw error;
		return await send(method, url, options);
	}
}

export interface HttpOptions {
	body?: unknown;
	headers?: Record<string, string>;
	timeoutMs?: number;
}

const readOnly = new Set<HttpMethod>(['GET', 'HEAD', 'OPTIONS']);

async function send(
	method: HttpMethod,
	url: string,
	{ body, headers = {}, timeoutMs = 30_000 }: HttpOptions,
): Promise<HttpAnswer> {
	const response = await fetch(url, {
		method,
		headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: parseBody(text) };
}

function isClosedSocket(error: unknown): boolean {
	const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
	return cause?.code === 'UND_ERR_SOCKET';
}

/** Like httpCall, but a non-2xx answer is an HttpError. */
export async function httpJson<T>(
	method: HttpMethod,
	url: string,
	options: HttpOptions = {},
): Promise<T> {
	const answer = await httpCall(method, url, options);
	if (answer.status < 200 || answer.status > 299) {
		throw new HttpError(method, url, answer.status, answer.body);
	}
	return answer.body as T;
}

function parseBody(text: string): unknown {
	if (text === '') return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}
