// End-to-end harness: real n8n (both lines) with the built package, on 127.0.0.1 only.
export { ensureBuilt, packageManifest } from './build';
export { HttpError, httpCall, httpJson } from './http';
export type { HttpAnswer, HttpMethod, HttpOptions } from './http';
export { executeWorkflowCli, parseRawOutput, runN8nCli } from './n8n-cli';
export type { CliResult, N8nFolder, WorkflowCliRun } from './n8n-cli';
export { startN8n } from './n8n-server';
export type { RunningN8n, StartN8nOptions } from './n8n-server';
export { loadedTypes } from './node-types';
export type { LoadedTypes } from './node-types';
export { testOwner } from './owner';
export { packageDir, repoRoot } from './paths';
export type { N8nLine } from './paths';
export { freePort } from './ports';
export {
	activateWorkflow,
	createCredential,
	deactivateWorkflow,
	finishedExecutions,
	importWorkflow,
	waitForExecutions,
} from './public-api';
export type {
	CredentialReference,
	ExecutionRecord,
	PublicApi,
	StoredWorkflow,
	WorkflowDefinition,
	WorkflowNode,
} from './public-api';
export { itemsOf, outputsByNode, runErrorOf, runsByNode } from './run-data';
export type { JsonObject, N8nItem, N8nRun, NodeRun } from './run-data';
export { callWebhook, waitForWebhook } from './webhook';
