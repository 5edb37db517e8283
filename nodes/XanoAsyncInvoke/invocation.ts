import { jsonParse, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { choiceValue, numberValue, textValue } from '../shared/parameter-values';
import type { InvocationPriority, InvocationRequest } from '../shared/types';

type InputSource = 'itemJson' | 'json' | 'fields';

const PRIORITIES: readonly InvocationPriority[] = ['low', 'normal', 'high', 'critical'];

/** The Options collection as expressions may fill it: any field may hold any JSON value. */
interface InvokeOptions {
	idempotencyKey?: unknown;
	priority?: unknown;
	timeout?: unknown;
	tags?: unknown;
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
			name?: unknown;
			value: unknown;
		}>;
		const input: IDataObject = {};
		for (const field of fields) {
			const name = textValue(this.getNode(), field.name, 'The name of an input field', itemIndex);
			if (name !== '') input[name] = field.value as IDataObject[string];
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

/** Tags as comma-separated text, a number, or a list of those (an expression may give a list). */
function tagsOf(this: IExecuteFunctions, raw: unknown, itemIndex: number): string[] | undefined {
	const node = this.getNode();
	const tags = (Array.isArray(raw) ? raw : textValue(node, raw, 'Tags', itemIndex).split(','))
		.map((tag: unknown) => textValue(node, tag, 'Each of the Tags', itemIndex))
		.filter((tag) => tag !== '');
	return tags.length > 0 ? tags : undefined;
}

/** The invocation one input item asks for: function, input and options, all per item. */
export function invocationFor(
	this: IExecuteFunctions,
	itemIndex: number,
	item: INodeExecutionData,
): InvocationRequest {
	const name = textValue(
		this.getNode(),
		this.getNodeParameter('function', itemIndex, '', { extractValue: true }),
		'The Function',
		itemIndex,
	);
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
	const node = this.getNode();
	const key = textValue(node, options.idempotencyKey, 'The Idempotency Key', itemIndex);
	if (key !== '') invocation.idempotency_key = key;
	const priority = choiceValue(node, options.priority, PRIORITIES, 'The Priority', itemIndex);
	if (priority) invocation.priority = priority;
	const timeout = numberValue(node, options.timeout, 'The Timeout', itemIndex);
	if (timeout !== undefined) invocation.timeout = timeout;
	const tags = tagsOf.call(this, options.tags, itemIndex);
	if (tags) invocation.tags = tags;
	return invocation;
}
