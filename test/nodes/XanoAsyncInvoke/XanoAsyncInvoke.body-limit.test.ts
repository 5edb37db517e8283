import type { IDataObject } from 'n8n-workflow';

import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';

let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture({ backend: { args: ['--queue-size', '5000'] } });
});
afterAll(async () => {
	await fixture?.stop();
});

describe('Xano Async Invoke with large items', () => {
	test('a bulk request over the body limit (413) is split, not failed for every item', async () => {
		// 1,000 items of 15 kB: one bulk request is about 15 MB, over the backend's 10 MB limit.
		const padding = 'x'.repeat(15_000);
		const items: IDataObject[] = Array.from({ length: 1000 }, (_, index) => ({
			email: `large${index}@example.com`,
			padding,
		}));
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: { function: { mode: 'name', value: 'send_welcome_email' } },
			items,
		});
		expect(result.error).toBeUndefined();
		const [output] = result.outputs;
		expect(output).toHaveLength(1000);
		output.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.status).toBe('pending');
		});
		expect(new Set(output.map((item) => item.json.execution_id)).size).toBe(1000);
		const statuses = fixture.proxy.requests.map((request) => request.status);
		expect(statuses[0]).toBe(413);
		expect(statuses.slice(1).every((status) => status === 202)).toBe(true);
		expect(statuses.length).toBeLessThanOrEqual(7);
	});
});
