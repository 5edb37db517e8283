// @ts-check
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the main thread. SQLite checkpoints automatically inside whichever commit
 * grows the WAL past `wal_autocheckpoint` pages, on the thread that commits: it copies the WAL
 * into the database file and fsyncs both, and meanwhile the event loop (every HTTP request, every
 * ctx.db call) waits. A thread of its own does that instead, with PASSIVE checkpoints on its own
 * connection, which never block the main connection's reads or writes. The main connection keeps
 * an automatic checkpoint only as a backstop far past what the thread lets the WAL reach, and
 * returns to SQLite's default if the thread ever stops.
 *
 * Durability does not change: with WAL and synchronous=NORMAL a commit is durable once it is in
 * the WAL, whoever checkpoints it and whenever; recovery after a crash replays the WAL.
 */

const WORKER_FILE = new URL('./checkpoint-worker.mjs', import.meta.url);

/** SQLite's default, in pages of WAL. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** The main connection's backstop while the thread runs (about 40 MB of WAL). */
const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * @param {import('better-sqlite3').Database} db the main connection, in WAL mode
 * @param {string} file the data file
 * @param {{ log: import('pino').Logger, intervalMs?: number }} options
 * @returns {{ stop: () => Promise<void> }}
 */
export function startCheckpointer(db, file, { log, intervalMs = 100 }) {
	if (file === ':memory:') return { stop: async () => {} };
	const worker = new Worker(WORKER_FILE, { workerData: { file, intervalMs } });
	// Never what keeps the process alive: a start that fails before close() still exits.
	worker.unref();
	db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
	let stopping = false;
	worker.on('error', (error) => log.warn({ err: error }, 'checkpoint thread failed'));
	const exited = new Promise((resolve) => {
		worker.once('exit', (code) => {
			if (!stopping) {
				log.warn({ code }, 'checkpoint thread stopped; the main thread checkpoints again');
				if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
			}
			resolve(undefined);
		});
	});
	return {
		/** Ends the thread and its connection; the main connection's close then checkpoints the rest. */
		async stop() {
			if (!stopping) {
				stopping = true;
				// Held until it has exited, so awaiting this keeps the process alive.
				worker.ref();
				worker.postMessage('stop');
			}
			await exited;
		},
	};
}
