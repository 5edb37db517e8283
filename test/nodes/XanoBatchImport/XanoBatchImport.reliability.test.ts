import type { IDataObject } from 'n8n-workflow';

import { XanoBatchImport } from '../../../nodes/XanoBatchImport/XanoBatchImport.node';
import { startBackend, type RunningBackend } from '../../helpers/backend';
import { N8nRunner } from '../../helpers/n8n-runner';
import { pairedIndexes, range, readTable } from './support';

jest.setTimeout(300_000);

let runNumber = 0;

function runnerFor(backend: RunningBackend) {
	const runner = new N8nRunner([XanoBatchImport]);
	runner.credentials.set('xanoAsyncApi', { baseUrl: backend.baseUrl, token: backend.token });
	return runner;
}

function records(count: number): IDataObject[] {
	return range(count).map((index) => ({ record_id: index, email: `user${index}@example.com` }));
}

function importParameters(table: string, extra: IDataObject = {}, options: IDataObject = {}) {
	runNumber++;
	return {
		function: { __rl: true, mode: 'name', value: 'import_batch' },
		additionalInput: JSON.stringify({ table, ...extra }),
		options: { importId: `reliability-${runNumber}-${Date.now()}`, ...options },
	};
}

async function listExecutions(backend: RunningBackend, query: string): Promise<IDataObject[]> {
	const found: IDataObject[] = [];
	for (let page = 1; page <= 100; page++) {
		const response = await fetch(
			`${backend.baseUrl}/async/executions?${query}&per_page=1000&page=${page}`,
			{ headers: { Authorization: `Bearer ${backend.token}` } },
		);
		const body = (await response.json()) as { items: IDataObject[]; nextPage: number | null };
		found.push(...body.items);
		if (body.nextPage === null) break;
	}
	return found;
}

describe('Xano Batch Import against a flaky function', () => {
	let backend: RunningBackend;

	beforeAll(async () => {
		backend = await startBackend({ args: ['--queue-size', '1000'] });
	});

	afterAll(async () => {
		await backend?.stop();
	});

	it('imports 10,000 records exactly once when 20 % of attempts fail, and sums them up', async () => {
		const table = 'ten_thousand';
		const run = await runnerFor(backend).run({
			nodeType: 'xanoBatchImport',
			parameters: importParameters(table, { fail_rate: 0.2 }, { maxRetries: 10 }),
			items: records(10_000),
		});
		expect(run.error).toBeUndefined();
		expect(run.outputs[0]).toHaveLength(1);
		const summary = run.outputs[0][0];
		expect(summary.json).toMatchObject({
			function: 'import_batch',
			batches_total: 100,
			batches_succeeded: 100,
			batches_failed: 0,
			records_total: 10_000,
			records_processed: 10_000,
			records_in_succeeded_batches: 10_000,
			failed_batches: [],
		});
		expect(summary.json.duration_ms).toBeGreaterThan(0);
		expect(pairedIndexes(summary)).toEqual(range(10_000));

		const stored = await readTable(backend, table);
		expect(stored).toHaveLength(10_000);
		const ids = stored.map((record) => record.record_id as number).sort((a, b) => a - b);
		expect(ids).toEqual(range(10_000));
		expect(stored.every((record) => record.email === `user${record.record_id}@example.com`)).toBe(
			true,
		);
		// The failures really happened and were retried.
		const failedAttempts = await listExecutions(backend, 'function=import_batch&status=failed');
		expect(failedAttempts.length).toBeGreaterThan(5);
	});

	it('reports batches that kept failing, with their items, and imports none of their records', async () => {
		const table = 'half_failing';
		const run = await runnerFor(backend).run({
			nodeType: 'xanoBatchImport',
			parameters: {
				...importParameters(
					table,
					{ fail_rate: 0.6 },
					{ maxRetries: 1, toleratedFailurePercent: 100 },
				),
				batchSize: 10,
			},
			items: records(200),
		});
		expect(run.error).toBeUndefined();
		const summary = run.outputs[0][0].json as IDataObject & {
			failed_batches: Array<{ batch_number: number; first_item: number; last_item: number }>;
		};
		expect(summary.batches_total).toBe(20);
		expect(summary.batches_failed).toBeGreaterThan(0);
		expect(summary.batches_succeeded).toBe(20 - (summary.batches_failed as number));
		expect(summary.records_processed).toBe((summary.batches_succeeded as number) * 10);

		const failedItems = new Set<number>();
		for (const batch of summary.failed_batches) {
			expect(batch.first_item).toBe((batch.batch_number - 1) * 10);
			expect(batch.last_item).toBe(batch.batch_number * 10 - 1);
			expect(batch).toMatchObject({
				record_count: 10,
				attempts: 2,
				error: { code: 'ERROR_CODE_IMPORT_FAILED' },
			});
			range(10, batch.first_item).forEach((item) => failedItems.add(item));
		}
		const stored = (await readTable(backend, table)).map((record) => record.record_id as number);
		expect(stored.sort((a, b) => a - b)).toEqual(range(200).filter((id) => !failedItems.has(id)));
	});

	it('does not import twice when the same execution runs again', async () => {
		const table = 'idempotent';
		const parameters = { ...importParameters(table), batchSize: 25 };
		const runner = runnerFor(backend);
		const first = await runner.run({
			nodeType: 'xanoBatchImport',
			parameters,
			items: records(100),
		});
		const second = await runner.run({
			nodeType: 'xanoBatchImport',
			parameters,
			items: records(100),
		});
		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect(second.outputs[0][0].json).toMatchObject({
			batches_succeeded: 4,
			records_processed: 100,
		});
		expect(await readTable(backend, table)).toHaveLength(100);

		// Another import id is another import.
		await runner.run({
			nodeType: 'xanoBatchImport',
			parameters: { ...parameters, options: { importId: `${parameters.options.importId}-b` } },
			items: records(100),
		});
		expect(await readTable(backend, table)).toHaveLength(200);
	});
});

describe('Xano Batch Import when the queue is full', () => {
	let backend: RunningBackend;
	let rateLimited = 0;

	beforeAll(async () => {
		backend = await startBackend({ args: ['--queue-size', '1', '--max-parallel', '1'] });
		backend.process.stderr?.on('data', (chunk: Buffer) => {
			rateLimited += chunk.toString().match(/"status":429/g)?.length ?? 0;
		});
	});

	afterAll(async () => {
		await backend?.stop();
	});

	it('waits out 429 answers as Retry-After says and imports everything', async () => {
		const table = 'rate_limited';
		const run = await runnerFor(backend).run({
			nodeType: 'xanoBatchImport',
			parameters: { ...importParameters(table, {}, { maxRetries: 0 }), batchSize: 10 },
			items: records(200),
		});
		expect(run.error).toBeUndefined();
		expect(run.outputs[0][0].json).toMatchObject({
			batches_total: 20,
			batches_succeeded: 20,
			records_processed: 200,
		});
		expect(rateLimited).toBeGreaterThan(0);
		const stored = (await readTable(backend, table)).map((record) => record.record_id as number);
		expect(stored.sort((a, b) => a - b)).toEqual(range(200));
	});
});

describe('Xano Batch Import errors', () => {
	let backend: RunningBackend;

	beforeAll(async () => {
		backend = await startBackend({ args: ['--queue-size', '1000'] });
	});

	afterAll(async () => {
		await backend?.stop();
	});

	const alwaysFailing = (onError?: 'continueRegularOutput' | 'continueErrorOutput') => ({
		nodeType: 'xanoBatchImport',
		parameters: {
			...importParameters('never_written', { fail_rate: 1 }, { maxRetries: 1 }),
			batchSize: 1,
		},
		items: records(3),
		onError,
	});

	it('fails the node naming the failed batches, the item and the backend code', async () => {
		const run = await runnerFor(backend).run(alwaysFailing());
		expect(run.error).toBeDefined();
		expect(run.error?.message).toBe(
			'3 of 3 batches failed: batches 1 (items 0-0), 2 (items 1-1), 3 (items 2-2)',
		);
		expect(run.error?.description).toContain('ERROR_CODE_IMPORT_FAILED');
		expect((run.error as unknown as { context: IDataObject }).context.itemIndex).toBe(0);
	});

	it('names payload.param when the function rejects its input', async () => {
		const run = await runnerFor(backend).run({
			nodeType: 'xanoBatchImport',
			parameters: importParameters('never_written', { fail_rate: 7 }, { maxRetries: 0 }),
			items: records(2),
		});
		expect(run.error?.description).toContain('ERROR_CODE_INPUT_ERROR');
		expect(run.error?.description).toContain('(parameter: fail_rate)');
	});

	it('names an unknown function, and does not retry it', async () => {
		const runner = runnerFor(backend);
		const run = await runner.run({
			nodeType: 'xanoBatchImport',
			parameters: { ...importParameters('never_written'), function: 'no_such_function' },
			items: records(2),
		});
		expect(run.error?.description).toContain('ERROR_CODE_NOT_FOUND');
		expect(run.error?.description).toContain('no_such_function');

		const tolerated = await runner.run({
			nodeType: 'xanoBatchImport',
			parameters: {
				...importParameters('never_written', {}, { toleratedFailurePercent: 100 }),
				function: { __rl: true, mode: 'name', value: 'no_such_function' },
				outputMode: 'batches',
			},
			items: records(2),
		});
		expect(tolerated.outputs[0][0].json).toMatchObject({
			status: 'failed',
			attempts: 1,
			error: { code: 'ERROR_CODE_NOT_FOUND' },
		});
	});

	it('with Continue On Fail (regular output) emits the summary and one error item per failed batch', async () => {
		const run = await runnerFor(backend).run(alwaysFailing('continueRegularOutput'));
		expect(run.error).toBeUndefined();
		const [summary, ...failures] = run.outputs[0];
		expect(summary.json).toMatchObject({ batches_total: 3, batches_failed: 3 });
		expect(pairedIndexes(summary)).toEqual([0, 1, 2]);
		expect(failures).toHaveLength(3);
		failures.forEach((failure, index) => {
			expect(Object.keys(failure.json).sort()).toEqual(['details', 'error']);
			expect(failure.json.error).toContain(`Batch ${index + 1} failed`);
			expect(failure.json.details).toMatchObject({
				batch_number: index + 1,
				status: 'failed',
				attempts: 2,
				error: { code: 'ERROR_CODE_IMPORT_FAILED' },
			});
			expect(pairedIndexes(failure)).toEqual([index]);
		});
	});

	it('with Continue On Fail (error output) routes the failed batches to the error output', async () => {
		const run = await runnerFor(backend).run(alwaysFailing('continueErrorOutput'));
		expect(run.error).toBeUndefined();
		expect(run.outputs).toHaveLength(2);
		expect(run.outputs[0]).toHaveLength(1);
		expect(run.outputs[0][0].json).toMatchObject({ batches_failed: 3 });
		expect(run.outputs[1]).toHaveLength(3);
		expect(run.outputs[1].map(pairedIndexes)).toEqual([[0], [1], [2]]);
		// n8n merges the paired input item into an error-output item.
		expect(run.outputs[1][2].json).toMatchObject({ record_id: 2 });
	});

	it('fails one item without its record field on its own, and imports the others', async () => {
		const items = [{ data: { record_id: 0 } }, { other: true }, { data: { record_id: 2 } }];
		const parameters = {
			...importParameters('field_import'),
			recordSource: 'field',
			recordField: 'data',
		};
		const failing = await runnerFor(backend).run({
			nodeType: 'xanoBatchImport',
			parameters,
			items,
		});
		expect(failing.error?.message).toBe('Item 1 has no field "data" to import');

		const run = await runnerFor(backend).run({
			nodeType: 'xanoBatchImport',
			parameters: { ...parameters, options: { importId: `${parameters.options.importId}-2` } },
			items,
			onError: 'continueErrorOutput',
		});
		expect(run.outputs[0]).toHaveLength(1);
		expect(run.outputs[0][0].json).toMatchObject({ records_total: 2, records_processed: 2 });
		expect(pairedIndexes(run.outputs[0][0])).toEqual([0, 2]);
		expect(run.outputs[1]).toHaveLength(1);
		expect(pairedIndexes(run.outputs[1][0])).toEqual([1]);
		const stored = (await readTable(backend, 'field_import')).map((record) => record.record_id);
		expect(stored.sort()).toEqual([0, 2]);
	});

	it('counts a batch the backend timed out at Batch Timeout as failed, and does not retry it', async () => {
		const run = await runnerFor(backend).run({
			nodeType: 'xanoBatchImport',
			parameters: {
				function: { __rl: true, mode: 'name', value: 'slow_task' },
				additionalInput: JSON.stringify({ seconds: 3 }),
				outputMode: 'batches',
				options: {
					importId: `timeout-${Date.now()}`,
					batchTimeout: 1,
					toleratedFailurePercent: 100,
				},
			},
			items: records(1),
		});
		expect(run.error).toBeUndefined();
		expect(run.outputs[0][0].json).toMatchObject({
			status: 'failed',
			attempts: 1,
			// Batch Timeout is the run's own timeout on the backend, which ends it as timed_out.
			error: { code: 'ERROR_CODE_TIMEOUT', message: expect.stringContaining('not retried') },
		});
		expect(run.durationMs).toBeLessThan(2900);
	});

	it('stops within a second when the workflow is stopped', async () => {
		const runner = runnerFor(backend);
		const running = runner.start({
			nodeType: 'xanoBatchImport',
			parameters: {
				function: { __rl: true, mode: 'name', value: 'slow_task' },
				additionalInput: JSON.stringify({ seconds: 5 }),
				options: { importId: `cancel-${Date.now()}` },
			},
			items: records(5),
		});
		await new Promise((resolve) => setTimeout(resolve, 500));
		const stoppedAt = Date.now();
		running.cancel();
		const run = await running.done;
		expect(Date.now() - stoppedAt).toBeLessThan(1000);
		expect(run.outputs[0] ?? []).toHaveLength(0);
	});
});
