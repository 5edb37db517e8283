/**
 * One reference backend, a counting proxy in front of it and an n8n runner whose credentials
 * point at the proxy: what most node tests need. Call `startXanoFixture()` in beforeAll and
 * `fixture.stop()` in afterAll.
 */
import type { IDataObject } from 'n8n-workflow';

import { XanoAsyncAwait } from '../../nodes/XanoAsyncAwait/XanoAsyncAwait.node';
import { XanoAsyncInvoke } from '../../nodes/XanoAsyncInvoke/XanoAsyncInvoke.node';
import { startBackend } from './backend';
import type { RunningBackend, StartBackendOptions } from './backend';
import { startCountingProxy } from './counting-proxy';
import type { CountingProxy } from './counting-proxy';
import { N8nRunner } from './n8n-runner';
import type { NodeClass } from './n8n-runner';

export interface XanoFixture {
	backend: RunningBackend;
	proxy: CountingProxy;
	runner: N8nRunner;
	/** The API group base URL through the proxy. */
	baseUrl: string;
	/** Calls the backend directly (not through the proxy, not counted) with the static token. */
	api<T>(method: string, path: string, body?: IDataObject): Promise<T>;
	stop(): Promise<void>;
}

export async function startXanoFixture(
	options: { backend?: StartBackendOptions; nodes?: NodeClass[] } = {},
): Promise<XanoFixture> {
	const backend = await startBackend(options.backend);
	const proxy = await startCountingProxy(backend.origin);
	const baseUrl = proxy.baseUrlFor(backend.baseUrl);
	const runner = new N8nRunner(options.nodes ?? [XanoAsyncInvoke, XanoAsyncAwait]);
	runner.credentials.set('xanoAsyncApi', { baseUrl, token: backend.token });
	runner.credentials.set('xanoAsyncLoginApi', {
		baseUrl,
		email: backend.email,
		password: backend.password,
	});
	return {
		backend,
		proxy,
		runner,
		baseUrl,
		async api<T>(method: string, path: string, body?: IDataObject): Promise<T> {
			const response = await fetch(backend.baseUrl + path, {
				method,
				headers: { authorization: `Bearer ${backend.token}`, 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
			return JSON.parse(text) as T;
		},
		async stop() {
			await proxy.close();
			await backend.stop();
		},
	};
}
