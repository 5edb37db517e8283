import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { FAILURE_STATUSES, isTerminal } from '../shared/types';
import type { Execution } from '../shared/types';

export const COMPLETED_OUTPUT = 0;
export const FAILED_OUTPUT = 1;
export const STILL_RUNNING_OUTPUT = 2;

/** Which of the three outcome outputs an execution belongs on. */
export function outputFor(execution: Execution): number {
	if (execution.status === 'completed') return COMPLETED_OUTPUT;
	if (isTerminal(execution.status)) return FAILED_OUTPUT;
	return STILL_RUNNING_OUTPUT;
}

export function isFailure(execution: Execution): boolean {
	return FAILURE_STATUSES.includes(execution.status);
}

/** "Fail on Failed Executions": the error naming the item, the execution and why it failed. */
export function failedExecutionError(
	node: INode,
	execution: Execution,
	itemIndex: number,
): NodeOperationError {
	const reason = execution.error
		? `: ${execution.error.code}${execution.error.message ? ` ${execution.error.message}` : ''}`
		: '';
	return new NodeOperationError(
		node,
		`Execution ${execution.execution_id} of item ${itemIndex} ended ${execution.status}${reason}`,
		{ itemIndex, description: execution.error ? JSON.stringify(execution.error) : undefined },
	);
}
