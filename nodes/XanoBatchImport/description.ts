import type { INodeProperties } from 'n8n-workflow';

import { priorityOptions } from '../shared/descriptions';

/** Parameters of Xano Batch Import, after the shared authentication and function pickers. */
export const batchImportProperties: INodeProperties[] = [
	{
		displayName: 'Records From',
		name: 'recordSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Whole Item',
				value: 'item',
				description: "Each input item's JSON is one record",
			},
			{
				name: 'One Field of Each Item',
				value: 'field',
				description: 'Each input item holds its record in one field',
			},
		],
		default: 'item',
		description: 'Where each record comes from',
	},
	{
		displayName: 'Record Field',
		name: 'recordField',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. customer or data.customer',
		description:
			'Name of the field holding the record. Use dots for a nested field. An item without it fails on its own and is not imported.',
		displayOptions: { show: { recordSource: ['field'] } },
	},
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 100,
		description:
			'Records sent to the function in one call. The function receives them as `records`, with `batch_number` and `batch_count`.',
	},
	{
		displayName: 'Additional Input',
		name: 'additionalInput',
		type: 'json',
		default: '{}',
		description:
			'Fields added to every batch\'s input, e.g. {"table": "customers"}. `records`, `batch_number` and `batch_count` are always set by the node.',
	},
	{
		displayName: 'Output',
		name: 'outputMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Summary',
				value: 'summary',
				description:
					'One item with the counts, the duration and every failed batch with the input items it held',
			},
			{
				name: 'One Item per Batch',
				value: 'batches',
				description: "One item per batch with its status, its items and the function's output",
			},
		],
		default: 'summary',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Batch Timeout (Seconds)',
				name: 'batchTimeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 600,
				description:
					"How long one batch may run. It is sent as the batch execution's timeout (the backend allows 1 to 3,600 s; a longer value runs at most 3,600 s) and is how long the node waits for it. A batch that timed out or is still running after that counts as failed and is not retried: a new run of its records could import again what the first run already wrote.",
			},
			{
				displayName: 'Import ID',
				name: 'importId',
				type: 'string',
				default: '',
				placeholder: 'e.g. customers-2026-01-31',
				description:
					'Names this import in the idempotency keys of its batches, so running it again skips the batches that already went through (while Xano keeps their executions). A batch whose records changed is imported again. Empty uses the n8n instance, workflow and execution: the node never imports a batch twice within one execution, and a new execution is a new import.',
			},
			{
				displayName: 'Max Batches in Flight',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				default: 10,
				description: 'How many batches may be running at once',
			},
			{
				displayName: 'Priority',
				name: 'priority',
				type: 'options',
				options: priorityOptions,
				default: 'normal',
				description: 'Queue priority of the batch executions',
			},
			{
				displayName: 'Retries per Batch',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 20 },
				default: 3,
				description:
					'How often to try a failed batch again, waiting longer each time. A full queue (HTTP 429) is waited out as the backend asks and does not count.',
			},
			{
				displayName: 'Tolerated Failed Batches (%)',
				name: 'toleratedFailurePercent',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100 },
				default: 0,
				description:
					'Share of batches that may fail without failing the node. Above it the node fails and names the failed batches.',
			},
		],
	},
];
