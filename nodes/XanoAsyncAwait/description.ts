import type { INodeProperties } from 'n8n-workflow';

import { authenticationProperty } from '../shared/descriptions';

/** The node's outputs: one per outcome, or one with the status on each item. */
export const awaitOutputs =
	'={{ $parameter["outputMode"] === "single" ? [{ "type": "main" }] : [{ "type": "main", "displayName": "Completed" }, { "type": "main", "displayName": "Failed" }, { "type": "main", "displayName": "Still Running" }] }}';

export const awaitProperties: INodeProperties[] = [
	authenticationProperty,
	{
		displayName: 'Execution IDs From',
		name: 'idSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Expression',
				value: 'expression',
				description: 'Write the ID or IDs, or build them with an expression',
			},
			{
				name: 'Field',
				value: 'field',
				description: 'Read the ID or IDs from a field of each item',
			},
		],
		default: 'field',
	},
	{
		displayName: 'Field Name',
		name: 'idField',
		type: 'string',
		default: 'execution_id',
		required: true,
		description:
			'The item field holding an execution ID or a list of them, as Xano Async Invoke outputs it. Use dots for nested fields, e.g. <code>result.execution_id</code>.',
		displayOptions: { show: { idSource: ['field'] } },
	},
	{
		displayName: 'Execution IDs',
		name: 'executionIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.execution_id }}',
		description: 'One execution ID, several separated by commas, or an expression giving a list',
		displayOptions: { show: { idSource: ['expression'] } },
	},
	{
		displayName: 'Wait Scope',
		name: 'waitScope',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'All Items Together',
				value: 'together',
				description:
					'Wait for the executions of all items at once, within one timeout. Timeout and Complete When are taken from the first item.',
			},
			{
				name: 'Each Item Separately',
				value: 'each',
				description:
					'Wait for one item after the other, each with its own Timeout and Complete When (they may differ per item). The total wait can reach the timeout times the number of items.',
			},
		],
		default: 'together',
	},
	{
		displayName: 'Complete When',
		name: 'until',
		type: 'options',
		options: [
			{
				name: 'All Executions Have Finished',
				value: 'all',
			},
			{
				name: 'Any Execution Has Finished',
				value: 'any',
				description: 'Stop waiting as soon as one of the awaited executions has finished',
			},
		],
		default: 'all',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 30,
		description:
			'How long to wait. Executions not finished by then go to the Still Running output. 0 checks the current state once.',
	},
	{
		displayName: 'Output',
		name: 'outputMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'One Output per Outcome',
				value: 'split',
				description: 'Completed; Failed (failed, cancelled, timed out or not found); Still Running',
			},
			{
				name: 'Single Output',
				value: 'single',
				description: 'All executions on one output, each with its status',
			},
		],
		default: 'split',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Fail on Failed Executions',
				name: 'failOnFailure',
				type: 'boolean',
				default: false,
				description:
					'Whether to stop the workflow with an error when an execution failed, was cancelled, timed out or was not found, instead of outputting it',
			},
		],
	},
];
