import type { IDataObject } from 'n8n-workflow';

/** The credential types every node accepts, picked by the node's `authentication` parameter. */
export type CredentialTypeName = 'xanoAsyncApi' | 'xanoAsyncLoginApi';

/** The contract's endpoints whose paths a user may rename in the credential. */
export type ContractEndpoint = 'invoke' | 'await' | 'executions' | 'functions';

export type ExecutionStatus =
	| 'pending'
	| 'running'
	| 'completed'
	| 'failed'
	| 'cancelled'
	| 'timed_out'
	| 'not_found';

/** Statuses after which an execution never changes again (`not_found` only appears in awaits). */
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = [
	'completed',
	'failed',
	'cancelled',
	'timed_out',
	'not_found',
];

/** Terminal statuses that are not a success; Await routes them to its Failed output. */
export const FAILURE_STATUSES: readonly ExecutionStatus[] = [
	'failed',
	'cancelled',
	'timed_out',
	'not_found',
];

export function isTerminal(status: ExecutionStatus): boolean {
	return TERMINAL_STATUSES.includes(status);
}

/** Xano's error shape: every non-2xx body and every failed execution's `error`. */
export interface ContractError {
	code: string;
	message: string;
	payload?: IDataObject | string | null;
}

export type InvocationPriority = 'low' | 'normal' | 'high' | 'critical';

/** One execution as the backend reports it (the contract's execution object). */
export interface Execution extends IDataObject {
	execution_id: string;
	function: string;
	status: ExecutionStatus;
	output: IDataObject | IDataObject[] | string | number | boolean | null;
	error: ContractError | null;
	attempts: number;
	priority: InvocationPriority;
	tags: string[];
	created_at: number | null;
	started_at: number | null;
	completed_at: number | null;
	duration_ms: number | null;
	idempotency_key: string | null;
	deduplicated?: boolean;
}

/** The body of one invocation: alone, or as an element of a bulk request. */
export interface InvocationRequest extends IDataObject {
	function: string;
	input: IDataObject;
	idempotency_key?: string;
	priority?: InvocationPriority;
	timeout?: number;
	tags?: string[];
}

/** Most invocations one bulk request may carry, and most ids one await may list. */
export const MAX_BATCH_SIZE = 1000;

export type AwaitUntil = 'all' | 'any';

export interface AwaitRequest extends IDataObject {
	execution_ids: string[];
	timeout: number;
	until?: AwaitUntil;
}

/** Xano's paging envelope, as `GET /async/executions` answers. */
export interface Page<T> {
	itemsReceived: number;
	curPage: number;
	nextPage: number | null;
	prevPage: number | null;
	offset: number;
	perPage: number;
	items: T[];
}

export interface FunctionInput {
	name: string;
	type: string;
	required: boolean;
}

/** One entry of `GET /async/functions`, for the function pickers. */
export interface FunctionDescription {
	name: string;
	description?: string;
	input?: FunctionInput[];
}

/** The credential fields the transport reads to address the backend. */
export interface BackendAddress {
	baseUrl: string;
	paths: Record<ContractEndpoint, string>;
}
