import type { IDataObject, INode } from 'n8n-workflow';

import { XanoBatchImport } from '../../../nodes/XanoBatchImport/XanoBatchImport.node';
import { startXanoFixture } from '../../helpers/xano-fixture';
import { pairedIndexes, range } from './support';
import type { XanoFixture } from '../../helpers/xano-fixture';

let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture({ nodes: [XanoBatchImport] });
});
afterAll(async () => {
	await fixture?.stop();
});

/** 40 batches of one record, two in flight, no retries, sent with a token the backend refuses. */
async function importWithWrongToken(onError?: INode['onError']) {
	fixture.runner.credentials.set('xanoAsyncApi', { baseUrl: fixture.baseUrl, token: 'wrong' });
	const items: IDataObject[] = Array.from({ length: 40 }, (_, index) => ({ id: index }));
	return await fixture.runner.run({
		nodeType: 'xanoBatchImport',
		parameters: {
			function: { __rl: true, mode: 'name', value: 'import_batch' },
			batchSize: 1,
			options: { concurrency: 2, maxRetries: 0 },
		},
		items,
		onError,
	});
}

describe('Xano Batch Import with a rejected token', () => {
	test('stops the import at the first 401 instead of failing (and logging in for) every batch', async () => {
		const result = await importWithWrongToken();
		expect(result.error?.message).toMatch(
			/^Xano answered HTTP 401 ERROR_CODE_UNAUTHORIZED for item \d+/,
		);
		// The two lanes in flight finish (n8n sends each again once after its 401); no new batch
		// starts after the first refusal. Before, all 40 batches were tried: 80 requests.
		expect(fixture.proxy.count('POST', '/async/invoke')).toBeLessThanOrEqual(4);
	});

	test('with Continue On Fail, stops at a 401 but emits the failures with their items instead of throwing (it threw)', async () => {
		fixture.proxy.reset();
		const result = await importWithWrongToken('continueRegularOutput');
		expect(result.error).toBeUndefined();
		expect(fixture.proxy.count('POST', '/async/invoke')).toBeLessThanOrEqual(4);
		const [summary, ...failures] = result.outputs[0];
		expect(summary.json).toMatchObject({
			batches_total: 40,
			batches_succeeded: 0,
			batches_failed: 40,
		});
		expect(pairedIndexes(summary)).toEqual(range(40));
		expect(failures).toHaveLength(40);
		expect(failures.map((item) => pairedIndexes(item))).toEqual(range(40).map((index) => [index]));
		const messages = failures.map((item) => String(item.json.error));
		expect(messages.some((message) => /HTTP 401 ERROR_CODE_UNAUTHORIZED/.test(message))).toBe(true);
		expect(
			messages.filter((message) => /Not sent: the import stopped/.test(message)).length,
		).toBeGreaterThanOrEqual(36);
	});
});

describe('Xano Batch Import with a login credential whose password is wrong', () => {
	test('stops at the first refused login instead of retrying every batch and logging in for each', async () => {
		fixture.proxy.reset();
		fixture.runner.credentials.set('xanoAsyncLoginApi', {
			baseUrl: fixture.baseUrl,
			email: fixture.backend.email,
			password: 'wrong password',
		});
		const result = await fixture.runner.run({
			nodeType: 'xanoBatchImport',
			parameters: {
				authentication: 'xanoAsyncLoginApi',
				function: { __rl: true, mode: 'name', value: 'import_batch' },
				batchSize: 1,
				options: { concurrency: 2, maxRetries: 3 },
			},
			items: Array.from({ length: 40 }, (_, index) => ({ id: index })),
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		const [summary, ...failures] = result.outputs[0];
		expect(summary.json).toMatchObject({ batches_failed: 40, batches_succeeded: 0 });
		const refused = failures.find((item) => /Xano login as/.test(String(item.json.error)));
		expect(refused?.json.error).toMatch(/failed \(HTTP 403\): ERROR_CODE_ACCESS_DENIED/);
		// The two lanes in flight may each have tried once; nothing was retried or sent after.
		expect(fixture.proxy.count('POST', '/auth/login')).toBeLessThanOrEqual(2);
		expect(fixture.proxy.count('POST', '/async/invoke')).toBe(0);
	});
});
