// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer } from './support/harness.mjs';

describe('bad input over HTTP', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer();
	});
	after(() => t.close());

	/** @param {{ status: number, body: any }} response @param {number} status @param {string} code */
	const assertErrorShape = (response, status, code) => {
		assert.equal(response.status, status);
		assert.equal(response.body.code, code);
		assert.equal(typeof response.body.message, 'string');
	};

	it('answers malformed JSON with 400 ERROR_CODE_INPUT_ERROR, and keeps serving', async () => {
		for (const raw of ['{bad', '{"function": "echo",}', '[', 'nul']) {
			const response = await t.api.post('/async/invoke', undefined, {
				raw,
				headers: { 'content-type': 'application/json' },
			});
			assertErrorShape(response, 400, 'ERROR_CODE_INPUT_ERROR');
			assert.match(response.body.message, /Malformed JSON/);
			assert.equal(response.body.payload.param, 'body');
		}
		assert.equal((await fetch(`${t.origin}/health`)).status, 200);
	});

	it('parses a JSON body whatever its Content-Type says', async () => {
		const response = await t.api.post('/async/invoke', undefined, {
			raw: JSON.stringify({ function: 'echo', input: {} }),
			headers: { 'content-type': 'text/plain' },
		});
		assert.equal(response.status, 202);
	});

	it('answers a body over 10 MB with 413 ERROR_CODE_INPUT_ERROR', async () => {
		const big = JSON.stringify({
			function: 'echo',
			input: { blob: 'x'.repeat(10 * 1024 * 1024 + 10) },
		});
		const response = await t.api.post('/async/invoke', undefined, {
			raw: big,
			headers: { 'content-type': 'application/json' },
		});
		assertErrorShape(response, 413, 'ERROR_CODE_INPUT_ERROR');
		assert.match(response.body.message, /larger than 10485760 bytes/);
		assert.equal((await t.api.get('/async/functions')).status, 200, 'still serving');
	});

	it('accepts a body just under the limit', async () => {
		const body = { function: 'echo', input: { blob: 'y'.repeat(9 * 1024 * 1024) } };
		const response = await t.api.post('/async/invoke', body);
		assert.equal(response.status, 202);
		const [done] = await t.api.awaitAll([response.body.execution_id]);
		assert.equal(done.output.blob.length, 9 * 1024 * 1024);
	});

	it('answers ids that are not UUIDs with 400 and payload.param execution_id', async () => {
		for (const path of [
			'/async/executions/123',
			'/async/executions/not-a-uuid',
			'/async/executions/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
		]) {
			const response = await t.api.get(path);
			assertErrorShape(response, 400, 'ERROR_CODE_INPUT_ERROR');
			assert.equal(response.body.payload.param, 'execution_id');
		}
		const cancel = await t.api.post('/async/executions/abc/cancel');
		assertErrorShape(cancel, 400, 'ERROR_CODE_INPUT_ERROR');
	});

	it('answers unknown paths and unknown ids with 404 ERROR_CODE_NOT_FOUND', async () => {
		for (const path of [
			'/nope',
			'/async/nope',
			'/async/executions/4b0f5cbc-3c3b-4a55-9b0e-2a5c8a4f7a10',
		]) {
			assertErrorShape(await t.api.get(path), 404, 'ERROR_CODE_NOT_FOUND');
		}
		const otherGroup = await fetch(`${t.origin}/api:other/async/functions`);
		assert.equal(otherGroup.status, 404);
		assert.equal((await otherGroup.json()).code, 'ERROR_CODE_NOT_FOUND');
		const root = await fetch(`${t.origin}/`);
		assert.equal(root.status, 404);
	});

	it('serves the group on a branch URL too, and passes X-Data-Source through', async () => {
		const response = await fetch(`${t.baseUrl}:v2/async/functions`, {
			headers: { authorization: 'Bearer alice-token', 'x-data-source': 'test' },
		});
		assert.equal(response.status, 200);
		assert.equal(response.headers.get('x-data-source'), 'test');
	});

	it('GET /health needs no token', async () => {
		const response = await fetch(`${t.origin}/health`);
		assert.equal(response.status, 200);
		assert.equal((await response.json()).status, 'ok');
	});

	it('GET /async/functions lists every function with its input declaration', async () => {
		const response = await t.api.get('/async/functions');
		assert.equal(response.status, 200);
		const names = response.body.map((/** @type {any} */ fn) => fn.name);
		for (const name of [
			'send_welcome_email',
			'update_inventory',
			'send_order_confirmation',
			'process_payment',
			'process_order',
			'import_batch',
			'flaky_external_sync',
			'fetch_social_profile',
			'fetch_analytics_profile',
			'fetch_preferences',
			'slow_task',
			'echo',
		]) {
			assert.ok(names.includes(name), name);
		}
		const importBatch = response.body.find((/** @type {any} */ fn) => fn.name === 'import_batch');
		assert.ok(importBatch.description.length > 0);
		assert.deepEqual(importBatch.input[0], { name: 'records', type: 'array', required: true });
	});
});

describe('CORS', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer();
	});
	after(() => t.close());

	it("answers preflight requests with Xano's permissive defaults", async () => {
		const response = await fetch(`${t.baseUrl}/async/invoke`, {
			method: 'OPTIONS',
			headers: {
				origin: 'http://localhost:3000',
				'access-control-request-method': 'POST',
				'access-control-request-headers': 'authorization,content-type',
			},
		});
		assert.equal(response.status, 204);
		assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:3000');
		assert.equal(
			response.headers.get('access-control-allow-headers'),
			'authorization,content-type',
		);
		assert.match(response.headers.get('access-control-allow-methods') ?? '', /POST/);
	});
});
