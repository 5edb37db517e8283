// @ts-check
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { eventually, startTestServer, tempDir } from './support/harness.mjs';

/**
 * WAL checkpoints run on a thread of their own (storage/checkpointer.mjs), not inside a commit on
 * the main thread once 1,000 pages of WAL have piled up. So a few small commits reach the database
 * file itself soon, which SQLite's automatic checkpoint alone would leave in the WAL.
 */
describe('WAL checkpoints', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	const copies = tempDir();
	before(async () => {
		t = await startTestServer({ maxParallel: 2 });
	});
	after(async () => {
		await t.close();
		copies.remove();
	});

	it('copies a few small commits into the database file while the server runs', async () => {
		const execution = await t.api.invoke('echo', { checkpointed: true });
		const copy = join(copies.dir, 'main-file-only.sqlite');
		const found = await eventually(
			() => {
				// The database file alone, without its WAL: only checkpointed commits are in it. A copy
				// taken in the middle of a checkpoint may not open; the next try takes another.
				copyFileSync(t.dataFile, copy);
				try {
					const db = new Database(copy);
					try {
						return db
							.prepare('SELECT COUNT(*) AS n FROM executions WHERE id = ?')
							.pluck()
							.get(execution.execution_id);
					} finally {
						db.close();
					}
				} catch {
					return 0;
				}
			},
			{ timeoutMs: 5000, what: 'the invocation to be checkpointed into the database file' },
		);
		assert.equal(found, 1);
	});
});
