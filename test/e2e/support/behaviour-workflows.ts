import { WorkflowDefinition, WorkflowNode } from '../harness';

/**
 * Small workflows for behaviours the examples do not show: Continue On Fail, error outputs,
 * cancellation and the login credential. Each starts with a Webhook, so the tests run them on
 * the live server; the Webhook answers with the last node's output or at once (`onReceived`).
 */

const xanoCredentials = {
	xanoAsyncApi: { id: null, name: 'Xano Async (reference backend)' },
};

type Position = [number, number];

function webhook(path: string, responseMode: 'lastNode' | 'onReceived'): WorkflowNode {
	return {
		name: 'Request',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: path,
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode,
			...(responseMode === 'lastNode' ? { responseData: 'allEntries' } : {}),
			options: {},
		},
	};
}

/** A Code node emitting the webhook body's `items` as items. */
function itemsFromBody(position: Position): WorkflowNode {
	return {
		name: 'Items',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position,
		parameters: { jsCode: 'return $input.first().json.body.items.map((json) => ({ json }));' },
	};
}

function invoke(
	name: string,
	position: Position,
	parameters: Record<string, unknown>,
	extra: Partial<WorkflowNode> = {},
): WorkflowNode {
	return {
		name,
		type: 'n8n-nodes-xano-async.xanoAsyncInvoke',
		typeVersion: 1,
		position,
		parameters: {
			authentication: 'xanoAsyncApi',
			function: { __rl: true, mode: 'name', value: '={{ $json.function }}' },
			inputSource: 'json',
			inputJson: '={{ JSON.stringify($json.input) }}',
			options: {},
			...parameters,
		},
		credentials: xanoCredentials,
		...extra,
	};
}

function awaitNode(
	name: string,
	position: Position,
	parameters: Record<string, unknown>,
	extra: Partial<WorkflowNode> = {},
): WorkflowNode {
	return {
		name,
		type: 'n8n-nodes-xano-async.xanoAsyncAwait',
		typeVersion: 1,
		position,
		parameters: {
			authentication: 'xanoAsyncApi',
			idSource: 'field',
			idField: 'execution_id',
			waitScope: 'together',
			until: 'all',
			options: {},
			...parameters,
		},
		credentials: xanoCredentials,
		...extra,
	};
}

function noOp(name: string, position: Position): WorkflowNode {
	return { name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position, parameters: {} };
}

const to = (...targets: Array<string | [string, number]>) =>
	targets.map((target) => {
		const [node, index] = Array.isArray(target) ? target : [target, 0];
		return [{ node, type: 'main', index }];
	});

/**
 * Body `{ items: [{ function, input }] }`. Invoke sends them in one request and routes refused
 * invocations to its error output ("Continue (using error output)"); accepted ones go on to an
 * Await with three outcome outputs, whose failures also leave through an error output when
 * "Fail on Failed Executions" is set on the second Await.
 */
export function errorOutputsWorkflow(path: string): WorkflowDefinition {
	return {
		name: 'E2E: error outputs',
		nodes: [
			webhook(path, 'onReceived'),
			itemsFromBody([200, 0]),
			invoke('Invoke', [400, 0], {}, { onError: 'continueErrorOutput' }),
			noOp('Refused', [600, 200]),
			awaitNode('Await by outcome', [600, 0], { timeout: 3, outputMode: 'split' }),
			noOp('Completed', [800, -200]),
			noOp('Failed', [800, 0]),
			noOp('Still running', [800, 200]),
			awaitNode(
				'Await failing on failure',
				[600, -400],
				{ timeout: 3, outputMode: 'single', options: { failOnFailure: true } },
				{ onError: 'continueErrorOutput' },
			),
			noOp('Succeeded', [800, -500]),
			noOp('Failed executions', [800, -300]),
		],
		connections: {
			Request: { main: to('Items') },
			Items: { main: to('Invoke') },
			Invoke: {
				main: [
					[
						{ node: 'Await by outcome', type: 'main', index: 0 },
						{ node: 'Await failing on failure', type: 'main', index: 0 },
					],
					[{ node: 'Refused', type: 'main', index: 0 }],
				],
			},
			'Await by outcome': { main: to('Completed', 'Failed', 'Still running') },
			'Await failing on failure': { main: to('Succeeded', 'Failed executions') },
		},
	};
}

/**
 * Body `{ items: [{ function, input }] }` into an Invoke set to "Continue (using regular
 * output)": refused items come out as `{ error, details }` next to the started ones.
 */
export function continueRegularOutputWorkflow(path: string): WorkflowDefinition {
	return {
		name: 'E2E: continue on fail, regular output',
		nodes: [
			webhook(path, 'lastNode'),
			itemsFromBody([200, 0]),
			invoke('Invoke', [400, 0], {}, { onError: 'continueRegularOutput' }),
		],
		connections: { Request: { main: to('Items') }, Items: { main: to('Invoke') } },
	};
}

/** Body `{ items: [...] }` into an Invoke that stops the workflow on the first refusal. */
export function stopOnErrorWorkflow(path: string): WorkflowDefinition {
	return {
		name: 'E2E: stop on error',
		nodes: [webhook(path, 'lastNode'), itemsFromBody([200, 0]), invoke('Invoke', [400, 0], {})],
		connections: { Request: { main: to('Items') }, Items: { main: to('Invoke') } },
	};
}

/**
 * Body `{ records: [...] }` into Batch Import with Continue On Fail (error output): a failed
 * batch leaves through the error output, the summary through the main one.
 */
export function batchImportErrorOutputWorkflow(
	path: string,
	functionName: string,
): WorkflowDefinition {
	return {
		name: 'E2E: batch import error output',
		nodes: [
			webhook(path, 'onReceived'),
			{
				name: 'Records',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: {
					jsCode: 'return $input.first().json.body.records.map((json) => ({ json }));',
				},
			},
			{
				name: 'Import',
				type: 'n8n-nodes-xano-async.xanoBatchImport',
				typeVersion: 1,
				position: [400, 0],
				parameters: {
					authentication: 'xanoAsyncApi',
					function: { __rl: true, mode: 'name', value: functionName },
					recordSource: 'item',
					batchSize: 2,
					additionalInput: '{ "table": "error_output_import" }',
					outputMode: 'summary',
					options: { maxRetries: 0 },
				},
				credentials: xanoCredentials,
				onError: 'continueErrorOutput',
			},
			noOp('Summary', [600, -100]),
			noOp('Failed batches', [600, 100]),
		],
		connections: {
			Request: { main: to('Records') },
			Records: { main: to('Import') },
			Import: { main: to('Summary', 'Failed batches') },
		},
	};
}

/**
 * Body `{ seconds, key }`: answers at once, then starts a long `slow_task` (idempotency key
 * `key`) and awaits it for up to two minutes: an execution still running when the test stops it.
 */
export function longAwaitWorkflow(path: string): WorkflowDefinition {
	return {
		name: 'E2E: long await',
		nodes: [
			webhook(path, 'onReceived'),
			invoke('Start slow task', [200, 0], {
				function: { __rl: true, mode: 'name', value: 'slow_task' },
				inputJson: '={{ JSON.stringify({ seconds: $json.body.seconds }) }}',
				// Lets the test find the execution again: the same key answers the same execution.
				options: { tags: 'cancellation', idempotencyKey: '={{ $json.body.key }}' },
			}),
			awaitNode('Await slow task', [400, 0], { timeout: 120, outputMode: 'single' }),
		],
		connections: {
			Request: { main: to('Start slow task') },
			'Start slow task': { main: to('Await slow task') },
		},
	};
}

/**
 * Body `{ email }`: invokes the welcome email and waits for it, authenticated with the email and
 * password credential (`xanoAsyncLoginApi`) instead of a token.
 */
export function loginCredentialWorkflow(path: string): WorkflowDefinition {
	const loginCredentials = {
		xanoAsyncLoginApi: { id: null, name: 'Xano Async login (reference backend)' },
	};
	return {
		name: `E2E: login credential (${path})`,
		nodes: [
			webhook(path, 'lastNode'),
			invoke(
				'Invoke with login',
				[200, 0],
				{
					authentication: 'xanoAsyncLoginApi',
					function: { __rl: true, mode: 'name', value: 'send_welcome_email' },
					inputJson: '={{ JSON.stringify({ email: $json.body.email }) }}',
					waitForCompletion: true,
					waitTimeout: 20,
				},
				{ credentials: loginCredentials },
			),
		],
		connections: { Request: { main: to('Invoke with login') } },
	};
}
