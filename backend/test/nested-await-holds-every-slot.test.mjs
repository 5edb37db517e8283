// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer } from './support/harness.mjs';

/**
 * Regression: a function waiting in ctx.await kept its slot, so the executions it awaited could
 * not start while every slot was held by such waiters. Two process_order runs with
 * --max-parallel 2 (or ten with the default 10) both failed after their 60 s await, their steps
 * still pending.
 */
describe('functions that await the executions they started', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 1 });
	});
	after(() => t.close());

	it('with one slot, a fan-out gets its children run while it waits', async () => {
		const parent = await t.api.invoke('nested_fan_out', { count: 3 });
		const [done] = await t.api.awaitAll([parent.execution_id], 15);
		assert.equal(done.status, 'completed');
		assert.deepEqual(done.output.outputs, [{ index: 0 }, { index: 1 }, { index: 2 }]);
	});

	it('as many orders as slots all complete their nested steps', async () => {
		const response = await t.api.post('/async/invoke', {
			invocations: [1, 2].map((orderId) => ({
				function: 'process_order',
				input: { order_id: orderId, email: 'buyer@example.com', amount: 5 },
			})),
		});
		const done = await t.api.awaitAll(
			response.body.executions.map((/** @type {any} */ execution) => execution.execution_id),
			20,
		);
		assert.deepEqual(
			done.map((execution) => execution.status),
			['completed', 'completed'],
		);
	});
});
