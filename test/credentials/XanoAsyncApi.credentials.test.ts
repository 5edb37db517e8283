import { XanoAsyncInvoke } from '../../nodes/XanoAsyncInvoke/XanoAsyncInvoke.node';
import { credentialData } from '../helpers/n8n-runner';
import { startXanoFixture } from '../helpers/xano-fixture';
import type { XanoFixture } from '../helpers/xano-fixture';
import { HTML_502 } from '../helpers/counting-proxy';
import { CredentialProbe, resolveTestRequest, ruleVerdict } from './credential-probe';

let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture({ nodes: [XanoAsyncInvoke, CredentialProbe] });
});
afterAll(async () => {
	await fixture?.stop();
});
beforeEach(() => fixture.proxy.reset());

async function probe(values: Record<string, string>) {
	fixture.runner.credentials.set('xanoAsyncApi', values);
	const request = resolveTestRequest('xanoAsyncApi', credentialData('xanoAsyncApi', values));
	return await fixture.runner.run({
		nodeType: 'credentialProbe',
		credentialType: 'xanoAsyncApi',
		parameters: { credentialType: 'xanoAsyncApi', request: JSON.stringify(request) },
		items: [{}],
	});
}

describe('Xano Async API', () => {
	afterEach(() =>
		fixture.runner.credentials.set('xanoAsyncApi', {
			baseUrl: fixture.baseUrl,
			token: fixture.backend.token,
		}),
	);

	test('the credential test passes with a good token, sending the bearer and data source headers', async () => {
		const result = await probe({
			baseUrl: fixture.baseUrl,
			token: fixture.backend.token,
			dataSource: 'live',
		});
		expect(result.error).toBeUndefined();
		expect(fixture.proxy.requests[0].headers.authorization).toBe(`Bearer ${fixture.backend.token}`);
		expect(fixture.proxy.requests[0].headers['x-data-source']).toBe('live');
	});

	test('the credential test fails with a wrong token', async () => {
		const result = await probe({ baseUrl: fixture.baseUrl, token: 'wrong' });
		expect(result.error).toBeDefined();
		expect(fixture.proxy.requests[0].status).toBe(401);
	});

	test("the credential test's rules pass the contract's answer and fail any other 200", async () => {
		const result = await probe({ baseUrl: fixture.baseUrl, token: fixture.backend.token });
		const answer = result.outputs[0][0].json.answer;
		expect(answer).toEqual([expect.objectContaining({ status: 'not_found' })]);
		expect(ruleVerdict('xanoAsyncApi', answer)).toBeUndefined();
		expect(ruleVerdict('xanoAsyncLoginApi', answer)).toBeUndefined();

		// A web server's page, another API's JSON, an empty list: n8n would call each a success.
		fixture.proxy.setFault(() => ({ ...HTML_502, status: 200 }));
		const page = await probe({ baseUrl: fixture.baseUrl, token: fixture.backend.token });
		fixture.proxy.setFault(undefined);
		expect(page.error).toBeUndefined();
		for (const other of [page.outputs[0][0].json.answer, { ok: true }, [{ id: 1 }]]) {
			expect(ruleVerdict('xanoAsyncApi', other)).toMatch(/not as the Xano async await endpoint/);
		}
		expect(ruleVerdict('xanoAsyncApi', [])).toMatch(/TypeError/);
	});

	test('an empty token sends no Authorization header and no data source', async () => {
		await probe({ baseUrl: fixture.baseUrl, token: '' });
		expect(fixture.proxy.requests[0].headers.authorization).toBeUndefined();
		expect(fixture.proxy.requests[0].headers['x-data-source']).toBeUndefined();
	});

	test('a base URL with spaces, trailing slashes and a branch works with every node', async () => {
		const baseUrl = `  ${fixture.baseUrl}:v1// `;
		expect((await probe({ baseUrl, token: fixture.backend.token })).error).toBeUndefined();
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: { function: { mode: 'name', value: 'send_welcome_email' } },
			items: [{ email: 'branch@example.com' }],
		});
		expect(result.error).toBeUndefined();
		expect(fixture.proxy.requests.map((request) => request.path)).toEqual([
			'/api:async:v1/async/await',
			'/api:async:v1/async/invoke',
		]);
	});

	test('renamed endpoint paths are used, and the function picker takes a typed name without a list', async () => {
		fixture.runner.credentials.set('xanoAsyncApi', {
			baseUrl: fixture.baseUrl,
			token: fixture.backend.token,
			invokePath: 'async/invoke/',
			functionsPath: '/no/such/list',
		});
		const listed = await fixture.runner.listSearch({
			nodeType: 'xanoAsyncInvoke',
			parameters: {},
			method: 'searchFunctions',
			filter: 'my_function',
		});
		expect(listed.results).toEqual([{ name: 'my_function', value: 'my_function' }]);
		expect(fixture.proxy.requests[0]).toMatchObject({
			path: '/api:async/no/such/list',
			status: 404,
		});
	});

	test('the function picker lists and filters the backend functions', async () => {
		const listed = await fixture.runner.listSearch({
			nodeType: 'xanoAsyncInvoke',
			parameters: {},
			method: 'searchFunctions',
			filter: 'SLOW',
		});
		expect(listed.results).toEqual([
			expect.objectContaining({ name: 'slow_task', value: 'slow_task' }),
		]);
	});
});
