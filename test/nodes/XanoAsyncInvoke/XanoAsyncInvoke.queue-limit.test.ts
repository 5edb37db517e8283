import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';

// The backend's default queue takes 100 pending executions, and a bulk request is accepted
// whole or not at all: one request of 250 invocations is refused with 429 even when the queue is
// empty. Regression: the node retried the same 250 three times and failed every item.
let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture({ backend: { args: ['--queue-size', '100'] } });
});
afterAll(async () => {
	await fixture?.stop();
});

test('starts 250 items against a queue of 100 by sending smaller bulk requests', async () => {
	const items = Array.from({ length: 250 }, (_, index) => ({ email: `user${index}@example.com` }));
	const result = await fixture.runner.run({
		nodeType: 'xanoAsyncInvoke',
		parameters: { function: { mode: 'name', value: 'send_welcome_email' } },
		items,
	});
	expect(result.error).toBeUndefined();
	const outputs = result.outputs[0];
	expect(outputs).toHaveLength(250);
	outputs.forEach((item, index) => {
		expect(item.pairedItem).toEqual({ item: index });
		expect(item.json.function).toBe('send_welcome_email');
		expect(typeof item.json.execution_id).toBe('string');
	});
	expect(new Set(outputs.map((item) => item.json.execution_id)).size).toBe(250);

	const statuses = fixture.proxy.requests.map((request) => request.status);
	expect(statuses[0]).toBe(429);
	expect(statuses.filter((status) => status === 202)).not.toHaveLength(0);
	expect(statuses.every((status) => status === 202 || status === 429)).toBe(true);
});
