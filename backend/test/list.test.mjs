// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, sleep, startTestServer } from './support/harness.mjs';

describe('GET /async/executions', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	/** @type {any[]} */
	let finished;
	before(async () => {
		t = await startTestServer({ maxParallel: 3 });
		const response = await t.api.post('/async/invoke', {
			invocations: [
				...Array.from({ length: 12 }, (_, index) => ({ function: 'echo', input: { index } })),
				{ function: 'fail_with', input: { message: 'boom' } },
				{ function: 'fail_with', input: { message: 'boom again' } },
			],
		});
		finished = await t.api.awaitAll(
			response.body.executions.map((/** @type {any} */ e) => e.execution_id),
		);
		await t.asBob.awaitAll([(await t.asBob.invoke('echo', { bob: true })).execution_id]);
	});
	after(() => t.close());

	it("lists the caller's terminal executions by completed_at, then execution_id, in Xano's envelope", async () => {
		const response = await t.api.get('/async/executions');
		assert.equal(response.status, 200);
		const page = response.body;
		assert.deepEqual(Object.keys(page).sort(), [
			'curPage',
			'items',
			'itemsReceived',
			'nextPage',
			'offset',
			'perPage',
			'prevPage',
		]);
		assert.equal(page.itemsReceived, 14);
		assert.equal(page.curPage, 1);
		assert.equal(page.nextPage, null);
		assert.equal(page.prevPage, null);
		assert.equal(page.perPage, 100);
		const expected = [...finished].sort(
			(a, b) => a.completed_at - b.completed_at || (a.execution_id < b.execution_id ? -1 : 1),
		);
		assert.deepEqual(
			page.items.map((/** @type {any} */ e) => e.execution_id),
			expected.map((e) => e.execution_id),
		);
		assert.ok(
			page.items.every((/** @type {any} */ e) => e.input && !e.input.bob),
			"bob's execution is not listed",
		);
	});

	it('pages with page and per_page', async () => {
		const all = (await t.api.get('/async/executions?per_page=1000')).body.items;
		const seen = [];
		let page = 1;
		for (;;) {
			const response = await t.api.get(`/async/executions?per_page=5&page=${page}`);
			assert.equal(response.body.perPage, 5);
			assert.equal(response.body.offset, (page - 1) * 5);
			assert.equal(response.body.prevPage, page > 1 ? page - 1 : null);
			seen.push(...response.body.items);
			if (response.body.nextPage === null) break;
			assert.equal(response.body.nextPage, page + 1);
			page += 1;
		}
		assert.equal(page, 3);
		assert.deepEqual(
			seen.map((e) => e.execution_id),
			all.map((/** @type {any} */ e) => e.execution_id),
		);
	});

	it('filters by status, function and completed_after (inclusive)', async () => {
		const failed = await t.api.get('/async/executions?status=failed');
		assert.equal(failed.body.itemsReceived, 2);
		const both = await t.api.get('/async/executions?status=failed,completed&function=fail_with');
		assert.equal(both.body.itemsReceived, 2);
		const echoes = await t.api.get('/async/executions?function=echo,nothing');
		assert.equal(echoes.body.itemsReceived, 12);
		const all = (await t.api.get('/async/executions')).body.items;
		const pivot = all[6];
		const after = await t.api.get(`/async/executions?completed_after=${pivot.completed_at}`);
		assert.ok(
			after.body.items.every((/** @type {any} */ e) => e.completed_at >= pivot.completed_at),
		);
		assert.ok(
			after.body.items.some((/** @type {any} */ e) => e.execution_id === pivot.execution_id),
			'inclusive',
		);
		assert.equal(
			after.body.itemsReceived,
			all.filter((/** @type {any} */ e) => e.completed_at >= pivot.completed_at).length,
		);
	});

	it('refuses bad query values with payload.param', async () => {
		for (const [query, param] of [
			['status=done', 'status'],
			['status=pending', 'status'],
			['page=0', 'page'],
			['per_page=1001', 'per_page'],
			['per_page=x', 'per_page'],
			['completed_after=yesterday', 'completed_after'],
		]) {
			const response = await t.api.get(`/async/executions?${query}`);
			assert.equal(response.status, 400, query);
			assert.equal(response.body.payload.param, param);
		}
	});

	it("GET /async/executions/{id} answers the execution, or 404 for unknown and other callers' ids", async () => {
		const mine = finished[0];
		const response = await t.api.get(`/async/executions/${mine.execution_id}`);
		assert.equal(response.status, 200);
		assert.deepEqual(response.body, mine);
		const asBob = await t.asBob.get(`/async/executions/${mine.execution_id}`);
		assert.equal(asBob.status, 404);
		assert.equal(asBob.body.code, 'ERROR_CODE_NOT_FOUND');
		const cancelAsBob = await t.asBob.post(`/async/executions/${mine.execution_id}/cancel`);
		assert.equal(cancelAsBob.status, 404);
	});
});

describe('completion visibility lag', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 4, completionVisibilityLagMs: 1500 });
	});
	after(() => t.close());

	it('lists completions up to the lag late (possibly out of order) while await sees them at once', async () => {
		const response = await t.api.post('/async/invoke', {
			invocations: Array.from({ length: 8 }, (_, index) => ({
				function: 'echo',
				input: { index },
			})),
		});
		const ids = response.body.executions.map((/** @type {any} */ e) => e.execution_id);
		const done = await t.api.awaitAll(ids, 10);
		assert.ok(
			done.every((e) => e.status === 'completed'),
			'await answers on real completion',
		);
		const listedAtOnce = (await t.api.get('/async/executions')).body.itemsReceived;
		assert.ok(listedAtOnce < 8, `${listedAtOnce} of 8 listed right away`);
		const listed = await eventually(
			async () => {
				const page = (await t.api.get('/async/executions')).body;
				return page.itemsReceived === 8 ? page : null;
			},
			{ timeoutMs: 4000, what: 'all 8 to become visible' },
		);
		// completed_at stays the moment the function finished.
		const byId = new Map(done.map((e) => [e.execution_id, e.completed_at]));
		assert.ok(
			listed.items.every((/** @type {any} */ e) => byId.get(e.execution_id) === e.completed_at),
		);
	});
});

describe('retention', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 2, retentionSeconds: 1 });
	});
	after(() => t.close());

	it('removes terminal executions after the retention period, never pending or running ones', async () => {
		const quick = await t.api.invoke('echo', { keep: false });
		const long = await t.api.invoke('slow_task', { seconds: 2.5 });
		await t.api.awaitAll([quick.execution_id]);
		await sleep(1800);
		const gone = await t.api.get(`/async/executions/${quick.execution_id}`);
		assert.equal(gone.status, 404, 'purged after retention');
		const [awaited] = await t.api.awaitAll([quick.execution_id], 0);
		assert.equal(awaited.status, 'not_found', 'await reports a purged id as not_found');
		const running = await t.api.get(`/async/executions/${long.execution_id}`);
		assert.equal(running.status, 200);
		assert.equal(
			running.body.status,
			'running',
			'a running execution outlives the retention period',
		);
		const [finished] = await t.api.awaitAll([long.execution_id], 5);
		assert.equal(finished.status, 'completed');
	});
});
