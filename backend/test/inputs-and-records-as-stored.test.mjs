// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer } from './support/harness.mjs';

/**
 * Regression for the bulk-import speed-up: a stored input now travels to its worker as JSON text
 * (parsed there, not on the main thread), execution answers write a stored input and output as
 * their stored text, and ctx.db.bulkAdd inserts without reading rows back. None of that may change
 * what a function receives, what the answers say, or which records exist.
 */

/** Text, escapes and numbers that a careless re-serialisation would change. */
const INPUT_TEXT = JSON.stringify({
	text: 'Zürich, 東京, Ærøskøbing 🙂',
	escapes: 'quote " backslash \\ newline \n tab \t control \u0001 separator \u2028',
	numbers: [0, -1.5, 1e21, 1.7976931348623157e308, 5e-324, 0.1, 123456789012345680000],
	// Integer-like keys come first in JSON.stringify's order, whatever order they arrive in.
	nested: { z: [null, true, false, {}], 2: 'b', 1: 'a' },
	records: Array.from({ length: 500 }, (_, index) => ({ name: `City ${index}`, lat: '1.5' })),
	empty: [],
});
const INPUT = JSON.parse(INPUT_TEXT);

/**
 * An answer is JSON, says so in its Content-Type (an HTTP client takes it for text otherwise), and
 * is exactly what JSON.stringify writes for its own value: no gap, space or reorder.
 */
const assertCanonical = (/** @type {{ text: string, headers: Headers }} */ answer) => {
	assert.match(answer.headers.get('content-type') ?? '(none)', /^application\/json\b/);
	assert.equal(answer.text, JSON.stringify(JSON.parse(answer.text)));
};

describe('inputs, outputs and records as stored', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 2 });
	});
	after(() => t.close());

	it('a function receives its stored input unchanged, and every answer carries input and output as invoked', async () => {
		const invoked = await t.api.post('/async/invoke', undefined, {
			raw: `{"function":"echo","input":${INPUT_TEXT}}`,
			headers: { 'content-type': 'application/json' },
		});
		assert.equal(invoked.status, 202);
		assertCanonical(invoked);
		assert.deepEqual(invoked.body.input, INPUT);
		const id = invoked.body.execution_id;

		const awaited = await t.api.post('/async/await', { execution_ids: [id, id], timeout: 10 });
		assert.equal(awaited.status, 200);
		assertCanonical(awaited);
		for (const execution of awaited.body) {
			assert.equal(execution.status, 'completed');
			assert.deepEqual(execution.input, INPUT);
			// echo answers the input its handler got.
			assert.deepEqual(execution.output, INPUT);
		}

		const one = await t.api.get(`/async/executions/${id}`);
		assertCanonical(one);
		assert.deepEqual(one.body, awaited.body[0]);

		const listed = await t.api.get('/async/executions?function=echo');
		assertCanonical(listed);
		assert.deepEqual(
			listed.body.items.find((/** @type {any} */ item) => item.execution_id === id),
			awaited.body[0],
		);

		const cancelled = await t.api.post(`/async/executions/${id}/cancel`, {});
		assertCanonical(cancelled);
		assert.deepEqual(cancelled.body, awaited.body[0]);
	});

	it('an idempotency hit answers the stored input too', async () => {
		const first = await t.api.invoke('echo', INPUT, { idempotency_key: 'stored-input' });
		const again = await t.api.post('/async/invoke', {
			function: 'echo',
			input: INPUT,
			idempotency_key: 'stored-input',
		});
		assert.equal(again.status, 200);
		assertCanonical(again);
		assert.equal(again.body.execution_id, first.execution_id);
		assert.equal(again.body.deduplicated, true);
		assert.deepEqual(again.body.input, INPUT);
	});

	it('a synchronous run hands the function the same input', async () => {
		const response = await t.api.post('/functions/echo/run', { input: INPUT });
		assert.equal(response.status, 200);
		assert.deepEqual(response.body, INPUT);
	});

	it('bulkAdd stores every row in order, without the id and timestamp fields a row brings', async () => {
		// More rows than one INSERT takes, and a remainder, so both ways of inserting run.
		const rows = Array.from({ length: 123 }, (_, index) => ({ name: `row ${index}`, index }));
		rows[0] = { id: 999, created_at: 1, updated_at: 2, name: 'row 0', index: 0 };
		rows[60] = { name: 'row 60', index: 60, tags: ['a'], nested: { ok: true } };
		const execution = await t.api.invoke('bulk_add', { table: 'bulk_rows', rows });
		const [done] = await t.api.awaitAll([execution.execution_id]);
		assert.equal(done.status, 'completed', JSON.stringify(done.error));
		assert.equal(done.output.count, 123);
		const { ids } = done.output;
		assert.ok(
			ids.every((/** @type {number} */ id, /** @type {number} */ n) => n === 0 || id > ids[n - 1]),
			'ids ascend in row order',
		);

		const table = await t.api.get('/tables/bulk_rows?per_page=1000');
		assert.equal(table.body.itemsTotal, 123);
		const items = table.body.items;
		assert.deepEqual(
			items.map((/** @type {any} */ item) => item.id),
			ids,
		);
		assert.deepEqual(
			items.map(({ id: _id, created_at: _at, ...fields }) => fields),
			rows.map(({ id: _id, created_at: _at, updated_at: _up, ...fields }) => fields),
		);
		assert.ok(items.every((/** @type {any} */ item) => item.id !== 999 && item.created_at !== 1));
	});

	it('bulkAdd with one bad row stores none of them', async () => {
		// The bad row comes after a first full INSERT of rows has run.
		const rows = Array.from({ length: 120 }, (_, index) =>
			index === 75 ? 'not a record' : { index },
		);
		const execution = await t.api.invoke('bulk_add', { table: 'bulk_atomic', rows });
		const [done] = await t.api.awaitAll([execution.execution_id]);
		assert.equal(done.status, 'failed');
		assert.equal(done.error.code, 'ERROR_CODE_INPUT_ERROR');
		const table = await t.api.get('/tables/bulk_atomic');
		assert.equal(table.body.itemsTotal, 0);
	});
});
