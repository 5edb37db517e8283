// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer } from './support/harness.mjs';

/**
 * Regression: an output JSON cannot carry (a BigInt, a circular object) was stored as the string
 * "[object Object]" and the execution marked completed; a thrown error's payload likewise.
 */
describe('outputs and error payloads that are not JSON', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer();
	});
	after(() => t.close());

	for (const kind of ['bigint', 'circular']) {
		it(`fails the run with ERROR_FATAL when the output is a ${kind} value`, async () => {
			const execution = await t.api.invoke('not_json', { kind });
			const [done] = await t.api.awaitAll([execution.execution_id], 10);
			assert.equal(done.status, 'failed');
			assert.equal(done.output, null);
			assert.equal(done.error.code, 'ERROR_FATAL');
			assert.match(done.error.message, /output is not JSON-serialisable/);
		});
	}

	it('keeps the code and message of an error whose payload is not JSON, and says so', async () => {
		const execution = await t.api.invoke('not_json', { kind: 'bigint', throw: true });
		const [done] = await t.api.awaitAll([execution.execution_id], 10);
		assert.equal(done.status, 'failed');
		assert.equal(done.error.code, 'ERROR_CODE_EXPORT_FAILED');
		assert.equal(done.error.message, 'The export failed.');
		assert.match(done.error.payload.payload_error, /not JSON-serialisable/);
	});

	it('answers a synchronous run of a non-JSON output with 500 ERROR_FATAL', async () => {
		const response = await t.api.post('/functions/not_json/run', { input: { kind: 'circular' } });
		assert.equal(response.status, 500);
		assert.equal(response.body.code, 'ERROR_FATAL');
		assert.match(response.body.message, /output is not JSON-serialisable/);
	});
});
