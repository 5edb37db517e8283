// @ts-check

/**
 * The retention sweep: terminal executions older than the retention period are deleted (pending
 * and running ones never are), and so are expired session tokens. It runs at start and then at a
 * quarter of the retention period, between 250 ms and one minute, so a short test retention is
 * honoured promptly without a busy loop for the 24 h default.
 * @param {{ store: import('./storage/execution-store.mjs').ExecutionStore, users: import('./storage/user-store.mjs').UserStore, retentionSeconds: number, log: import('pino').Logger }} deps
 */
export function startRetentionSweep({ store, users, retentionSeconds, log }) {
	const sweep = () => {
		const removed = store.purgeCompletedBefore(Date.now() - retentionSeconds * 1000);
		const tokens = users.purgeExpiredTokens();
		if (removed > 0 || tokens > 0) {
			log.info(
				{ executions: removed, tokens, retention_seconds: retentionSeconds },
				'retention sweep',
			);
		}
	};
	sweep();
	const intervalMs = Math.min(60_000, Math.max(250, (retentionSeconds * 1000) / 4));
	const timer = setInterval(sweep, intervalMs);
	timer.unref();
	return { stop: () => clearInterval(timer), sweep };
}
