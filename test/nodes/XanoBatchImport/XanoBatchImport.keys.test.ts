import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startBackend, type RunningBackend } from '../../helpers/backend';
import { batchImportRunner, finishedExecutionsOf, range, readTable } from './support';

jest.setTimeout(120_000);

let backend: RunningBackend;

beforeAll(async () => {
	backend = await startBackend({ args: ['--queue-size', '1000'] });
});
afterAll(async () => {
	await backend?.stop();
});

function runnerFor() {
	return batchImportRunner(backend);
}

async function executionsOf(table: string): Promise<IDataObject[]> {
	const executions = await finishedExecutionsOf(backend, 'import_batch');
	return executions.filter((execution) => (execution.input as IDataObject)?.table === table);
}

function parameters(table: string, options: INodeParameters): INodeParameters {
	return {
		function: { __rl: true, mode: 'name', value: 'import_batch' },
		recordSource: 'field',
		recordField: 'record',
		additionalInput: JSON.stringify({ table }),
		batchSize: 10,
		options,
	};
}

describe('Xano Batch Import idempotency keys', () => {
	it('imports a record that shifted into another batch under the same Import ID (the old key said deduplicated)', async () => {
		const table = 'shifted';
		const importId = `shift-${Date.now()}`;
		// Item 3 has no record at first: it fails on its own and records 4..19 sit one place earlier.
		const items: IDataObject[] = range(20).map((index) =>
			index === 3 ? { other: true } : { record: { record_id: index } },
		);
		const first = await runnerFor().run({
			nodeType: 'xanoBatchImport',
			parameters: parameters(table, { importId }),
			items,
			onError: 'continueRegularOutput',
		});
		expect(first.error).toBeUndefined();
		items[3] = { record: { record_id: 3 } };

		const second = await runnerFor().run({
			nodeType: 'xanoBatchImport',
			parameters: parameters(table, { importId }),
			items,
		});
		expect(second.error).toBeUndefined();
		expect(second.outputs[0][0].json).toMatchObject({ batches_failed: 0, records_total: 20 });

		const stored = (await readTable(backend, table)).map((row) => row.record_id as number);
		expect([...new Set(stored)].sort((a, b) => a - b)).toEqual(range(20));
	});

	it('finds every batch of an identical re-run with the same Import ID', async () => {
		const table = 'rerun';
		const importId = `rerun-${Date.now()}`;
		const items = range(30).map((index) => ({ record: { record_id: index } }));
		for (let run = 0; run < 2; run++) {
			const result = await runnerFor().run({
				nodeType: 'xanoBatchImport',
				parameters: parameters(table, { importId }),
				items,
			});
			expect(result.outputs[0][0].json).toMatchObject({ batches_succeeded: 3 });
		}
		expect(await executionsOf(table)).toHaveLength(3);
		expect(await readTable(backend, table)).toHaveLength(30);
	});

	it('names the n8n instance and workflow in the default key (execution ids collide across instances)', async () => {
		const table = 'default_key';
		const runner = runnerFor();
		const result = await runner.run({
			nodeType: 'xanoBatchImport',
			parameters: parameters(table, {}),
			items: [{ record: { record_id: 1 } }],
		});
		expect(result.error).toBeUndefined();
		const [execution] = await executionsOf(table);
		const key = execution.idempotency_key as string;
		expect(key).toMatch(/^n8n-batch:[0-9a-f]{16}\/test-workflow\/test-execution:node-under-test:/);
	});
});
