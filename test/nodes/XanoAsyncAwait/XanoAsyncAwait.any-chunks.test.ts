import type { IDataObject } from 'n8n-workflow';

import type { Execution } from '../../../nodes/shared/types';
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

describe('Xano Async Await, "Any Execution Has Finished" over more than 1,000 IDs', () => {
	test('reports every execution as it is, never an unread chunk as not found', async () => {
		const invocations: IDataObject[] = Array.from({ length: 1001 }, (_, index) => ({
			function: 'send_welcome_email',
			input: { email: `any${index}@example.com` },
		}));
		const first = await fixture.api<{ executions: Execution[] }>('POST', '/async/invoke', {
			invocations: invocations.slice(0, 1000),
		});
		const last = await fixture.api<Execution>('POST', '/async/invoke', invocations[1000]);
		const ids = [...first.executions.map((execution) => execution.execution_id), last.execution_id];
		// Every one of them finished before the node runs.
		await fixture.api('POST', '/async/await', { execution_ids: ids.slice(0, 1000), timeout: 60 });
		await fixture.api('POST', '/async/await', { execution_ids: ids.slice(1000), timeout: 60 });

		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: { idSource: 'field', idField: 'execution_id', timeout: 5, until: 'any' },
			items: ids.map((execution_id) => ({ execution_id })),
		});

		expect(result.error).toBeUndefined();
		const [completed, failed, stillRunning] = result.outputs;
		expect(failed.map((item) => item.json.status)).toEqual([]);
		expect(stillRunning).toHaveLength(0);
		expect(completed).toHaveLength(1001);
		expect(completed[1000].json.execution_id).toBe(last.execution_id);
		expect(completed[1000].pairedItem).toEqual({ item: 1000 });
	});
});
