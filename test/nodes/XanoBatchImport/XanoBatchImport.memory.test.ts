import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

import type { IDataObject } from 'n8n-workflow';

import { XanoBatchImport } from '../../../nodes/XanoBatchImport/XanoBatchImport.node';
import { startBackend, type RunningBackend } from '../../helpers/backend';
import { N8nRunner } from '../../helpers/n8n-runner';
import { range, readTable } from './support';

jest.setTimeout(600_000);

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function settledHeap(): number {
	for (let round = 0; round < 3; round++) collectGarbage();
	return process.memoryUsage().heapUsed;
}

describe('Xano Batch Import memory', () => {
	let backend: RunningBackend;

	beforeAll(async () => {
		backend = await startBackend({ args: ['--queue-size', '1000'] });
	});

	afterAll(async () => {
		await backend?.stop();
	});

	it('imports 100,000 items using at most a small multiple of their own size', async () => {
		const runner = new N8nRunner([XanoBatchImport]);
		runner.credentials.set('xanoAsyncApi', { baseUrl: backend.baseUrl, token: backend.token });

		const before = settledHeap();
		const items: IDataObject[] = range(100_000).map((index) => ({
			record_id: index,
			email: `customer${index}@example.com`,
			name: `Customer number ${index}`,
			plan: index % 2 === 0 ? 'pro' : 'free',
			amount: index * 1.25,
		}));
		const itemsBytes = settledHeap() - before;

		// Live heap: collected before each sample, so garbage not yet collected does not count.
		let peak = 0;
		const sampler = setInterval(() => {
			collectGarbage();
			peak = Math.max(peak, process.memoryUsage().heapUsed);
		}, 500);
		const withItems = settledHeap();
		let run;
		try {
			run = await runner.run({
				nodeType: 'xanoBatchImport',
				parameters: {
					function: { __rl: true, mode: 'name', value: 'import_batch' },
					additionalInput: JSON.stringify({ table: 'memory' }),
					// Fewer round trips keep the test short; the records in memory are the same.
					batchSize: 1000,
					options: { importId: `memory-${Date.now()}` },
				},
				items,
			});
		} finally {
			clearInterval(sampler);
		}
		// What stays after the run while its output is still held: the summary and its pairedItem.
		peak = Math.max(peak, settledHeap());

		expect(run.error).toBeUndefined();
		expect(run.outputs[0][0].json).toMatchObject({
			batches_total: 100,
			batches_succeeded: 100,
			records_processed: 100_000,
		});
		const ratio = (peak - withItems) / itemsBytes;
		process.stdout.write(
			`100,000 items: ${(itemsBytes / 1e6).toFixed(1)} MB on the heap; live heap growth during ` +
				`the run peaked at ${((peak - withItems) / 1e6).toFixed(1)} MB = ${ratio.toFixed(2)}x ` +
				`their size (n8n's own item copies included), ${run.durationMs} ms\n`,
		);
		expect(ratio).toBeLessThan(3);
		expect(await readTable(backend, 'memory')).toHaveLength(100_000);
	});
});
