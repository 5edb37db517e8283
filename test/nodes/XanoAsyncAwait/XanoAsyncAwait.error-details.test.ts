import type { Execution } from '../../../nodes/shared/types';
import { HTML_502 } from '../../helpers/counting-proxy';
import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';

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

const start = (name: string, input: Record<string, unknown>) =>
	fixture.api<Execution>('POST', '/async/invoke', { function: name, input });

describe('Xano Async Await error items under Continue On Fail', () => {
	// Regression: the error item of an item whose execution failed dropped its other executions.
	test('"Fail on Failed Executions" keeps every execution of the item in the error details', async () => {
		const ok = await start('send_welcome_email', { email: 'd@example.com' });
		const bad = await start('flaky_external_sync', { fail_rate: 1 });
		const ids = [ok.execution_id, bad.execution_id];
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: {
				idSource: 'field',
				idField: 'ids',
				timeout: 10,
				options: { failOnFailure: true },
			},
			items: [{ ids }],
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		const [completed, failed] = result.outputs;
		expect(completed).toEqual([]);
		expect(failed).toHaveLength(1);
		expect(failed[0].pairedItem).toEqual({ item: 0 });
		expect(failed[0].json.error).toMatch(`Execution ${bad.execution_id} of item 0 ended failed`);
		expect(failed[0].json.details).toMatchObject({
			execution_ids: ids,
			executions: [
				{ execution_id: ok.execution_id, status: 'completed' },
				{ execution_id: bad.execution_id, status: 'failed' },
			],
		});
	});

	test('"Fail on Failed Executions" is read per item', async () => {
		const bad = await start('flaky_external_sync', { fail_rate: 1 });
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: {
				idSource: 'field',
				idField: 'execution_id',
				timeout: 10,
				options: { failOnFailure: '={{ $json.strict }}' },
			},
			items: [
				{ execution_id: bad.execution_id, strict: false },
				{ execution_id: bad.execution_id, strict: true },
				// Text from an expression reads as what it says, and anything else is named.
				{ execution_id: bad.execution_id, strict: 'false' },
				{ execution_id: bad.execution_id, strict: ' TRUE ' },
				{ execution_id: bad.execution_id, strict: 'yes' },
			],
			onError: 'continueRegularOutput',
		});
		const [, failed] = result.outputs;
		expect(failed.map((item) => [item.json.status ?? item.json.error, item.pairedItem])).toEqual([
			['failed', { item: 0 }],
			[expect.stringMatching(/of item 1 ended failed/), { item: 1 }],
			['failed', { item: 2 }],
			[expect.stringMatching(/of item 3 ended failed/), { item: 3 }],
			['Fail on Failed Executions of item 4 must be true or false, got "yes"', { item: 4 }],
		]);
	});

	// Regression: the error item of a failed wait did not say which ids it was waiting for.
	test('an error item of a failed wait names the ids its item awaited', async () => {
		const first = await start('send_welcome_email', { email: 'e@example.com' });
		const second = await start('send_welcome_email', { email: 'f@example.com' });
		fixture.proxy.setFault((request) =>
			request.path.endsWith('/async/await') ? HTML_502 : undefined,
		);
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: { idSource: 'field', idField: 'ids', timeout: 5 },
			items: [{ ids: [first.execution_id] }, { ids: [second.execution_id, first.execution_id] }],
			onError: 'continueRegularOutput',
		});
		const [, failed] = result.outputs;
		expect(failed.map((item) => [item.json.details, item.pairedItem])).toEqual([
			[expect.objectContaining({ execution_ids: [first.execution_id] }), { item: 0 }],
			[
				expect.objectContaining({ execution_ids: [second.execution_id, first.execution_id] }),
				{ item: 1 },
			],
		]);
	});
});
