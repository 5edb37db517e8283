import { readFileSync } from 'fs';
import { join } from 'path';
import { repoRoot, WorkflowDefinition, WorkflowNode } from '../harness';

/** Credential name the example files reference; users create one with this name. */
export const exampleCredentialName = 'Xano Async (reference backend)';

/** The example files, by the scenario each one shows. */
export const exampleFiles = {
	registration: 'registration.json',
	orderProcessing: 'order-processing.json',
	orderStatus: 'order-status.json',
	bulkImport: 'bulk-import.json',
	resilientSync: 'resilient-sync.json',
	profileFetch: 'profile-fetch.json',
	paymentTrigger: 'payment-completion-trigger.json',
	maintenance: 'scheduled-maintenance.json',
} as const;

export type ExampleName = keyof typeof exampleFiles;

export interface ExampleWorkflow extends WorkflowDefinition {
	id: string;
	pinData?: Record<string, Array<{ json: Record<string, unknown> }>>;
}

/** An example exactly as a user downloads it; a fresh copy each time, so tests may change it. */
export function loadExample(name: ExampleName): ExampleWorkflow {
	const file = join(repoRoot, 'examples', exampleFiles[name]);
	return JSON.parse(readFileSync(file, 'utf8')) as ExampleWorkflow;
}

export function nodeNamed(workflow: WorkflowDefinition, name: string): WorkflowNode {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`"${workflow.name}" has no node "${name}"`);
	return node;
}

/** Sets one value of a Set node (e.g. the record the resilient sync sends). */
export function setAssignment(
	workflow: WorkflowDefinition,
	nodeName: string,
	field: string,
	value: unknown,
): void {
	const assignments = (
		nodeNamed(workflow, nodeName).parameters.assignments as {
			assignments: Array<{ name: string; value: unknown }>;
		}
	).assignments;
	const assignment = assignments.find((candidate) => candidate.name === field);
	if (!assignment) throw new Error(`"${nodeName}" assigns no "${field}"`);
	assignment.value = value;
}

/**
 * Adds a Webhook entry that feeds the same nodes as `triggerName` and answers with the last
 * node's output. The example keeps its own trigger (manual or schedule); a test runs it on the
 * live server through this entry, which is as fast as a webhook call, instead of starting a
 * second n8n process for `n8n execute` or waiting for a schedule.
 */
export function withWebhookEntry(
	workflow: WorkflowDefinition,
	triggerName: string,
	path: string,
): WorkflowDefinition {
	const trigger = nodeNamed(workflow, triggerName);
	const entryName = 'Test entry';
	const entry: WorkflowNode = {
		name: entryName,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [trigger.position[0], trigger.position[1] - 200],
		webhookId: path,
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
	};
	return {
		...workflow,
		nodes: [...workflow.nodes, entry],
		connections: { ...workflow.connections, [entryName]: workflow.connections[triggerName] },
	};
}

/** A copy under another name, so several variants of one example can live side by side. */
export function renamed<T extends WorkflowDefinition>(workflow: T, name: string): T {
	return { ...workflow, name };
}
