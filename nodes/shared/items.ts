import type {
	IDataObject,
	INodeExecutionData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { XanoApiError } from './errors';

/**
 * The item a failed input item becomes under Continue On Fail. Its JSON holds only `error` and
 * `details`, so with "Continue (using error output)" n8n moves it to the error output; with
 * "Continue (using regular output)" it stays where the node put it.
 */
export function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
): INodeExecutionData {
	const details: IDataObject = { itemIndex };
	if (error.description) details.description = error.description;
	if (error instanceof XanoApiError) {
		details.httpCode = error.status;
		details.code = error.xanoCode;
		if (error.param) details.param = error.param;
		if (error.retryAfterSeconds !== null) details.retryAfterSeconds = error.retryAfterSeconds;
	}
	// `error` on the item itself too: n8n 1.x sends an item to the error output only when its
	// JSON is exactly `{ error }` or `{ error, message }`, or when the item carries the error.
	return { json: { error: error.message, details }, error, pairedItem: { item: itemIndex } };
}

/** Splits a list into runs of at most `size` entries. */
export function chunksOf<T>(list: T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < list.length; start += size)
		chunks.push(list.slice(start, start + size));
	return chunks;
}
