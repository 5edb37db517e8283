import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPairedItemData,
} from 'n8n-workflow';

import {
	authenticationProperty,
	credentialsForNodes,
	functionProperty,
} from '../shared/descriptions';
import { errorItem, failedItem } from '../shared/items';
import { searchFunctions } from '../shared/methods/searchFunctions';
import type { ContractError, InvocationPriority } from '../shared/types';
import { backendFor, runTimeoutSeconds } from './batch-backend';
import { batchItemIndexes, batchSlice, planBatches, type BatchSlice } from './batch-plan';
import { batchImportProperties } from './description';
import { batchContentDigest, batchIdempotencyKey, defaultImportId } from './idempotency';
import {
	errorToJson,
	exceedsFailureTolerance,
	listFailedBatches,
	summarizeImport,
	type BatchOutcome,
} from './import-summary';
import { parseJsonObject, readRecordField } from './records';
import { DEFAULT_RETRY_POLICY } from './retry-policy';
import { runBatches } from './run-batches';

interface ImportOptions {
	batchTimeout?: number;
	importId?: string;
	concurrency?: number;
	priority?: InvocationPriority;
	maxRetries?: number;
	toleratedFailurePercent?: number;
}

/**
 * What is wrong with the options, if anything. An expression skips the editor's limits, and a
 * negative retry count would leave every batch unsent and reported failed.
 */
function invalidOptionOf(options: ImportOptions): string | undefined {
	const { concurrency, maxRetries, batchTimeout, toleratedFailurePercent } = options;
	const given = (value: number | undefined) => `, got ${String(value)}`;
	if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
		return `Max Batches in Flight must be a whole number of at least 1${given(concurrency)}`;
	}
	if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) {
		return `Retries per Batch must be a whole number of 0 or more${given(maxRetries)}`;
	}
	if (batchTimeout !== undefined && !(Number.isFinite(batchTimeout) && batchTimeout > 0)) {
		return `Batch Timeout must be a number of seconds above 0${given(batchTimeout)}`;
	}
	const tolerated = toleratedFailurePercent;
	if (
		tolerated !== undefined &&
		!(Number.isFinite(tolerated) && tolerated >= 0 && tolerated <= 100)
	) {
		return `Tolerated Failed Batches must be a percentage from 0 to 100${given(tolerated)}`;
	}
	return undefined;
}

function pairedItemsOf(indexes: Iterable<number>): IPairedItemData[] {
	return Array.from(indexes, (item) => ({ item }));
}

function batchJson(outcome: BatchOutcome, batchCount: number): IDataObject {
	return {
		batch_number: outcome.batchNumber,
		batch_count: batchCount,
		status: outcome.status,
		first_item: outcome.firstItem,
		last_item: outcome.lastItem,
		record_count: outcome.recordCount,
		attempts: outcome.attempts,
		execution_id: outcome.executionId,
		processed_count: outcome.processedCount,
		output: (outcome.output ?? null) as IDataObject | null,
		error: outcome.error ? errorToJson(outcome.error) : null,
	};
}

function paramOf(error: ContractError | null): string | null {
	const payload = error?.payload;
	if (payload === null || typeof payload !== 'object') return null;
	return typeof payload.param === 'string' ? payload.param : null;
}

export class XanoBatchImport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Xano Batch Import',
		name: 'xanoBatchImport',
		icon: { light: 'file:../../icons/xanoAsync.svg', dark: 'file:../../icons/xanoAsync.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{"Import into " + ($parameter["function"].value || $parameter["function"])}}',
		description:
			'Import many records through a Xano function, in batches that run in parallel and are retried on their own',
		defaults: { name: 'Xano Batch Import' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialsForNodes,
		properties: [authenticationProperty, functionProperty, ...batchImportProperties],
	};

	methods = { listSearch: { searchFunctions } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const startedAt = Date.now();
		const node = this.getNode();
		const continueOnFail = this.continueOnFail();

		const functionName = (
			this.getNodeParameter('function', 0, '', { extractValue: true }) as string
		).trim();
		if (functionName === '') {
			throw new NodeOperationError(node, 'Choose the function that imports one batch', {
				itemIndex: 0,
			});
		}
		const recordSource = this.getNodeParameter('recordSource', 0, 'item') as string;
		const recordField = this.getNodeParameter('recordField', 0, '') as string;
		const batchSize = this.getNodeParameter('batchSize', 0, 100) as number;
		const outputMode = this.getNodeParameter('outputMode', 0, 'summary') as string;
		const options = this.getNodeParameter('options', 0, {}) as ImportOptions;
		const additionalInput = parseJsonObject(this.getNodeParameter('additionalInput', 0, '{}'));
		if (additionalInput === undefined) {
			throw new NodeOperationError(node, 'Additional Input must be a JSON object', {
				description: 'For example {"table": "customers"}.',
				itemIndex: 0,
			});
		}
		if (!Number.isInteger(batchSize) || batchSize < 1) {
			throw new NodeOperationError(node, `Batch Size must be a whole number of at least 1`, {
				itemIndex: 0,
			});
		}
		const invalidOption = invalidOptionOf(options);
		if (invalidOption !== undefined) {
			throw new NodeOperationError(node, invalidOption, { itemIndex: 0 });
		}

		const recordOf = (index: number): unknown =>
			recordSource === 'field'
				? readRecordField(items[index].json, recordField)
				: items[index].json;

		// Items whose record is missing fail on their own; the others are imported.
		const returnData: INodeExecutionData[] = [];
		const sourceItems = new Uint32Array(items.length);
		let recordCount = 0;
		for (let index = 0; index < items.length; index++) {
			if (recordOf(index) !== undefined) {
				sourceItems[recordCount++] = index;
				continue;
			}
			const error = new NodeOperationError(
				node,
				`Item ${index} has no field "${recordField}" to import`,
				{ itemIndex: index, description: 'Check Record Field, or use the whole item.' },
			);
			if (!continueOnFail) throw error;
			returnData.push(errorItem(error, index));
		}

		const plan = planBatches(sourceItems.subarray(0, recordCount), batchSize);
		const importId =
			options.importId?.trim() ||
			defaultImportId(this.getInstanceId(), this.getWorkflow().id ?? '', this.getExecutionId());
		const runIndex = Number(this.getWorkflowDataProxy(0).$runIndex) || 0;
		const buildInput = (slice: BatchSlice): IDataObject => ({
			...additionalInput,
			records: batchItemIndexes(plan, slice).map(recordOf) as IDataObject[],
			batch_number: slice.batchNumber,
			batch_count: plan.batchCount,
		});

		const batchTimeout = options.batchTimeout ?? 600;
		const backend = backendFor(this, {
			functionName,
			plan,
			priority: options.priority,
			runTimeoutSeconds: runTimeoutSeconds(batchTimeout),
		});
		const { outcomes, stop } = await runBatches(backend, {
			plan,
			concurrency: options.concurrency ?? 10,
			retry: {
				...DEFAULT_RETRY_POLICY,
				maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
			},
			batchTimeoutMs: batchTimeout * 1000,
			buildInput,
			idempotencyKey: (slice, input) =>
				batchIdempotencyKey({
					importId,
					nodeId: node.id,
					runIndex,
					batchSize,
					batchCount: plan.batchCount,
					batchNumber: slice.batchNumber,
					contentDigest: batchContentDigest(input),
				}),
			keepOutput: outputMode === 'batches',
		});
		// A refused token stops the import; without Continue On Fail it fails the node as it came.
		if (stop !== null && !continueOnFail) throw stop.reason;

		const summary = summarizeImport(functionName, outcomes, Date.now() - startedAt);
		const failedTooOften =
			stop !== null || exceedsFailureTolerance(summary, options.toleratedFailurePercent ?? 0);
		if (failedTooOften && !continueOnFail) {
			const first = outcomes.find((outcome) => outcome.status === 'failed');
			const param = paramOf(first?.error ?? null);
			throw new NodeOperationError(
				node,
				`${summary.batches_failed} of ${summary.batches_total} batches failed: ${listFailedBatches(summary.failed_batches)}`,
				{
					itemIndex: first?.firstItem,
					description:
						`First failure, batch ${first?.batchNumber}: ${first?.error?.code ?? 'ERROR_FATAL'}: ` +
						`${first?.error?.message ?? ''}${param ? ` (parameter: ${param})` : ''}. ` +
						`${summary.batches_succeeded} batches (${summary.records_in_succeeded_batches} records) went through; ` +
						'Running it again with the same Import ID retries only the failed batches.',
				},
			);
		}

		const batchItems = (outcome: BatchOutcome) =>
			pairedItemsOf(batchItemIndexes(plan, batchSlice(plan, outcome.batchNumber)));
		const failureItem = (outcome: BatchOutcome): INodeExecutionData => {
			const message = `Batch ${outcome.batchNumber} failed: ${outcome.error?.message ?? 'unknown error'}`;
			// Only `error` and `details` in the JSON, so the error output recognises the item as failed.
			return failedItem(
				{ error: message, details: batchJson(outcome, plan.batchCount) },
				new NodeOperationError(node, message, { itemIndex: outcome.firstItem }),
				batchItems(outcome),
			);
		};

		if (outputMode === 'batches') {
			for (const outcome of outcomes) {
				if (outcome.status === 'failed' && failedTooOften) {
					returnData.push(failureItem(outcome));
				} else {
					returnData.push({
						json: batchJson(outcome, plan.batchCount),
						pairedItem: batchItems(outcome),
					});
				}
			}
			return [returnData];
		}

		returnData.push({ json: summary, pairedItem: pairedItemsOf(plan.sourceItems) });
		if (failedTooOften) {
			for (const outcome of outcomes) {
				if (outcome.status === 'failed') returnData.push(failureItem(outcome));
			}
		}
		return [returnData];
	}
}
