// @ts-check
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataFileInUseError, startServer } from '../src/index.mjs';
import { startTestServer } from './support/harness.mjs';

/**
 * Regression: a second server started on the data file of a running one took the first one's
 * running executions for runs cut short by a crash, queued them again and ran them a second time
 * (attempts 2, two runs of one execution). The default --data file is shared by every start.
 */
describe('two servers on one data file', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer({ maxParallel: 2 });
	});
	after(() => t.close());

	it('refuses to start a second server on a data file in use, and runs nothing twice', async () => {
		const running = await t.api.invoke('record_run', { ms: 1500, label: 'only-once' });
		await t.api.post('/async/await', { execution_ids: [running.execution_id], timeout: 0 });

		await assert.rejects(
			startServer({
				port: 0,
				dataFile: t.dataFile,
				logLevel: 'silent',
				dataFileLockWaitMs: 200,
			}),
			(error) =>
				error instanceof DataFileInUseError &&
				error.message.includes(t.dataFile) &&
				error.message.includes(String(process.pid)),
		);

		const [done] = await t.api.awaitAll([running.execution_id], 10);
		assert.equal(done.status, 'completed');
		assert.equal(done.attempts, 1);
		const runs = (await t.api.get('/tables/runs?per_page=1000')).body.items.filter(
			(/** @type {any} */ run) => run.execution_id === running.execution_id,
		);
		assert.equal(runs.length, 1);
	});

	it('takes over the lock of a server that is gone (kill -9)', async () => {
		const gone = spawnSync(process.execPath, ['-e', '0']).pid;
		const dataFile = join(t.dataFile, '..', 'stale.sqlite');
		writeFileSync(`${dataFile}.lock`, String(gone));
		const server = await startServer({ port: 0, dataFile, logLevel: 'silent' });
		await server.close();
	});

	/**
	 * Regression: a lock was stale only when its process id was not running. After a kill -9 in a
	 * container the restarted server is often process 1 again, or the id belongs to another
	 * process: the start waited 5 s and exited 2.
	 */
	it('takes over a lock left by a killed server whose process id is now its own', async () => {
		const dataFile = join(t.dataFile, '..', 'own-pid.sqlite');
		writeFileSync(`${dataFile}.lock`, String(process.pid));
		const server = await startServer({
			port: 0,
			dataFile,
			logLevel: 'silent',
			dataFileLockWaitMs: 200,
		});
		const holder = JSON.parse(readFileSync(`${dataFile}.lock`, 'utf8'));
		assert.equal(holder.pid, process.pid);
		await server.close();
		assert.equal(existsSync(`${dataFile}.lock`), false);
	});

	it('takes over a lock whose process id now belongs to another process', async (context) => {
		if (!existsSync(`/proc/${process.pid}/stat`)) {
			context.skip('no process start times on this system');
			return;
		}
		const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
		try {
			const dataFile = join(t.dataFile, '..', 'reused-pid.sqlite');
			// What the killed server wrote: the same id, but a process that started at another time.
			writeFileSync(`${dataFile}.lock`, JSON.stringify({ pid: other.pid, started: '1' }));
			const server = await startServer({
				port: 0,
				dataFile,
				logLevel: 'silent',
				dataFileLockWaitMs: 200,
			});
			await server.close();
		} finally {
			other.kill('SIGKILL');
		}
	});
});
