import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, IPollFunctions } from 'n8n-workflow';

import { N8nRunner } from './n8n-runner';

/** A polling trigger that counts its polls in node static data and emits the count. */
class CountingTrigger implements INodeType {
	description = {
		displayName: 'Counting Trigger',
		name: 'countingTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Counts polls',
		defaults: { name: 'Counting Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Step', name: 'step', type: 'number', default: 1 }],
	} as INodeType['description'];

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const state = this.getWorkflowStaticData('node');
		state.polls =
			((state.polls as number | undefined) ?? 0) + (this.getNodeParameter('step') as number);
		return this.getMode() === 'manual' ? null : [[{ json: { polls: state.polls } }]];
	}
}

describe('N8nRunner', () => {
	test('a poll session keeps node static data between polls, as n8n does between ticks', async () => {
		const runner = new N8nRunner([CountingTrigger]);
		runner.credentials.set('xanoAsyncApi', { baseUrl: 'http://127.0.0.1:9/api:x' });
		const session = runner.pollSession({ nodeType: 'countingTrigger', parameters: { step: 2 } });
		expect(await session.poll()).toEqual([[{ json: { polls: 2 } }]]);
		expect(await session.poll()).toEqual([[{ json: { polls: 4 } }]]);
		expect(await session.poll('manual')).toBeNull();
		expect(session.staticData()).toMatchObject({ 'node:Node': { polls: 6 } });
	});
});
