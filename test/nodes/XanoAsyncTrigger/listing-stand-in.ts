import { createServer, type Server } from 'http';
import type { INodeParameters } from 'n8n-workflow';
import type { AddressInfo } from 'net';

import { XanoAsyncTrigger } from '../../../nodes/XanoAsyncTrigger/XanoAsyncTrigger.node';
import { N8nRunner } from '../../helpers/n8n-runner';

/** One row of the stand-in's listing; `visible: false` keeps it out until the test shows it. */
export interface ListedCompletion {
	execution_id: string;
	completed_at: number;
	visible?: boolean;
}

/**
 * A loopback stand-in for `GET /async/executions`, for what the reference backend cannot be made
 * to show on purpose (a completion listed late, a page that takes its time). It pages a
 * controlled listing as the contract says: `completed_after` inclusive, ordered by completed_at
 * and then execution_id, `page` and `per_page`, in Xano's paging envelope.
 */
export interface ListingStandIn {
	baseUrl: string;
	rows: ListedCompletion[];
	/** Answers the next requests with a 500 while above zero. */
	failing: number;
	/** How long each page takes to answer. */
	pageDelayMs: number;
	/** A trigger session against the stand-in, as n8n activates it. */
	session(
		options: INodeParameters,
		extra?: { pollBudgetMs?: number },
	): ReturnType<N8nRunner['pollSession']>;
	close(): Promise<void>;
}

export async function startListingStandIn(): Promise<ListingStandIn> {
	const standIn = { rows: [], failing: 0, pageDelayMs: 0 } as unknown as ListingStandIn;
	const server: Server = createServer(async (request, response) => {
		if (standIn.failing > 0) {
			standIn.failing--;
			response.writeHead(500, { 'Content-Type': 'application/json' });
			response.end(JSON.stringify({ code: 'ERROR_FATAL', message: 'The database is down.' }));
			return;
		}
		if (standIn.pageDelayMs > 0) {
			await new Promise((resolve) => setTimeout(resolve, standIn.pageDelayMs));
		}
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const after = Number(url.searchParams.get('completed_after') ?? 0);
		const page = Number(url.searchParams.get('page') ?? 1);
		const perPage = Number(url.searchParams.get('per_page') ?? 100);
		const listed = standIn.rows
			.filter((row) => row.visible !== false && row.completed_at >= after)
			.sort(
				(a, b) =>
					a.completed_at - b.completed_at ||
					(a.execution_id < b.execution_id ? -1 : a.execution_id > b.execution_id ? 1 : 0),
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
	standIn.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api:async`;
	standIn.session = (options: INodeParameters, extra = {}) => {
		const runner = new N8nRunner([XanoAsyncTrigger]);
		runner.credentials.set('xanoAsyncApi', { baseUrl: standIn.baseUrl, token: 'any' });
		return runner.pollSession({
			nodeType: 'xanoAsyncTrigger',
			parameters: { statuses: ['completed'], options },
			...extra,
		});
	};
	standIn.close = async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	};
	return standIn;
}
