import { ExecutionRecord, httpCall, HttpError, RunningN8n } from '../harness';
import { sleep } from './backend-client';

/** The workflow's executions in any state (running ones too), newest first, without run data. */
export async function executionsOf(
	n8n: RunningN8n,
	workflowId: string,
): Promise<ExecutionRecord[]> {
	const page = await n8n.api<{ data: ExecutionRecord[] }>(
		'GET',
		`/executions?workflowId=${encodeURIComponent(workflowId)}&limit=50`,
	);
	return page.data;
}

export async function executionWithData(n8n: RunningN8n, id: string): Promise<ExecutionRecord> {
	return n8n.api<ExecutionRecord>('GET', `/executions/${id}?includeData=true`);
}

/** Waits for the workflow's first execution that n8n lists as running. */
export async function waitForRunningExecution(
	n8n: RunningN8n,
	workflowId: string,
	timeoutMs = 30_000,
): Promise<ExecutionRecord> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		// The list leaves running executions out unless asked for them by status.
		const page = await n8n.api<{ data: ExecutionRecord[] }>(
			'GET',
			`/executions?workflowId=${encodeURIComponent(workflowId)}&status=running&limit=10`,
		);
		const running = page.data.find((execution) => execution.status === 'running');
		if (running) return running;
		await sleep(100);
	}
	throw new Error(`No running execution of workflow ${workflowId} after ${timeoutMs} ms`);
}

/**
 * Stops a running execution as the editor's "Stop" button does. The public API has no stop
 * endpoint on 1.123, so this uses the editor's own route with the owner's session.
 */
export async function stopExecution(n8n: RunningN8n, id: string | number): Promise<void> {
	const url = `${n8n.url}/rest/executions/${id}/stop`;
	const answer = await httpCall('POST', url, { headers: { cookie: n8n.sessionCookie }, body: {} });
	if (answer.status !== 200) throw new HttpError('POST', url, answer.status, answer.body);
}

/** Waits until n8n records the execution as finished in any way; returns it and when. */
export async function waitForExecutionEnd(
	n8n: RunningN8n,
	id: string | number,
	timeoutMs = 30_000,
): Promise<{ execution: ExecutionRecord; endedAt: number }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await n8n.api<ExecutionRecord>('GET', `/executions/${id}`);
		if (!['new', 'running', 'waiting'].includes(execution.status)) {
			return { execution, endedAt: Date.now() };
		}
		if (Date.now() > deadline) {
			throw new Error(`Execution ${id} still ${execution.status} after ${timeoutMs} ms`);
		}
		await sleep(50);
	}
}
