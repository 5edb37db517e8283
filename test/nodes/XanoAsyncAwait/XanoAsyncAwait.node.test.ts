import { randomUUID } from 'crypto';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Execution } from '../../../nodes/shared/types';
import { HTML_502 } from '../../helpers/counting-proxy';
import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';

let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture({
		backend: { args: ['--queue-size', '5000', '--max-parallel', '50'] },
	});
});
afterAll(async () => {
	await fixture?.stop();
});
beforeEach(() => fixture.proxy.reset());

async function invoke(invocations: IDataObject[]): Promise<Execution[]> {
	if (invocations.length === 1)
		return [await fixture.api<Execution>('POST', '/async/invoke', invocations[0])];
	const answer = await fixture.api<{ executions: Execution[] }>('POST', '/async/invoke', {
		invocations,
	});
	return answer.executions;
}

const welcome = (count: number) =>
	Array.from({ length: count }, (_, index) => ({
		function: 'send_welcome_email',
		input: { email: `await${index}@example.com` },
	}));
const slow = (seconds: number, extra: IDataObject = {}) => ({
	function: 'slow_task',
	input: { seconds },
	...extra,
});
const ids = (output: INodeExecutionData[]) => output.map((item) => item.json.execution_id);

function awaitParameters(overrides: INodeParameters = {}): INodeParameters {
	return { idSource: 'field', idField: 'execution_id', timeout: 30, ...overrides };
}

describe('Xano Async Await', () => {
	test.each([1, 3, 1000])(
		'awaits the executions of %i items in one long-poll and outputs them as Completed',
		async (count) => {
			const started = await invoke(welcome(count));
			fixture.proxy.reset();
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncAwait',
				parameters: awaitParameters(),
				items: started.map((execution) => ({ execution_id: execution.execution_id })),
			});

			expect(result.error).toBeUndefined();
			const [completed, failed, stillRunning] = result.outputs;
			expect(completed).toHaveLength(count);
			expect(failed).toHaveLength(0);
			expect(stillRunning).toHaveLength(0);
			completed.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				expect(item.json).toMatchObject({
					execution_id: started[index].execution_id,
					status: 'completed',
					output: { to: `await${index}@example.com` },
				});
			});
			expect(fixture.proxy.count('POST', '/async/await')).toBeLessThanOrEqual(2);
		},
	);

	test('routes every status to its output', async () => {
		const [completed, failed, timedOut, cancelled, running] = await invoke([
			welcome(1)[0],
			{ function: 'flaky_external_sync', input: { fail_rate: 1 } },
			slow(10, { timeout: 1 }),
			slow(30),
			slow(30),
		]);
		await fixture.api('POST', `/async/executions/${cancelled.execution_id}/cancel`);
		const unknown = randomUUID();
		// Let the quick ones finish so the wait below is decided by its deadline alone.
		await fixture.api('POST', '/async/await', {
			execution_ids: [completed.execution_id, failed.execution_id, timedOut.execution_id],
			timeout: 20,
		});

		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: awaitParameters({ timeout: 1 }),
			items: [completed, failed, timedOut, cancelled, running, { execution_id: unknown }].map(
				(execution) => ({ execution_id: execution.execution_id }),
			),
		});

		const [completedOut, failedOut, runningOut] = result.outputs;
		expect(ids(completedOut)).toEqual([completed.execution_id]);
		expect(failedOut.map((item) => [item.json.status, item.pairedItem])).toEqual([
			['failed', { item: 1 }],
			['timed_out', { item: 2 }],
			['cancelled', { item: 3 }],
			['not_found', { item: 5 }],
		]);
		expect(failedOut[0].json.error).toMatchObject({ code: 'ERROR_CODE_EXTERNAL_UNAVAILABLE' });
		expect(runningOut.map((item) => [item.json.status, item.pairedItem])).toEqual([
			['running', { item: 4 }],
		]);
		await fixture.api('POST', `/async/executions/${running.execution_id}/cancel`);
	});

	test('single output: every execution on one output with its status', async () => {
		const [done] = await invoke(welcome(1));
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: awaitParameters({ outputMode: 'single', timeout: 5 }),
			items: [{ execution_id: done.execution_id }, { execution_id: randomUUID() }],
		});
		expect(result.outputs).toHaveLength(1);
		expect(result.outputs[0].map((item) => item.json.status)).toEqual(['completed', 'not_found']);
	});

	test('stops at the deadline and outputs what is still running as Still Running', async () => {
		const [running] = await invoke([slow(30)]);
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: awaitParameters({ timeout: 2 }),
			items: [{ execution_id: running.execution_id }],
		});
		expect(result.outputs[2].map((item) => item.json.status)).toEqual(['running']);
		expect(result.durationMs).toBeGreaterThanOrEqual(1900);
		expect(result.durationMs).toBeLessThan(3500);
		expect(fixture.proxy.count('POST', '/async/await')).toBe(1);
		await fixture.api('POST', `/async/executions/${running.execution_id}/cancel`);
	});

	test('wakes up within 100 ms of the completion, without polling', async () => {
		const [task] = await invoke([slow(1.5)]);
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: awaitParameters({ timeout: 30 }),
			items: [{ execution_id: task.execution_id }],
		});
		const finishedAt = Date.now();
		const [finished] = result.outputs[0];
		const completedAt = finished.json.completed_at as number;
		const answered = fixture.proxy.requests.find((request) =>
			request.path.endsWith('/async/await'),
		);
		expect(fixture.proxy.count('POST', '/async/await')).toBe(1);
		expect(answered!.endedAt - completedAt).toBeLessThan(100);
		expect(answered!.endedAt - completedAt).toBeGreaterThanOrEqual(-5);
		// The node itself, and n8n around it, are done shortly after.
		expect(finishedAt - completedAt).toBeLessThan(250);
	});

	test('stopping the workflow during a wait stops it within a second', async () => {
		const [task] = await invoke([slow(60)]);
		const running = fixture.runner.start({
			nodeType: 'xanoAsyncAwait',
			parameters: awaitParameters({ timeout: 60 }),
			items: [{ execution_id: task.execution_id }],
		});
		await new Promise((resolve) => setTimeout(resolve, 700));
		const cancelledAt = Date.now();
		running.cancel();
		const result = await running.done;
		expect(Date.now() - cancelledAt).toBeLessThan(1000);
		expect(result.run.status).toBe('canceled');
		await fixture.api('POST', `/async/executions/${task.execution_id}/cancel`);
	});

	test('"any" answers as soon as one execution is done', async () => {
		const [quick, long] = await invoke([slow(0.3), slow(30)]);
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: awaitParameters({
				idSource: 'expression',
				executionIds: '={{ $json.ids }}',
				until: 'any',
			}),
			items: [{ ids: [quick.execution_id, long.execution_id] }],
		});
		expect(result.durationMs).toBeLessThan(3000);
		expect(ids(result.outputs[0])).toEqual([quick.execution_id]);
		expect(ids(result.outputs[2])).toEqual([long.execution_id]);
		expect(result.outputs[2][0].pairedItem).toEqual({ item: 0 });
		await fixture.api('POST', `/async/executions/${long.execution_id}/cancel`);
	});

	test('awaits more than 1,000 ids in chunks of at most 1,000', async () => {
		const unknownIds = Array.from({ length: 1001 }, () => randomUUID());
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: awaitParameters({ idField: 'ids', timeout: 5 }),
			items: [{ ids: unknownIds }],
		});
		expect(result.outputs[1]).toHaveLength(1001);
		const sizes = fixture.proxy.requests.map(
			(request) => ((request.body as IDataObject).execution_ids as unknown[]).length,
		);
		expect(sizes).toEqual([1000, 1]);
	});

	test('falls back to polling with backoff when the backend answers at once', async () => {
		// Every await is forwarded with timeout 0, as a backend that does not hold requests.
		fixture.proxy.setBodyRewrite(({ path, body }) =>
			path.endsWith('/async/await') ? { ...(body as IDataObject), timeout: 0 } : body,
		);
		try {
			const [task] = await invoke([slow(2.5)]);
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncAwait',
				parameters: awaitParameters({ timeout: 20 }),
				items: [{ execution_id: task.execution_id }],
			});
			expect(result.outputs[0].map((item) => item.json.status)).toEqual(['completed']);
			const polls = fixture.proxy.requests.filter((request) =>
				request.path.endsWith('/async/await'),
			);
			// 200, 400, 800, 1600 ms ... : a handful of requests, not one per tick.
			expect(polls.length).toBeGreaterThanOrEqual(3);
			expect(polls.length).toBeLessThanOrEqual(8);
			const gaps = polls.slice(1).map((poll, index) => poll.startedAt - polls[index].endedAt);
			expect(gaps[gaps.length - 1]).toBeGreaterThan(gaps[0]);
		} finally {
			fixture.proxy.setBodyRewrite(undefined);
		}
	});

	test('polling reads once more at the deadline, so a late completion is not reported as running', async () => {
		fixture.proxy.setBodyRewrite(({ path, body }) =>
			path.endsWith('/async/await') ? { ...(body as IDataObject), timeout: 0 } : body,
		);
		try {
			// Polls at about 0, 0.2, 0.6 and 1.4 s see it running; it ends at about 1.6 s.
			const [task] = await invoke([slow(1.6)]);
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncAwait',
				parameters: awaitParameters({ timeout: 2 }),
				items: [{ execution_id: task.execution_id }],
			});
			expect(result.outputs[0].map((item) => item.json.status)).toEqual(['completed']);
			expect(result.durationMs).toBeLessThan(2600);
		} finally {
			fixture.proxy.setBodyRewrite(undefined);
		}
	});

	test('"Each Item Separately" awaits one item after the other', async () => {
		const started = await invoke(welcome(3));
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: awaitParameters({ waitScope: 'each' }),
			items: started.map((execution) => ({ execution_id: execution.execution_id })),
		});
		expect(ids(result.outputs[0])).toEqual(ids(started.map((json) => ({ json }))));
		expect(fixture.proxy.count('POST', '/async/await')).toBe(3);
	});

	test('"Fail on Failed Executions" fails the node naming the item and the execution', async () => {
		const [failed] = await invoke([{ function: 'flaky_external_sync', input: { fail_rate: 1 } }]);
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: awaitParameters({ options: { failOnFailure: true } }),
			items: [{ execution_id: failed.execution_id }],
		});
		expect(result.error?.message).toBe(
			`Execution ${failed.execution_id} of item 0 ended failed: ERROR_CODE_EXTERNAL_UNAVAILABLE The external system did not answer (simulated).`,
		);
	});

	describe('errors', () => {
		const items = () => [{ execution_id: randomUUID() }, { execution_id: 'not-a-uuid' }];

		test('an invalid id fails the node naming the item', async () => {
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncAwait',
				parameters: awaitParameters(),
				items: items(),
			});
			expect(result.error?.message).toBe(
				'Item 1 has an invalid execution ID in the field "execution_id": "not-a-uuid"',
			);
		});

		test('Continue On Fail (regular output): the error item goes to Failed with its pairedItem', async () => {
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncAwait',
				parameters: awaitParameters({ timeout: 0 }),
				items: items(),
				onError: 'continueRegularOutput',
			});
			const failed = result.outputs[1];
			expect(failed.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(failed[0].json.status).toBe('not_found');
			expect(failed[1].json.error).toMatch(/^Item 1 has an invalid execution ID/);
		});

		test('Continue On Fail (error output): the error item goes to the error output', async () => {
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncAwait',
				parameters: awaitParameters({ timeout: 0 }),
				items: items(),
				onError: 'continueErrorOutput',
			});
			expect(result.outputs).toHaveLength(4);
			expect(result.outputs[1].map((item) => item.json.status)).toEqual(['not_found']);
			expect(result.outputs[3]).toHaveLength(1);
			expect(result.outputs[3][0].pairedItem).toEqual({ item: 1 });
			expect(result.outputs[3][0].json.error).toMatch(/^Item 1 has an invalid execution ID/);
		});

		test('an HTML 502 during the wait fails every item under Continue On Fail, readable', async () => {
			fixture.proxy.setFault((request) =>
				request.path.endsWith('/async/await') ? HTML_502 : undefined,
			);
			try {
				const result = await fixture.runner.run({
					nodeType: 'xanoAsyncAwait',
					parameters: awaitParameters(),
					items: [{ execution_id: randomUUID() }, { execution_id: randomUUID() }],
					onError: 'continueRegularOutput',
				});
				expect(result.outputs[1].map((item) => item.json.error)).toEqual([
					'Xano answered HTTP 502 for item 0 with a body that is not JSON (text/html): 502 Bad Gateway',
					'Xano answered HTTP 502 for item 1 with a body that is not JSON (text/html): 502 Bad Gateway',
				]);
			} finally {
				fixture.proxy.setFault(undefined);
			}
		});
	});
});
