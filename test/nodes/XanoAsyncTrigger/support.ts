import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { RunningBackend } from '../../helpers/backend';

export interface ExecutionJson extends IDataObject {
	execution_id: string;
	function: string;
	status: string;
	completed_at: number | null;
}

async function call<T>(backend: RunningBackend, path: string, body: unknown): Promise<T> {
	const response = await fetch(`${backend.baseUrl}${path}`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${backend.token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status} ${text}`);
	return JSON.parse(text) as T;
}

/** Starts `count` executions in bulk requests (the contract's limit is 1,000 per request). */
export async function invokeMany(
	backend: RunningBackend,
	count: number,
	invocation: IDataObject,
): Promise<string[]> {
	const ids: string[] = [];
	for (let start = 0; start < count; start += 1000) {
		const size = Math.min(1000, count - start);
		const answer = await call<{ executions: ExecutionJson[] }>(backend, '/async/invoke', {
			invocations: Array.from({ length: size }, () => invocation),
		});
		ids.push(...answer.executions.map((execution) => execution.execution_id));
	}
	return ids;
}

/** Waits until every id is terminal (at most 60 s) and returns the executions. */
export async function awaitAll(backend: RunningBackend, ids: string[]): Promise<ExecutionJson[]> {
	const finished: ExecutionJson[] = [];
	for (let start = 0; start < ids.length; start += 1000) {
		const chunk = ids.slice(start, start + 1000);
		finished.push(
			...(await call<ExecutionJson[]>(backend, '/async/await', {
				execution_ids: chunk,
				timeout: 60,
			})),
		);
	}
	const unfinished = finished.filter((execution) => execution.completed_at === null);
	if (unfinished.length > 0) throw new Error(`${unfinished.length} executions did not finish`);
	return finished;
}

export function emittedIds(result: INodeExecutionData[][] | null): string[] {
	return (result?.[0] ?? []).map((item) => (item.json as ExecutionJson).execution_id);
}

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
