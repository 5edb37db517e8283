import {
	batchContentDigest,
	batchIdempotencyKey,
	defaultImportId,
	MAX_KEY_LENGTH,
} from '../../nodes/XanoBatchImport/idempotency';
import {
	exceedsFailureTolerance,
	listFailedBatches,
	readProcessedCount,
	summarizeImport,
	type BatchOutcome,
} from '../../nodes/XanoBatchImport/import-summary';

const outcome = (overrides: Partial<BatchOutcome> & { batchNumber: number }): BatchOutcome => ({
	status: 'succeeded',
	firstItem: (overrides.batchNumber - 1) * 10,
	lastItem: overrides.batchNumber * 10 - 1,
	recordCount: 10,
	attempts: 1,
	executionId: `exec-${overrides.batchNumber}`,
	output: { processed_count: 10 },
	processedCount: 10,
	error: null,
	...overrides,
});

describe('summarizeImport', () => {
	it('counts batches and records and lists each failed batch with its items and error', () => {
		const summary = summarizeImport(
			'import_batch',
			[
				outcome({ batchNumber: 1 }),
				outcome({
					batchNumber: 2,
					status: 'failed',
					attempts: 4,
					output: null,
					processedCount: null,
					error: { code: 'ERROR_FATAL', message: 'disk full', payload: '' },
				}),
				outcome({ batchNumber: 3, recordCount: 5, lastItem: 24, processedCount: null }),
			],
			1234,
		);
		expect(summary).toEqual({
			function: 'import_batch',
			batches_total: 3,
			batches_succeeded: 2,
			batches_failed: 1,
			records_total: 25,
			records_processed: 10,
			records_in_succeeded_batches: 15,
			duration_ms: 1234,
			failed_batches: [
				{
					batch_number: 2,
					first_item: 10,
					last_item: 19,
					record_count: 10,
					attempts: 4,
					execution_id: 'exec-2',
					error: { code: 'ERROR_FATAL', message: 'disk full' },
				},
			],
		});
	});

	it('summarizes an empty import as zero of everything', () => {
		const summary = summarizeImport('f', [], 0);
		expect(summary.batches_total).toBe(0);
		expect(exceedsFailureTolerance(summary, 0)).toBe(false);
	});
});

describe('readProcessedCount', () => {
	it('takes a non-negative number and nothing else', () => {
		expect(readProcessedCount({ processed_count: 7 })).toBe(7);
		expect(readProcessedCount({ processed_count: '7' })).toBeNull();
		expect(readProcessedCount({ processed_count: -1 })).toBeNull();
		expect(readProcessedCount([{ processed_count: 7 }])).toBeNull();
		expect(readProcessedCount(null)).toBeNull();
	});
});

describe('exceedsFailureTolerance', () => {
	it('tolerates nothing at 0 %, up to the share given, everything at 100 %', () => {
		expect(exceedsFailureTolerance({ batches_total: 10, batches_failed: 1 }, 0)).toBe(true);
		expect(exceedsFailureTolerance({ batches_total: 10, batches_failed: 1 }, 10)).toBe(false);
		expect(exceedsFailureTolerance({ batches_total: 10, batches_failed: 2 }, 10)).toBe(true);
		expect(exceedsFailureTolerance({ batches_total: 10, batches_failed: 10 }, 100)).toBe(false);
	});

	it('tolerates exactly the tolerated share (7 of 100 at 7 % once exceeded it: 7.000000000000001)', () => {
		expect(exceedsFailureTolerance({ batches_total: 100, batches_failed: 7 }, 7)).toBe(false);
		expect(exceedsFailureTolerance({ batches_total: 100, batches_failed: 8 }, 7)).toBe(true);
		for (let total = 1; total <= 300; total++) {
			for (const percent of [1, 3, 7, 10, 14, 29, 33, 57, 99]) {
				const failed = (percent * total) / 100;
				if (!Number.isInteger(failed) || failed === 0) continue;
				expect(
					exceedsFailureTolerance({ batches_total: total, batches_failed: failed }, percent),
				).toBe(false);
			}
		}
		expect(exceedsFailureTolerance({ batches_total: 3000, batches_failed: 3 }, 0.1)).toBe(false);
		expect(exceedsFailureTolerance({ batches_total: 3000, batches_failed: 4 }, 0.1)).toBe(true);
	});
});

describe('listFailedBatches', () => {
	it('names batches with their item ranges and shortens long lists', () => {
		const failed = [1, 2, 3].map((n) => ({
			batch_number: n,
			first_item: n * 10,
			last_item: n * 10 + 9,
			record_count: 10,
			attempts: 1,
			execution_id: null,
			error: {},
		}));
		expect(listFailedBatches(failed.slice(0, 1))).toBe('batch 1 (items 10-19)');
		expect(listFailedBatches(failed, 2)).toBe(
			'batches 1 (items 10-19), 2 (items 20-29) and 1 more',
		);
	});
});

describe('batchIdempotencyKey', () => {
	const parts = {
		importId: '42',
		nodeId: 'node-a',
		runIndex: 0,
		batchSize: 100,
		batchCount: 7,
		batchNumber: 3,
		contentDigest: batchContentDigest({ records: [{ id: 1 }], batch_number: 3 }),
	};

	it('is the same for the same execution, node, layout, batch and content', () => {
		expect(batchIdempotencyKey(parts)).toBe(batchIdempotencyKey({ ...parts }));
	});

	it('differs when any part differs', () => {
		const key = batchIdempotencyKey(parts);
		expect(batchIdempotencyKey({ ...parts, importId: '43' })).not.toBe(key);
		expect(batchIdempotencyKey({ ...parts, nodeId: 'node-b' })).not.toBe(key);
		expect(batchIdempotencyKey({ ...parts, runIndex: 1 })).not.toBe(key);
		expect(batchIdempotencyKey({ ...parts, batchSize: 50 })).not.toBe(key);
		expect(batchIdempotencyKey({ ...parts, batchNumber: 4 })).not.toBe(key);
		expect(batchIdempotencyKey({ ...parts, contentDigest: 'other' })).not.toBe(key);
	});

	it("stays within the contract's 255 characters with a long Import ID, still naming it", () => {
		const long = batchIdempotencyKey({ ...parts, importId: 'x'.repeat(400) });
		expect(long.length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
		expect(batchIdempotencyKey({ ...parts, importId: `${'x'.repeat(399)}y` })).not.toBe(long);
	});
});

describe('batchContentDigest (same Import ID with changed input once kept the old keys)', () => {
	const input = { table: 't', records: [{ id: 1 }, { id: 2 }], batch_number: 1, batch_count: 2 };

	it('is the same for the same records and input', () => {
		expect(batchContentDigest(input)).toBe(
			batchContentDigest({ ...input, records: [{ id: 1 }, { id: 2 }] }),
		);
	});

	it('differs when a record, their order or another input field differs', () => {
		const digest = batchContentDigest(input);
		expect(batchContentDigest({ ...input, records: [{ id: 1 }, { id: 3 }] })).not.toBe(digest);
		expect(batchContentDigest({ ...input, records: [{ id: 2 }, { id: 1 }] })).not.toBe(digest);
		expect(batchContentDigest({ ...input, records: [{ id: 1 }] })).not.toBe(digest);
		expect(batchContentDigest({ ...input, table: 'u' })).not.toBe(digest);
		// Record boundaries count: ["a\nb"] is not ["a", "b"].
		expect(batchContentDigest({ records: ['a\nb'] })).not.toBe(
			batchContentDigest({ records: ['a', 'b'] }),
		);
	});
});

describe('defaultImportId (execution ids of two n8n instances once collided)', () => {
	const instanceA = 'a'.repeat(64);
	const instanceB = 'b'.repeat(64);

	it('names the instance and the workflow besides the execution', () => {
		expect(defaultImportId(instanceA, 'wf1', '12')).not.toBe(
			defaultImportId(instanceB, 'wf1', '12'),
		);
		expect(defaultImportId(instanceA, 'wf1', '12')).not.toBe(
			defaultImportId(instanceA, 'wf2', '12'),
		);
		expect(defaultImportId(instanceA, 'wf1', '12')).toBe(defaultImportId(instanceA, 'wf1', '12'));
	});
});
