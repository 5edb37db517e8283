import type { IDataObject } from 'n8n-workflow';

import type { Execution } from '../../../nodes/shared/types';
import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';

// Options and parameters filled by expressions get whatever the item holds. Regression: an
// Idempotency Key of `={{ $json.order_id }}` with a numeric order_id crashed the node with
// "trim is not a function", naming neither the item nor the field.
let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture();
});
afterAll(async () => {
	await fixture?.stop();
});
beforeEach(() => fixture.proxy.reset());

const welcome = { mode: 'name', value: 'send_welcome_email' };

const invoke = (parameters: IDataObject, items: IDataObject[], continueOnFail = false) =>
	fixture.runner.run({
		nodeType: 'xanoAsyncInvoke',
		parameters: { function: welcome, inputSource: 'itemJson', ...parameters },
		items,
		onError: continueOnFail ? 'continueRegularOutput' : undefined,
	});

describe('Xano Async Invoke with option values from expressions', () => {
	test('an idempotency key from a number field is sent as text, not a crash on trim', async () => {
		const result = await invoke({ options: { idempotencyKey: '={{ $json.order_id }}' } }, [
			{ email: 'a@example.com', order_id: 123 },
		]);
		expect(result.error).toBeUndefined();
		const [execution] = await fixture.api<Execution[]>('POST', '/async/await', {
			execution_ids: [result.outputs[0][0].json.execution_id as string],
			timeout: 0,
		});
		expect(execution.idempotency_key).toBe('123');
	});

	test('numbers and lists from expressions work for tags, timeout, field names and the function', async () => {
		const result = await invoke(
			{
				function: { mode: 'name', value: '={{ $json.fn }}' },
				inputSource: 'fields',
				inputFields: { field: [{ name: '={{ "email" }}', value: '={{ $json.email }}' }] },
				options: {
					tags: '={{ [$json.batch, "x"] }}',
					timeout: '={{ "60" }}',
					priority: '={{ "high" }}',
				},
			},
			[{ fn: 'send_welcome_email', email: 'b@example.com', batch: 42 }],
		);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toMatchObject({ tags: ['42', 'x'], priority: 'high' });
	});

	// Item 0 holds a fitting value, item 1 one that does not: only item 1 may fail.
	test.each([
		[
			'an object as idempotency key',
			{ options: { idempotencyKey: '={{ $json.v }}' } },
			'k1',
			{ id: 1 },
			/^The Idempotency Key of item 1 must be text or a number, got an object/,
		],
		[
			'a list as idempotency key',
			{ options: { idempotencyKey: '={{ $json.v }}' } },
			7,
			[1, 2],
			/^The Idempotency Key of item 1 must be text or a number, got a list/,
		],
		[
			'an unknown priority',
			{ options: { priority: '={{ $json.v }}' } },
			'low',
			'urgent',
			/^The Priority of item 1 must be one of low, normal, high, critical, got "urgent"/,
		],
		[
			'an object among the tags',
			{ options: { tags: '={{ $json.v }}' } },
			['a', 1],
			[{ a: 1 }],
			/^Each of the Tags of item 1 must be text or a number, got an object/,
		],
		[
			'a timeout that is not a number',
			{ options: { timeout: '={{ $json.v }}' } },
			30,
			'soon',
			/^The Timeout of item 1 must be a number, got "soon"/,
		],
		[
			'an object as function name',
			{ function: { mode: 'name', value: '={{ $json.v }}' } },
			'send_welcome_email',
			{ id: 1 },
			/^The Function of item 1 must be text or a number, got an object/,
		],
	])('%s fails naming the item and the field', async (_, parameters, good, bad, message) => {
		const items = [
			{ email: 'ok@example.com', v: good },
			{ email: 'bad@example.com', v: bad },
		] as IDataObject[];
		const result = await invoke(parameters as IDataObject, items);
		expect(result.error?.message).toMatch(message);
		expect(fixture.proxy.count('POST', '/async/invoke')).toBe(0);

		fixture.proxy.reset();
		const continued = await invoke(parameters as IDataObject, items, true);
		expect(continued.error).toBeUndefined();
		const [output] = continued.outputs;
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0].json.status).toBe('pending');
		expect(output[1].json.error).toMatch(message);
	});
});

describe('Xano Async Invoke with a Wait Timeout that is not a number, under Continue On Fail', () => {
	// Regression: the node threw regardless, and n8n then passed the inputs on as if they had run.
	test.each(['continueRegularOutput', 'continueErrorOutput'] as const)(
		'%s: every item becomes an error item with its pairedItem, nothing starts',
		async (onError) => {
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncInvoke',
				parameters: { function: welcome, waitForCompletion: true, waitTimeout: '={{ "soon" }}' },
				items: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
				onError,
			});
			expect(result.error).toBeUndefined();
			const errors = onError === 'continueErrorOutput' ? result.outputs[1] : result.outputs[0];
			expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			for (const item of errors) {
				expect(item.json.error).toMatch(/^Wait Timeout of item 0 must be a number of seconds/);
			}
			// Not the input passed on as if it had run (n8n's error output adds the input itself).
			if (onError === 'continueRegularOutput') expect(errors[0].json.email).toBeUndefined();
			if (onError === 'continueErrorOutput') expect(result.outputs[0]).toEqual([]);
			expect(fixture.proxy.count('POST', '/async/invoke')).toBe(0);
		},
	);
});
