import type { Execution, ExecutionStatus, Page } from './types';

/**
 * Checks of what the backend answered with a 2xx, against the contract. Each returns what was
 * expected when the answer does not fit, so the transport can fail the call with a clear error
 * (a wrong endpoint path, a Xano endpoint that returns another shape) instead of a node crashing
 * on it later or quietly taking it for "nothing" or "not found".
 */
export type AnswerCheck = (answer: unknown) => string | undefined;

const STATUSES: readonly ExecutionStatus[] = [
	'pending',
	'running',
	'completed',
	'failed',
	'cancelled',
	'timed_out',
	'not_found',
];

export function isExecution(value: unknown): value is Execution {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const candidate = value as Partial<Execution>;
	const completedAt = candidate.completed_at;
	return (
		typeof candidate.execution_id === 'string' &&
		candidate.execution_id !== '' &&
		STATUSES.includes(candidate.status as ExecutionStatus) &&
		(completedAt === undefined || completedAt === null || typeof completedAt === 'number')
	);
}

const objects = (count: number) => `${count} execution object${count === 1 ? '' : 's'}`;

const EXECUTION = 'an execution object (with execution_id, status and completed_at in ms)';

/** One execution object (`POST /async/invoke` with one invocation). */
export const oneExecution: AnswerCheck = (answer) => (isExecution(answer) ? undefined : EXECUTION);

/** `{ executions: [...] }` with one execution per invocation sent. */
export function bulkExecutions(count: number): AnswerCheck {
	return (answer) => {
		const executions = (answer as { executions?: unknown } | null)?.executions;
		return Array.isArray(executions) && executions.length === count && executions.every(isExecution)
			? undefined
			: `{ "executions": [...] } with ${objects(count)}, one per invocation`;
	};
}

/** A JSON array of `count` execution objects (`POST /async/await`). */
export function executionList(count: number): AnswerCheck {
	return (answer) =>
		Array.isArray(answer) && answer.length === count && answer.every(isExecution)
			? undefined
			: `a JSON array of ${objects(count)}, one per requested ID`;
}

/** Xano's paging envelope of execution objects (`GET /async/executions`). */
export const executionPage: AnswerCheck = (answer) => {
	const page = answer as Partial<Page<unknown>> | null;
	const fits =
		typeof page === 'object' &&
		page !== null &&
		!Array.isArray(page) &&
		Array.isArray(page.items) &&
		page.items.every(isExecution) &&
		(page.nextPage === undefined || page.nextPage === null || typeof page.nextPage === 'number');
	return fits
		? undefined
		: 'Xano\'s paging envelope { "items": [execution objects], "nextPage": ... } (turn on paging in the endpoint\'s query)';
};
