import { HttpMethod } from './http';
import { JsonObject, N8nRun } from './run-data';
import { waitForWebhook } from './webhook';

/** Something that can call n8n's public API (`/api/v1`) with an API key: a started n8n. */
export interface PublicApi {
	api<T = unknown>(method: HttpMethod, path: string, body?: unknown): Promise<T>;
}

export interface CredentialReference {
	id: string;
	name: string;
}

export interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: JsonObject;
	credentials?: Record<string, { id?: string | null; name: string }>;
	[field: string]: unknown;
}

/** A workflow as exported from n8n (the examples/ files), or built by a test. */
export interface WorkflowDefinition {
	name: string;
	nodes: WorkflowNode[];
	connections: JsonObject;
	settings?: JsonObject;
	staticData?: unknown;
	[field: string]: unknown;
}

export interface StoredWorkflow extends WorkflowDefinition {
	id: string;
	active: boolean;
}

export interface ExecutionRecord extends N8nRun {
	id: string | number;
	workflowId: string;
	status: string;
	mode: string;
	startedAt: string;
	stoppedAt: string | null;
}

/**
 * Creates the workflow through the public API and returns it with its id. The API accepts only
 * the editable fields, so export-only ones (id, active, tags, pinData, meta, ...) are left out.
 * `credentials` points every node's credential of a type at the given stored credential, so an
 * example file can be imported as it is, whatever credential ids it was exported with.
 */
export async function importWorkflow(
	n8n: PublicApi,
	workflow: WorkflowDefinition,
	{ credentials = {} }: { credentials?: Record<string, CredentialReference> } = {},
): Promise<StoredWorkflow> {
	const nodes = workflow.nodes.map((node) => {
		if (!node.credentials) return node;
		const linked = Object.fromEntries(
			Object.entries(node.credentials).map(([type, reference]) => [
				type,
				credentials[type] ?? reference,
			]),
		);
		return { ...node, credentials: linked };
	});
	return n8n.api<StoredWorkflow>('POST', '/workflows', {
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		settings: { executionOrder: 'v1', ...workflow.settings },
		...(workflow.staticData ? { staticData: workflow.staticData } : {}),
	});
}

/**
 * Activation registers the workflow's webhooks and polls a polling trigger once, at once. Returns
 * once its Webhook nodes answer (2.x registers them in the background after answering).
 */
export async function activateWorkflow(
	n8n: PublicApi & { url: string },
	workflowId: string,
): Promise<StoredWorkflow> {
	const activated = await n8n.api<StoredWorkflow>('POST', `/workflows/${workflowId}/activate`);
	const stored = await n8n.api<StoredWorkflow>('GET', `/workflows/${workflowId}`);
	for (const node of stored.nodes.filter(isStaticWebhook)) {
		const method = String(node.parameters.httpMethod ?? 'GET') as HttpMethod;
		await waitForWebhook(n8n, String(node.parameters.path), { method });
	}
	return activated;
}

function isStaticWebhook(node: WorkflowNode): boolean {
	const path = node.parameters.path;
	return (
		node.type === 'n8n-nodes-base.webhook' &&
		node.disabled !== true &&
		typeof path === 'string' &&
		!path.startsWith('=') &&
		!path.includes(':')
	);
}

/**
 * The workflow is inactive when the call answers, but on 2.x its webhook may still answer for a
 * moment afterwards (from n8n's webhook cache): seen once as a 500, once as a full run.
 */
export async function deactivateWorkflow(
	n8n: PublicApi,
	workflowId: string,
): Promise<StoredWorkflow> {
	return n8n.api<StoredWorkflow>('POST', `/workflows/${workflowId}/deactivate`);
}

/**
 * `data` is checked by n8n against the credential type's fields. On 1.x that check requires
 * `allowedDomains` whenever `allowedHttpRequestDomains` is absent (its JSON schema's `if` holds
 * vacuously), so the field's default, `all`, is filled in when the type has it.
 */
export async function createCredential(
	n8n: PublicApi,
	credential: { name: string; type: string; data: JsonObject },
): Promise<CredentialReference & { type: string }> {
	const schema = await n8n.api<{ properties?: JsonObject }>(
		'GET',
		`/credentials/schema/${encodeURIComponent(credential.type)}`,
	);
	const data = { ...credential.data };
	if (schema.properties?.allowedHttpRequestDomains && !('allowedHttpRequestDomains' in data)) {
		data.allowedHttpRequestDomains = 'all';
	}
	const stored = await n8n.api<{ id: string; name: string; type: string }>('POST', '/credentials', {
		...credential,
		data,
	});
	return { id: stored.id, name: stored.name, type: stored.type };
}

const finishedStatuses = new Set(['success', 'error', 'crashed', 'canceled']);

/** The workflow's finished executions with their run data, oldest first. */
export async function finishedExecutions(
	n8n: PublicApi,
	workflowId: string,
): Promise<ExecutionRecord[]> {
	const page = await n8n.api<{ data: ExecutionRecord[] }>(
		'GET',
		`/executions?workflowId=${encodeURIComponent(workflowId)}&includeData=true&limit=250`,
	);
	return page.data
		.filter((execution) => finishedStatuses.has(execution.status))
		.sort((a, b) => Number(a.id) - Number(b.id));
}

/** Waits until the workflow has at least `count` finished executions; returns them oldest first. */
export async function waitForExecutions(
	n8n: PublicApi,
	workflowId: string,
	count: number,
	timeoutMs = 30_000,
): Promise<ExecutionRecord[]> {
	const deadline = Date.now() + timeoutMs;
	let executions: ExecutionRecord[] = [];
	while (Date.now() < deadline) {
		executions = await finishedExecutions(n8n, workflowId);
		if (executions.length >= count) return executions;
		await new Promise((resolveSleep) => setTimeout(resolveSleep, 250));
	}
	throw new Error(
		`Workflow ${workflowId} has ${executions.length} finished executions after ${timeoutMs} ms, expected ${count}`,
	);
}
