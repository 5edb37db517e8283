// @ts-check
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ALICE, sleep, startTestServer, waitForStatus } from './support/harness.mjs';

/**
 * Regression: a request that reached the server while it was closing (one still arriving, or one
 * on a busy keep-alive connection) got fastify's own 503 body, {"error","message","statusCode"}, not the contract's
 * { code, message, payload }.
 */
describe('requests during shutdown', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer();
	});
	after(() => t.close());

	it("answers 503 in Xano's error shape", async () => {
		const running = await t.api.invoke('slow_task', { seconds: 30 });
		await waitForStatus(t, running.execution_id, 'running');
		const { pathname, port } = new URL(t.baseUrl);
		const socket = connect(Number(port), '127.0.0.1');
		let received = '';
		socket.on('data', (chunk) => (received += chunk));
		const ended = new Promise((resolve) => socket.on('close', resolve));
		await new Promise((resolve) => socket.once('connect', resolve));
		// A request whose headers are still arriving keeps its connection when the server begins
		// to close (only idle ones are dropped), and reaches the server once it is closing.
		socket.write(`GET ${pathname}/async/functions HTTP/1.1\r\nHost: localhost\r\n`);
		await sleep(100);
		const closing = t.server.close({ graceSeconds: 1 });
		await sleep(50);
		socket.write(`Authorization: Bearer ${ALICE.token}\r\n\r\n`);
		await ended;
		await closing;

		const refused = /^HTTP\/1\.1 503 [^]*?\r\n\r\n(\{.*\})$/.exec(received);
		assert.ok(refused, `no 503 among the answers: ${received}`);
		const answer = JSON.parse(refused[1]);
		assert.equal(answer.code, 'ERROR_FATAL');
		assert.match(answer.message, /shutting down/);
		assert.ok('payload' in answer);
	});
});
