// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startTestServer, waitForStatus } from './support/harness.mjs';

describe('POST /async/invoke', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 4, queueSize: 50 });
	});
	after(() => t.close());

	it('answers 202 with a pending execution object, stored before the answer', async () => {
		const response = await t.api.post('/async/invoke', {
			function: 'echo',
			input: { hello: 'world' },
			priority: 'high',
			timeout: 30,
			tags: ['a', 'b'],
		});
		assert.equal(response.status, 202);
		const execution = response.body;
		assert.match(execution.execution_id, /^[0-9a-f-]{36}$/);
		assert.equal(execution.status, 'pending');
		assert.equal(execution.function, 'echo');
		assert.deepEqual(execution.input, { hello: 'world' });
		assert.equal(execution.output, null);
		assert.equal(execution.error, null);
		assert.equal(execution.attempts, 0);
		assert.equal(execution.priority, 'high');
		assert.deepEqual(execution.tags, ['a', 'b']);
		assert.equal(typeof execution.created_at, 'number');
		assert.equal(execution.idempotency_key, null);
		for (const key of ['started_at', 'completed_at', 'duration_ms']) assert.ok(key in execution);

		const [done] = await t.api.awaitAll([execution.execution_id], 10);
		assert.equal(done.status, 'completed');
		assert.deepEqual(done.output, { hello: 'world' });
		assert.equal(done.attempts, 1);
		assert.ok(done.completed_at >= done.started_at && done.started_at >= done.created_at);
		assert.equal(done.duration_ms, done.completed_at - done.started_at);
	});

	it('accepts many invocations and answers them in request order', async () => {
		const invocations = Array.from({ length: 20 }, (_, index) => ({
			function: 'echo',
			input: { index },
		}));
		const response = await t.api.post('/async/invoke', { invocations });
		assert.equal(response.status, 202);
		assert.equal(response.body.executions.length, 20);
		response.body.executions.forEach(
			(/** @type {any} */ execution, /** @type {number} */ index) => {
				assert.deepEqual(execution.input, { index });
			},
		);
		const done = await t.api.awaitAll(
			response.body.executions.map((/** @type {any} */ e) => e.execution_id),
		);
		assert.deepEqual(
			done.map((execution) => execution.output.index),
			invocations.map((_, index) => index),
		);
	});

	it('answers an idempotency hit with 200, the same execution and deduplicated: true, and runs it once', async () => {
		const body = {
			function: 'record_run',
			input: { label: 'idem-1' },
			idempotency_key: 'order-42',
		};
		const first = await t.api.post('/async/invoke', body);
		assert.equal(first.status, 202);
		const second = await t.api.post('/async/invoke', body);
		assert.equal(second.status, 200);
		assert.equal(second.body.execution_id, first.body.execution_id);
		assert.equal(second.body.deduplicated, true);
		await t.api.awaitAll([first.body.execution_id]);
		const third = await t.api.post('/async/invoke', body);
		assert.equal(third.status, 200);
		assert.equal(third.body.status, 'completed');
		const runs = await t.api.get('/tables/runs?per_page=1000');
		const mine = runs.body.items.filter((/** @type {any} */ run) => run.label === 'idem-1');
		assert.equal(mine.length, 1, 'an idempotent execution ran once');
	});

	it('scopes idempotency keys to the caller and the function', async () => {
		const key = { idempotency_key: 'shared-key' };
		const a = await t.api.post('/async/invoke', { function: 'echo', input: {}, ...key });
		const b = await t.api.post('/async/invoke', { function: 'record_run', input: {}, ...key });
		const c = await t.asBob.post('/async/invoke', { function: 'echo', input: {}, ...key });
		assert.deepEqual([a.status, b.status, c.status], [202, 202, 202]);
		assert.equal(new Set([a, b, c].map((r) => r.body.execution_id)).size, 3);
	});

	it('frees the key of a failed execution: the next invocation starts a new one', async () => {
		const body = { function: 'fail_with', input: { message: 'nope' }, idempotency_key: 'retry-me' };
		const first = await t.api.post('/async/invoke', body);
		const [failed] = await t.api.awaitAll([first.body.execution_id]);
		assert.equal(failed.status, 'failed');
		const second = await t.api.post('/async/invoke', body);
		assert.equal(second.status, 202);
		assert.notEqual(second.body.execution_id, first.body.execution_id);
		assert.equal(second.body.deduplicated, undefined);
	});

	it('deduplicates repeated keys inside one bulk request', async () => {
		const item = { function: 'echo', input: { n: 1 }, idempotency_key: 'bulk-dup' };
		const response = await t.api.post('/async/invoke', {
			invocations: [item, item, { ...item, idempotency_key: 'other' }],
		});
		assert.equal(response.status, 202);
		const [one, two, three] = response.body.executions;
		assert.equal(one.execution_id, two.execution_id);
		assert.equal(two.deduplicated, true);
		assert.notEqual(three.execution_id, one.execution_id);
	});

	it('answers 404 ERROR_CODE_NOT_FOUND for an unknown function', async () => {
		const response = await t.api.post('/async/invoke', { function: 'no_such_function', input: {} });
		assert.equal(response.status, 404);
		assert.equal(response.body.code, 'ERROR_CODE_NOT_FOUND');
		assert.equal(response.body.payload.param, 'function');
	});

	const badBodies = [
		[{ input: {} }, 'function'],
		[{ function: 42 }, 'function'],
		[{ function: 'echo', priority: 'urgent' }, 'priority'],
		[{ function: 'echo', timeout: 0 }, 'timeout'],
		[{ function: 'echo', timeout: 3601 }, 'timeout'],
		[{ function: 'echo', timeout: '10' }, 'timeout'],
		[{ function: 'echo', tags: 'x' }, 'tags'],
		[{ function: 'echo', idempotency_key: 7 }, 'idempotency_key'],
		[{ function: 'echo', input: [1, 2] }, 'input'],
		[{ function: 'spin_cpu', input: {} }, 'input.ms'],
		[{ function: 'spin_cpu', input: { ms: 'ten' } }, 'input.ms'],
		[{ function: 'send_welcome_email', input: { email: 'ada at example.com' } }, 'input.email'],
		[{ function: 'send_welcome_email', input: { email: 'ada@localhost' } }, 'input.email'],
		[{ invocations: [] }, 'invocations'],
		[
			{ invocations: [{ function: 'echo' }, { function: 'echo', priority: 3 }] },
			'invocations.1.priority',
		],
		[[1, 2], 'body'],
	];
	for (const [body, param] of badBodies) {
		it(`answers 400 with payload.param = ${param} for ${JSON.stringify(body)}`, async () => {
			const response = await t.api.post('/async/invoke', body);
			assert.equal(response.status, 400);
			assert.equal(response.body.code, 'ERROR_CODE_INPUT_ERROR');
			assert.equal(response.body.payload.param, param);
			assert.ok(response.body.message.length > 0);
		});
	}

	it('refuses more than 1,000 invocations in one request', async () => {
		const invocations = Array.from({ length: 1001 }, () => ({ function: 'echo' }));
		const response = await t.api.post('/async/invoke', { invocations });
		assert.equal(response.status, 400);
		assert.equal(response.body.payload.param, 'invocations');
	});
});

describe('queue limit', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 1, queueSize: 3, abortGraceMs: 100 });
	});
	after(() => t.close());

	it('answers 429 with Retry-After when full, all-or-nothing for many, and counts pending only', async () => {
		const blocker = await t.api.invoke(
			'slow_task',
			{ seconds: 30 },
			{ idempotency_key: 'blocker' },
		);
		await waitForStatus(t, blocker.execution_id, 'running');
		// The running execution holds the slot; the queue still has room for 3 pending ones.
		const two = await t.api.post('/async/invoke', {
			invocations: [{ function: 'echo' }, { function: 'echo' }],
		});
		assert.equal(two.status, 202);

		const tooMany = await t.api.post('/async/invoke', {
			invocations: [
				{ function: 'echo', input: { tag: 'rejected' } },
				{ function: 'echo', input: { tag: 'rejected' } },
			],
		});
		assert.equal(tooMany.status, 429);
		assert.equal(tooMany.body.code, 'ERROR_CODE_TOO_MANY_REQUESTS');
		const retryAfter = Number(tooMany.headers.get('retry-after'));
		assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${retryAfter}`);
		const stats = await t.api.get('/async/stats');
		assert.equal(stats.body.queue_depth, 2, 'nothing of the rejected bulk request was stored');

		const one = await t.api.post('/async/invoke', { function: 'echo' });
		assert.equal(one.status, 202);
		const full = await t.api.post('/async/invoke', { function: 'echo' });
		assert.equal(full.status, 429);
		assert.ok(full.headers.get('retry-after'));

		// An idempotency hit needs no room in the queue.
		const hit = await t.api.post('/async/invoke', {
			function: 'slow_task',
			idempotency_key: 'blocker',
		});
		assert.equal(hit.status, 200);
		assert.equal(hit.body.execution_id, blocker.execution_id);
		const cancel = await t.api.post(`/async/executions/${blocker.execution_id}/cancel`);
		assert.equal(cancel.status, 200);
	});

	/**
	 * Regression: a bulk request with more new invocations than --queue-size was answered 429 with
	 * a Retry-After even on an empty queue, though it could never be accepted whole.
	 */
	it('refuses a request larger than the queue without a Retry-After, naming the queue size', async () => {
		await eventually(async () => (await t.api.get('/async/stats')).body.queue_depth === 0, {
			what: 'an empty queue',
		});
		const tooLarge = await t.api.post('/async/invoke', {
			invocations: Array.from({ length: 4 }, () => ({ function: 'echo' })),
		});
		assert.equal(tooLarge.status, 429);
		assert.equal(tooLarge.headers.get('retry-after'), null);
		assert.equal(tooLarge.body.code, 'ERROR_CODE_TOO_MANY_REQUESTS');
		assert.match(tooLarge.body.message, /more than the queue holds \(queue size 3\)/);
		assert.deepEqual(tooLarge.body.payload, {
			pending: 0,
			requested: 4,
			queue_size: 3,
			exceeds_queue_size: true,
		});
		assert.equal((await t.api.get('/async/stats')).body.queue_depth, 0);

		// Idempotency hits need no room, so only the new invocations count against the size.
		const fits = await t.api.post('/async/invoke', {
			invocations: [
				...Array.from({ length: 3 }, () => ({ function: 'echo', idempotency_key: 'same' })),
				{ function: 'echo' },
			],
		});
		assert.equal(fits.status, 202);
	});
});
