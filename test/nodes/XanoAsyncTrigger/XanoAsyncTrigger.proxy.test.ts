import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { XanoAsyncTrigger } from '../../../nodes/XanoAsyncTrigger/XanoAsyncTrigger.node';
import { N8nRunner } from '../../helpers/n8n-runner';

/**
 * The reference backend always answers JSON; a proxy in front of a real Xano may answer an HTML
 * 502. This stand-in on loopback plays that proxy (an injected fault the backend cannot produce).
 */
describe('Xano Async Trigger behind a failing proxy', () => {
	let proxy: Server;
	let baseUrl: string;

	beforeAll(async () => {
		proxy = createServer((_request, response) => {
			response.writeHead(502, { 'Content-Type': 'text/html' });
			response.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api:async`;
	});

	afterAll(async () => {
		await new Promise((resolve) => proxy.close(resolve));
	});

	it('fails the poll with a readable message and the status, and keeps the cursor', async () => {
		const runner = new N8nRunner([XanoAsyncTrigger]);
		runner.credentials.set('xanoAsyncApi', { baseUrl, token: 'any' });
		const session = runner.pollSession({
			nodeType: 'xanoAsyncTrigger',
			parameters: { statuses: ['completed'], options: {} },
		});
		expect(await session.poll()).toBeNull();
		const cursor = JSON.stringify(session.staticData());
		await expect(session.poll()).rejects.toThrow(/HTTP 502.*502 Bad Gateway/);
		expect(JSON.stringify(session.staticData())).toBe(cursor);
		await expect(session.poll('manual')).rejects.toThrow(/HTTP 502/);
	});
});
