// @ts-check
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestServer } from './support/harness.mjs';

describe('POST /async/await', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 4 });
	});
	after(() => t.close());

	it('answers within 50 ms of the last completion, not at a poll tick', async () => {
		// Three runs that end at different moments; the answer must follow the last one at once.
		const ids = [];
		for (const seconds of [0.2, 0.45, 0.3]) {
			ids.push((await t.api.invoke('slow_task', { seconds })).execution_id);
		}
		const samples = [];
		const response = await t.api.awaitAll(ids, 20);
		const answeredAt = Date.now();
		assert.deepEqual(
			response.map((execution) => execution.status),
			['completed', 'completed', 'completed'],
		);
		const lastCompletion = Math.max(...response.map((execution) => execution.completed_at));
		samples.push(answeredAt - lastCompletion);
		assert.ok(
			answeredAt - lastCompletion < 50,
			`answered ${answeredAt - lastCompletion} ms after the last completion`,
		);

		// And once more with a single short run, to show it is not luck.
		const single = await t.api.invoke('slow_task', { seconds: 0.12 });
		const [done] = await t.api.awaitAll([single.execution_id], 20);
		samples.push(Date.now() - done.completed_at);
		assert.ok(
			samples.every((ms) => ms < 50),
			`lags ${samples.join(', ')} ms`,
		);
	});

	it('with until: any, answers when the first listed execution ends', async () => {
		const slow = await t.api.invoke('slow_task', { seconds: 5 });
		const fast = await t.api.invoke('slow_task', { seconds: 0.1 });
		const started = Date.now();
		const [a, b] = await t.api.awaitAll([slow.execution_id, fast.execution_id], 20, 'any');
		assert.ok(Date.now() - started < 2000);
		assert.equal(a.status === 'running' || a.status === 'pending', true);
		assert.equal(b.status, 'completed');
		await t.api.post(`/async/executions/${slow.execution_id}/cancel`);
	});

	it('keeps request order and answers repeats in their places', async () => {
		const a = await t.api.invoke('echo', { n: 'a' });
		const b = await t.api.invoke('echo', { n: 'b' });
		const ids = [b.execution_id, a.execution_id, b.execution_id];
		const answer = await t.api.awaitAll(ids, 10);
		assert.deepEqual(
			answer.map((execution) => execution.execution_id),
			ids,
		);
		assert.deepEqual(
			answer.map((execution) => execution.output.n),
			['b', 'a', 'b'],
		);
	});

	it("answers not_found for unknown ids and for other callers' ids, without waiting", async () => {
		const bobs = await t.asBob.invoke('slow_task', { seconds: 3 });
		const unknown = randomUUID();
		const started = Date.now();
		const answer = await t.api.awaitAll([unknown, bobs.execution_id], 10);
		assert.ok(Date.now() - started < 1000, 'not_found is terminal');
		assert.deepEqual(
			answer.map((execution) => execution.status),
			['not_found', 'not_found'],
		);
		assert.equal(answer[1].execution_id, bobs.execution_id);
		assert.equal(answer[1].function, null, 'no data of another caller leaks');
		assert.equal(answer[1].input, null);
		await t.asBob.post(`/async/executions/${bobs.execution_id}/cancel`);
	});

	it('with timeout 0 answers at once with the current state', async () => {
		const slow = await t.api.invoke('slow_task', { seconds: 5 });
		const started = Date.now();
		const [state] = await t.api.awaitAll([slow.execution_id], 0);
		assert.ok(Date.now() - started < 500);
		assert.ok(['pending', 'running'].includes(state.status));
		await t.api.post(`/async/executions/${slow.execution_id}/cancel`);
	});

	it('answers the current state when its timeout passes', async () => {
		const slow = await t.api.invoke('slow_task', { seconds: 10 });
		const started = Date.now();
		const [state] = await t.api.awaitAll([slow.execution_id], 1);
		const waited = Date.now() - started;
		assert.ok(waited >= 950 && waited < 2500, `waited ${waited} ms`);
		assert.equal(state.status, 'running');
		assert.ok(state.started_at);
		await t.api.post(`/async/executions/${slow.execution_id}/cancel`);
	});

	it('refuses bad bodies with payload.param', async () => {
		const cases = [
			[{ execution_ids: [] }, 'execution_ids'],
			[{ execution_ids: 'x' }, 'execution_ids'],
			[{ execution_ids: ['not-a-uuid'] }, 'execution_ids.0'],
			[{ execution_ids: [randomUUID()], timeout: 301 }, 'timeout'],
			[{ execution_ids: [randomUUID()], timeout: -1 }, 'timeout'],
			[{ execution_ids: [randomUUID()], until: 'some' }, 'until'],
			[{ execution_ids: Array.from({ length: 1001 }, () => randomUUID()) }, 'execution_ids'],
		];
		for (const [body, param] of cases) {
			const response = await t.api.post('/async/await', body);
			assert.equal(response.status, 400, JSON.stringify(body).slice(0, 80));
			assert.equal(response.body.code, 'ERROR_CODE_INPUT_ERROR');
			assert.equal(response.body.payload.param, param);
		}
	});
});
