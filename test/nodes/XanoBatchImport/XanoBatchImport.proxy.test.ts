import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { XanoBatchImport } from '../../../nodes/XanoBatchImport/XanoBatchImport.node';
import { N8nRunner } from '../../helpers/n8n-runner';

/**
 * The reference backend always answers JSON; a proxy in front of a real Xano may answer an HTML
 * 502. This stand-in on loopback plays that proxy (an injected fault the backend cannot produce).
 */
describe('Xano Batch Import behind a failing proxy', () => {
	let proxy: Server;
	let baseUrl: string;
	let requests = 0;

	beforeAll(async () => {
		proxy = createServer((_request, response) => {
			requests++;
			response.writeHead(502, { 'Content-Type': 'text/html' });
			response.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api:async`;
	});

	afterAll(async () => {
		await new Promise((resolve) => proxy.close(resolve));
	});

	it('retries the batch, then fails with a readable message and the status', async () => {
		const runner = new N8nRunner([XanoBatchImport]);
		runner.credentials.set('xanoAsyncApi', { baseUrl, token: 'any' });
		const run = await runner.run({
			nodeType: 'xanoBatchImport',
			parameters: {
				function: { __rl: true, mode: 'name', value: 'import_batch' },
				options: { maxRetries: 2 },
			},
			items: [{ id: 1 }, { id: 2 }],
		});
		expect(run.error?.message).toBe('1 of 1 batches failed: batch 1 (items 0-1)');
		expect(run.error?.description).toMatch(/HTTP_502: .*HTTP 502.*502 Bad Gateway/);
		expect(requests).toBe(3);
	});
});
