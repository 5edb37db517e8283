import { XanoAsyncAwait } from '../../../nodes/XanoAsyncAwait/XanoAsyncAwait.node';
import { XanoAsyncInvoke } from '../../../nodes/XanoAsyncInvoke/XanoAsyncInvoke.node';
import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';

let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture({ nodes: [XanoAsyncAwait, XanoAsyncInvoke] });
});
afterAll(async () => {
	await fixture?.stop();
});
beforeEach(() => fixture.proxy.reset());

const ID = '0b6f3c1e-1a2b-4c3d-8e9f-0123456789ab';

describe('a timeout given by an expression that is not a number of seconds', () => {
	test.each(['={{ $json.missing }}', '={{ "soon" }}', '={{ -5 }}'])(
		'Await with Timeout %s fails naming the item instead of looking once',
		async (timeout) => {
			const result = await fixture.runner.run({
				nodeType: 'xanoAsyncAwait',
				parameters: { idSource: 'field', idField: 'execution_id', timeout },
				items: [{ execution_id: ID }],
			});
			expect(result.error?.message).toMatch(
				/^Timeout of item 0 must be a number of seconds, 0 or more, got /,
			);
			expect(fixture.proxy.count('POST', '/async/await')).toBe(0);
		},
	);

	test('under Continue On Fail, each item of the wait gets the error with its pairedItem', async () => {
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncAwait',
			parameters: {
				idSource: 'field',
				idField: 'execution_id',
				waitScope: 'each',
				timeout: '={{ $json.wait }}',
			},
			items: [{ execution_id: ID, wait: 0 }, { execution_id: ID }],
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		const [, failed] = result.outputs;
		expect(failed.map((item) => [item.json.status ?? item.json.error, item.pairedItem])).toEqual([
			['not_found', { item: 0 }],
			[expect.stringMatching(/^Timeout of item 1 must be/), { item: 1 }],
		]);
	});

	test('Invoke with Wait Timeout that is not a number starts nothing', async () => {
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters: {
				function: { mode: 'name', value: 'send_welcome_email' },
				waitForCompletion: true,
				waitTimeout: '={{ $json.missing }}',
			},
			items: [{ email: 'a@example.com' }],
		});
		expect(result.error?.message).toMatch(/^Wait Timeout of item 0 must be a number of seconds/);
		expect(fixture.proxy.count('POST', '/async/invoke')).toBe(0);
	});
});
