import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import type { INodeParameters } from 'n8n-workflow';

import { XanoBatchImport } from '../../../nodes/XanoBatchImport/XanoBatchImport.node';
import { N8nRunner } from '../../helpers/n8n-runner';

/**
 * Options given by expression skip the editor's min/max checks. Out-of-range values must fail the
 * node with a message naming the option before anything is sent; a stand-in backend on loopback
 * counts what reaches it.
 */
describe('Xano Batch Import options out of range', () => {
	let server: Server;
	let runner: N8nRunner;
	let requests = 0;

	beforeAll(async () => {
		server = createServer((request, response) => {
			requests++;
			request.resume();
			response.writeHead(500, { 'Content-Type': 'application/json' });
			response.end(JSON.stringify({ code: 'ERROR_FATAL', message: 'not expected' }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api:async`;
		runner = new N8nRunner([XanoBatchImport]);
		runner.credentials.set('xanoAsyncApi', { baseUrl, token: 'any' });
	});

	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	beforeEach(() => {
		requests = 0;
	});

	test.each([
		[{ maxRetries: '={{ -1 }}' }, /Retries per Batch must be a whole number of 0 or more/],
		[{ concurrency: '={{ 0 }}' }, /Max Batches in Flight must be a whole number of at least 1/],
		[{ batchTimeout: '={{ 0 }}' }, /Batch Timeout must be a number of seconds above 0/],
		[
			{ toleratedFailurePercent: '={{ -5 }}' },
			/Tolerated Failed Batches must be a percentage from 0 to 100/,
		],
	] as Array<[INodeParameters, RegExp]>)(
		'%j fails the node naming the option, and sends nothing',
		async (options, message) => {
			const result = await runner.run({
				nodeType: 'xanoBatchImport',
				parameters: { function: { __rl: true, mode: 'name', value: 'import_batch' }, options },
				items: [{ id: 1 }, { id: 2 }],
			});
			expect(result.error?.message).toMatch(message);
			expect(requests).toBe(0);
		},
	);
});
