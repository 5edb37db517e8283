import { WorkflowDefinition } from '../harness';

const invokeType = 'n8n-nodes-xano-async.xanoAsyncInvoke';

/** Starts the reference backend's welcome email for one address; the node answers at once. */
function invokeWelcomeEmail(email: string): WorkflowDefinition['nodes'][number] {
	return {
		name: 'Invoke welcome email',
		type: invokeType,
		typeVersion: 1,
		position: [220, 0],
		parameters: {
			function: { __rl: true, mode: 'name', value: 'send_welcome_email' },
			inputSource: 'json',
			inputJson: JSON.stringify({ email }),
		},
		credentials: { xanoAsyncApi: { id: null, name: 'Reference backend' } },
	};
}

/** Manual Trigger → Xano Async Invoke: what `n8n execute` can run. */
export function manualInvokeWorkflow(email: string): WorkflowDefinition {
	return {
		name: 'Smoke: invoke from the CLI',
		nodes: [
			{
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			invokeWelcomeEmail(email),
		],
		connections: {
			Start: { main: [[{ node: 'Invoke welcome email', type: 'main', index: 0 }]] },
		},
	};
}

/** Webhook → Xano Async Invoke, answering with the invoke's output: what a server runs. */
export function webhookInvokeWorkflow(path: string): WorkflowDefinition {
	const invoke = invokeWelcomeEmail('ignored@example.com');
	return {
		name: 'Smoke: invoke from a webhook',
		nodes: [
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: path,
				parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', options: {} },
			},
			{
				...invoke,
				parameters: {
					...invoke.parameters,
					inputJson: '={{ JSON.stringify({ email: $json.body.email }) }}',
				},
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Invoke welcome email', type: 'main', index: 0 }]] },
		},
	};
}
