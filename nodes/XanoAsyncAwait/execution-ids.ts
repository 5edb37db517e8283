import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { textValue } from '../shared/parameter-values';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fieldValue(json: IDataObject, path: string): unknown {
	let current: unknown = json;
	for (const key of path.split('.')) {
		if (typeof current !== 'object' || current === null) return undefined;
		current = (current as IDataObject)[key];
	}
	return current;
}

function listOf(raw: unknown): unknown[] {
	if (Array.isArray(raw)) return raw;
	if (typeof raw === 'string') return raw.split(',');
	return raw === undefined || raw === null ? [] : [raw];
}

/**
 * The execution ids one item asks to await: from a field (a string or a list of them) or from
 * the Execution IDs parameter. Every id must look like a UUID, so that one bad item cannot make
 * the backend refuse an await shared with other items.
 */
export function executionIdsFor(
	this: IExecuteFunctions,
	itemIndex: number,
	item: INodeExecutionData,
): string[] {
	const source = this.getNodeParameter('idSource', itemIndex, 'field') as string;
	let raw: unknown;
	let origin: string;
	if (source === 'field') {
		const field = textValue(
			this.getNode(),
			this.getNodeParameter('idField', itemIndex, 'execution_id'),
			'The ID Field',
			itemIndex,
		);
		raw = fieldValue(item.json, field);
		origin = `field "${field}"`;
	} else {
		raw = this.getNodeParameter('executionIds', itemIndex, '') as unknown;
		origin = 'Execution IDs parameter';
	}
	const ids = listOf(raw)
		.map((id) => (typeof id === 'string' ? id.trim() : id))
		.filter((id) => id !== '');
	if (ids.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex} has no execution ID in the ${origin}`,
			{
				itemIndex,
			},
		);
	}
	const invalid = ids.find((id) => typeof id !== 'string' || !UUID.test(id));
	if (invalid !== undefined) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex} has an invalid execution ID in the ${origin}: ${JSON.stringify(invalid)}`,
			{ itemIndex, description: 'Execution IDs are UUIDs, as Xano Async Invoke outputs them.' },
		);
	}
	return ids as string[];
}
