import type { IDataObject } from 'n8n-workflow';

import { HTML_502 } from '../../helpers/counting-proxy';
import { startXanoFixture } from '../../helpers/xano-fixture';
import type { XanoFixture } from '../../helpers/xano-fixture';

let fixture: XanoFixture;

beforeAll(async () => {
	fixture = await startXanoFixture();
	fixture.proxy.setFault((request) =>
		request.path.endsWith('/async/await') ? HTML_502 : undefined,
	);
});
afterAll(async () => {
	await fixture?.stop();
});

const parameters = {
	function: { mode: 'name', value: 'send_welcome_email' },
	waitForCompletion: true,
	waitTimeout: 5,
};
const people: IDataObject[] = [{ email: 'a@example.com' }, { email: 'b@example.com' }];

/** The executions the node started: those it then tried to await. */
function awaitedIds(): string[] {
	const awaited = fixture.proxy.requests.find((request) => request.path.endsWith('/async/await'));
	return (awaited?.body as { execution_ids: string[] }).execution_ids;
}

describe('Xano Async Invoke, Wait for Completion when the wait itself fails', () => {
	test('each error item names the execution its item started, so it is not lost', async () => {
		fixture.proxy.reset();
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters,
			items: people,
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		const [output] = result.outputs;
		expect(output).toHaveLength(2);
		const named = output.map((item) => (item.json.details as IDataObject).execution_id);
		expect(named.every((id) => typeof id === 'string')).toBe(true);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0].json.error).toMatch(/HTTP 502 for item 0/);
		expect(named).toEqual(awaitedIds());
	});

	test('the node error names the executions that were started', async () => {
		fixture.proxy.reset();
		const result = await fixture.runner.run({
			nodeType: 'xanoAsyncInvoke',
			parameters,
			items: people,
		});
		expect(result.error?.message).toMatch(/HTTP 502 for item 0/);
		expect(result.error?.description).toMatch(
			/2 executions were started.*[0-9a-f-]{36}, [0-9a-f-]{36}/,
		);
	});
});
