import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	NodeApiError,
} from 'n8n-workflow';

import { credentialsForNodes } from '../shared/descriptions';
import { toXanoApiError } from '../shared/errors';
import { errorItem } from '../shared/items';
import { booleanValue, choiceValue } from '../shared/parameter-values';
import { throwIfCancelled } from '../shared/sleep';
import type { AwaitUntil, Execution } from '../shared/types';
import { invalidTimeoutError, isTimeoutSeconds } from '../shared/timeout';
import { awaitExecutions } from '../shared/wait';
import { awaitOutputs, awaitProperties } from './description';
import { executionIdsFor } from './execution-ids';
import { failedExecutionError, FAILED_OUTPUT, isFailure, outputFor } from './outcome';

type ItemResult = Execution[] | NodeApiError | NodeOperationError;

const UNTIL_VALUES: readonly AwaitUntil[] = ['all', 'any'];

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
			const settings = waitSettingsOf.call(this, settingsItem);
			if (settings instanceof NodeOperationError) {
				if (stopOnError) throw settings;
				for (const [itemIndex] of group) results.set(itemIndex, settings);
				continue;
			}
			const { timeoutSeconds, until } = settings;
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

		const outputs: INodeExecutionData[][] = split ? [[], [], []] : [[]];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const result = results.get(itemIndex) as ItemResult;
			// Under Continue On Fail an error item still says what it was about: the ids it awaited
			// and, when one of its executions failed, every execution it read.
			const context: IDataObject = {};
			const ids = idsByItem.get(itemIndex);
			if (ids) context.execution_ids = ids;
			const failOnFailure = failOnFailureOf.call(this, itemIndex);
			if (failOnFailure instanceof NodeOperationError) {
				if (stopOnError) throw failOnFailure;
				outputs[split ? FAILED_OUTPUT : 0].push(errorItem(failOnFailure, itemIndex, context));
				continue;
			}
			const failed = Array.isArray(result) && failOnFailure ? result.find(isFailure) : undefined;
			if (failed) {
				const failure = failedExecutionError(this.getNode(), failed, itemIndex);
				if (stopOnError) throw failure;
				context.executions = result;
				outputs[split ? FAILED_OUTPUT : 0].push(errorItem(failure, itemIndex, context));
				continue;
			}
			if (!Array.isArray(result)) {
				outputs[split ? FAILED_OUTPUT : 0].push(errorItem(result, itemIndex, context));
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

/** Timeout and Complete When of one wait, as the settings item's expressions give them. */
function waitSettingsOf(
	this: IExecuteFunctions,
	itemIndex: number,
): { timeoutSeconds: number; until: AwaitUntil } | NodeOperationError {
	const timeoutSeconds = this.getNodeParameter('timeout', itemIndex, 30);
	if (!isTimeoutSeconds(timeoutSeconds)) {
		return invalidTimeoutError(this.getNode(), timeoutSeconds, itemIndex);
	}
	const until = this.getNodeParameter('until', itemIndex, 'all');
	try {
		const chosen = choiceValue(this.getNode(), until, UNTIL_VALUES, 'Complete When', itemIndex);
		return { timeoutSeconds, until: chosen ?? 'all' };
	} catch (error) {
		return error as NodeOperationError;
	}
}

/** Fail on Failed Executions of one item: on or off, or an error naming the item. */
function failOnFailureOf(this: IExecuteFunctions, itemIndex: number): boolean | NodeOperationError {
	const value = this.getNodeParameter('options.failOnFailure', itemIndex, false);
	try {
		return booleanValue(this.getNode(), value, 'Fail on Failed Executions', itemIndex, false);
	} catch (error) {
		return error as NodeOperationError;
	}
}
