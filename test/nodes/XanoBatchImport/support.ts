import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { XanoBatchImport } from '../../../nodes/XanoBatchImport/XanoBatchImport.node';
import type { RunningBackend } from '../../helpers/backend';
import { N8nRunner } from '../../helpers/n8n-runner';

/** An n8n runner with Batch Import whose credential points straight at the backend. */
export function batchImportRunner(backend: RunningBackend): N8nRunner {
	const runner = new N8nRunner([XanoBatchImport]);
	runner.credentials.set('xanoAsyncApi', { baseUrl: backend.baseUrl, token: backend.token });
	return runner;
}

/** The finished executions of one function (first 1,000), as the backend lists them. */
export async function finishedExecutionsOf(
	backend: RunningBackend,
	functionName: string,
): Promise<IDataObject[]> {
	const response = await fetch(
		`${backend.baseUrl}/async/executions?function=${functionName}&per_page=1000`,
		{ headers: { Authorization: `Bearer ${backend.token}` } },
	);
	if (!response.ok) throw new Error(`GET async/executions: HTTP ${response.status}`);
	return ((await response.json()) as { items: IDataObject[] }).items;
}

/** Every record of a ctx.db table, through the reference backend's paged table view. */
export async function readTable(backend: RunningBackend, table: string): Promise<IDataObject[]> {
	const records: IDataObject[] = [];
	for (let page = 1; page <= 1000; page++) {
		const response = await fetch(`${backend.baseUrl}/tables/${table}?page=${page}&per_page=1000`, {
			headers: { Authorization: `Bearer ${backend.token}` },
		});
		if (!response.ok) throw new Error(`GET tables/${table}: HTTP ${response.status}`);
		const body = (await response.json()) as { items: IDataObject[]; nextPage: number | null };
		records.push(...body.items);
		if (body.nextPage === null) return records;
	}
	throw new Error(`Table ${table} has more pages than the test reads`);
}

export function pairedIndexes(item: INodeExecutionData): number[] {
	const paired = item.pairedItem;
	if (paired === undefined) return [];
	const list = Array.isArray(paired) ? paired : [paired];
	return list.map((entry) => (typeof entry === 'number' ? entry : entry.item));
}

export function range(count: number, from = 0): number[] {
	return Array.from({ length: count }, (_, index) => from + index);
}
