// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../src/index.mjs';
import {
	ALICE,
	FIXTURE_FUNCTIONS,
	client,
	startTestServer,
	waitForStatus,
} from './support/harness.mjs';

/**
 * Regression: a function that returned its output after the shutdown grace, while its worker was
 * still allowed to finish (the abort grace), was queued again as if it had been cut short; the
 * output was thrown away and the next start ran it a second time.
 */
describe('shutdown and runs that finish during the abort grace', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	/** @type {Awaited<ReturnType<typeof startServer>> | null} */
	let restarted = null;
	before(async () => {
		t = await startTestServer({ maxParallel: 2, abortGraceMs: 5000 });
	});
	after(async () => {
		await restarted?.close({ graceSeconds: 0 });
		await t.close();
	});

	it('records a run that returns after the abort as completed, and never runs it again', async () => {
		const run = await t.api.invoke('ignore_signal', { ms: 700 });
		await waitForStatus(t, run.execution_id, 'running');
		await t.server.close({ graceSeconds: 0 });

		restarted = await startServer({
			port: 0,
			dataFile: t.dataFile,
			tokens: [{ token: ALICE.token, email: ALICE.email }],
			functionDirs: [FIXTURE_FUNCTIONS],
			logLevel: 'silent',
		});
		const execution = (
			await client(restarted.baseUrl, ALICE.token).get(`/async/executions/${run.execution_id}`)
		).body;
		assert.equal(execution.status, 'completed');
		assert.deepEqual(execution.output, { waited: 700 });
		assert.equal(execution.attempts, 1);
	});
});
