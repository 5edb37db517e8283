import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

/**
 * A wait's timeout in seconds: a finite number, 0 or more. An expression can give anything (a
 * missing field, text); taken as is, that became a single look instead of a wait.
 */
export function isTimeoutSeconds(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

export function invalidTimeoutError(
	node: INode,
	value: unknown,
	itemIndex: number,
	parameter = 'Timeout',
): NodeOperationError {
	return new NodeOperationError(
		node,
		`${parameter} of item ${itemIndex} must be a number of seconds, 0 or more, got ${JSON.stringify(value) ?? String(value)}`,
		{ itemIndex },
	);
}
