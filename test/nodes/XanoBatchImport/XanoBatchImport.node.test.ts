import type { IDataObject } from 'n8n-workflow';

import { XanoBatchImport } from '../../../nodes/XanoBatchImport/XanoBatchImport.node';
import { startBackend, type RunningBackend } from '../../helpers/backend';
import { N8nRunner } from '../../helpers/n8n-runner';
import { pairedIndexes, range, readTable } from './support';

jest.setTimeout(180_000);

let backend: RunningBackend;
let runner: N8nRunner;
let importNumber = 0;

beforeAll(async () => {
	backend = await startBackend();
	runner = new N8nRunner([XanoBatchImport]);
	runner.credentials.set('xanoAsyncApi', { baseUrl: backend.baseUrl, token: backend.token });
});

afterAll(async () => {
	await backend?.stop();
});

/** A fresh table and import id per test: the runner reuses one n8n execution id. */
function freshImport() {
	importNumber++;
	return { table: `import_${importNumber}`, importId: `test-${importNumber}-${Date.now()}` };
}

function people(count: number): IDataObject[] {
	return range(count).map((index) => ({ person_id: index, name: `Person ${index}` }));
}

async function runImport(
	items: IDataObject[],
	parameters: IDataObject,
	options: IDataObject = {},
	onError?: 'continueRegularOutput' | 'continueErrorOutput',
) {
	const { table, importId } = freshImport();
	const run = await runner.run({
		nodeType: 'xanoBatchImport',
		parameters: {
			function: { __rl: true, mode: 'name', value: 'import_batch' },
			additionalInput: JSON.stringify({ table, ...((parameters.extraInput as IDataObject) ?? {}) }),
			...parameters,
			options: { importId, ...options },
		},
		items,
		onError,
	});
	return { run, table, importId };
}

describe('Xano Batch Import', () => {
	it.each([1, 3])(
		'imports %i item(s) as one batch and pairs the summary with them',
		async (count) => {
			const { run, table } = await runImport(people(count), {});
			expect(run.error).toBeUndefined();
			expect(run.outputs[0]).toHaveLength(1);
			const [summary] = run.outputs[0];
			expect(summary.json).toMatchObject({
				function: 'import_batch',
				batches_total: 1,
				batches_succeeded: 1,
				batches_failed: 0,
				records_total: count,
				records_processed: count,
				failed_batches: [],
			});
			expect(pairedIndexes(summary)).toEqual(range(count));
			const stored = await readTable(backend, table);
			expect(
				stored.map((record) => record.person_id).sort((a, b) => Number(a) - Number(b)),
			).toEqual(range(count));
		},
	);

	it('imports 1,000 items in batches of 100, one output item per batch paired with its items', async () => {
		const { run, table } = await runImport(people(1000), { outputMode: 'batches' });
		expect(run.error).toBeUndefined();
		const batches = run.outputs[0];
		expect(batches).toHaveLength(10);
		batches.forEach((batch, index) => {
			expect(batch.json).toMatchObject({
				batch_number: index + 1,
				batch_count: 10,
				status: 'succeeded',
				first_item: index * 100,
				last_item: index * 100 + 99,
				record_count: 100,
				processed_count: 100,
				output: { processed_count: 100, batch_number: index + 1, table },
				error: null,
			});
			expect(pairedIndexes(batch)).toEqual(range(100, index * 100));
		});
		const stored = await readTable(backend, table);
		expect(stored).toHaveLength(1000);
		expect(new Set(stored.map((record) => record.person_id)).size).toBe(1000);
	});

	it('sends one field of each item when told to, with the batch numbers', async () => {
		const items = range(3).map((index) => ({ wrapper: { record: { sku: `SKU-${index}` } } }));
		const { run, table } = await runImport(items, {
			recordSource: 'field',
			recordField: 'wrapper.record',
			batchSize: 2,
			outputMode: 'batches',
		});
		expect(run.error).toBeUndefined();
		expect(run.outputs[0].map((item) => item.json.record_count)).toEqual([2, 1]);
		const stored = await readTable(backend, table);
		expect(stored.map((record) => record.sku).sort()).toEqual(['SKU-0', 'SKU-1', 'SKU-2']);
	});
});
