/**
 * Runs a credential type's `test` request the way n8n's credential tester does: its expressions
 * resolved by n8n's expression engine with `$credentials`, then sent through n8n-core's
 * httpRequestWithAuthentication (so preAuthentication and authenticate apply).
 */
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';

import { CREDENTIAL_TYPES } from '../helpers/n8n-runner';

/** Sends the request in its `request` parameter with the node's credential. */
export class CredentialProbe implements INodeType {
	description = {
		displayName: 'Credential Probe',
		name: 'credentialProbe',
		group: ['transform'],
		version: 1,
		description: 'Sends one request with a credential',
		defaults: { name: 'Credential Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'xanoAsyncApi' }, { name: 'xanoAsyncLoginApi' }],
		properties: [
			{ displayName: 'Type', name: 'credentialType', type: 'string', default: '' },
			{ displayName: 'Request', name: 'request', type: 'json', default: '{}' },
		],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const type = this.getNodeParameter('credentialType', 0) as string;
		const request = JSON.parse(
			this.getNodeParameter('request', 0) as string,
		) as IHttpRequestOptions;
		const answer = (await this.helpers.httpRequestWithAuthentication.call(
			this,
			type,
			request,
		)) as IDataObject;
		return [[{ json: { answer }, pairedItem: { item: 0 } }]];
	}
}

/** Resolves every `={{ }}` value of a request as n8n does for credential tests. */
export function resolveTestRequest(
	type: string,
	credentials: ICredentialDataDecryptedObject,
): IHttpRequestOptions {
	const node: INode = {
		id: 'mock',
		name: 'Temp',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		parameters: { temp: '' },
	};
	// n8n tests credentials on a mock NoOp node; any node type serves to resolve expressions.
	const noOp = new CredentialProbe();
	const nodeTypes = {
		getByName: () => noOp,
		getByNameAndVersion: () => noOp,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const resolved: IDataObject = {};
	for (const [key, value] of Object.entries(CREDENTIAL_TYPES[type].test!.request)) {
		resolved[key] =
			typeof value === 'string' && value.startsWith('=')
				? workflow.expression.getSimpleParameterValue(node, value, 'internal', {
						$credentials: credentials,
					})
				: (value as IDataObject[string]);
	}
	return resolved as unknown as IHttpRequestOptions;
}

/**
 * What n8n's credential tester makes of a successful test answer: it takes the first item the
 * answer becomes (an array's first element, else the body) and fails the test with a rule's
 * message when the rule's key there equals the rule's value.
 */
export function ruleVerdict(type: string, answer: unknown): string | undefined {
	// n8n reads the first item's json without a check: an empty list fails with a TypeError.
	if (Array.isArray(answer) && answer.length === 0) return 'TypeError: no first item';
	const first = Array.isArray(answer) ? answer[0] : answer;
	const json = typeof first === 'object' && first !== null ? (first as IDataObject) : {};
	for (const rule of CREDENTIAL_TYPES[type].test!.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		if (json[rule.properties.key] === rule.properties.value) return rule.properties.message;
	}
	return undefined;
}
