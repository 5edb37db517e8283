import type { InjectedFault } from '../../helpers/counting-proxy';
import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';
import type { Execution } from '../../../nodes/shared/types';

// The reference backend never rate-limits an await; a gateway in front of Xano may, so the proxy
// answers 429 in its place. Regression: one 429 from POST /async/await failed every item.
let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture();
});
afterAll(async () => {
	await fixture?.stop();
});
beforeEach(() => {
	fixture.proxy.reset();
	fixture.proxy.setFault(undefined);
});

const tooMany = (retryAfter: string): InjectedFault => ({
	status: 429,
	contentType: 'application/json',
	body: JSON.stringify({ code: 'ERROR_CODE_TOO_MANY_REQUESTS', message: 'Slow down' }),
	headers: { 'retry-after': retryAfter },
});

/** Answers the first `count` awaits with a 429, then lets them through. */
function refuseAwaits(count: number, retryAfter: string): void {
	let left = count;
	fixture.proxy.setFault((request) =>
		request.path.endsWith('/async/await') && left-- > 0 ? tooMany(retryAfter) : undefined,
	);
}

const awaitIds = (ids: string[], timeout: number) =>
	fixture.runner.run({
		nodeType: 'xanoAsyncAwait',
		parameters: { idSource: 'field', idField: 'execution_id', timeout },
		items: ids.map((execution_id) => ({ execution_id })),
	});

const start = (input: Record<string, unknown>, name = 'send_welcome_email') =>
	fixture.api<Execution>('POST', '/async/invoke', { function: name, input });

describe('Xano Async Await when the await endpoint answers 429', () => {
	test('waits out Retry-After and goes on waiting, then outputs the completed execution', async () => {
		const started = await start({ email: 'c@example.com' });
		refuseAwaits(1, '1');
		const result = await awaitIds([started.execution_id], 10);
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.json.status)).toEqual(['completed']);
		const [refused, next] = fixture.proxy.requests;
		expect(refused.status).toBe(429);
		expect(next.startedAt - refused.endedAt).toBeGreaterThanOrEqual(900);
	});

	test('a Retry-After past the deadline before anything was read fails with the 429, at once', async () => {
		const started = await start({ email: 'd@example.com' });
		refuseAwaits(1, '30');
		const result = await awaitIds([started.execution_id], 5);
		expect(result.durationMs).toBeLessThan(3_000);
		expect(result.error?.message).toMatch(
			/^Xano answered HTTP 429 ERROR_CODE_TOO_MANY_REQUESTS for item 0: Slow down/,
		);
	});

	test('a 429 after the first read outputs what was read as Still Running when the deadline comes first', async () => {
		const running = await start({ seconds: 20 }, 'slow_task');
		let awaits = 0;
		fixture.proxy.setFault((request) =>
			request.path.endsWith('/async/await') && awaits++ > 0 ? tooMany('1') : undefined,
		);
		// A hold shorter than asked makes the node read again: the backend answers at once.
		fixture.proxy.setBodyRewrite(({ body }) => ({ ...(body as object), timeout: 0 }));
		try {
			const result = await awaitIds([running.execution_id], 3);
			expect(result.error).toBeUndefined();
			const [, , stillRunning] = result.outputs;
			expect(stillRunning.map((item) => [item.json.execution_id, item.pairedItem])).toEqual([
				[running.execution_id, { item: 0 }],
			]);
			expect(result.durationMs).toBeLessThan(4_500);
		} finally {
			fixture.proxy.setBodyRewrite(undefined);
			await fixture.api('POST', `/async/executions/${running.execution_id}/cancel`);
		}
	});
});
