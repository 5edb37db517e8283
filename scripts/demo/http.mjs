// JSON over HTTP to the loopback servers the demo started (n8n, the backend). The .mjs
// counterpart of test/e2e/harness/http.ts.
import { createServer } from 'node:net';

export class HttpError extends Error {
	constructor(method, url, status, body) {
		super(`${method} ${url} answered ${status}: ${JSON.stringify(body)?.slice(0, 500)}`);
		this.name = 'HttpError';
		this.status = status;
		this.body = body;
	}
}

/** One call; never throws on a status. Answers `{ status, headers, body }`. */
export async function httpCall(method, url, { body, headers = {}, timeoutMs = 30_000 } = {}) {
	const response = await fetch(url, {
		method,
		headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: parseBody(text) };
}

/** Like httpCall, but answers only the body, and a non-2xx status is an HttpError. */
export async function httpJson(method, url, options = {}) {
	const answer = await httpCall(method, url, options);
	if (answer.status < 200 || answer.status > 299) {
		throw new HttpError(method, url, answer.status, answer.body);
	}
	return answer.body;
}

function parseBody(text) {
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** Whether nothing listens on 127.0.0.1:port right now. */
export function portIsFree(port) {
	return new Promise((resolveFree) => {
		const server = createServer();
		server.once('error', () => resolveFree(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
	});
}

const handedOut = new Set();

/** A port on 127.0.0.1 that was free a moment ago, never the same one twice. */
export async function freePort() {
	for (let attempt = 0; attempt < 20; attempt++) {
		const port = await new Promise((resolvePort, reject) => {
			const server = createServer();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const { port: found } = server.address();
				server.close(() => resolvePort(found));
			});
		});
		if (!handedOut.has(port)) {
			handedOut.add(port);
			return port;
		}
	}
	throw new Error('No free port on 127.0.0.1 after 20 attempts');
}
