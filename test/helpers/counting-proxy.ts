/**
 * A loopback HTTP proxy in front of the reference backend. Tests point credentials at it to count
 * the requests a node makes (method, path, status, timing) and, where the real backend cannot
 * produce a fault (an HTML 502 from a gateway), to answer a request with that fault instead.
 */
import { createServer, request as forward } from 'http';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';

export interface RecordedRequest {
	method: string;
	/** Path and query, as the node sent them. */
	path: string;
	status: number;
	startedAt: number;
	endedAt: number;
	/** The JSON request body, when there was one. */
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
}

export interface InjectedFault {
	status: number;
	contentType: string;
	body: string;
	headers?: Record<string, string>;
}

export type FaultRule = (request: { method: string; path: string }) => InjectedFault | undefined;

/** Changes a JSON request body before it is forwarded (e.g. to make a backend answer at once). */
export type BodyRewrite = (request: { method: string; path: string; body: unknown }) => unknown;

export interface CountingProxy {
	/** The proxy's origin, e.g. http://127.0.0.1:PORT */
	origin: string;
	/** `baseUrl` of the backend with the proxy's origin: same API group path. */
	baseUrlFor(backendBaseUrl: string): string;
	requests: RecordedRequest[];
	/** Requests whose method matches and whose path (without query) ends with `pathSuffix`. */
	count(method: string, pathSuffix: string): number;
	reset(): void;
	/** Answer matching requests with a fault instead of forwarding them; undefined clears it. */
	setFault(rule: FaultRule | undefined): void;
	/** Rewrites matching request bodies before forwarding; undefined clears it. */
	setBodyRewrite(rewrite: BodyRewrite | undefined): void;
	close(): Promise<void>;
}

export const HTML_502: InjectedFault = {
	status: 502,
	contentType: 'text/html',
	body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
};

function readBody(incoming: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => resolve(Buffer.concat(chunks)));
		incoming.on('error', reject);
	});
}

export async function startCountingProxy(targetOrigin: string): Promise<CountingProxy> {
	const target = new URL(targetOrigin);
	const requests: RecordedRequest[] = [];
	let fault: FaultRule | undefined;
	let rewrite: BodyRewrite | undefined;

	const handle = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
		const startedAt = Date.now();
		const method = incoming.method ?? 'GET';
		const path = incoming.url ?? '/';
		const payload = await readBody(incoming);
		let body: unknown = undefined;
		try {
			body = payload.length > 0 ? JSON.parse(payload.toString('utf8')) : undefined;
		} catch {
			body = payload.toString('utf8');
		}
		const record = (status: number) =>
			requests.push({
				method,
				path,
				status,
				startedAt,
				endedAt: Date.now(),
				body,
				headers: incoming.headers,
			});

		const injected = fault?.({ method, path });
		if (injected) {
			outgoing.writeHead(injected.status, {
				'content-type': injected.contentType,
				...injected.headers,
			});
			outgoing.end(injected.body);
			record(injected.status);
			return;
		}
		let forwarded = payload;
		if (rewrite && body !== undefined && typeof body !== 'string') {
			forwarded = Buffer.from(JSON.stringify(rewrite({ method, path, body })));
		}
		const upstream = forward(
			{
				host: target.hostname,
				port: target.port,
				method,
				path,
				headers: {
					...incoming.headers,
					host: target.host,
					'content-length': String(forwarded.length),
				},
			},
			(answer) => {
				outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(outgoing);
				answer.on('end', () => record(answer.statusCode ?? 502));
			},
		);
		upstream.on('error', () => {
			if (!outgoing.headersSent) outgoing.writeHead(599);
			outgoing.end();
			record(599);
		});
		// A client that hangs up (a cancelled long-poll) hangs up on the backend too.
		outgoing.on('close', () => upstream.destroy());
		upstream.end(forwarded);
	};

	const server: Server = createServer((incoming, outgoing) => void handle(incoming, outgoing));
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		origin,
		baseUrlFor: (backendBaseUrl) => origin + new URL(backendBaseUrl).pathname,
		requests,
		count: (method, pathSuffix) =>
			requests.filter(
				(entry) => entry.method === method && entry.path.split('?')[0].endsWith(pathSuffix),
			).length,
		reset: () => {
			requests.length = 0;
		},
		setFault: (rule) => {
			fault = rule;
		},
		setBodyRewrite: (next) => {
			rewrite = next;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
