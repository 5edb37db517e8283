import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	NodeApiError,
} from 'n8n-workflow';

import { credentialsForNodes } from '../shared/descriptions';
import { toXanoApiError } from '../shared/errors';
import { errorItem } from '../shared/items';
import { throwIfCancelled } from '../shared/sleep';
import type { AwaitUntil, Execution } from '../shared/types';
import { invalidTimeoutError, isTimeoutSeconds } from '../shared/timeout';
import { awaitExecutions } from '../shared/wait';
import { awaitOutputs, awaitProperties } from './description';
import { executionIdsFor } from './execution-ids';
import { failedExecutionError, FAILED_OUTPUT, isFailure, outputFor } from './outcome';

type ItemResult = Execution[] | NodeApiError | NodeOperationError;

export class XanoAsyncAwait implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Xano Async Await',
		name: 'xanoAsyncAwait',
		icon: { light: 'file:../../icons/xanoAsync.svg', dark: 'file:../../icons/xanoAsync.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ "Wait up to " + $parameter["timeout"] + " s for " + $parameter["until"] }}',
		description: 'Wait for Xano async executions to finish and route them by outcome',
		defaults: { name: 'Xano Async Await' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: awaitOutputs,
		credentials: credentialsForNodes,
		properties: awaitProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const stopOnError = !this.continueOnFail();
		const split = this.getNodeParameter('outputMode', 0, 'split') === 'split';
		const scope = this.getNodeParameter('waitScope', 0, 'together') as string;
		const results = new Map<number, ItemResult>();
		const idsByItem = new Map<number, string[]>();

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				idsByItem.set(itemIndex, executionIdsFor.call(this, itemIndex, items[itemIndex]));
			} catch (error) {
				const failure =
					error instanceof NodeOperationError
						? error
						: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
				if (stopOnError) throw failure;
				results.set(itemIndex, failure);
			}
		}

		// One await for everything ("together"), or one per item ("each"), each with the deadline.
		// Timeout and Complete When are the first item's for "together", each item's own for "each".
		const groups = scope === 'each' ? [...idsByItem].map((entry) => [entry]) : [[...idsByItem]];
		for (const group of groups) {
			if (group.length === 0) continue;
			const settingsItem = scope === 'each' ? group[0][0] : 0;
			const timeoutSeconds = this.getNodeParameter('timeout', settingsItem, 30) as number;
			const until = this.getNodeParameter('until', settingsItem, 'all') as AwaitUntil;
			if (!isTimeoutSeconds(timeoutSeconds)) {
				const failure = invalidTimeoutError(this.getNode(), timeoutSeconds, settingsItem);
				if (stopOnError) throw failure;
				for (const [itemIndex] of group) results.set(itemIndex, failure);
				continue;
			}
			try {
				const executions = await awaitExecutions.call(this, {
					executionIds: group.flatMap(([, ids]) => ids),
					timeoutSeconds,
					until,
					itemIndex: group.length === 1 ? group[0][0] : undefined,
				});
				let position = 0;
				for (const [itemIndex, ids] of group) {
					results.set(itemIndex, executions.slice(position, position + ids.length));
					position += ids.length;
				}
			} catch (error) {
				throwIfCancelled(this.getExecutionCancelSignal());
				const failure = toXanoApiError(this.getNode(), error);
				if (stopOnError) throw failure.forItem(group[0][0]);
				for (const [itemIndex] of group) results.set(itemIndex, failure.forItem(itemIndex));
			}
		}

		const failOnFailure = this.getNodeParameter('options.failOnFailure', 0, false) as boolean;
		const outputs: INodeExecutionData[][] = split ? [[], [], []] : [[]];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			let result = results.get(itemIndex) as ItemResult;
			const failed = Array.isArray(result) && failOnFailure ? result.find(isFailure) : undefined;
			if (failed) {
				result = failedExecutionError(this.getNode(), failed, itemIndex);
				if (stopOnError) throw result;
			}
			if (!Array.isArray(result)) {
				outputs[split ? FAILED_OUTPUT : 0].push(errorItem(result, itemIndex));
				continue;
			}
			for (const execution of result) {
				outputs[split ? outputFor(execution) : 0].push({
					json: execution,
					pairedItem: { item: itemIndex },
				});
			}
		}
		return outputs;
	}
}
