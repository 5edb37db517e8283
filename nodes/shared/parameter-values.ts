import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

/**
 * A text parameter may come from an expression, and an expression gives whatever the item holds:
 * `={{ $json.order_id }}` is a number as often as a string. These read such a value as text, or
 * fail naming the item and the field instead of crashing on `trim` of a number.
 */

function describeValue(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object' && value !== null) return 'an object';
	return JSON.stringify(value) ?? String(value);
}

export function wrongTypeError(
	node: INode,
	field: string,
	itemIndex: number,
	expected: string,
	value: unknown,
): NodeOperationError {
	return new NodeOperationError(
		node,
		`${field} of item ${itemIndex} must be ${expected}, got ${describeValue(value)}`,
		{ itemIndex, description: `The value was ${JSON.stringify(value) ?? String(value)}.` },
	);
}

/** Text or a number, trimmed; '' for a missing value. Anything else fails naming the field. */
export function textValue(node: INode, value: unknown, field: string, itemIndex: number): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	throw wrongTypeError(node, field, itemIndex, 'text or a number', value);
}

/** One of `allowed`, or undefined for a missing or empty value. */
export function choiceValue<T extends string>(
	node: INode,
	value: unknown,
	allowed: readonly T[],
	field: string,
	itemIndex: number,
): T | undefined {
	const text = textValue(node, value, field, itemIndex);
	if (text === '') return undefined;
	if ((allowed as readonly string[]).includes(text)) return text as T;
	throw wrongTypeError(node, field, itemIndex, `one of ${allowed.join(', ')}`, value);
}

/** A number, or text that reads as one; undefined for a missing or empty value. */
export function numberValue(
	node: INode,
	value: unknown,
	field: string,
	itemIndex: number,
): number | undefined {
	const text = typeof value === 'string' ? value.trim() : value;
	if (text === undefined || text === null || text === '') return undefined;
	const number = typeof text === 'string' ? Number(text) : text;
	if (typeof number === 'number' && Number.isFinite(number)) return number;
	throw wrongTypeError(node, field, itemIndex, 'a number', value);
}

/**
 * On or off: a boolean, or the text "true" / "false" an expression may give; `fallback` for a
 * missing or empty value. Anything else fails naming the field, rather than counting as on.
 */
export function booleanValue(
	node: INode,
	value: unknown,
	field: string,
	itemIndex: number,
	fallback: boolean,
): boolean {
	if (typeof value === 'boolean') return value;
	const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
	if (text === undefined || text === null || text === '') return fallback;
	if (text === 'true') return true;
	if (text === 'false') return false;
	throw wrongTypeError(node, field, itemIndex, 'true or false', value);
}
