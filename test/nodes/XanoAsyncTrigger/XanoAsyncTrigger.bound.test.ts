import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { XanoAsyncTrigger } from '../../../nodes/XanoAsyncTrigger/XanoAsyncTrigger.node';
import { N8nRunner } from '../../helpers/n8n-runner';
import { emittedIds } from './support';

/**
 * A listing of 300 completions served by a loopback stand-in that pages as the contract says, so
 * the test controls exactly what each page holds.
 */
describe('Xano Async Trigger, Max Executions per Poll that is not a multiple of the page size', () => {
	let server: Server;
	let baseUrl: string;
	const completedAt = Date.now() - 60_000;
	const all = Array.from({ length: 300 }, (_, index) => ({
		execution_id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
		function: 'f',
		status: 'completed',
		output: null,
		error: null,
		completed_at: completedAt + index,
	}));

	beforeAll(async () => {
		server = createServer((request, response) => {
			const url = new URL(request.url ?? '/', 'http://127.0.0.1');
			const after = Number(url.searchParams.get('completed_after') ?? 0);
			const page = Number(url.searchParams.get('page') ?? 1);
			const perPage = Number(url.searchParams.get('per_page') ?? 100);
			const listed = all.filter((execution) => execution.completed_at >= after);
			const items = listed.slice((page - 1) * perPage, page * perPage);
			const last = page * perPage >= listed.length;
			response.writeHead(200, { 'Content-Type': 'application/json' });
			response.end(
				JSON.stringify({
					itemsReceived: items.length,
					curPage: page,
					nextPage: last ? null : page + 1,
					prevPage: page > 1 ? page - 1 : null,
					offset: (page - 1) * perPage,
					perPage,
					items,
				}),
			);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api:async`;
	});

	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	it('emits at most that many per poll, and every completion once over the polls', async () => {
		const runner = new N8nRunner([XanoAsyncTrigger]);
		runner.credentials.set('xanoAsyncApi', { baseUrl, token: 'any' });
		const session = runner.pollSession({
			nodeType: 'xanoAsyncTrigger',
			parameters: {
				statuses: ['completed'],
				options: { includeLastMinutes: 5, maxPerPoll: 150 },
			},
		});
		const emitted: string[][] = [];
		for (let poll = 0; poll < 4; poll++) emitted.push(emittedIds(await session.poll()));
		expect(emitted.map((ids) => ids.length)).toEqual([150, 150, 0, 0]);
		expect(emitted.flat()).toEqual(all.map((execution) => execution.execution_id));
	});
});
