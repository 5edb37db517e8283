// @ts-check
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestServer } from './support/harness.mjs';

/**
 * Sends raw bytes and answers the status line and the parsed body of the reply.
 * @param {string} origin
 * @param {string} request
 */
function rawRequest(origin, request) {
	const { hostname, port } = new URL(origin);
	return new Promise((resolve, reject) => {
		const socket = connect(Number(port), hostname);
		let text = '';
		socket.setEncoding('utf8');
		socket.on('data', (chunk) => (text += chunk));
		socket.on('error', reject);
		socket.on('close', () => {
			const [head, body = ''] = text.split('\r\n\r\n');
			resolve({ statusLine: head.split('\r\n')[0], body: body ? JSON.parse(body) : null });
		});
		socket.end(request);
	});
}

/**
 * Regression: requests Node's HTTP parser refuses before any route (headers over the size limit,
 * a broken request line or Content-Length) were answered in fastify's own error shape
 * `{ error, message, statusCode }`, not Xano's `{ code, message, payload }`.
 */
describe('requests the HTTP parser refuses', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer();
	});
	after(() => t.close());

	it("answers headers over the size limit with 431 in Xano's error shape", async () => {
		const reply = /** @type {any} */ (
			await rawRequest(
				t.origin,
				`GET /api:async/auth/me?pad=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
			)
		);
		assert.match(reply.statusLine, /^HTTP\/1\.1 431 /);
		assert.equal(reply.body.code, 'ERROR_CODE_INPUT_ERROR');
		assert.equal(typeof reply.body.message, 'string');
		assert.equal(reply.body.payload.param, 'headers');
	});

	it("answers a broken Content-Length with 400 in Xano's error shape", async () => {
		const reply = /** @type {any} */ (
			await rawRequest(
				t.origin,
				'POST /api:async/async/invoke HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}',
			)
		);
		assert.match(reply.statusLine, /^HTTP\/1\.1 400 /);
		assert.equal(reply.body.code, 'ERROR_CODE_INPUT_ERROR');
		assert.equal(reply.body.payload.param, 'request');
	});
});
