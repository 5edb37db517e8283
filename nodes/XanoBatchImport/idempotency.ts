/**
 * The idempotency key of one batch. It names the import (by default the n8n execution), the
 * node, the batch layout and the batch number, so running the same import again — a retry inside
 * this node, or the same execution re-run — finds the batches that already went through instead
 * of inserting them twice. The batch size is part of the key: with another size, batch 3 holds
 * other records and must not be mistaken for the old batch 3.
 *
 * The backend keeps a key while its execution is retained, and frees it when that execution
 * failed, so a failed batch can be retried under the same key.
 */
export interface BatchKeyParts {
	/** The n8n execution id, or an import id the user chose. */
	importId: string;
	nodeId: string;
	batchSize: number;
	batchCount: number;
	batchNumber: number;
}

export function batchIdempotencyKey(parts: BatchKeyParts): string {
	return [
		'n8n-batch',
		parts.importId,
		parts.nodeId,
		`${parts.batchSize}x${parts.batchCount}`,
		String(parts.batchNumber),
	].join(':');
}
