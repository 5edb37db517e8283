import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { endpointUrlExpression, PATH_FIELDS } from './addressing';

/**
 * Credential fields and behaviour shared by both credential types: where the API group lives,
 * which data source to use, what the contract's endpoints are called, and how to test it.
 */

export const baseUrlField: INodeProperties = {
	displayName: 'API Group Base URL',
	name: 'baseUrl',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'https://x8ki-letl-twmt.n7.xano.io/api:AbCd1234',
	description:
		'The base URL of the Xano API group that holds the async endpoints, as the API group page shows it. A branch may follow the canonical, as in <code>/api:AbCd1234:dev</code>.',
};

const dataSourceField: INodeProperties = {
	displayName: 'Data Source',
	name: 'dataSource',
	type: 'string',
	default: '',
	placeholder: 'live',
	description:
		'The Xano data source to use, sent as the X-Data-Source header. Leave empty for the default one.',
};

const pathFields: INodeProperties[] = [
	{
		displayName: 'Invoke Endpoint Path',
		name: PATH_FIELDS.invoke,
		type: 'string',
		default: '/async/invoke',
		description: 'Path of the endpoint that starts executions, relative to the base URL',
	},
	{
		displayName: 'Await Endpoint Path',
		name: PATH_FIELDS.await,
		type: 'string',
		default: '/async/await',
		description: 'Path of the endpoint that waits for executions, relative to the base URL',
	},
	{
		displayName: 'Executions Endpoint Path',
		name: PATH_FIELDS.executions,
		type: 'string',
		default: '/async/executions',
		description:
			'Path of the endpoint that lists, reads and cancels executions, relative to the base URL',
	},
	{
		displayName: 'Functions Endpoint Path',
		name: PATH_FIELDS.functions,
		type: 'string',
		default: '/async/functions',
		description:
			'Path of the endpoint that lists the functions for the function picker, relative to the base URL. If your API group has none, type function names instead.',
	},
];

const ignoreSslField: INodeProperties = {
	displayName: 'Ignore SSL Issues (Insecure)',
	name: 'allowUnauthorizedCerts',
	type: 'boolean',
	default: false,
	description: 'Whether to connect even if SSL certificate validation is not possible',
};

export const connectionFieldsAfterAuth: INodeProperties[] = [
	dataSourceField,
	...pathFields,
	ignoreSslField,
];

/** A credential field as trimmed text; '' when it is missing or not a string. */
export function credentialText(credentials: ICredentialDataDecryptedObject, name: string): string {
	const value = credentials[name];
	return typeof value === 'string' ? value.trim() : '';
}

/** Adds the bearer token (when there is one) and the data source header to a request. */
export function withConnectionHeaders(
	credentials: ICredentialDataDecryptedObject,
	tokenField: string,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const headers = { ...(requestOptions.headers ?? {}) };
	const token = credentialText(credentials, tokenField);
	if (token !== '') headers.Authorization = `Bearer ${token}`;
	const dataSource = credentialText(credentials, 'dataSource');
	if (dataSource !== '') headers['X-Data-Source'] = dataSource;
	return { ...requestOptions, headers };
}

/** An id no caller owns: awaiting it proves the await endpoint and the token, and needs no rights. */
export const PROBE_EXECUTION_ID = '00000000-0000-4000-8000-000000000000';

const NOT_THE_AWAIT_ANSWER =
	'The URL answered, but not as the Xano async await endpoint does (a JSON array of execution objects). Check the API Group Base URL and the Await Endpoint Path.';

/**
 * Awaits an id nobody owns with timeout 0; built from the same fields as the transport's URLs.
 * Any 2xx would pass n8n's test on its own (a web server's welcome page did), so the rules check
 * the answer too. n8n looks at the first item the answer makes (an array's first element, else
 * the body itself) and fails the test when a rule's key there equals its value: the execution
 * the contract answers for the probe id has an `execution_id` and a `status`; a page, text or
 * another API's JSON has neither.
 */
export const connectionTest: ICredentialTestRequest = {
	request: {
		method: 'POST',
		url: endpointUrlExpression('await'),
		body: { execution_ids: [PROBE_EXECUTION_ID], timeout: 0 },
		json: true,
		skipSslCertificateValidation: '={{ $credentials.allowUnauthorizedCerts === true }}',
	},
	rules: [
		{
			type: 'responseSuccessBody',
			properties: { key: 'execution_id', value: undefined, message: NOT_THE_AWAIT_ANSWER },
		},
		{
			type: 'responseSuccessBody',
			properties: { key: 'status', value: undefined, message: NOT_THE_AWAIT_ANSWER },
		},
	],
};
