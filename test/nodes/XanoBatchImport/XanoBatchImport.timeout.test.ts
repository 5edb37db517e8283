import type { IDataObject } from 'n8n-workflow';

import { startBackend, type RunningBackend } from '../../helpers/backend';
import { batchImportRunner, finishedExecutionsOf } from './support';

jest.setTimeout(120_000);

let backend: RunningBackend;

beforeAll(async () => {
	// A backend default run timeout shorter than the function needs: only the node's own
	// Batch Timeout, sent with each invocation, lets the batch finish.
	backend = await startBackend({ args: ['--queue-size', '1000', '--default-timeout', '2'] });
});
afterAll(async () => {
	await backend?.stop();
});

function runnerFor() {
	return batchImportRunner(backend);
}

async function slowTaskRuns(importId: string): Promise<IDataObject[]> {
	const executions = await finishedExecutionsOf(backend, 'slow_task');
	return executions.filter((execution) =>
		String(execution.idempotency_key).startsWith(`n8n-batch:${importId}:`),
	);
}

function parameters(importId: string, seconds: number, options: IDataObject) {
	return {
		function: { __rl: true, mode: 'name', value: 'slow_task' },
		additionalInput: JSON.stringify({ seconds }),
		batchSize: 10,
		options: { importId, maxRetries: 2, ...options },
	};
}

describe('Xano Batch Import Batch Timeout', () => {
	it('reaches the backend as the run timeout (the backend default of 2 s once killed a 3 s batch)', async () => {
		const importId = `timeout-sent-${Date.now()}`;
		const run = await runnerFor().run({
			nodeType: 'xanoBatchImport',
			parameters: parameters(importId, 3, { batchTimeout: 30 }),
			items: [{ a: 1 }],
		});
		expect(run.error).toBeUndefined();
		expect(run.outputs[0][0].json).toMatchObject({ batches_succeeded: 1, batches_failed: 0 });
		const runs = await slowTaskRuns(importId);
		expect(runs.map((execution) => execution.status)).toEqual(['completed']);
	});

	it('does not retry a timed-out batch, so its records are not run a second time', async () => {
		const importId = `timeout-once-${Date.now()}`;
		const run = await runnerFor().run({
			nodeType: 'xanoBatchImport',
			parameters: parameters(importId, 6, { batchTimeout: 1, toleratedFailurePercent: 100 }),
			items: [{ a: 1 }],
		});
		expect(run.error).toBeUndefined();
		const summary = run.outputs[0][0].json as IDataObject;
		expect(summary).toMatchObject({ batches_failed: 1 });
		const [failed] = summary.failed_batches as IDataObject[];
		expect(failed.attempts).toBe(1);
		expect((failed.error as IDataObject).message).toMatch(/not retried/);
		const runs = await slowTaskRuns(importId);
		expect(runs).toHaveLength(1);
	});
});
