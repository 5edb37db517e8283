import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

/**
 * The idempotency key of one batch. It names the import (by default the n8n instance, workflow
 * and execution), the node, the node's run within the execution, the batch layout, the batch
 * number and a digest of what the batch holds, so running the same import again — a retry
 * inside this node, or a run with the same Import ID — finds the batches that already went
 * through instead of inserting them twice.
 *
 * The run index keeps the iterations of a loop apart: each brings other records under the same
 * batch numbers. The batch size is part of the key for the same reason: with another size,
 * batch 3 holds other records. The digest covers the rest: with the same Import ID and changed
 * input (an item fixed or added), records shift between batches, and a batch whose content
 * changed is a new invocation while an identical one is still found.
 *
 * The backend keeps a key while its execution is retained, and frees it when that execution
 * failed, so a failed batch can be retried under the same key.
 */
export interface BatchKeyParts {
	/** The scope of the default import (see defaultImportId), or an import id the user chose. */
	importId: string;
	nodeId: string;
	/** How often this node already ran in this execution (n8n's `$runIndex`). */
	runIndex: number;
	batchSize: number;
	batchCount: number;
	batchNumber: number;
	/** batchContentDigest of the batch's input. */
	contentDigest: string;
}

/** The contract's longest idempotency key. */
export const MAX_KEY_LENGTH = 255;

function sha256(text: string): string {
	return createHash('sha256').update(text).digest('base64url');
}

/**
 * The default Import ID. n8n's execution ids are small integers counted per instance, so two
 * instances (staging and production running the same imported workflow against one Xano user)
 * reach the same ids; the instance and the workflow keep their imports apart. The instance id
 * is a 64-digit hash: its first 16 digits tell instances apart and leave room in the key.
 */
export function defaultImportId(
	instanceId: string,
	workflowId: string,
	executionId: string,
): string {
	return `${instanceId.slice(0, 16)}/${workflowId}/${executionId}`;
}

/**
 * A digest of one batch's input as it is sent: the records, each in its JSON form, and the
 * other fields of the input (Additional Input, the batch number and count). Records are hashed one at a time, so no second copy of the batch is built.
 */
export function batchContentDigest(input: IDataObject): string {
	const hash = createHash('sha256');
	hash.update(JSON.stringify({ ...input, records: undefined }));
	for (const record of Array.isArray(input.records) ? input.records : []) {
		hash.update('\n');
		hash.update(JSON.stringify(record) ?? 'null');
	}
	// 128 bits: a collision between two contents under one key prefix is not a practical risk.
	return hash.digest('base64url').slice(0, 22);
}

export function batchIdempotencyKey(parts: BatchKeyParts): string {
	const rest = [
		parts.nodeId,
		`run${parts.runIndex}`,
		`${parts.batchSize}x${parts.batchCount}`,
		String(parts.batchNumber),
		parts.contentDigest,
	].join(':');
	const key = `n8n-batch:${parts.importId}:${rest}`;
	if (key.length <= MAX_KEY_LENGTH) return key;
	// A long Import ID would make the backend refuse every batch; its digest names it as well.
	return `n8n-batch:sha256-${sha256(parts.importId)}:${rest}`;
}
