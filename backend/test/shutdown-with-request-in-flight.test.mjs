// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sleep, startTestServer, waitForStatus } from './support/harness.mjs';

/**
 * Regression: a request still in flight when the server began to stop (typically an await) was
 * answered on a keep-alive connection, which then stayed open; closing the HTTP server waited for
 * it until the keep-alive timeout (72 s), so SIGTERM did not finish.
 */
describe('shutdown with a request in flight', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 2, abortGraceMs: 200 });
	});
	after(() => t.close());

	it('answers the open await with Connection: close and finishes closing promptly', async () => {
		const slow = await t.api.invoke('slow_task', { seconds: 30 });
		await waitForStatus(t, slow.execution_id, 'running');
		const waiting = t.api.post('/async/await', { execution_ids: [slow.execution_id], timeout: 60 });
		await sleep(200);

		const startedAt = Date.now();
		const closed = t.server.close({ graceSeconds: 0 });
		const answer = await waiting;
		assert.equal(answer.status, 200);
		assert.equal(answer.body[0].execution_id, slow.execution_id);
		assert.equal(answer.headers.get('connection'), 'close');

		const outcome = await Promise.race([
			closed.then(() => 'closed'),
			sleep(10_000).then(() => 'still closing'),
		]);
		assert.equal(outcome, 'closed');
		assert.ok(Date.now() - startedAt < 10_000);
	});
});
