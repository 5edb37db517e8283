/**
 * The idempotency key of one batch. It names the import (by default the n8n execution), the
 * node, the node's run within the execution, the batch layout and the batch number, so running
 * the same import again — a retry inside this node, or a run with the same Import ID — finds the
 * batches that already went through instead of inserting them twice. The run index keeps the
 * iterations of a loop apart: each brings other records under the same batch numbers. The batch
 * size is part of the key for the same reason: with another size, batch 3 holds other records.
 *
 * The backend keeps a key while its execution is retained, and frees it when that execution
 * failed, so a failed batch can be retried under the same key.
 */
export interface BatchKeyParts {
	/** The n8n execution id, or an import id the user chose. */
	importId: string;
	nodeId: string;
	/** How often this node already ran in this execution (n8n's `$runIndex`). */
	runIndex: number;
	batchSize: number;
	batchCount: number;
	batchNumber: number;
}

export function batchIdempotencyKey(parts: BatchKeyParts): string {
	return [
		'n8n-batch',
		parts.importId,
		parts.nodeId,
		`run${parts.runIndex}`,
		`${parts.batchSize}x${parts.batchCount}`,
		String(parts.batchNumber),
	].join(':');
}
