import { UserError } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { DEFAULT_LOGIN_PATH, endpointUrl } from '../nodes/shared/addressing';
import {
	baseUrlField,
	connectionFieldsAfterAuth,
	connectionTest,
	credentialText,
	withConnectionHeaders,
} from '../nodes/shared/connection';
import {
	describeForeignBody,
	foreignBodyKind,
	httpFailureOf,
	isContractError,
} from '../nodes/shared/errors';

/** A login answers at once or not at all: a hanging login endpoint must not hang every node. */
const LOGIN_TIMEOUT_MS = 20_000;

/** The HTTP client's timeout, as axios reports it (`ECONNABORTED`, "timeout of N ms exceeded"). */
function timedOut(error: unknown): boolean {
	const code = (error as { code?: unknown } | null)?.code;
	return code === 'ECONNABORTED' || code === 'ETIMEDOUT';
}

/**
 * Email and password of a Xano user. n8n logs in through `preAuthentication` when it has no
 * token yet, keeps the `authToken` in the hidden expirable field for later calls, and logs in
 * again once when a call answers 401 (an expired token).
 */
export class XanoAsyncLoginApi implements ICredentialType {
	name = 'xanoAsyncLoginApi';

	displayName = 'Xano Async Login API';

	icon: Icon = { light: 'file:../icons/xanoAsync.svg', dark: 'file:../icons/xanoAsync.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-xano-async/n8n-nodes-xano-async#credentials';

	properties: INodeProperties[] = [
		baseUrlField,
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Login Endpoint Path',
			name: 'loginPath',
			type: 'string',
			default: DEFAULT_LOGIN_PATH,
			description:
				'Path of the endpoint that takes email and password and answers with an authToken, relative to the base URL',
		},
		...connectionFieldsAfterAuth,
		{
			displayName: 'Auth Token',
			name: 'authToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		const email = credentialText(credentials, 'email');
		const url = endpointUrl(
			credentialText(credentials, 'baseUrl'),
			credentialText(credentials, 'loginPath') || DEFAULT_LOGIN_PATH,
		);
		let answer: unknown;
		try {
			answer = await this.helpers.httpRequest(
				withConnectionHeaders(credentials, '', {
					method: 'POST',
					url,
					body: { email, password: credentials.password },
					json: true,
					timeout: LOGIN_TIMEOUT_MS,
					skipSslCertificateValidation: credentials.allowUnauthorizedCerts === true,
				}),
			);
		} catch (error) {
			const failure = httpFailureOf(error);
			let reason = failure.message;
			if (isContractError(failure.body)) {
				reason = `${failure.body.code}: ${failure.body.message}`;
			} else if (failure.status !== null) {
				reason = `${foreignBodyKind(failure.body, failure.contentType)}: ${describeForeignBody(failure.body)}`;
			} else if (timedOut(error) || /timeout/i.test(failure.message)) {
				reason = `no answer within ${LOGIN_TIMEOUT_MS / 1000} s`;
			}
			reason = reason.replace(/\.$/, '');
			const hint =
				failure.status === 403 || failure.status === 401
					? ' Check the email and password of the credential.'
					: '';
			// The status and body travel along, so the nodes can tell a refused login (stop) from an
			// unreachable backend (retry) and put the status in the error details.
			throw new UserError(
				`Xano login as ${email} failed (HTTP ${failure.status ?? 'no answer'}): ${reason}.${hint}`,
				{ cause: error, extra: { httpStatus: failure.status, body: failure.body } },
			);
		}
		const authToken = (answer as IDataObject | null)?.authToken;
		if (typeof authToken !== 'string' || authToken === '') {
			throw new UserError(
				`Xano login as ${email} answered without an authToken; check the Login Endpoint Path.`,
			);
		}
		return { authToken };
	}

	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> =>
		withConnectionHeaders(credentials, 'authToken', requestOptions);

	test: ICredentialTestRequest = connectionTest;
}
