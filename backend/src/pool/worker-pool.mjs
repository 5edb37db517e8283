// @ts-check
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';

const WORKER_FILE = new URL('./worker.mjs', import.meta.url).href;

/**
 * Functions run in worker threads of a piscina pool, never on the main event loop.
 *
 * Stopping a run has two steps. First `abort(reason)` tells the function through its own port,
 * so `ctx.signal` fires and a cooperative function can clean up and return. If it does not return
 * within the grace the executor allows, `kill()` aborts the piscina task, and piscina terminates
 * the worker thread that runs it (and starts a fresh one when needed). That is what frees the slot
 * of a function that spins the CPU or ignores its signal.
 *
 * @param {{ maxThreads: number, settings: Record<string, unknown> }} options
 */
export function createWorkerPool({ maxThreads, settings }) {
	const piscina = new Piscina({
		filename: WORKER_FILE,
		minThreads: Math.min(2, maxThreads),
		maxThreads,
		// One run per thread: a slot is a thread, so a CPU-bound run blocks nothing else.
		concurrentTasksPerWorker: 1,
		idleTimeout: 60_000,
		workerData: settings,
	});

	return {
		/**
		 * @param {{ modulePath: string, execution: { id: string, attempt: number, function: string }, input: import('../storage/execution-store.mjs').TaskInput }} task
		 * @param {(message: any, reply: (message: any) => void) => void} onMessage requests and logs from the function
		 */
		run(task, onMessage) {
			const channel = new MessageChannel();
			const killController = new AbortController();
			channel.port1.on('message', (message) =>
				onMessage(message, (answer) => {
					try {
						channel.port1.postMessage(answer);
					} catch {
						// the run already ended; nobody is left to answer
					}
				}),
			);
			const result = piscina
				.run(
					{ ...task, port: channel.port2 },
					{ transferList: [channel.port2], signal: killController.signal },
				)
				.finally(() => channel.port1.close());
			return {
				/** @type {Promise<{ ok: true, output: unknown } | { ok: false, error: import('../errors.mjs').ErrorShape }>} */
				result,
				/** Cooperative stop: the function's ctx.signal aborts with this reason. */
				abort(/** @type {'timeout' | 'cancel' | 'shutdown'} */ reason) {
					try {
						channel.port1.postMessage({ type: 'abort', reason });
					} catch {
						// the run already ended
					}
				},
				/** Hard stop: piscina terminates the worker thread. */
				kill() {
					killController.abort();
				},
			};
		},

		get threads() {
			return piscina.threads.length;
		},

		async close() {
			await piscina.destroy();
		},
	};
}

/** @typedef {ReturnType<typeof createWorkerPool>} WorkerPool */
/** @typedef {ReturnType<WorkerPool['run']>} RunHandle */
