import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	baseUrlField,
	connectionFieldsAfterAuth,
	connectionTest,
	withConnectionHeaders,
} from '../nodes/shared/connection';

/** A static bearer token (or none, for a public API group). */
export class XanoAsyncApi implements ICredentialType {
	name = 'xanoAsyncApi';

	displayName = 'Xano Async API';

	icon: Icon = { light: 'file:../icons/xanoAsync.svg', dark: 'file:../icons/xanoAsync.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-xano-async/n8n-nodes-xano-async#credentials';

	properties: INodeProperties[] = [
		baseUrlField,
		{
			displayName: 'Bearer Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Sent as "Authorization: Bearer TOKEN". Leave empty if the API group is public.',
		},
		...connectionFieldsAfterAuth,
	];

	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => withConnectionHeaders(credentials, 'token', requestOptions);

	test: ICredentialTestRequest = connectionTest;
}
