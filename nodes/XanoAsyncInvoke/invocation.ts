import { jsonParse, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { InvocationPriority, InvocationRequest } from '../shared/types';

type InputSource = 'itemJson' | 'json' | 'fields';

interface InvokeOptions {
	idempotencyKey?: string;
	priority?: InvocationPriority;
	timeout?: number;
	tags?: string | string[];
}

function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The function's input for one item, from the source the user chose. */
function inputFor(
	this: IExecuteFunctions,
	itemIndex: number,
	item: INodeExecutionData,
): IDataObject {
	const source = this.getNodeParameter('inputSource', itemIndex, 'itemJson') as InputSource;
	if (source === 'itemJson') return { ...item.json };

	if (source === 'fields') {
		const fields = this.getNodeParameter('inputFields.field', itemIndex, []) as Array<{
			name: string;
			value: unknown;
		}>;
		const input: IDataObject = {};
		for (const field of fields) {
			if (field.name) input[field.name] = field.value as IDataObject[string];
		}
		return input;
	}

	const raw = this.getNodeParameter('inputJson', itemIndex, '{}') as unknown;
	let parsed: unknown = raw;
	if (typeof raw === 'string') {
		try {
			parsed = raw.trim() === '' ? {} : jsonParse(raw);
		} catch (error) {
			throw new NodeOperationError(
				this.getNode(),
				`The Input JSON of item ${itemIndex} is not valid JSON`,
				{
					itemIndex,
					description: (error as Error).message,
				},
			);
		}
	}
	if (!isPlainObject(parsed)) {
		throw new NodeOperationError(
			this.getNode(),
			`The Input JSON of item ${itemIndex} must be a JSON object`,
			{
				itemIndex,
				description:
					'A Xano function takes its inputs as the fields of one object, e.g. {"email": "a@b.c"}.',
			},
		);
	}
	return parsed;
}

function tagsOf(raw: string | string[] | undefined): string[] | undefined {
	if (raw === undefined) return undefined;
	const tags = (Array.isArray(raw) ? raw : String(raw).split(','))
		.map((tag) => String(tag).trim())
		.filter((tag) => tag !== '');
	return tags.length > 0 ? tags : undefined;
}

/** The invocation one input item asks for: function, input and options, all per item. */
export function invocationFor(
	this: IExecuteFunctions,
	itemIndex: number,
	item: INodeExecutionData,
): InvocationRequest {
	const name = String(
		this.getNodeParameter('function', itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	if (name === '') {
		throw new NodeOperationError(this.getNode(), `No function is set for item ${itemIndex}`, {
			itemIndex,
		});
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as InvokeOptions;
	const invocation: InvocationRequest = {
		function: name,
		input: inputFor.call(this, itemIndex, item),
	};
	const key = options.idempotencyKey?.trim();
	if (key) invocation.idempotency_key = key;
	if (options.priority) invocation.priority = options.priority;
	if (options.timeout !== undefined) invocation.timeout = options.timeout;
	const tags = tagsOf(options.tags);
	if (tags) invocation.tags = tags;
	return invocation;
}
