import type { IDataObject } from 'n8n-workflow';

import type { Execution } from '../../../nodes/shared/types';
import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';

// One worker and room for one pending execution: a running and a pending slow_task fill the
// queue, and the backend answers 429 with Retry-After (1 s, its estimate before any run ended).
let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture({
		backend: { args: ['--queue-size', '1', '--max-parallel', '1'] },
	});
});
afterAll(async () => {
	await fixture?.stop();
});

/** One slow_task running (it holds the only worker), then one pending: the queue is full. */
async function fillQueue(seconds: [number, number]): Promise<Execution[]> {
	const running = await fixture.api<Execution>('POST', '/async/invoke', {
		function: 'slow_task',
		input: { seconds: seconds[0] },
	});
	for (let check = 0; check < 50; check++) {
		const [state] = await fixture.api<Execution[]>('POST', '/async/await', {
			execution_ids: [running.execution_id],
			timeout: 0,
		});
		if (state.status === 'running') break;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	const pending = await fixture.api<Execution>('POST', '/async/invoke', {
		function: 'slow_task',
		input: { seconds: seconds[1] },
	});
	return [running, pending];
}

async function drain(executions: Execution[]): Promise<void> {
	for (const execution of executions) {
		await fixture.api('POST', `/async/executions/${execution.execution_id}/cancel`);
	}
	await fixture.api('POST', '/async/await', {
		execution_ids: executions.map((execution) => execution.execution_id),
		timeout: 10,
	});
}

const invokeOne = (onError?: 'continueRegularOutput') =>
	fixture.runner.run({
		nodeType: 'xanoAsyncInvoke',
		parameters: { function: { mode: 'name', value: 'send_welcome_email' } },
		items: [{ email: 'queued@example.com' }],
		onError,
	});

describe('Xano Async Invoke when the queue is full', () => {
	beforeEach(() => fixture.proxy.reset());

	test('waits out Retry-After and succeeds once the queue has room', async () => {
		const busy = await fillQueue([1.2, 0.1]);
		const result = await invokeOne();
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json.status).toBe('pending');
		const statuses = fixture.proxy.requests.map((request) => request.status);
		expect(statuses[0]).toBe(429);
		expect(statuses[statuses.length - 1]).toBe(202);
		expect(statuses.length).toBeLessThanOrEqual(4);
		await drain(busy);
	});

	test('gives up after three retries with the 429, its code and Retry-After on the item', async () => {
		const busy = await fillQueue([30, 30]);
		try {
			const startedAt = Date.now();
			const result = await invokeOne('continueRegularOutput');
			expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2900);
			expect(fixture.proxy.requests.map((request) => request.status)).toEqual([429, 429, 429, 429]);
			const item = result.outputs[0][0];
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.json.error).toMatch(
				/^Xano answered HTTP 429 ERROR_CODE_TOO_MANY_REQUESTS for item 0/,
			);
			expect(item.json.details).toMatchObject({
				httpCode: 429,
				code: 'ERROR_CODE_TOO_MANY_REQUESTS',
				retryAfterSeconds: 1,
			} as IDataObject);
		} finally {
			await drain(busy);
		}
	});

	test('a Retry-After of 0 (or a date already past) still waits a second between tries, never hammers', async () => {
		// A gateway's rate limit the reference backend cannot produce: it never asks for less than 1 s.
		fixture.proxy.setFault((request) =>
			request.path.endsWith('/async/invoke')
				? {
						status: 429,
						contentType: 'application/json',
						body: JSON.stringify({ code: 'ERROR_CODE_TOO_MANY_REQUESTS', message: 'Slow down' }),
						headers: { 'retry-after': '0' },
					}
				: undefined,
		);
		try {
			const result = await invokeOne('continueRegularOutput');
			const tries = fixture.proxy.requests;
			expect(tries.map((request) => request.status)).toEqual([429, 429, 429, 429]);
			for (let index = 1; index < tries.length; index++) {
				expect(tries[index].startedAt - tries[index - 1].endedAt).toBeGreaterThanOrEqual(900);
			}
			expect(result.outputs[0][0].json.error).toMatch(/HTTP 429 ERROR_CODE_TOO_MANY_REQUESTS/);
		} finally {
			fixture.proxy.setFault(undefined);
		}
	});
});
