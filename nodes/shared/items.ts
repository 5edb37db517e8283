import * as workflow from 'n8n-workflow';
import type {
	IDataObject,
	INodeExecutionData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { XanoApiError } from './errors';

/**
 * Whether the host's engine needs the error on the item itself to route it. n8n 1.x sends an item
 * to the error output only when its JSON is exactly `{ error }` or `{ error, message }`, or when
 * the item carries the error; n8n 2.x routes `{ error, details }` by its JSON. Both replace the
 * JSON of an item that carries an error by `{ error }`, dropping the details. n8n-workflow 1.x is
 * the line that still exports `sleepWithAbort` (see sleep.ts); the node resolves the host's copy.
 */
const ENGINE_ROUTES_BY_ITEM_ERROR = 'sleepWithAbort' in workflow;

/**
 * A failed item as the host's engine routes it. The error goes on the item only on n8n 1.x and
 * only for "Continue (using error output)", the one case where 1.x needs it; there the item's
 * JSON becomes `{ error }` (the details are lost on that line). Everywhere else the item keeps
 * `{ error, details }`.
 */
export function failedItem(
	json: IDataObject,
	error: NodeApiError | NodeOperationError,
	pairedItem: INodeExecutionData['pairedItem'],
): INodeExecutionData {
	const toErrorOutput = error.node?.onError === 'continueErrorOutput';
	return ENGINE_ROUTES_BY_ITEM_ERROR && toErrorOutput
		? { json, error, pairedItem }
		: { json, pairedItem };
}

/**
 * The item a failed input item becomes under Continue On Fail. Its JSON holds only `error` and
 * `details`, so with "Continue (using error output)" n8n moves it to the error output; with
 * "Continue (using regular output)" it stays where the node put it. `context` adds what the node
 * knows about the item (the ids it awaited, the executions it read) to the details.
 */
export function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
	context: IDataObject = {},
): INodeExecutionData {
	const details: IDataObject = { itemIndex, ...context };
	if (error.description) details.description = error.description;
	if (error instanceof XanoApiError) {
		details.httpCode = error.status;
		details.code = error.xanoCode;
		if (error.param) details.param = error.param;
		if (error.retryAfterSeconds !== null) details.retryAfterSeconds = error.retryAfterSeconds;
		if (error.executionId !== null) details.execution_id = error.executionId;
	}
	return failedItem({ error: error.message, details }, error, { item: itemIndex });
}

/** Splits a list into runs of at most `size` entries. */
export function chunksOf<T>(list: T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < list.length; start += size)
		chunks.push(list.slice(start, start + size));
	return chunks;
}
