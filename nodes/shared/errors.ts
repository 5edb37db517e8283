import { NodeApiError, UserError } from 'n8n-workflow';
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';

import type { ContractError } from './types';

/** What went wrong with one HTTP call, dug out of whatever n8n's HTTP helper threw. */
interface HttpFailure {
	status: number | null;
	body: unknown;
	contentType: string;
	retryAfterSeconds: number | null;
	/** A message already written for users (a failed login), or the low-level error's text. */
	message: string;
	userFacing: boolean;
	/** Set when a 2xx answer does not fit the contract: what the contract expected there. */
	expected?: string;
}

interface ErrorLike {
	message?: unknown;
	cause?: unknown;
	response?: { status?: unknown; data?: unknown; headers?: unknown };
}

function asErrorLike(value: unknown): ErrorLike | null {
	return typeof value === 'object' && value !== null ? (value as ErrorLike) : null;
}

function header(headers: unknown, name: string): string {
	if (typeof headers !== 'object' || headers === null) return '';
	const record = headers as Record<string, unknown>;
	const value = record[name] ?? record[name.toLowerCase()];
	return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : '';
}

function parseRetryAfter(raw: string): number | null {
	if (raw === '') return null;
	const seconds = Number(raw);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds;
	const at = Date.parse(raw);
	return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * n8n wraps a failed request in a NodeApiError whose `cause` is the HTTP client's error (with
 * `response.status/data/headers`), sometimes one level deeper after a credential renewal. The
 * chain is short; the depth bound only guards against cycles.
 */
export function httpFailureOf(thrown: unknown): HttpFailure {
	let current = asErrorLike(thrown);
	let message = thrown instanceof Error ? thrown.message : String(thrown);
	for (let depth = 0; current !== null && depth < 6; depth++) {
		if (current instanceof UserError) {
			// A failed login says what the login endpoint answered in `extra`.
			const extra = (current as { extra?: { httpStatus?: unknown; body?: unknown } }).extra;
			return {
				status: typeof extra?.httpStatus === 'number' ? extra.httpStatus : null,
				body: extra?.body ?? null,
				contentType: '',
				retryAfterSeconds: null,
				message: current.message,
				userFacing: true,
			};
		}
		if (typeof current.message === 'string' && current.message !== '') message = current.message;
		const status = current.response?.status;
		if (typeof status === 'number') {
			const headers = current.response?.headers;
			return {
				status,
				body: current.response?.data,
				contentType: header(headers, 'content-type'),
				retryAfterSeconds: parseRetryAfter(header(headers, 'retry-after')),
				message,
				userFacing: false,
			};
		}
		current = asErrorLike(current.cause);
	}
	const wrapped = nodeApiErrorFallbackOf(thrown, message);
	if (wrapped) return wrapped;
	return {
		status: null,
		body: null,
		contentType: '',
		retryAfterSeconds: null,
		message,
		userFacing: false,
	};
}

/**
 * n8n 1.x keeps no `cause` on the NodeApiError it throws for a failed request (its error class
 * drops an Error cause), so the HTTP client's response is gone. What survives is the status as
 * `httpCode` and a JSON object body as `context.data`; the headers (and so `Retry-After`) and a
 * non-JSON body are lost on that line.
 */
function nodeApiErrorFallbackOf(thrown: unknown, message: string): HttpFailure | null {
	if (typeof thrown !== 'object' || thrown === null) return null;
	const { httpCode, context } = thrown as { httpCode?: unknown; context?: unknown };
	const status = typeof httpCode === 'string' ? Number(httpCode) : NaN;
	if (!Number.isInteger(status) || status < 100 || status > 599) return null;
	const data =
		typeof context === 'object' && context !== null
			? (context as { data?: unknown }).data
			: undefined;
	return {
		status,
		body: data ?? message,
		contentType: data === undefined ? '' : 'application/json',
		retryAfterSeconds: null,
		message,
		userFacing: false,
	};
}

export function isContractError(body: unknown): body is ContractError {
	return (
		typeof body === 'object' && body !== null && typeof (body as IDataObject).code === 'string'
	);
}

function paramOf(error: ContractError): string | null {
	const payload = error.payload;
	if (typeof payload !== 'object' || payload === null) return null;
	const param = (payload as IDataObject).param;
	return typeof param === 'string' ? param : null;
}

/**
 * Whether a body that is not the contract's error shape is JSON all the same (`{"error": "..."}`
 * from another API, a JSON string), as opposed to an HTML page or plain text.
 */
export function isJsonBody(body: unknown, contentType: string): boolean {
	if (typeof body === 'object' && body !== null) return !Buffer.isBuffer(body);
	if (!/json/i.test(contentType)) return false;
	// The HTTP client has parsed a JSON body already: a string, number, boolean or null arrives
	// as that value. A string that is still JSON text, or that is not markup, was JSON too.
	if (typeof body !== 'string') return true;
	try {
		JSON.parse(body);
		return true;
	} catch {
		return !body.trimStart().startsWith('<');
	}
}

/** What kind of body a failed answer had, for a message: JSON of another shape, or not JSON. */
export function foreignBodyKind(body: unknown, contentType: string): string {
	if (isJsonBody(body, contentType)) {
		return 'a JSON body that is not the contract\'s error shape ({ "code", "message" })';
	}
	const kind = contentType.split(';')[0] || 'unknown content type';
	return `a body that is not JSON (${kind})`;
}

/** A readable line out of a body that is not the contract's JSON (an HTML 502 from a proxy). */
export function describeForeignBody(body: unknown): string {
	const text =
		typeof body === 'string'
			? body
			: Buffer.isBuffer(body)
				? body.toString('utf8')
				: JSON.stringify(body ?? '');
	const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
	const plain = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
	return plain.length > 160 ? `${plain.slice(0, 157)}...` : plain;
}

/** A failed call to the backend, with the contract's fields kept for callers and for tests. */
export class XanoApiError extends NodeApiError {
	readonly status: number | null;

	readonly xanoCode: string | null;

	readonly param: string | null;

	/** Seconds the backend asked us to wait (429 `Retry-After`), when it said. */
	readonly retryAfterSeconds: number | null;

	readonly itemIndex: number | undefined;

	/**
	 * The credential's login was refused (a 4xx other than 429 from the login endpoint): sending
	 * any request again only logs in again, and is refused alike.
	 */
	readonly refusedLogin: boolean;

	/** An execution this failure leaves behind, started but of unknown state, when there is one. */
	executionId: string | null = null;

	private readonly httpFailure: HttpFailure;

	constructor(node: INode, failure: HttpFailure, itemIndex: number | undefined) {
		const contract = isContractError(failure.body) ? failure.body : null;
		const param = contract ? paramOf(contract) : null;
		const forItem = itemIndex === undefined ? '' : ` for item ${itemIndex}`;
		let message: string;
		let description: string | undefined;
		if (failure.expected !== undefined) {
			message = `Xano's answer${forItem} is not what the contract says: expected ${failure.expected}, got ${describeForeignBody(failure.body) || 'an empty body'}`;
			description =
				'Check the endpoint paths and the base URL of the credential: each must lead to an endpoint that implements the Xano async contract.';
		} else if (failure.userFacing) {
			message = `${failure.message}${itemIndex === undefined ? '' : ` (item ${itemIndex})`}`;
		} else if (failure.status === null) {
			message = `Could not reach the Xano backend${forItem}: ${failure.message}`;
		} else if (contract) {
			const text = contract.message || 'no message';
			message = `Xano answered HTTP ${failure.status} ${contract.code}${forItem}: ${text}`;
			if (param) message += ` (parameter: ${param})`;
			description = contract.payload ? `Payload: ${JSON.stringify(contract.payload)}` : undefined;
		} else {
			const json = isJsonBody(failure.body, failure.contentType);
			message = `Xano answered HTTP ${failure.status}${forItem} with ${foreignBodyKind(failure.body, failure.contentType)}: ${describeForeignBody(failure.body)}`;
			description = json
				? 'Something other than the Xano async contract answered: check the base URL and the endpoint paths of the credential.'
				: 'A proxy or gateway in front of the backend may be failing; try again later.';
		}
		if (failure.retryAfterSeconds !== null) {
			description =
				`${description ?? ''} The backend asks to retry after ${failure.retryAfterSeconds} s.`.trim();
		}
		const errorResponse: JsonObject = { message, code: contract?.code ?? null, param };
		super(node, errorResponse, {
			message,
			description,
			httpCode: failure.status === null ? undefined : String(failure.status),
			itemIndex,
		});
		this.status = failure.status;
		this.xanoCode = contract?.code ?? null;
		this.param = param;
		this.retryAfterSeconds = failure.retryAfterSeconds;
		this.itemIndex = itemIndex;
		this.refusedLogin =
			failure.userFacing &&
			failure.status !== null &&
			failure.status < 500 &&
			failure.status !== 429;
		this.httpFailure = failure;
	}

	/**
	 * The same failure, named for one item of a request that carried several. `bulkPrefix` (such
	 * as `invocations.17.`) is cut from the backend's parameter name and message, so the error
	 * speaks of the item's own fields.
	 */
	forItem(itemIndex: number, bulkPrefix?: string): XanoApiError {
		let failure = this.httpFailure;
		if (bulkPrefix && isContractError(failure.body)) {
			const strip = (text: string) => text.split(bulkPrefix).join('');
			const payload = failure.body.payload;
			const param = paramOf(failure.body);
			failure = {
				...failure,
				body: {
					...failure.body,
					message: strip(failure.body.message ?? ''),
					payload:
						param && typeof payload === 'object' && payload !== null
							? { ...payload, param: strip(param) }
							: payload,
				},
			};
		}
		return new XanoApiError(this.node, failure, itemIndex);
	}
}

/** A 2xx answer that does not fit the contract; `expected` says what should have come. */
export function unexpectedAnswerError(
	node: INode,
	answer: unknown,
	expected: string,
	itemIndex?: number,
): XanoApiError {
	const failure: HttpFailure = {
		status: null,
		body: answer === undefined ? '' : JSON.stringify(answer),
		contentType: 'application/json',
		retryAfterSeconds: null,
		message: `unexpected answer, expected ${expected}`,
		userFacing: false,
		expected,
	};
	return new XanoApiError(node, failure, itemIndex);
}

export function toXanoApiError(node: INode, thrown: unknown, itemIndex?: number): XanoApiError {
	if (thrown instanceof XanoApiError) return thrown;
	return new XanoApiError(node, httpFailureOf(thrown), itemIndex);
}
