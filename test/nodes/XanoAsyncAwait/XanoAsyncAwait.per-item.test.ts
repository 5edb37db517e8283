import type { Execution } from '../../../nodes/shared/types';
import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';

let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture({ backend: { args: ['--max-parallel', '4'] } });
});
afterAll(async () => {
	await fixture?.stop();
});

describe('Xano Async Await, "Each Item Separately"', () => {
	test("uses each item's own Timeout, not the first item's", async () => {
		const slow = await fixture.api<Execution>('POST', '/async/invoke', {
			function: 'slow_task',
			input: { seconds: 1 },
		});
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: {
				idSource: 'field',
				idField: 'execution_id',
				waitScope: 'each',
				timeout: '={{ $json.wait }}',
			},
			// Item 0 only peeks (timeout 0); item 1 gives the same run 10 s to finish.
			items: [
				{ execution_id: slow.execution_id, wait: 0 },
				{ execution_id: slow.execution_id, wait: 10 },
			],
		});
		expect(result.error).toBeUndefined();
		const [completed, , stillRunning] = result.outputs;
		expect(stillRunning.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(completed.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(result.durationMs).toBeLessThan(8000);
	});
});
