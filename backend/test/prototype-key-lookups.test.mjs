// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer } from './support/harness.mjs';

/**
 * Regression: names of Object.prototype members (toString, constructor, __proto__) passed the
 * `priority in PRIORITY_RANK` check and were bound to SQLite, and a function error code of the
 * same names picked a "status" off the status table; both answered a 500 outside Xano's shape.
 */
describe('prototype member names used as lookup keys', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 2 });
	});
	after(() => t.close());

	for (const priority of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
		it(`answers 400 with payload.param for priority "${priority}"`, async () => {
			const one = await t.api.post('/async/invoke', { function: 'echo', priority });
			assert.equal(one.status, 400);
			assert.equal(one.body.code, 'ERROR_CODE_INPUT_ERROR');
			assert.equal(one.body.payload.param, 'priority');

			const many = await t.api.post('/async/invoke', {
				invocations: [{ function: 'echo' }, { function: 'echo', priority }],
			});
			assert.equal(many.status, 400);
			assert.equal(many.body.payload.param, 'invocations.1.priority');
		});
	}

	for (const code of ['constructor', 'toString', '__proto__']) {
		it(`answers a synchronous run that fails with code "${code}" as a 500 in Xano's shape`, async () => {
			const response = await t.api.post('/functions/fail_with/run', {
				input: { code, message: 'failed on purpose' },
			});
			assert.equal(response.status, 500);
			assert.deepEqual(response.body, { code, message: 'failed on purpose' });
		});
	}
});
