// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, client, startTestServer } from './support/harness.mjs';

describe('auth', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer();
	});
	after(() => t.close());

	it('logs in with email and password and the authToken works as a bearer token', async () => {
		const anonymous = client(t.baseUrl, null);
		const login = await anonymous.post('/auth/login', {
			email: ALICE.email,
			password: ALICE.password,
		});
		assert.equal(login.status, 200);
		assert.equal(typeof login.body.authToken, 'string');
		const session = client(t.baseUrl, login.body.authToken);
		const me = await session.get('/auth/me');
		assert.equal(me.status, 200);
		assert.equal(me.body.email, ALICE.email);
		assert.equal(typeof me.body.id, 'number');
		assert.equal(me.body.password_hash, undefined, 'no secret in the user record');
		// Executions are the user's, whichever token started them.
		const execution = await session.invoke('echo', {});
		const viaStatic = await t.api.get(`/async/executions/${execution.execution_id}`);
		assert.equal(viaStatic.status, 200);
	});

	it('refuses wrong credentials with 403 ERROR_CODE_ACCESS_DENIED', async () => {
		const anonymous = client(t.baseUrl, null);
		for (const body of [
			{ email: ALICE.email, password: 'wrong' },
			{ email: 'nobody@example.com', password: 'x' },
		]) {
			const response = await anonymous.post('/auth/login', body);
			assert.equal(response.status, 403);
			assert.equal(response.body.code, 'ERROR_CODE_ACCESS_DENIED');
		}
		const missing = await anonymous.post('/auth/login', { email: ALICE.email });
		assert.equal(missing.status, 400);
		assert.equal(missing.body.payload.param, 'password');
	});

	it('answers 401 ERROR_CODE_UNAUTHORIZED without a token or with a bad one, on every API route', async () => {
		const routes = [
			['GET', '/auth/me'],
			['POST', '/async/invoke'],
			['POST', '/async/await'],
			['GET', '/async/executions'],
			['GET', '/async/executions/4b0f5cbc-3c3b-4a55-9b0e-2a5c8a4f7a10'],
			['POST', '/async/executions/4b0f5cbc-3c3b-4a55-9b0e-2a5c8a4f7a10/cancel'],
			['GET', '/async/functions'],
			['GET', '/async/stats'],
			['GET', '/tables/runs'],
			['POST', '/functions/echo/run'],
		];
		for (const token of [null, 'not-a-real-token']) {
			const caller = client(t.baseUrl, token);
			for (const [method, path] of routes) {
				const response = await caller.request(method, path, method === 'POST' ? {} : undefined);
				assert.equal(response.status, 401, `${method} ${path}`);
				assert.equal(response.body.code, 'ERROR_CODE_UNAUTHORIZED');
			}
		}
	});

	it("accepts Xano's ?authtoken= fallback", async () => {
		const response = await fetch(`${t.baseUrl}/auth/me?authtoken=${ALICE.token}`);
		assert.equal(response.status, 200);
		assert.equal((await response.json()).email, ALICE.email);
	});

	it('never writes a token or an input to the logs', async () => {
		await fetch(`${t.baseUrl}/auth/me?authtoken=${ALICE.token}`);
		await t.api.invoke('echo', { secret_input: 'do-not-log-me' });
		await new Promise((resolve) => setTimeout(resolve, 200));
		const logs = t.logLines.join('');
		assert.ok(logs.includes('request completed'));
		assert.ok(!logs.includes(ALICE.token));
		assert.ok(!logs.includes(ALICE.password));
		assert.ok(!logs.includes('do-not-log-me'));
	});

	it('logs one structured line per request and per execution outcome, with ids and durations', async () => {
		const execution = await t.api.invoke('echo', {});
		await t.api.awaitAll([execution.execution_id]);
		await new Promise((resolve) => setTimeout(resolve, 100));
		const lines = t.logLines.map((line) => JSON.parse(line));
		const request = lines.find(
			(line) => line.msg === 'request completed' && line.path.endsWith('/async/invoke'),
		);
		assert.ok(request, 'a request line');
		assert.match(request.request_id, /^[0-9a-f-]{36}$/);
		assert.equal(typeof request.duration_ms, 'number');
		assert.equal(request.status, 202);
		const outcome = lines.find(
			(line) => line.msg === 'execution finished' && line.execution_id === execution.execution_id,
		);
		assert.ok(outcome, 'an execution outcome line');
		assert.equal(outcome.function, 'echo');
		assert.equal(outcome.status, 'completed');
		assert.equal(typeof outcome.duration_ms, 'number');
	});
});
