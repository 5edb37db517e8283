import type { IDataObject } from 'n8n-workflow';

import { HTML_502 } from '../../helpers/counting-proxy';
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
beforeEach(() => fixture.proxy.reset());

const welcome = { mode: 'name', value: 'send_welcome_email' };
const people = (count: number): IDataObject[] =>
	Array.from({ length: count }, (_, index) => ({
		email: `user${index}@example.com`,
		name: `User ${index}`,
	}));

describe('Xano Async Invoke', () => {
	test.each([1, 3, 1000])(
		'starts %i executions from the items in bulk requests of at most 1,000, one output item per input item',
		async (count) => {
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncInvoke',
				parameters: {
					function: welcome,
					inputSource: 'itemJson',
					options: { tags: 'onboarding, test' },
				},
				items: people(count),
			});

			expect(result.error).toBeUndefined();
			const [output] = result.outputs;
			expect(output).toHaveLength(count);
			output.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				expect(item.json).toMatchObject({
					function: 'send_welcome_email',
					status: 'pending',
					tags: ['onboarding', 'test'],
				});
				expect(item.json.execution_id).toMatch(/^[0-9a-f-]{36}$/);
			});
			expect(new Set(output.map((item) => item.json.execution_id)).size).toBe(count);
			expect(fixture.proxy.count('POST', '/async/invoke')).toBe(Math.ceil(count / 1000));

			const stored = await fixture.api<IDataObject[]>('POST', '/async/await', {
				execution_ids: [output[count - 1].json.execution_id as string],
				timeout: 0,
			});
			expect(stored[0]).toMatchObject({ input: { email: `user${count - 1}@example.com` } });
		},
	);

	test('sends 1,001 items as two bulk requests', async () => {
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: { function: welcome },
			items: people(1001),
		});
		expect(result.outputs[0]).toHaveLength(1001);
		const bulkSizes = fixture.proxy.requests
			.filter((request) => request.path.endsWith('/async/invoke'))
			.map(
				(request) =>
					((request.body as IDataObject).invocations as unknown[] | undefined)?.length ?? 1,
			);
		expect(bulkSizes).toEqual([1000, 1]);
	});

	test('builds the input from a JSON parameter and from fields, with the options', async () => {
		const fromJson = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: {
				function: { mode: 'list', value: 'slow_task' },
				inputSource: 'json',
				inputJson: '={{ JSON.stringify({ seconds: $json.wait }) }}',
				options: { priority: 'high', timeout: 60, idempotencyKey: '={{ "job-" + $json.wait }}' },
			},
			items: [{ wait: 0.01 }],
		});
		expect(fromJson.outputs[0][0].json).toMatchObject({
			function: 'slow_task',
			priority: 'high',
			idempotency_key: 'job-0.01',
		});
		const sent = fixture.proxy.requests[0].body as IDataObject;
		expect(sent).toEqual({
			function: 'slow_task',
			input: { seconds: 0.01 },
			priority: 'high',
			timeout: 60,
			idempotency_key: 'job-0.01',
		});

		const fromFields = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: {
				function: welcome,
				inputSource: 'fields',
				inputFields: { field: [{ name: 'email', value: '={{ $json.address }}' }] },
			},
			items: [{ address: 'fields@example.com' }],
		});
		expect(fromFields.error).toBeUndefined();
		expect(fixture.proxy.requests[1].body).toEqual({
			function: 'send_welcome_email',
			input: { email: 'fields@example.com' },
		});
	});

	test('repeating an idempotency key returns the same execution, marked deduplicated', async () => {
		const parameters = { function: welcome, options: { idempotencyKey: 'welcome-once' } };
		const first = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters,
			items: people(1),
		});
		const second = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters,
			items: people(1),
		});
		expect(second.outputs[0][0].json.execution_id).toBe(first.outputs[0][0].json.execution_id);
		expect(second.outputs[0][0].json.deduplicated).toBe(true);
	});

	test('waits for completion and outputs the finished execution with its output', async () => {
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: {
				function: { mode: 'name', value: 'slow_task' },
				inputSource: 'json',
				inputJson: '{"seconds": 0.2}',
				waitForCompletion: true,
				waitTimeout: 20,
			},
			items: [{}, {}, {}],
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs[0]).toHaveLength(3);
		result.outputs[0].forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject({ status: 'completed', output: { slept_seconds: 0.2 } });
		});
		expect(fixture.proxy.count('POST', '/async/invoke')).toBe(1);
		expect(fixture.proxy.count('POST', '/async/await')).toBe(1);
	});

	test('stopping the workflow while it waits for completion stops within a second', async () => {
		const running = fixture.runner.start({
			nodeType: 'xanoAsyncInvoke',
			parameters: {
				function: { mode: 'name', value: 'slow_task' },
				inputSource: 'json',
				inputJson: '{"seconds": 60}',
				waitForCompletion: true,
				waitTimeout: 60,
				options: { idempotencyKey: 'stopped-while-waiting' },
			},
			items: [{}],
		});
		await new Promise((resolve) => setTimeout(resolve, 700));
		const cancelledAt = Date.now();
		running.cancel();
		const result = await running.done;
		expect(Date.now() - cancelledAt).toBeLessThan(1000);
		expect(result.run.status).toBe('canceled');
		const started = fixture.proxy.requests.find((request) =>
			request.path.endsWith('/async/invoke'),
		);
		expect(started?.status).toBe(202);

		// The same key finds the execution, so that it does not hold the backend's shutdown.
		const execution = await fixture.api<IDataObject>('POST', '/async/invoke', {
			function: 'slow_task',
			input: { seconds: 60 },
			idempotency_key: 'stopped-while-waiting',
		});
		await fixture.api('POST', `/async/executions/${execution.execution_id as string}/cancel`);
	});

	test('an item whose JSON input does not parse fails the node, naming the item', async () => {
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: { function: welcome, inputSource: 'json', inputJson: '={{ $json.raw }}' },
			items: [{ raw: '{"email": "ok@example.com"}' }, { raw: '{"email": ' }],
		});
		expect(result.error?.message).toBe('The Input JSON of item 1 is not valid JSON');
		expect(fixture.proxy.requests).toHaveLength(0);
	});

	test('a refused invocation fails the node with the backend code, message, parameter and item', async () => {
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: { function: welcome },
			items: [{ email: 'a@example.com' }, { name: 'no email' }, { email: 'c@example.com' }],
		});
		expect(result.error?.message).toBe(
			'Xano answered HTTP 400 ERROR_CODE_INPUT_ERROR for item 1: Missing param: input.email (required by send_welcome_email). (parameter: input.email)',
		);
		expect(result.error).toMatchObject({ httpCode: '400', context: { itemIndex: 1 } });
	});

	describe('Continue On Fail', () => {
		const mixed = [{ email: 'a@example.com' }, { name: 'no email' }, { email: 'c@example.com' }];

		test('regular output: the refused item becomes an error item in its place, the others start', async () => {
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncInvoke',
				parameters: { function: welcome },
				items: mixed,
				onError: 'continueRegularOutput',
			});
			expect(result.error).toBeUndefined();
			const [output] = result.outputs;
			expect(output.map((item) => item.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
			]);
			expect(output[0].json.status).toBe('pending');
			expect(output[2].json.status).toBe('pending');
			expect(output[1].json).toEqual({
				error:
					'Xano answered HTTP 400 ERROR_CODE_INPUT_ERROR for item 1: Missing param: input.email (required by send_welcome_email). (parameter: input.email)',
				details: expect.objectContaining({
					itemIndex: 1,
					httpCode: 400,
					code: 'ERROR_CODE_INPUT_ERROR',
					param: 'input.email',
				}),
			});
			// The bulk request was refused as a whole, then sent again without the refused item.
			const bulkSizes = fixture.proxy.requests.map(
				(request) =>
					((request.body as IDataObject).invocations as unknown[] | undefined)?.length ?? 1,
			);
			expect(bulkSizes).toEqual([3, 2]);
		});

		test('error output: the refused item goes to the error output with its pairedItem', async () => {
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncInvoke',
				parameters: { function: welcome },
				items: mixed,
				onError: 'continueErrorOutput',
			});
			expect(result.error).toBeUndefined();
			const [success, errors] = result.outputs;
			expect(success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
			expect(errors).toHaveLength(1);
			expect(errors[0].pairedItem).toEqual({ item: 1 });
			expect(errors[0].json.error).toMatch(/ERROR_CODE_INPUT_ERROR for item 1/);
			// n8n merges the input item into the error item.
			expect(errors[0].json.name).toBe('no email');
		});

		test('an unknown function fails every item with 404 under Continue On Fail', async () => {
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncInvoke',
				parameters: { function: { mode: 'name', value: 'no_such_function' } },
				items: people(2),
				onError: 'continueRegularOutput',
			});
			expect(result.outputs[0].map((item) => item.json.error)).toEqual([
				'Xano answered HTTP 404 ERROR_CODE_NOT_FOUND for item 0: Unknown function: no_such_function. (parameter: function)',
				'Xano answered HTTP 404 ERROR_CODE_NOT_FOUND for item 1: Unknown function: no_such_function. (parameter: function)',
			]);
		});
	});

	test('an HTML 502 from a gateway gives a readable error with the status', async () => {
		fixture.proxy.setFault((request) =>
			request.path.endsWith('/async/invoke') ? HTML_502 : undefined,
		);
		try {
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncInvoke',
				parameters: { function: welcome },
				items: people(2),
			});
			expect(result.error?.message).toBe(
				'Xano answered HTTP 502 for item 0 with a body that is not JSON (text/html): 502 Bad Gateway',
			);
			expect(result.error).toMatchObject({ httpCode: '502' });
		} finally {
			fixture.proxy.setFault(undefined);
		}
	});

	test('a bad token fails with 401 and the backend message', async () => {
		const good = fixture.runner.credentials.stored.get('xanoAsyncApi');
		fixture.runner.credentials.set('xanoAsyncApi', { baseUrl: fixture.baseUrl, token: 'wrong' });
		try {
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncInvoke',
				parameters: { function: welcome },
				items: people(1),
			});
			expect(result.error?.message).toMatch(
				/^Xano answered HTTP 401 ERROR_CODE_UNAUTHORIZED for item 0/,
			);
		} finally {
			fixture.runner.credentials.stored.set('xanoAsyncApi', good!);
		}
	});
});
