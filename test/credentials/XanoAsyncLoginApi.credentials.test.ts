import Database from 'better-sqlite3';

import { XanoAsyncAwait } from '../../nodes/XanoAsyncAwait/XanoAsyncAwait.node';
import { XanoAsyncInvoke } from '../../nodes/XanoAsyncInvoke/XanoAsyncInvoke.node';
import { HTML_502 } from '../helpers/counting-proxy';
import { N8nRunner } from '../helpers/n8n-runner';
import { startXanoFixture } from '../helpers/xano-fixture';
import type { XanoFixture } from '../helpers/xano-fixture';
import { CredentialProbe, resolveTestRequest } from './credential-probe';

let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture({ nodes: [XanoAsyncInvoke, XanoAsyncAwait, CredentialProbe] });
});
afterAll(async () => {
	await fixture?.stop();
});
beforeEach(() => fixture.proxy.reset());

const invokeWithLogin = () =>
	fixture.runner.run({
		nodeType: 'xanoAsyncInvoke',
		parameters: {
			authentication: 'xanoAsyncLoginApi',
			function: { mode: 'name', value: 'send_welcome_email' },
		},
		items: [{ email: 'login@example.com' }],
	});

/** Ends every login session in the backend's database, as if 24 h had passed. */
function expireSessions(dataFile: string): number {
	const db = new Database(dataFile);
	try {
		return db.prepare("UPDATE auth_tokens SET expires_at = 1 WHERE kind = 'session'").run().changes;
	} finally {
		db.close();
	}
}

describe('Xano Async Login API', () => {
	test('logs in once and reuses the token across calls and executions', async () => {
		for (let run = 0; run < 3; run++) {
			const result = await invokeWithLogin();
			expect(result.error).toBeUndefined();
			expect(result.outputs[0][0].json.status).toBe('pending');
		}
		expect(fixture.proxy.count('POST', '/auth/login')).toBe(1);
		expect(fixture.proxy.count('POST', '/async/invoke')).toBe(3);
		const token = fixture.runner.credentials.stored.get('xanoAsyncLoginApi')?.authToken;
		expect(typeof token).toBe('string');
		const invokes = fixture.proxy.requests.filter((request) =>
			request.path.endsWith('/async/invoke'),
		);
		expect(invokes.every((request) => request.headers.authorization === `Bearer ${token}`)).toBe(
			true,
		);
	});

	test('renews an expired token once: 401, one login, the call again', async () => {
		await invokeWithLogin();
		fixture.proxy.reset();
		expect(expireSessions(fixture.backend.dataFile)).toBeGreaterThan(0);

		const result = await invokeWithLogin();

		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json.status).toBe('pending');
		expect(
			fixture.proxy.requests.map((request) => [request.path.split('/').pop(), request.status]),
		).toEqual([
			['invoke', 401],
			['login', 200],
			['invoke', 202],
		]);
	});

	test('a token still refused after renewal fails the node instead of logging in again', async () => {
		fixture.proxy.setFault((request) =>
			request.path.endsWith('/async/invoke')
				? {
						status: 401,
						contentType: 'application/json',
						body: JSON.stringify({ code: 'ERROR_CODE_UNAUTHORIZED', message: 'Invalid token.' }),
					}
				: undefined,
		);
		try {
			const result = await invokeWithLogin();
			expect(result.error?.message).toBe(
				'Xano answered HTTP 401 ERROR_CODE_UNAUTHORIZED for item 0: Invalid token.',
			);
			expect(fixture.proxy.count('POST', '/auth/login')).toBe(1);
			expect(fixture.proxy.count('POST', '/async/invoke')).toBe(2);
		} finally {
			fixture.proxy.setFault(undefined);
		}
	});

	test('a wrong password gives a clear error', async () => {
		const runner = new N8nRunner([XanoAsyncInvoke]);
		runner.credentials.set('xanoAsyncLoginApi', {
			baseUrl: fixture.baseUrl,
			email: fixture.backend.email,
			password: 'wrong password',
		});
		const result = await runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: {
				authentication: 'xanoAsyncLoginApi',
				function: { mode: 'name', value: 'send_welcome_email' },
			},
			items: [{ email: 'x@example.com' }],
		});
		expect(result.error?.message).toBe(
			`Xano login as ${fixture.backend.email} failed (HTTP 403): ERROR_CODE_ACCESS_DENIED: Invalid Credentials. Check the email and password of the credential. (item 0)`,
		);
		expect(fixture.proxy.count('POST', '/auth/login')).toBe(1);
	});

	test('works with Xano Async Await too', async () => {
		const started = await invokeWithLogin();
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: { authentication: 'xanoAsyncLoginApi', timeout: 10 },
			items: [{ execution_id: started.outputs[0][0].json.execution_id }],
		});
		expect(result.outputs[0].map((item) => item.json.status)).toEqual(['completed']);
	});

	test('an HTML 502 from the login endpoint gives a readable login error', async () => {
		const runner = new N8nRunner([XanoAsyncInvoke]);
		runner.credentials.set('xanoAsyncLoginApi', {
			baseUrl: fixture.baseUrl,
			email: fixture.backend.email,
			password: fixture.backend.password,
		});
		fixture.proxy.setFault((request) =>
			request.path.endsWith('/auth/login') ? HTML_502 : undefined,
		);
		try {
			const result = await runner.run({
				nodeType: 'xanoAsyncInvoke',
				parameters: {
					authentication: 'xanoAsyncLoginApi',
					function: { mode: 'name', value: 'send_welcome_email' },
				},
				items: [{ email: 'x@example.com' }],
			});
			expect(result.error?.message).toBe(
				`Xano login as ${fixture.backend.email} failed (HTTP 502): a body that is not JSON (text/html): 502 Bad Gateway. (item 0)`,
			);
		} finally {
			fixture.proxy.setFault(undefined);
		}
	});

	test('a login path that does not exist fails every item once, with the status in the details, and is not sent per item', async () => {
		const runner = new N8nRunner([XanoAsyncInvoke]);
		runner.credentials.set('xanoAsyncLoginApi', {
			baseUrl: fixture.baseUrl,
			email: fixture.backend.email,
			password: fixture.backend.password,
			loginPath: '/auth/no-such-login',
		});
		const result = await runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: {
				authentication: 'xanoAsyncLoginApi',
				function: { mode: 'name', value: 'send_welcome_email' },
			},
			items: Array.from({ length: 5 }, (_, index) => ({ email: `p${index}@example.com` })),
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		const items = result.outputs[0];
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		for (const item of items) {
			expect(item.json.error).toMatch(
				/^Xano login as .* failed \(HTTP 404\): ERROR_CODE_NOT_FOUND/,
			);
			expect(item.json.details).toMatchObject({ httpCode: 404, code: 'ERROR_CODE_NOT_FOUND' });
		}
		// Before, a refused login read as refused input: each item was sent alone, each a login.
		expect(fixture.proxy.count('POST', '/auth/no-such-login')).toBe(1);
		expect(fixture.proxy.count('POST', '/async/invoke')).toBe(0);
	});

	test('Await, waiting per item, stops logging in after the first refused login', async () => {
		const started = await invokeWithLogin();
		const id = started.outputs[0][0].json.execution_id;
		const runner = new N8nRunner([XanoAsyncAwait]);
		runner.credentials.set('xanoAsyncLoginApi', {
			baseUrl: fixture.baseUrl,
			email: fixture.backend.email,
			password: 'wrong password',
		});
		fixture.proxy.reset();
		const result = await runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: { authentication: 'xanoAsyncLoginApi', waitScope: 'each', timeout: 5 },
			items: Array.from({ length: 5 }, () => ({ execution_id: id })),
			onError: 'continueRegularOutput',
		});
		const [, failed] = result.outputs;
		expect(failed.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
		expect(failed.map((item) => item.json.error)).toEqual(
			[0, 1, 2, 3, 4].map((item) =>
				expect.stringMatching(new RegExp(`HTTP 403.*\\(item ${item}\\)$`)),
			),
		);
		expect(fixture.proxy.count('POST', '/auth/login')).toBe(1);
	});

	test('the credential test logs in and proves the await endpoint', async () => {
		const credentials = fixture.runner.credentials.stored.get('xanoAsyncLoginApi')!;
		const request = resolveTestRequest('xanoAsyncLoginApi', credentials);
		fixture.runner.credentials.set('xanoAsyncLoginApi', {
			baseUrl: `  ${fixture.baseUrl}/ `,
			email: fixture.backend.email,
			password: fixture.backend.password,
		});
		const result = await fixture.runner.run({
			nodeType: 'credentialProbe',
			credentialType: 'xanoAsyncLoginApi',
			parameters: { credentialType: 'xanoAsyncLoginApi', request: JSON.stringify(request) },
			items: [{}],
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json.answer).toEqual([
			expect.objectContaining({
				execution_id: '00000000-0000-4000-8000-000000000000',
				status: 'not_found',
			}),
		]);
		expect(fixture.proxy.requests.map((entry) => entry.path.split('/').pop())).toEqual([
			'login',
			'await',
		]);
	});
});
