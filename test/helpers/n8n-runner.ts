/**
 * Runs this package's nodes inside n8n's real execution engine (n8n-core's WorkflowExecute),
 * the way a manual execution in the editor does: a source node hands the test's items to the
 * node under test, n8n builds the execute context, resolves parameters and expressions, applies
 * the credential (authenticate + preAuthentication with renewal on 401), routes Continue On Fail
 * error items, and records outputs with their pairedItem.
 *
 * What is test-only: the credentials store (an in-memory map instead of n8n's encrypted DB),
 * the node-type registry (our classes plus the source node) and the lifecycle hooks. Both are
 * small and follow n8n's own credentials helper; see TestCredentialsHelper.
 */
import {
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PollContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	createRunExecutionData,
	ICredentialsHelper,
	isExpression,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { XanoAsyncApi } from '../../credentials/XanoAsyncApi.credentials';
import { XanoAsyncLoginApi } from '../../credentials/XanoAsyncLoginApi.credentials';

export const PACKAGE_PREFIX = 'n8n-nodes-xano-async';
const SOURCE_NODE_TYPE = 'xanoTest.itemSource';
const SOURCE_NODE_NAME = 'Items';
export const NODE_UNDER_TEST = 'Node';

/** Hands the test's items on, each paired with itself, like any upstream node would. */
class ItemSource implements INodeType {
	description = {
		displayName: 'Test Items',
		name: SOURCE_NODE_TYPE,
		group: ['input'],
		version: 1,
		description: 'Emits the items a test gives it',
		defaults: { name: SOURCE_NODE_NAME },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, index) => ({ json: item.json, pairedItem: { item: index } })),
		];
	}
}

export type NodeClass = new () => INodeType;

/** The node types n8n may instantiate: the source node and the classes the test registers. */
export class TestNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType>();

	constructor(nodeClasses: NodeClass[]) {
		this.types.set(SOURCE_NODE_TYPE, new ItemSource());
		for (const NodeType of nodeClasses) {
			const instance = new NodeType();
			this.types.set(`${PACKAGE_PREFIX}.${instance.description.name}`, instance);
		}
	}

	getByName(nodeType: string): INodeType {
		const found = this.types.get(nodeType);
		if (!found) throw new Error(`Unknown node type ${nodeType}`);
		return found;
	}

	getByNameAndVersion(nodeType: string): INodeType {
		return this.getByName(nodeType);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

export const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
	xanoAsyncApi: new XanoAsyncApi(),
	xanoAsyncLoginApi: new XanoAsyncLoginApi(),
};

/** Credential data as the editor stores it: every field, defaults filled in. */
export function credentialData(type: string, values: IDataObject): ICredentialDataDecryptedObject {
	const data: ICredentialDataDecryptedObject = {};
	for (const property of CREDENTIAL_TYPES[type].properties) {
		data[property.name] = property.default as ICredentialDataDecryptedObject[string];
	}
	return { ...data, ...values } as ICredentialDataDecryptedObject;
}

/**
 * n8n's credentials helper, minus the database: the same authenticate (function or generic, the
 * latter resolved with n8n's expression engine) and the same preAuthentication rules (run when
 * the expirable field is empty or n8n reports the token expired; persist what it returns).
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	readonly stored = new Map<string, ICredentialDataDecryptedObject>();

	/** How often each credential type's preAuthentication (the login) ran. */
	readonly preAuthenticationRuns = new Map<string, number>();

	set(type: string, values: IDataObject): void {
		this.stored.set(type, credentialData(type, values));
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = CREDENTIAL_TYPES[typeName].authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type !== 'generic' || !workflow || !node) return requestOptions;
		const resolved: IDataObject = { ...requestOptions };
		for (const [target, entries] of Object.entries(authenticate.properties)) {
			const into = { ...((resolved[target] as IDataObject | undefined) ?? {}) };
			for (const [key, value] of Object.entries(entries as IDataObject)) {
				into[key] = isExpression(value)
					? String(
							workflow.expression.getSimpleParameterValue(node, value as string, 'internal', {
								$credentials: credentials,
							}) ?? '',
						)
					: value;
			}
			resolved[target] = into;
		}
		return resolved as unknown as IHttpRequestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = CREDENTIAL_TYPES[typeName];
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		this.preAuthenticationRuns.set(typeName, (this.preAuthenticationRuns.get(typeName) ?? 0) + 1);
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		this.stored.set(typeName, {
			...(this.stored.get(typeName) ?? {}),
			...output,
		} as ICredentialDataDecryptedObject);
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	getCredentialsProperties(type: string) {
		return CREDENTIAL_TYPES[type].properties;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.stored.get(type);
		if (!data) throw new Error(`No test credentials of type ${type}`);
		return { ...data };
	}

	async getCredentials(): Promise<never> {
		throw new Error('The test credentials helper has no credential entities');
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.stored.set(type, { ...data });
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	isCredentialUsableByNode(): boolean {
		return true;
	}
}

export interface RunOptions {
	/** The node's type name as in its description, e.g. `xanoAsyncInvoke`. */
	nodeType: string;
	parameters: INodeParameters;
	items: IDataObject[];
	/** Which credential type the node uses; must be set in the runner's credentials helper. */
	credentialType?: string;
	/** The node's "On Error" setting. */
	onError?: INode['onError'];
}

export interface NodeRun {
	/** Output items per output branch of the node under test (the error output last, if any). */
	outputs: INodeExecutionData[][];
	/** The error the node failed with, as n8n recorded it; undefined when it succeeded. */
	error: ExecutionError | undefined;
	run: IRun;
	durationMs: number;
}

export interface RunningWorkflow {
	/** Stops the execution as the editor's stop button does (aborts the cancel signal). */
	cancel(): void;
	done: Promise<NodeRun>;
}

/** Runs real executions of this package's nodes, with one credentials store shared by all. */
export class N8nRunner {
	readonly credentials = new TestCredentialsHelper();

	readonly nodeTypes: TestNodeTypes;

	constructor(nodeClasses: NodeClass[]) {
		this.nodeTypes = new TestNodeTypes(nodeClasses);
	}

	private nodeFor(
		options: Pick<RunOptions, 'nodeType' | 'parameters' | 'credentialType' | 'onError'>,
	): INode {
		const credentialType =
			options.credentialType ??
			(options.parameters.authentication as string | undefined) ??
			'xanoAsyncApi';
		return {
			id: 'node-under-test',
			name: NODE_UNDER_TEST,
			type: `${PACKAGE_PREFIX}.${options.nodeType}`,
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters,
			credentials: { [credentialType]: { id: '1', name: `Test ${credentialType}` } },
			...(options.onError ? { onError: options.onError } : {}),
		};
	}

	private additionalData(hooks: ExecutionLifecycleHooks): IWorkflowExecuteAdditionalData {
		const additionalData = {
			credentialsHelper: this.credentials,
			hooks,
			executionId: 'test-execution',
			currentNodeExecutionIndex: 0,
			restApiUrl: 'http://127.0.0.1/rest',
			instanceBaseUrl: 'http://127.0.0.1/',
			formBaseUrl: 'http://127.0.0.1/formBaseUrl',
			formWaitingBaseUrl: 'http://127.0.0.1/formWaitingBaseUrl',
			formTestBaseUrl: 'http://127.0.0.1/formTestBaseUrl',
			webhookBaseUrl: 'http://127.0.0.1/webhookBaseUrl',
			webhookWaitingBaseUrl: 'http://127.0.0.1/webhookWaitingBaseUrl',
			webhookTestBaseUrl: 'http://127.0.0.1/webhookTestBaseUrl',
			mcpBaseUrl: 'http://127.0.0.1/mcpBaseUrl',
			mcpTestBaseUrl: 'http://127.0.0.1/mcpTestBaseUrl',
			variables: {},
			executeWorkflow: async () => {
				throw new Error('Sub-workflows are not available in tests');
			},
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			logAiEvent: () => {},
			startRunnerTask: async () => {
				throw new Error('Task runners are not available in tests');
			},
		};
		return additionalData as unknown as IWorkflowExecuteAdditionalData;
	}

	/** Starts one execution: source node → node under test. */
	start(options: RunOptions): RunningWorkflow {
		const node = this.nodeFor(options);
		const source: INode = {
			id: 'items',
			name: SOURCE_NODE_NAME,
			type: SOURCE_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
		const workflow = new Workflow({
			id: 'test-workflow',
			nodes: [source, node],
			connections: {
				[SOURCE_NODE_NAME]: { main: [[{ node: NODE_UNDER_TEST, type: 'main', index: 0 }]] },
			},
			nodeTypes: this.nodeTypes,
			active: false,
		});
		const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
			id: 'test-workflow',
			name: 'Test',
			active: false,
			activeVersionId: null,
			isArchived: false,
			nodes: [source, node],
			connections: {},
			createdAt: new Date(),
			updatedAt: new Date(),
		});
		let resolveFinished: (run: IRun) => void = () => {};
		const finished = new Promise<IRun>((resolve) => (resolveFinished = resolve));
		hooks.addHandler('workflowExecuteAfter', (run) => resolveFinished(run));
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{
						node: source,
						data: { main: [options.items.map((json) => ({ json }))] },
						source: null,
					},
				],
			},
		});
		const startedAt = Date.now();
		const execution = new WorkflowExecute(this.additionalData(hooks), 'manual', runExecutionData);
		const running = execution.processRunExecutionData(workflow);
		const done = (async (): Promise<NodeRun> => {
			const run = await finished;
			const taskData = run.data.resultData.runData[NODE_UNDER_TEST]?.[0];
			return {
				outputs: (taskData?.data?.main ?? []).map(
					(branch: INodeExecutionData[] | null) => branch ?? [],
				),
				error: taskData?.error ?? run.data.resultData.error,
				run,
				durationMs: Date.now() - startedAt,
			};
		})();
		return { cancel: () => running.cancel(), done };
	}

	async run(options: RunOptions): Promise<NodeRun> {
		return await this.start(options).done;
	}

	/** Calls a node's listSearch method as the editor's resource locator does. */
	async listSearch(
		options: Omit<RunOptions, 'items' | 'onError'> & { method: string; filter?: string },
	) {
		const node = this.nodeFor(options);
		const workflow = new Workflow({
			id: 'test-workflow',
			nodes: [node],
			connections: {},
			nodeTypes: this.nodeTypes,
			active: false,
		});
		const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
			id: 'test-workflow',
			name: 'Test',
			active: false,
			activeVersionId: null,
			isArchived: false,
			nodes: [node],
			connections: {},
			createdAt: new Date(),
			updatedAt: new Date(),
		});
		const context = new LoadOptionsContext(workflow, node, this.additionalData(hooks), '');
		const search = this.nodeTypes.getByName(node.type).methods?.listSearch?.[options.method];
		if (!search) throw new Error(`${node.type} has no listSearch method ${options.method}`);
		return await search.call(context, options.filter);
	}

	/**
	 * A polling trigger as n8n activates it: one Workflow (so `getWorkflowStaticData('node')`
	 * persists between polls, as n8n keeps it between ticks) and one PollContext per poll.
	 */
	pollSession(options: Omit<RunOptions, 'items' | 'onError'> & { pollBudgetMs?: number }) {
		const node = this.nodeFor(options);
		const workflow = new Workflow({
			id: 'test-workflow',
			nodes: [node],
			connections: {},
			nodeTypes: this.nodeTypes,
			active: true,
			staticData: {},
		});
		const hooks = new ExecutionLifecycleHooks('trigger', 'test-execution', {
			id: 'test-workflow',
			name: 'Test',
			active: true,
			activeVersionId: null,
			isArchived: false,
			nodes: [node],
			connections: {},
			createdAt: new Date(),
			updatedAt: new Date(),
		});
		const additionalData = this.additionalData(hooks);
		const nodeType = this.nodeTypes.getByName(node.type);
		return {
			workflow,
			/** The trigger's node static data, as n8n would persist it. */
			staticData: () => workflow.staticData,
			poll: async (mode: WorkflowExecuteMode = 'trigger') => {
				if (!nodeType.poll) throw new Error(`${node.type} has no poll()`);
				// The trailing arguments are n8n's defaults, but for the poll budget when one is given.
				const context = new PollContext(
					workflow,
					node,
					additionalData,
					mode,
					'activate',
					undefined,
					undefined,
					undefined,
					undefined,
					undefined,
					options.pollBudgetMs === undefined ? undefined : () => options.pollBudgetMs as number,
				);
				return await nodeType.poll.call(context);
			},
		};
	}
}

/** The NodeHelpers defaults of a node's parameters, for tests that want the editor's view. */
export function defaultParameters(
	nodeType: INodeType,
	parameters: INodeParameters,
): INodeParameters {
	return (
		NodeHelpers.getNodeParameters(
			nodeType.description.properties,
			parameters,
			true,
			false,
			null,
			nodeType.description,
		) ?? parameters
	);
}
