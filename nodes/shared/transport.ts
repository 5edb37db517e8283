import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

import { backendAddressOf, endpointUrl } from './addressing';
import type { AnswerCheck } from './answers';
import { toXanoApiError, unexpectedAnswerError, type XanoApiError } from './errors';
import { isRateLimited, rateLimitWaitMs } from './rate-limit';
import { sleepUnlessCancelled } from './sleep';
import type { ContractEndpoint, CredentialTypeName } from './types';

/** Every context a node of this package calls the backend from. */
export type XanoContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface XanoRequest {
	method: IHttpRequestMethods;
	endpoint: ContractEndpoint;
	/** Appended to the endpoint's path, e.g. `/<execution_id>/cancel`. */
	subPath?: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** The item this call is for; named in errors. */
	itemIndex?: number;
	/** Client-side limit; a long-poll passes its own timeout plus a margin. */
	timeoutMs?: number;
	/** How often to wait out a 429 as `Retry-After` says (see rate-limit.ts) and try again. */
	rateLimitRetries?: number;
	/** Epoch ms no 429 wait may pass; at that point the 429 is thrown instead. */
	deadline?: number;
	/** Answer `null` instead of failing when the backend answers 404 (an optional endpoint). */
	nullWhenNotFound?: boolean;
	/** What a 2xx answer must look like; one that does not fit fails the call clearly. */
	check?: AnswerCheck;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * A refused login, by the node run (its context) it happened in. Every later request of that run
 * fails with it unsent: each would log in again and be refused alike (a wrong password would cost
 * a login per item or per batch).
 */
const refusedLogins = new WeakMap<XanoContext, XanoApiError>();

/** The credential type chosen by the node's `authentication` parameter. */
export function credentialTypeOf(context: XanoContext): CredentialTypeName {
	const chosen =
		'getInputData' in context
			? context.getNodeParameter('authentication', 0, 'xanoAsyncApi')
			: context.getNodeParameter('authentication', 'xanoAsyncApi');
	return chosen === 'xanoAsyncLoginApi' ? 'xanoAsyncLoginApi' : 'xanoAsyncApi';
}

function cancelSignalOf(context: XanoContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

/**
 * The one way this package talks to the backend. It addresses the endpoint from the credential
 * (base URL + that endpoint's configured path), lets n8n authenticate the call, and turns every
 * failure into an XanoApiError.
 *
 * HTTP errors are left to throw on purpose: n8n re-runs the login credential's preAuthentication
 * and retries once only when the request threw with a 401. `ignoreHttpStatusErrors` would turn
 * that renewal off.
 */
export async function xanoApiRequest<T>(this: XanoContext, request: XanoRequest): Promise<T> {
	const refused = refusedLogins.get(this);
	if (refused) throw request.itemIndex === undefined ? refused : refused.forItem(request.itemIndex);
	const credentialType = credentialTypeOf(this);
	const credentials = await this.getCredentials(credentialType);
	const address = backendAddressOf(credentials);
	const options: IHttpRequestOptions = {
		method: request.method,
		url: endpointUrl(address.baseUrl, address.paths[request.endpoint]) + (request.subPath ?? ''),
		qs: request.qs,
		body: request.body,
		json: true,
		timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		skipSslCertificateValidation: credentials.allowUnauthorizedCerts === true,
		// n8n 2.x attaches the execution's cancel signal itself; older hosts need it given.
		abortSignal: cancelSignalOf(this),
	};
	let retriesLeft = request.rateLimitRetries ?? 0;
	for (;;) {
		let answer: unknown;
		try {
			answer = await this.helpers.httpRequestWithAuthentication.call(this, credentialType, options);
		} catch (thrown) {
			const error = toXanoApiError(this.getNode(), thrown, request.itemIndex);
			if (error.refusedLogin) refusedLogins.set(this, error);
			if (error.status === 404 && request.nullWhenNotFound) return null as T;
			const waitMs = isRateLimited(error) ? rateLimitWaitMs(error, request.deadline) : null;
			if (waitMs === null || retriesLeft <= 0) throw error;
			retriesLeft--;
			await sleepUnlessCancelled(waitMs, cancelSignalOf(this));
			continue;
		}
		const expected = request.check?.(answer);
		if (expected !== undefined) {
			throw unexpectedAnswerError(this.getNode(), answer, expected, request.itemIndex);
		}
		return answer as T;
	}
}
