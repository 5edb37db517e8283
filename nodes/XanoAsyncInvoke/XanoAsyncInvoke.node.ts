import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { credentialsForNodes } from '../shared/descriptions';
import { errorItem } from '../shared/items';
import { searchFunctions } from '../shared/methods/searchFunctions';
import { invalidTimeoutError, isTimeoutSeconds } from '../shared/timeout';
import { invokeProperties } from './description';
import { invocationFor } from './invocation';
import type { PendingInvocation } from './send';
import { sendInvocations } from './send';
import { waitForOutcomes } from './wait-for-completion';

export class XanoAsyncInvoke implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Xano Async Invoke',
		name: 'xanoAsyncInvoke',
		icon: { light: 'file:../../icons/xanoAsync.svg', dark: 'file:../../icons/xanoAsync.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ "Run " + ($parameter["function"].cachedResultName || $parameter["function"].value) + ($parameter["waitForCompletion"] ? " and wait" : "") }}',
		description: 'Start Xano functions in the background, optionally waiting for their results',
		defaults: { name: 'Xano Async Invoke' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialsForNodes,
		properties: invokeProperties,
	};

	methods = { listSearch: { searchFunctions } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const stopOnError = !this.continueOnFail();
		const refused = new Map<number, NodeOperationError>();
		const pending: PendingInvocation[] = [];
		const waitForCompletion = this.getNodeParameter('waitForCompletion', 0, false) as boolean;
		const timeoutSeconds = waitForCompletion
			? (this.getNodeParameter('waitTimeout', 0, 30) as number)
			: 0;
		// Checked before anything starts: a wait that cannot be done must not leave executions behind.
		if (!isTimeoutSeconds(timeoutSeconds)) {
			const failure = invalidTimeoutError(this.getNode(), timeoutSeconds, 0, 'Wait Timeout');
			if (stopOnError) throw failure;
			return [items.map((_, itemIndex) => errorItem(failure, itemIndex))];
		}

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				pending.push({
					itemIndex,
					invocation: invocationFor.call(this, itemIndex, items[itemIndex]),
				});
			} catch (error) {
				const failure =
					error instanceof NodeOperationError
						? error
						: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
				if (stopOnError) throw failure;
				refused.set(itemIndex, failure);
			}
		}

		let outcomes = await sendInvocations.call(this, pending, stopOnError);
		if (waitForCompletion) {
			outcomes = await waitForOutcomes.call(this, outcomes, timeoutSeconds, stopOnError);
		}

		return [
			items.map((_, itemIndex) => {
				const outcome = refused.get(itemIndex) ?? outcomes.get(itemIndex);
				if (outcome === undefined || outcome instanceof Error) {
					return errorItem(
						outcome ??
							new NodeOperationError(this.getNode(), 'No answer for this item', { itemIndex }),
						itemIndex,
					);
				}
				return { json: outcome, pairedItem: { item: itemIndex } };
			}),
		];
	}
}
