import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { XanoAsyncAwait } from '../../../nodes/XanoAsyncAwait/XanoAsyncAwait.node';
import { XanoAsyncInvoke } from '../../../nodes/XanoAsyncInvoke/XanoAsyncInvoke.node';
import { XanoAsyncTrigger } from '../../../nodes/XanoAsyncTrigger/XanoAsyncTrigger.node';
import { XanoBatchImport } from '../../../nodes/XanoBatchImport/XanoBatchImport.node';
import { N8nRunner } from '../../helpers/n8n-runner';

/**
 * A backend (or a misconfigured endpoint path) that answers 2xx with a body that is not what the
 * contract says. The reference backend never does that, so this loopback stand-in plays it. Every
 * node must fail clearly, naming what it expected, never with a TypeError nor by quietly taking
 * the answer as "nothing" or "not found".
 */
describe('answers of the wrong shape', () => {
	let server: Server;
	let baseUrl: string;
	let answer: (method: string, path: string) => unknown = () => ({});
	let requests = 0;

	beforeAll(async () => {
		server = createServer((request, response) => {
			requests++;
			request.resume();
			request.on('end', () => {
				const path = (request.url ?? '/').split('?')[0];
				response.writeHead(200, { 'Content-Type': 'application/json' });
				response.end(JSON.stringify(answer(request.method ?? 'GET', path)));
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api:async`;
	});

	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	beforeEach(() => {
		requests = 0;
	});

	function runner() {
		const created = new N8nRunner([
			XanoAsyncInvoke,
			XanoAsyncAwait,
			XanoBatchImport,
			XanoAsyncTrigger,
		]);
		created.credentials.set('xanoAsyncApi', { baseUrl, token: 'any' });
		return created;
	}

	const ID = '0b6f3c1e-1a2b-4c3d-8e9f-0123456789ab';
	const execution = (id: string) => ({
		execution_id: id,
		function: 'f',
		status: 'pending',
		output: null,
		error: null,
	});

	test('Invoke: a bulk answer without "executions" fails naming the item, not with a TypeError', async () => {
		answer = () => ({ ok: true });
		const result = await runner().run({
			nodeType: 'xanoAsyncInvoke',
			parameters: { function: { mode: 'name', value: 'f' } },
			items: [{ a: 1 }, { a: 2 }],
		});
		expect(result.error?.message).toMatch(/for item 0.*not what the contract says/);
		expect(result.error?.message).not.toMatch(/Cannot read|undefined/);
	});

	test('Invoke: a bulk answer with fewer executions than invocations fails, never outputs a silent error item', async () => {
		answer = () => ({ executions: [execution(ID)] });
		const result = await runner().run({
			nodeType: 'xanoAsyncInvoke',
			parameters: { function: { mode: 'name', value: 'f' } },
			items: [{ a: 1 }, { a: 2 }],
		});
		expect(result.error?.message).toMatch(/not what the contract says.*2 execution/);
	});

	test('Invoke: a single answer that is not an execution fails under Continue On Fail on its item', async () => {
		answer = () => null;
		const result = await runner().run({
			nodeType: 'xanoAsyncInvoke',
			parameters: { function: { mode: 'name', value: 'f' } },
			items: [{ a: 1 }],
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs[0]).toHaveLength(1);
		expect(result.outputs[0][0].pairedItem).toEqual({ item: 0 });
		expect(result.outputs[0][0].json.error).toMatch(/for item 0.*not what the contract says/);
	});

	test('Await: an answer that is not an array fails, instead of reporting the ids as not found', async () => {
		answer = () => ({ executions: [] });
		const result = await runner().run({
			nodeType: 'xanoAsyncAwait',
			parameters: { idSource: 'field', idField: 'execution_id', timeout: 0 },
			items: [{ execution_id: ID }],
		});
		expect(result.error?.message).toMatch(/for item 0.*not what the contract says/);
		expect(requests).toBe(1);
	});

	test('Await: an array of non-objects fails, not with a TypeError', async () => {
		answer = () => ['completed'];
		const result = await runner().run({
			nodeType: 'xanoAsyncAwait',
			parameters: { idSource: 'field', idField: 'execution_id', timeout: 0 },
			items: [{ execution_id: ID }],
			onError: 'continueErrorOutput',
		});
		expect(result.error).toBeUndefined();
		const errors = result.outputs[result.outputs.length - 1];
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 0 });
		expect(errors[0].json.error).toMatch(/not what the contract says/);
	});

	test('Batch Import: an invoke answer that is not an execution fails the batch clearly', async () => {
		answer = () => 'accepted';
		const result = await runner().run({
			nodeType: 'xanoBatchImport',
			parameters: {
				function: { __rl: true, mode: 'name', value: 'import_batch' },
				options: { maxRetries: 0 },
			},
			items: [{ id: 1 }, { id: 2 }],
		});
		expect(result.error?.message).toBe('1 of 1 batches failed: batch 1 (items 0-1)');
		expect(result.error?.description).toMatch(/not what the contract says/);
		expect(result.error?.description).not.toMatch(/Cannot read|undefined/);
	});

	test('Trigger: a listing that is a plain array, not the paging envelope, fails the poll', async () => {
		answer = () => [execution(ID)];
		const session = runner().pollSession({
			nodeType: 'xanoAsyncTrigger',
			parameters: { statuses: ['completed'], options: { includeLastMinutes: 5 } },
		});
		await expect(session.poll()).rejects.toThrow(/not what the contract says.*paging envelope/);
		// Only the starting point was stored: the next poll reads the same range again.
		const { completionCursor } = session.staticData()['node:Node'] as {
			completionCursor: { since: number; watermark: number; seen: object };
		};
		expect(completionCursor.watermark).toBe(completionCursor.since);
		expect(completionCursor.seen).toEqual({});
		await expect(session.poll('manual')).rejects.toThrow(/paging envelope/);
	});

	test('Trigger: a null listing fails the poll clearly, not with a TypeError', async () => {
		answer = () => null;
		const session = runner().pollSession({
			nodeType: 'xanoAsyncTrigger',
			parameters: { statuses: ['completed'], options: { includeLastMinutes: 5 } },
		});
		await expect(session.poll()).rejects.toThrow(/not what the contract says/);
	});
});
