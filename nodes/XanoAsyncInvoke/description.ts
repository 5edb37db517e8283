import type { INodeProperties } from 'n8n-workflow';

import { authenticationProperty, functionProperty, priorityOptions } from '../shared/descriptions';

export const invokeProperties: INodeProperties[] = [
	authenticationProperty,
	functionProperty,
	{
		displayName: 'Input',
		name: 'inputSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Fields Below',
				value: 'fields',
				description: 'Name each input of the function and give its value',
			},
			{
				name: 'Item JSON',
				value: 'itemJson',
				description: "Send the incoming item's JSON as the function's input",
			},
			{
				name: 'JSON',
				value: 'json',
				description: 'Write the input as a JSON object, or build it with an expression',
			},
		],
		default: 'itemJson',
		description: 'What the function receives as its input, for each item',
	},
	{
		displayName: 'Input JSON',
		name: 'inputJson',
		type: 'json',
		default: '{}',
		description:
			'A JSON object whose fields are the function inputs, e.g. {"email": "ada@example.com"}. Expressions may build it from the item.',
		displayOptions: { show: { inputSource: ['json'] } },
	},
	{
		displayName: 'Input Fields',
		name: 'inputFields',
		placeholder: 'Add Field',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		displayOptions: { show: { inputSource: ['fields'] } },
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						description: 'Name of the function input',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'Value of the function input; an expression may give any JSON type',
					},
				],
			},
		],
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until each execution has finished and output its result, instead of outputting the started execution at once',
	},
	{
		displayName: 'Wait Timeout (Seconds)',
		name: 'waitTimeout',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 30,
		description:
			"How long to wait for the executions of all items together (the first item's value applies to all). Executions still running then are output with their current status.",
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				description:
					'A key that makes a repeated invocation return the execution already started with the same key, instead of starting another one. Give each item its own key with an expression over one of its fields, such as an order ID: items sharing a key share one execution.',
			},
			{
				displayName: 'Priority',
				name: 'priority',
				type: 'options',
				options: priorityOptions,
				default: 'normal',
				description: 'Executions with a higher priority run first',
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				placeholder: 'e.g. onboarding, batch-42',
				description: 'Comma-separated labels stored with the execution',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 3600 },
				default: 300,
				description: 'How long the function may run before the backend stops it as timed out',
			},
		],
	},
];
