// @ts-check
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startServer } from '../src/index.mjs';
import {
	ALICE,
	FIXTURE_FUNCTIONS,
	client,
	eventually,
	startTestServer,
} from './support/harness.mjs';

/**
 * Regression: on SIGTERM the executor stopped starting anything, helpers included, so a parent
 * awaiting its pending children could never finish within the grace. It was cut short, queued
 * again, and on the next start ran from the top and invoked a second set of children while the
 * first set ran too: two inventory updates, two confirmation emails, two payments for one order.
 */
const ONE_RUN_EACH = {
	process_order: 1,
	update_inventory: 1,
	send_order_confirmation: 1,
	process_payment: 1,
};

describe('shutdown while a parent awaits its children', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>> | null} */
	let t = null;
	/** @type {Awaited<ReturnType<typeof startServer>> | null} */
	let restarted = null;
	afterEach(async () => {
		await restarted?.close({ graceSeconds: 0 });
		await t?.close();
		restarted = null;
		t = null;
	});

	/** Starts an order on one slot and waits until its three steps are invoked. */
	const startOrder = async () => {
		t = await startTestServer({ maxParallel: 1, abortGraceMs: 100 });
		const order = await t.api.invoke('process_order', { order_id: 'o1', amount: 5 });
		const api = t.api;
		await eventually(
			async () => {
				const { counts } = (await api.get('/async/stats')).body;
				return counts.pending + counts.running + counts.completed >= 4;
			},
			{ what: 'the order steps to be invoked' },
		);
		return order;
	};

	const restart = async () => {
		restarted = await startServer({
			port: 0,
			dataFile: /** @type {any} */ (t).dataFile,
			tokens: [{ token: ALICE.token, email: ALICE.email }],
			functionDirs: [FIXTURE_FUNCTIONS],
			logLevel: 'silent',
		});
		return client(restarted.baseUrl, ALICE.token);
	};

	/** @param {ReturnType<typeof client>} api */
	const sideEffects = async (api) => {
		const listed = (await api.get('/async/executions?per_page=100')).body.items;
		/** @type {Record<string, number>} */
		const runs = {};
		for (const execution of listed) runs[execution.function] = (runs[execution.function] ?? 0) + 1;
		const payments = (await api.get('/tables/payments')).body.items;
		const emails = (await api.get('/tables/email_log')).body.items;
		const inventory = (await api.get('/tables/inventory')).body.items;
		return { runs, payments, emails, inventory };
	};

	it('lets the parent finish within the grace, its children starting in its helper slot', async () => {
		const order = await startOrder();
		await /** @type {any} */ (t).server.close({ graceSeconds: 5 });

		const api = await restart();
		const stored = (await api.get(`/async/executions/${order.execution_id}`)).body;
		assert.equal(stored.status, 'completed', JSON.stringify(stored.error));
		assert.equal(stored.attempts, 1, 'the order finished before the server stopped');
		const { runs, payments, emails, inventory } = await sideEffects(api);
		assert.deepEqual(runs, ONE_RUN_EACH);
		assert.deepEqual(
			payments.map((/** @type {any} */ row) => row.order_id),
			['o1'],
		);
		assert.equal(emails.length, 1);
		assert.deepEqual(
			inventory.map((/** @type {any} */ row) => row.stock),
			[99],
		);
	});

	it('a parent cut short and run again reuses the children it started before', async () => {
		const order = await startOrder();
		// No grace: the order is stopped and queued again, with its steps still to run.
		await /** @type {any} */ (t).server.close({ graceSeconds: 0 });

		const api = await restart();
		const [done] = await api.awaitAll([order.execution_id], 30);
		assert.equal(done.status, 'completed', JSON.stringify(done.error));
		assert.equal(done.attempts, 2);
		const { runs, payments, emails, inventory } = await sideEffects(api);
		assert.deepEqual(runs, ONE_RUN_EACH);
		assert.equal(payments.length, 1);
		assert.equal(emails.length, 1);
		assert.deepEqual(
			inventory.map((/** @type {any} */ row) => row.stock),
			[99],
		);
	});
});
