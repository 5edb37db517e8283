import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { XanoAsyncTrigger } from '../../../nodes/XanoAsyncTrigger/XanoAsyncTrigger.node';
import { N8nRunner } from '../../helpers/n8n-runner';
import { emittedIds } from './support';

interface Listed {
	execution_id: string;
	completed_at: number;
	visible: boolean;
}

/**
 * The reference backend makes a completion visible when it is stored, so it cannot list one
 * late on purpose; this loopback stand-in pages a controlled listing as the contract says
 * (completed_at, then execution_id, ascending) and shows rows when the test says so.
 */
describe('Xano Async Trigger, a late completion behind polls that hit their bound', () => {
	let server: Server;
	let baseUrl: string;
	const rows: Listed[] = [];
	/** Answers the next requests with a 500 while above zero. */
	let failing = 0;
	/** How long each page takes to answer. */
	let pageDelayMs = 0;

	beforeAll(async () => {
		server = createServer(async (request, response) => {
			if (failing > 0) {
				failing--;
				response.writeHead(500, { 'Content-Type': 'application/json' });
				response.end(JSON.stringify({ code: 'ERROR_FATAL', message: 'The database is down.' }));
				return;
			}
			if (pageDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, pageDelayMs));
			const url = new URL(request.url ?? '/', 'http://127.0.0.1');
			const after = Number(url.searchParams.get('completed_after') ?? 0);
			const page = Number(url.searchParams.get('page') ?? 1);
			const perPage = Number(url.searchParams.get('per_page') ?? 100);
			const listed = rows
				.filter((row) => row.visible && row.completed_at >= after)
				.sort(
					(a, b) => a.completed_at - b.completed_at || a.execution_id.localeCompare(b.execution_id),
				);
			const items = listed.slice((page - 1) * perPage, page * perPage).map((row) => ({
				execution_id: row.execution_id,
				function: 'f',
				status: 'completed',
				output: null,
				error: null,
				completed_at: row.completed_at,
			}));
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

	beforeEach(() => {
		rows.length = 0;
		failing = 0;
		pageDelayMs = 0;
	});

	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	it('emits it once although later polls resumed past it and the watermark ran ahead (it was never emitted)', async () => {
		const second = 1000;
		const base = Date.now() - 2_000 * second;
		const at = (seconds: number) => base + seconds * second;
		rows.push(
			{ execution_id: 'a', completed_at: at(999), visible: true },
			{ execution_id: 'b', completed_at: at(999.5), visible: true },
			{ execution_id: 'c', completed_at: at(1000), visible: true },
			// Finished at 998 s, within the 60 s look-back of a and b, listed only after poll 1.
			{ execution_id: 'late', completed_at: at(998), visible: false },
			{ execution_id: 'd', completed_at: at(1059), visible: false },
			// Same millisecond as c, sorting before it, also listed late.
			{ execution_id: 'c-', completed_at: at(1000), visible: false },
		);
		const runner = new N8nRunner([XanoAsyncTrigger]);
		runner.credentials.set('xanoAsyncApi', { baseUrl, token: 'any' });
		const session = runner.pollSession({
			nodeType: 'xanoAsyncTrigger',
			parameters: {
				statuses: ['completed'],
				options: { includeLastMinutes: 60, lookBackSeconds: 60, maxPerPoll: 2 },
			},
		});

		const emitted: string[][] = [emittedIds(await session.poll())];
		expect(emitted[0]).toEqual(['a', 'b']);
		for (const row of rows) row.visible = true;
		for (let poll = 0; poll < 5; poll++) emitted.push(emittedIds(await session.poll()));

		expect(emitted.flat().sort()).toEqual(['a', 'b', 'c', 'c-', 'd', 'late']);
		expect(emitted.every((ids) => ids.length <= 2)).toBe(true);
	});

	it('gets past what it emitted before when a poll runs out of time before anything new', async () => {
		const base = Date.now() - 10_000;
		for (let index = 0; index < 300; index++) {
			rows.push({
				execution_id: `old-${String(index).padStart(3, '0')}`,
				completed_at: base + index,
				visible: true,
			});
		}
		const runner = new N8nRunner([XanoAsyncTrigger]);
		runner.credentials.set('xanoAsyncApi', { baseUrl, token: 'any' });
		const session = runner.pollSession({
			nodeType: 'xanoAsyncTrigger',
			parameters: {
				statuses: ['completed'],
				options: { includeLastMinutes: 1, lookBackSeconds: 60, maxPerPoll: 100 },
			},
			// Half of it is the read's share: 50 ms, less than two pages take.
			pollBudgetMs: 100,
		});
		const emitted: string[] = [];
		for (let poll = 0; poll < 3; poll++) emitted.push(...emittedIds(await session.poll()));
		expect(emitted).toHaveLength(300);

		pageDelayMs = 40;
		rows.push({ execution_id: 'new', completed_at: base + 500, visible: true });
		expect(emittedIds(await session.poll())).toEqual(['new']);
	});

	it('keeps the start of "include the last minutes" when the first poll fails', async () => {
		const runner = new N8nRunner([XanoAsyncTrigger]);
		runner.credentials.set('xanoAsyncApi', { baseUrl, token: 'any' });
		const session = runner.pollSession({
			nodeType: 'xanoAsyncTrigger',
			parameters: { statuses: ['completed'], options: { includeLastMinutes: 1 } },
		});
		// Finished just inside the last minute when the trigger was activated.
		rows.push({ execution_id: 'edge', completed_at: Date.now() - 60_000 + 300, visible: true });
		failing = 1;
		await expect(session.poll()).rejects.toThrow(/500|database is down/);
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(emittedIds(await session.poll())).toEqual(['edge']);
	});
});
