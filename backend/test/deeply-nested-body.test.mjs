// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer } from './support/harness.mjs';

/** `{"a":[[[…1…]]]}` nested `depth` levels below the input object. */
const nestedInput = (/** @type {number} */ depth) =>
	`{"a":${'['.repeat(depth)}1${']'.repeat(depth)}}`;

/**
 * Regression: a few kilobytes of nested arrays parsed fine but overflowed the stack when the
 * invocation was stored (JSON.stringify), so POST /async/invoke answered 500 ERROR_FATAL.
 */
describe('deeply nested JSON bodies', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 2 });
	});
	after(() => t.close());

	it('answers 400 with payload.param body for a body nested 5,000 levels deep', async () => {
		const response = await t.api.post('/async/invoke', undefined, {
			raw: `{"function":"echo","input":${nestedInput(5000)}}`,
			headers: { 'content-type': 'application/json' },
		});
		assert.equal(response.status, 400);
		assert.equal(response.body.code, 'ERROR_CODE_INPUT_ERROR');
		assert.equal(response.body.payload.param, 'body');
		assert.match(response.body.message, /nested/);
		assert.equal((await t.api.get('/auth/me')).status, 200);
	});

	it('still runs an input nested 100 levels deep', async () => {
		const response = await t.api.post('/async/invoke', undefined, {
			raw: `{"function":"echo","input":${nestedInput(100)}}`,
			headers: { 'content-type': 'application/json' },
		});
		assert.equal(response.status, 202);
		const [done] = await t.api.awaitAll([response.body.execution_id], 10);
		assert.equal(done.status, 'completed');
		assert.deepEqual(done.output, done.input);
	});
});
