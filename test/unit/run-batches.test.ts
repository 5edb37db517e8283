import type { IDataObject } from 'n8n-workflow';

import { planBatches } from '../../nodes/XanoBatchImport/batch-plan';
import {
	PermanentBatchError,
	runBatches,
	StopImportError,
	type BatchBackend,
	type BatchRunOptions,
} from '../../nodes/XanoBatchImport/run-batches';
import type { ContractError, Execution, ExecutionStatus } from '../../nodes/shared/types';

/** A scripted backend: each invocation of a batch ends as the script says for that attempt. */
type Script = Record<number, Array<ExecutionStatus | 'network' | 'bad-input' | 'refused'>>;

function execution(id: string, status: ExecutionStatus, output: unknown = null): Execution {
	return {
		execution_id: id,
		function: 'import_batch',
		status,
		output: output as Execution['output'],
		error: status === 'failed' ? { code: 'ERROR_CODE_IMPORT_FAILED', message: 'boom' } : null,
		attempts: 1,
		priority: 'normal',
		tags: [],
		created_at: 0,
		started_at: 0,
		completed_at: status === 'running' ? null : 0,
		duration_ms: 0,
		idempotency_key: null,
	};
}

class NetworkFailure extends Error {}
class BadInput extends Error {}
class Refused extends Error {}

function scriptedBackend(script: Script) {
	const sleeps: number[] = [];
	const inputs: IDataObject[] = [];
	const keys: string[] = [];
	const calls = new Map<number, number>();
	const backend: BatchBackend = {
		async invoke(slice, input, key) {
			inputs.push(input);
			keys.push(key);
			const attempt = calls.get(slice.batchNumber) ?? 0;
			calls.set(slice.batchNumber, attempt + 1);
			const outcome = script[slice.batchNumber]?.[attempt] ?? 'completed';
			if (outcome === 'network') throw new NetworkFailure('socket hang up');
			if (outcome === 'bad-input') throw new BadInput('records must be an array');
			if (outcome === 'refused') throw new Refused('HTTP 401');
			const records = (input.records as unknown[]).length;
			return execution(`b${slice.batchNumber}a${attempt}`, outcome, { processed_count: records });
		},
		async awaitTerminal(_slice, started) {
			return started;
		},
		async sleep(ms) {
			sleeps.push(ms);
		},
		now: () => 0,
		random: () => 0,
		classifyRequestError(error): ContractError | PermanentBatchError | StopImportError {
			if (error instanceof Refused) {
				return new StopImportError(
					{ code: 'ERROR_CODE_UNAUTHORIZED', message: error.message },
					error,
				);
			}
			if (error instanceof BadInput) {
				return new PermanentBatchError({
					code: 'ERROR_CODE_INPUT_ERROR',
					message: error.message,
					payload: { param: 'records' },
				});
			}
			if (error instanceof NetworkFailure) return { code: 'ERROR_NETWORK', message: error.message };
			throw error;
		},
	};
	return { backend, sleeps, inputs, keys, calls };
}

function options(recordCount: number, batchSize: number, maxRetries = 3): BatchRunOptions {
	const plan = planBatches(
		Uint32Array.from({ length: recordCount }, (_, index) => index),
		batchSize,
	);
	return {
		plan,
		concurrency: 2,
		retry: { maxRetries, baseDelayMs: 100, maxDelayMs: 1_000 },
		batchTimeoutMs: 1_000,
		buildInput: (slice) => ({
			records: Array.from({ length: slice.end - slice.start }, (_, index) => slice.start + index),
			batch_number: slice.batchNumber,
		}),
		idempotencyKey: (slice) => `key-${slice.batchNumber}`,
		keepOutput: true,
	};
}

describe('runBatches', () => {
	it('succeeds every batch on the first attempt when nothing fails', async () => {
		const { backend, sleeps } = scriptedBackend({});
		const { outcomes } = await runBatches(backend, options(25, 10));
		expect(
			outcomes.map((outcome) => [outcome.status, outcome.recordCount, outcome.attempts]),
		).toEqual([
			['succeeded', 10, 1],
			['succeeded', 10, 1],
			['succeeded', 5, 1],
		]);
		expect(outcomes[2]).toMatchObject({ firstItem: 20, lastItem: 24, processedCount: 5 });
		expect(sleeps).toEqual([]);
	});

	it('retries a failed run and a lost request under the same key, backing off', async () => {
		const { backend, sleeps, keys } = scriptedBackend({ 1: ['failed', 'network', 'completed'] });
		const {
			outcomes: [outcome],
		} = await runBatches(backend, options(5, 10));
		expect(outcome).toMatchObject({ status: 'succeeded', attempts: 3, error: null });
		expect(keys).toEqual(['key-1', 'key-1', 'key-1']);
		expect(sleeps).toEqual([50, 100]);
	});

	it('gives up after the retries, keeping the last error', async () => {
		const { backend, calls } = scriptedBackend({ 2: ['failed', 'failed', 'cancelled'] });
		const { outcomes } = await runBatches(backend, options(20, 10, 2));
		expect(outcomes[0].status).toBe('succeeded');
		expect(outcomes[1]).toMatchObject({
			status: 'failed',
			attempts: 3,
			firstItem: 10,
			lastItem: 19,
		});
		expect(outcomes[1].error?.message).toContain('cancelled');
		expect(calls.get(2)).toBe(3);
	});

	it('does not retry what retrying cannot fix', async () => {
		const { backend, calls } = scriptedBackend({ 1: ['bad-input'] });
		const {
			outcomes: [outcome],
		} = await runBatches(backend, options(5, 10));
		expect(outcome).toMatchObject({
			status: 'failed',
			attempts: 1,
			error: { code: 'ERROR_CODE_INPUT_ERROR', payload: { param: 'records' } },
		});
		expect(calls.get(1)).toBe(1);
	});

	it('does not retry a batch still running at its timeout', async () => {
		const { backend, calls } = scriptedBackend({ 1: ['running'] });
		const {
			outcomes: [outcome],
		} = await runBatches(backend, options(5, 10));
		expect(outcome).toMatchObject({ status: 'failed', error: { code: 'BATCH_TIMEOUT' } });
		expect(calls.get(1)).toBe(1);
	});

	it('gathers the records of a batch only when it is sent', async () => {
		const { backend, inputs } = scriptedBackend({});
		await runBatches(backend, options(15, 10));
		expect(inputs.map((input) => input.records)).toEqual([
			[0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
			[10, 11, 12, 13, 14],
		]);
	});

	it('does not retry a timed-out batch: its key is free again, so a retry would be a new run', async () => {
		const { backend, calls } = scriptedBackend({ 1: ['timed_out'] });
		const {
			outcomes: [outcome],
		} = await runBatches(backend, options(5, 10));
		expect(outcome).toMatchObject({ status: 'failed', attempts: 1 });
		expect(outcome.error?.message).toMatch(/timed out.*not retried/);
		expect(calls.get(1)).toBe(1);
	});

	it('stops sending batches after a refused request and reports the rest as not sent', async () => {
		const { backend, calls } = scriptedBackend({ 2: ['refused'] });
		const run = await runBatches(backend, { ...options(60, 10), concurrency: 1 });
		expect(run.stop).toMatchObject({ batchNumber: 2 });
		expect(run.stop?.reason).toBeInstanceOf(Refused);
		expect(run.outcomes.map((outcome) => outcome.status)).toEqual([
			'succeeded',
			'failed',
			'failed',
			'failed',
			'failed',
			'failed',
		]);
		expect(run.outcomes[1].error?.code).toBe('ERROR_CODE_UNAUTHORIZED');
		expect(run.outcomes[2]).toMatchObject({ attempts: 0, error: { code: 'IMPORT_STOPPED' } });
		expect([...calls.keys()]).toEqual([1, 2]);
	});

	it('keeps no output when only the processed count is needed (summary mode kept every output)', async () => {
		const { backend } = scriptedBackend({});
		const { outcomes } = await runBatches(backend, { ...options(25, 10), keepOutput: false });
		expect(outcomes.map((outcome) => [outcome.output, outcome.processedCount])).toEqual([
			[null, 10],
			[null, 10],
			[null, 5],
		]);
	});

	it('computes the key once per batch from its first input and sends it on every retry', async () => {
		const { backend, keys } = scriptedBackend({ 1: ['failed', 'completed'] });
		const seen: IDataObject[] = [];
		await runBatches(backend, {
			...options(5, 10),
			idempotencyKey: (slice, input) => {
				seen.push(input);
				return `key-${slice.batchNumber}-${(input.records as unknown[]).length}`;
			},
		});
		expect(seen).toHaveLength(1);
		expect(keys).toEqual(['key-1-5', 'key-1-5']);
	});
});
