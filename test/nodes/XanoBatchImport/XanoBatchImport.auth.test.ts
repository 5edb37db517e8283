import type { IDataObject } from 'n8n-workflow';

import { XanoBatchImport } from '../../../nodes/XanoBatchImport/XanoBatchImport.node';
import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';

let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture({ nodes: [XanoBatchImport] });
});
afterAll(async () => {
	await fixture?.stop();
});

describe('Xano Batch Import with a rejected token', () => {
	test('stops the import at the first 401 instead of failing (and logging in for) every batch', async () => {
		fixture.runner.credentials.set('xanoAsyncApi', { baseUrl: fixture.baseUrl, token: 'wrong' });
		const items: IDataObject[] = Array.from({ length: 40 }, (_, index) => ({ id: index }));
		const result = await fixture.runner.run({
			nodeType: 'xanoBatchImport',
			parameters: {
				function: { __rl: true, mode: 'name', value: 'import_batch' },
				batchSize: 1,
				options: { concurrency: 2, maxRetries: 0 },
			},
			items,
		});
		expect(result.error?.message).toMatch(
			/^Xano answered HTTP 401 ERROR_CODE_UNAUTHORIZED for item \d+/,
		);
		// The two lanes in flight finish (n8n sends each again once after its 401); no new batch
		// starts after the first refusal. Before, all 40 batches were tried: 80 requests.
		expect(fixture.proxy.count('POST', '/async/invoke')).toBeLessThanOrEqual(4);
	});
});
