import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** Which credential type a node uses; both work with every node of this package. */
export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Bearer Token',
			value: 'xanoAsyncApi',
			description: 'A static token, or none for a public API group',
		},
		{
			name: 'Email and Password',
			value: 'xanoAsyncLoginApi',
			description: 'Log in as a Xano user; n8n renews the token when it expires',
		},
	],
	default: 'xanoAsyncApi',
};

/** The credential list of every node, shown according to `authentication`. */
export const credentialsForNodes = [
	{
		name: 'xanoAsyncApi',
		required: true,
		displayOptions: { show: { authentication: ['xanoAsyncApi'] } },
	},
	{
		name: 'xanoAsyncLoginApi',
		required: true,
		displayOptions: { show: { authentication: ['xanoAsyncLoginApi'] } },
	},
];

/** Picks a function from `GET /async/functions`, or takes a typed name when there is no list. */
export const functionProperty: INodeProperties = {
	displayName: 'Function',
	name: 'function',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Xano function to run',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchFunctions', searchable: true },
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. send_welcome_email',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^\\S+$',
						errorMessage: 'A function name has no spaces',
					},
				},
			],
		},
	],
};

export const priorityOptions: INodePropertyOptions[] = [
	{ name: 'Critical', value: 'critical' },
	{ name: 'High', value: 'high' },
	{ name: 'Low', value: 'low' },
	{ name: 'Normal', value: 'normal' },
];
