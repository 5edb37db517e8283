import type { IDataObject } from 'n8n-workflow';

import type { InjectedFault } from '../../helpers/counting-proxy';
import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';

let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture({
		backend: { args: ['--queue-size', '5000', '--max-parallel', '20'] },
	});
});
afterAll(async () => {
	await fixture?.stop();
});
beforeEach(() => {
	fixture.proxy.reset();
	fixture.proxy.setFault(undefined);
});

const invokeRequests = () =>
	fixture.proxy.requests.filter((request) => request.path.endsWith('/async/invoke'));
const invocationsSent = () =>
	invokeRequests().reduce(
		(sum, request) =>
			sum + (((request.body as IDataObject).invocations as unknown[] | undefined) ?? [1]).length,
		0,
	);

const invoke = (functionName: string, items: IDataObject[]) =>
	fixture.runner.run({
		nodeType: 'xanoAsyncInvoke',
		parameters: { function: { mode: 'name', value: functionName }, inputSource: 'itemJson' },
		items,
		onError: 'continueRegularOutput',
	});

/** A gateway's rate limit that never lifts: the reference backend's queue always drains. */
const rateLimit = (retryAfter: string): InjectedFault => ({
	status: 429,
	contentType: 'application/json',
	body: JSON.stringify({ code: 'ERROR_CODE_TOO_MANY_REQUESTS', message: 'Slow down' }),
	headers: { 'retry-after': retryAfter },
});

describe('Xano Async Invoke when the backend refuses many invocations', () => {
	// Regression: each round removed only the invocation the backend named and sent all others
	// again: an unknown function over 1,000 items cost 1,000 requests carrying 500,500 invocations.
	test('an unknown function fails every invocation of that name from one refusal', async () => {
		const items = Array.from({ length: 1000 }, (_, index) => ({
			email: `u${index}@example.com`,
			fn: index === 700 ? 'send_welcome_email' : 'no_such_fn',
		}));
		const result = await invoke('={{ $json.fn }}', items);
		expect(result.error).toBeUndefined();
		const [output] = result.outputs;
		expect(output).toHaveLength(1000);
		output.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			if (index === 700) expect(item.json.status).toBe('pending');
			else {
				expect(item.json.error).toBe(
					`Xano answered HTTP 404 ERROR_CODE_NOT_FOUND for item ${index}: Unknown function: no_such_fn. (parameter: function)`,
				);
			}
		});
		expect(invokeRequests().map((request) => request.status)).toEqual([404, 202]);
	});

	test('many refused inputs cost a bounded number of requests, not a resend per refusal', async () => {
		const items = Array.from({ length: 64 }, (_, index) => ({
			email: index % 2 === 0 ? `not an address ${index}` : `ok${index}@example.com`,
		}));
		const result = await invoke('send_welcome_email', items);
		const [output] = result.outputs;
		output.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			if (index % 2 === 0)
				expect(item.json.error).toMatch(/HTTP 400 ERROR_CODE_INPUT_ERROR for item/);
			else expect(item.json.status).toBe('pending');
		});
		// One request per refusal at most, each carrying far less than everything left.
		expect(invokeRequests().length).toBeLessThanOrEqual(2 * 64);
		expect(invocationsSent()).toBeLessThanOrEqual(64 * 8);
	});
});

describe('Xano Async Invoke under a persistent 429', () => {
	// Regression: a bulk request split again and again, each part waiting out its 429: 8 items
	// took 39 requests and 31 s, and 1,000 would have taken over an hour.
	test('a persistent 429 ends after one bounded retry budget, failing every item with the 429', async () => {
		fixture.proxy.setFault((request) =>
			request.path.endsWith('/async/invoke') ? rateLimit('0') : undefined,
		);
		const items = Array.from({ length: 8 }, (_, index) => ({ email: `p${index}@example.com` }));
		const result = await invoke('send_welcome_email', items);
		expect(result.error).toBeUndefined();
		// Halving 8 down to 1 takes 3 refusals, then the 3 retries a single invocation gets.
		expect(invokeRequests()).toHaveLength(7);
		result.outputs[0].forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.error).toMatch(
				new RegExp(
					`^Xano answered HTTP 429 ERROR_CODE_TOO_MANY_REQUESTS for item ${index}: Slow down`,
				),
			);
		});
	}, 30_000);

	test('without Continue On Fail the node fails with the 429 naming the first item', async () => {
		fixture.proxy.setFault((request) =>
			request.path.endsWith('/async/invoke') ? rateLimit('0') : undefined,
		);
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: { function: { mode: 'name', value: 'send_welcome_email' } },
			items: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
		});
		expect(result.error?.message).toMatch(
			/^Xano answered HTTP 429 ERROR_CODE_TOO_MANY_REQUESTS for item 0/,
		);
		expect(invokeRequests()).toHaveLength(5);
	}, 30_000);

	// Regression: the bulk path slept any Retry-After in full (the transport capped it at 30 s).
	test('a Retry-After beyond the five-minute bound is not slept: the items fail with it at once', async () => {
		fixture.proxy.setFault((request) =>
			request.path.endsWith('/async/invoke') ? rateLimit('3600') : undefined,
		);
		const items = [
			{ email: 'a@example.com' },
			{ email: 'b@example.com' },
			{ email: 'c@example.com' },
		];
		const result = await invoke('send_welcome_email', items);
		expect(result.durationMs).toBeLessThan(5_000);
		expect(invokeRequests()).toHaveLength(1);
		result.outputs[0].forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.details).toMatchObject({ httpCode: 429, retryAfterSeconds: 3600 });
		});
	});

	test('a Retry-After within the bound is waited out in full on the bulk path', async () => {
		let refusals = 1;
		fixture.proxy.setFault((request) =>
			request.path.endsWith('/async/invoke') && refusals-- > 0 ? rateLimit('2') : undefined,
		);
		const items = [{ email: 'a@example.com' }, { email: 'b@example.com' }];
		const result = await invoke('send_welcome_email', items);
		expect(result.error).toBeUndefined();
		const [refused, ...accepted] = invokeRequests();
		expect(refused.status).toBe(429);
		expect(accepted[0].startedAt - refused.endedAt).toBeGreaterThanOrEqual(1_900);
		expect(result.outputs[0].map((item) => item.json.status)).toEqual(['pending', 'pending']);
	}, 30_000);
});
