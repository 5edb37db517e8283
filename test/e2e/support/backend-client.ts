import { httpJson } from '../harness';
import type { RunningBackend } from '../../helpers/backend';

/** An execution as the contract describes it (the fields the tests read). */
export interface BackendExecution {
	execution_id: string;
	function: string;
	status: string;
	input?: Record<string, unknown>;
	output: unknown;
	error: { code: string; message: string; payload?: unknown } | null;
	tags: string[];
	created_at: number | null;
	started_at: number | null;
	completed_at: number | null;
	idempotency_key: string | null;
}

export interface TableRecord {
	id: number;
	created_at: number;
	[field: string]: unknown;
}

const terminal = new Set(['completed', 'failed', 'cancelled', 'timed_out', 'not_found']);

/**
 * The reference backend seen from the tests, with the same token the workflows' credential
 * holds: what n8n started there, and what the functions wrote into their tables.
 */
export class BackendClient {
	constructor(private readonly backend: Pick<RunningBackend, 'baseUrl' | 'token'>) {}

	private call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
		return httpJson<T>(method, `${this.backend.baseUrl}${path}`, {
			body,
			headers: { authorization: `Bearer ${this.backend.token}` },
			timeoutMs: 60_000,
		});
	}

	execution(id: string): Promise<BackendExecution> {
		return this.call('GET', `/async/executions/${id}`);
	}

	/** Holds until every listed execution has ended (or `timeoutSeconds`), like the Await node. */
	awaitAll(ids: string[], timeoutSeconds = 30): Promise<BackendExecution[]> {
		return this.call('POST', '/async/await', { execution_ids: ids, timeout: timeoutSeconds });
	}

	invoke(
		functionName: string,
		input: Record<string, unknown>,
		options: { tags?: string[]; timeout?: number; idempotency_key?: string } = {},
	): Promise<BackendExecution> {
		return this.call('POST', '/async/invoke', { function: functionName, input, ...options });
	}

	cancel(id: string): Promise<BackendExecution> {
		return this.call('POST', `/async/executions/${id}/cancel`);
	}

	/** Every finished execution of these functions (all pages, bounded). */
	async finished(functionNames: string[]): Promise<BackendExecution[]> {
		const executions: BackendExecution[] = [];
		for (let page = 1; page <= 50; page++) {
			const answer = await this.call<{ items: BackendExecution[]; nextPage: number | null }>(
				'GET',
				`/async/executions?function=${functionNames.join(',')}&per_page=1000&page=${page}`,
			);
			executions.push(...answer.items);
			if (answer.nextPage === null) break;
		}
		return executions;
	}

	/** The records of one `ctx.db` table, in id order (all pages, bounded). */
	async table(name: string): Promise<TableRecord[]> {
		const records: TableRecord[] = [];
		for (let page = 1; page <= 100; page++) {
			const answer = await this.call<{ items: TableRecord[]; nextPage: number | null }>(
				'GET',
				`/tables/${name}?per_page=1000&page=${page}`,
			);
			records.push(...answer.items);
			if (answer.nextPage === null) break;
		}
		return records;
	}

	async tableSize(name: string): Promise<number> {
		const answer = await this.call<{ itemsTotal: number }>('GET', `/tables/${name}?per_page=1`);
		return answer.itemsTotal;
	}

	/** Waits until the execution reaches `status` (running, completed...), polling briefly. */
	async waitForStatus(id: string, status: string, timeoutMs = 20_000): Promise<BackendExecution> {
		const deadline = Date.now() + timeoutMs;
		let execution = await this.execution(id);
		while (execution.status !== status && Date.now() < deadline) {
			if (terminal.has(execution.status)) break;
			await sleep(100);
			execution = await this.execution(id);
		}
		return execution;
	}
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
