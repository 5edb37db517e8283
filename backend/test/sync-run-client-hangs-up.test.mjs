// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, eventually, sleep, startTestServer } from './support/harness.mjs';

/**
 * Regression: a synchronous run (POST /functions/{name}/run) kept its slot after its client hung
 * up, up to its timeout (which may be an hour), and one still waiting for a slot started anyway.
 */
describe('a synchronous run whose client hangs up', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 1 });
	});
	after(() => t.close());

	/** Sends a synchronous run and hangs up after `ms`. @param {string} name @param {unknown} input @param {number} ms */
	const runAndHangUp = async (name, input, ms) => {
		const hangUp = new AbortController();
		const sent = fetch(`${t.baseUrl}/functions/${name}/run`, {
			method: 'POST',
			headers: { authorization: `Bearer ${ALICE.token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ input, timeout: 3600 }),
			signal: hangUp.signal,
		}).catch(() => null);
		await sleep(ms);
		hangUp.abort();
		await sent;
	};

	const running = async () => (await fetch(`${t.origin}/health`).then((r) => r.json())).running;

	it('is cancelled and frees its slot', async () => {
		await runAndHangUp('slow_task', { seconds: 600 }, 300);
		await eventually(async () => (await running()) === 0, {
			timeoutMs: 3000,
			what: 'the slot of the abandoned run to be free',
		});
	});

	it('never starts when it was still waiting for a slot', async () => {
		const holder = await t.api.invoke('slow_task', { seconds: 600 });
		await eventually(async () => (await running()) === 1, { what: 'the slot to be held' });
		await runAndHangUp('record_run', { label: 'abandoned' }, 200);
		await t.api.post(`/async/executions/${holder.execution_id}/cancel`);
		await eventually(async () => (await running()) === 0, { what: 'the slot to be free' });
		await sleep(200);
		const runs = (await t.api.get('/tables/runs')).body.items;
		assert.deepEqual(
			runs.filter((/** @type {any} */ run) => run.label === 'abandoned'),
			[],
		);
	});
});
