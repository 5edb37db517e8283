// @ts-check
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * The checkpoint thread (see checkpointer.mjs): a PASSIVE checkpoint every `intervalMs` on a
 * connection of its own. When the WAL holds nothing new, a checkpoint only reads the WAL index.
 */

const { file, intervalMs } = /** @type {{ file: string, intervalMs: number }} */ (workerData);
const db = new Database(file);
// A checkpoint syncs as its connection is set to; NORMAL, as on the main connection.
db.pragma('synchronous = NORMAL');

const timer = setInterval(() => {
	try {
		db.pragma('wal_checkpoint(PASSIVE)');
	} catch (error) {
		// Busy while the main connection's backstop checkpoint runs: the next tick tries again.
		if (/** @type {{ code?: string }} */ (error).code !== 'SQLITE_BUSY') throw error;
	}
}, intervalMs);

parentPort?.on('message', (message) => {
	if (message !== 'stop') return;
	clearInterval(timer);
	db.close();
	parentPort?.close();
});
