import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

// TODO(the shared descriptions land in nodes/shared): use the shared authentication selector
// and function picker instead of these.
export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'API Token', value: 'xanoAsyncApi' },
		{ name: 'Email and Password', value: 'xanoAsyncLoginApi' },
	],
	default: 'xanoAsyncApi',
};

export const functionProperty: INodeProperties = {
	displayName: 'Function',
	name: 'function',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. import_batch',
	description: 'Name of the Xano function that imports one batch',
};

export function readFunctionName(context: IExecuteFunctions): string {
	return (context.getNodeParameter('function', 0, '', { extractValue: true }) as string).trim();
}
