// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, sleep, startTestServer, waitForStatus } from './support/harness.mjs';

describe('executor', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 1, abortGraceMs: 300 });
	});
	after(() => t.close());

	it('runs higher priorities first, first in first out within one priority', async () => {
		const blocker = await t.api.invoke('slow_task', { seconds: 0.4 });
		// Claimed is enough: a poll that misses the short run (a loaded machine) must not hang here,
		// and the bulk below is stored in one transaction before any of it is claimed either way.
		await eventually(
			async () =>
				(await t.api.get(`/async/executions/${blocker.execution_id}`)).body.status !== 'pending',
			{ what: 'the blocker to be claimed' },
		);
		const order = ['low', 'normal', 'critical', 'high', 'low', 'critical', 'normal', 'high'];
		const response = await t.api.post('/async/invoke', {
			invocations: order.map((priority, index) => ({
				function: 'record_run',
				input: { label: `priority:${priority}:${index}` },
				priority,
			})),
		});
		const ids = response.body.executions.map(
			(/** @type {any} */ execution) => execution.execution_id,
		);
		await t.api.awaitAll(ids, 20);
		// Each run writes a record as it starts; record ids give the start order exactly.
		const runs = (await t.api.get('/tables/runs?per_page=1000')).body.items;
		const startOrder = runs
			.filter((/** @type {any} */ run) => String(run.label).startsWith('priority:'))
			.map((/** @type {any} */ run) => run.label.slice('priority:'.length));
		assert.deepEqual(startOrder, [
			'critical:2',
			'critical:5',
			'high:3',
			'high:7',
			'normal:1',
			'normal:6',
			'low:0',
			'low:4',
		]);
	});

	it('never runs more than max-parallel functions at once', async () => {
		const response = await t.api.post('/async/invoke', {
			invocations: Array.from({ length: 5 }, () => ({
				function: 'slow_task',
				input: { seconds: 0.05 },
			})),
		});
		const done = await t.api.awaitAll(
			response.body.executions.map((/** @type {any} */ e) => e.execution_id),
		);
		const spans = done
			.map((execution) => [execution.started_at, execution.completed_at])
			.sort((a, b) => a[0] - b[0]);
		for (let index = 1; index < spans.length; index += 1) {
			assert.ok(spans[index][0] >= spans[index - 1][1], 'with one slot, runs never overlap');
		}
	});

	it('ends a run past its timeout as timed_out, and frees its slot even when the function spins the CPU', async () => {
		const spinner = await t.api.invoke('spin_cpu', { ms: 20_000 }, { timeout: 1 });
		const next = await t.api.invoke('echo', { after: 'spinner' });
		const [timedOut, afterwards] = await t.api.awaitAll(
			[spinner.execution_id, next.execution_id],
			15,
		);
		assert.equal(timedOut.status, 'timed_out');
		assert.equal(timedOut.error.code, 'ERROR_CODE_TIMEOUT');
		assert.equal(timedOut.error.payload.timeout_seconds, 1);
		assert.equal(timedOut.output, null);
		const heldFor = timedOut.completed_at - timedOut.started_at;
		assert.ok(
			heldFor >= 1000 && heldFor < 1000 + 300 + 700,
			`slot held ${heldFor} ms (timeout 1 s + grace 0.3 s)`,
		);
		assert.equal(afterwards.status, 'completed');
		assert.ok(afterwards.started_at >= timedOut.completed_at);
	});

	it('times out a CommonJS function that ignores its signal', async () => {
		const ignoring = await t.api.invoke('ignore_signal', { ms: 10_000 }, { timeout: 1 });
		const [done] = await t.api.awaitAll([ignoring.execution_id], 10);
		assert.equal(done.status, 'timed_out');
		assert.ok(done.duration_ms < 2500);
	});

	it('cancels a pending execution at once', async () => {
		const blocker = await t.api.invoke('slow_task', { seconds: 0.5 });
		const queued = await t.api.invoke('record_run', { label: 'never-runs' });
		const response = await t.api.post(`/async/executions/${queued.execution_id}/cancel`);
		assert.equal(response.status, 200);
		assert.equal(response.body.status, 'cancelled');
		assert.equal(response.body.error.code, 'ERROR_CODE_CANCELLED');
		assert.equal(response.body.started_at, null);
		await t.api.awaitAll([blocker.execution_id]);
		await sleep(100);
		const runs = await t.api.get('/tables/runs?per_page=1000');
		assert.equal(
			runs.body.items.filter((/** @type {any} */ r) => r.label === 'never-runs').length,
			0,
		);
	});

	it('cancels a running execution: its signal aborts and it ends cancelled shortly after', async () => {
		const running = await t.api.invoke('slow_task', { seconds: 30 });
		await waitForStatus(t, running.execution_id, 'running');
		const requested = await t.api.post(`/async/executions/${running.execution_id}/cancel`);
		assert.equal(requested.status, 200);
		assert.ok(['running', 'cancelled'].includes(requested.body.status));
		const [done] = await t.api.awaitAll([running.execution_id], 5);
		assert.equal(done.status, 'cancelled');
		assert.ok(done.completed_at - requested.body.started_at < 5000);
		// Cancelling a terminal execution changes nothing.
		const again = await t.api.post(`/async/executions/${running.execution_id}/cancel`);
		assert.equal(again.status, 200);
		assert.deepEqual(again.body, done);
	});

	it('turns a thrown error into the execution error: its own code, message and payload', async () => {
		const failing = await t.api.invoke('fail_with', {
			code: 'ERROR_CODE_CUSTOM',
			message: 'custom failure',
			payload: { param: 'x', detail: [1, 2] },
		});
		const [done] = await t.api.awaitAll([failing.execution_id]);
		assert.equal(done.status, 'failed');
		assert.deepEqual(done.error, {
			code: 'ERROR_CODE_CUSTOM',
			message: 'custom failure',
			payload: { param: 'x', detail: [1, 2] },
		});
		assert.equal(done.output, null);
		const plain = await t.api.invoke('fail_with', { message: 'plain' });
		const [plainDone] = await t.api.awaitAll([plain.execution_id]);
		assert.equal(plainDone.error.code, 'ERROR_FATAL');
	});
});

describe('executor off the main event loop', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 2 });
	});
	after(() => t.close());

	it('a function spinning the CPU for 5 s delays GET /health by less than 100 ms', async () => {
		const spinner = await t.api.invoke('spin_cpu', { ms: 5000 });
		await waitForStatus(t, spinner.execution_id, 'running');
		const latencies = [];
		const until = Date.now() + 4000;
		while (Date.now() < until) {
			const started = performance.now();
			const response = await fetch(`${t.origin}/health`);
			await response.json();
			latencies.push(performance.now() - started);
			assert.equal(response.status, 200);
			await sleep(50);
		}
		const [done] = await t.api.awaitAll([spinner.execution_id], 10);
		assert.equal(done.status, 'completed');
		const worst = Math.max(...latencies);
		assert.ok(latencies.length > 20);
		assert.ok(
			worst < 100,
			`worst /health latency ${worst.toFixed(1)} ms over ${latencies.length} calls`,
		);
	});

	it('runs nested ctx.invoke / ctx.await as the same caller, through the same queue', async () => {
		const parent = await t.api.invoke('nested_fan_out', { count: 3 });
		const [done] = await t.api.awaitAll([parent.execution_id], 20);
		assert.equal(done.status, 'completed', JSON.stringify(done.error));
		assert.deepEqual(done.output.outputs, [{ index: 0 }, { index: 1 }, { index: 2 }]);
		for (const id of done.output.ids) {
			const child = await t.api.get(`/async/executions/${id}`);
			assert.equal(child.status, 200, "children belong to the parent's caller");
			assert.deepEqual(child.body.tags, ['nested']);
			const asBob = await t.asBob.get(`/async/executions/${id}`);
			assert.equal(asBob.status, 404);
		}
	});

	it('runs the built-in process_order pipeline through nested executions', async () => {
		const order = await t.api.invoke('process_order', {
			order_id: 'A-1',
			email: 'buyer@example.com',
			items: [{ sku: 'SKU-1', quantity: 2 }],
			amount: 25,
		});
		const [done] = await t.api.awaitAll([order.execution_id], 30);
		assert.equal(done.status, 'completed', JSON.stringify(done.error));
		assert.deepEqual(done.output.inventory.updated, [{ sku: 'SKU-1', stock: 98 }]);
		assert.equal(done.output.payment.status, 'captured');
		assert.equal(done.output.confirmation.confirmation_sent, true);
	});
});
