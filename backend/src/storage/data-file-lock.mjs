// @ts-check
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One server per data file. A second server on the same file would take the first one's running
 * executions for runs cut short by a crash, queue them again and run them twice. The lock is a
 * `FILE.lock` beside the data file that holds the owner's process id; a lock whose process is gone
 * (kill -9) is taken over. Other SQLite connections to the file (tools, tests) are not affected.
 */

/** The data file is locked by another running server. */
export class DataFileInUseError extends Error {}

/**
 * Takes the lock of `dataFile`, waiting up to `waitMs` for a holder that is stopping.
 * @param {string} dataFile
 * @param {{ waitMs: number }} options
 * @returns {Promise<{ release: () => void }>}
 */
export async function lockDataFile(dataFile, { waitMs }) {
	if (dataFile === ':memory:') return { release: () => {} };
	mkdirSync(dirname(dataFile), { recursive: true });
	const lockFile = `${dataFile}.lock`;
	const deadline = Date.now() + waitMs;
	for (;;) {
		if (tryCreate(lockFile)) {
			let released = false;
			return {
				release() {
					if (released) return;
					released = true;
					if (holderOf(lockFile) === process.pid) unlinkSync(lockFile);
				},
			};
		}
		const holder = holderOf(lockFile);
		if (holder !== null && !isRunning(holder)) {
			// TODO(two servers start on one crashed file within the same few milliseconds): take
			// the stale lock over with a rename that only one of them can win.
			unlinkQuietly(lockFile);
			continue;
		}
		if (Date.now() >= deadline) {
			throw new DataFileInUseError(
				`The data file ${dataFile} is in use by another server (process ${holder ?? 'unknown'}, ` +
					`lock ${lockFile}). Stop it, or start this one with another --data file.`,
			);
		}
		await sleep(50);
	}
}

/**
 * Creates the lock with its content in one step: a complete temporary file is hard-linked to the
 * lock's name, which fails when the lock exists, so no one ever reads a half-written lock.
 * @param {string} lockFile
 */
function tryCreate(lockFile) {
	const temporary = `${lockFile}.${process.pid}.${Date.now()}`;
	writeFileSync(temporary, String(process.pid));
	try {
		linkSync(temporary, lockFile);
		return true;
	} catch (error) {
		if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EEXIST') return false;
		throw error;
	} finally {
		unlinkQuietly(temporary);
	}
}

/** @param {string} lockFile @returns {number | null} */
function holderOf(lockFile) {
	try {
		const pid = Number(readFileSync(lockFile, 'utf8').trim());
		return Number.isInteger(pid) && pid > 0 ? pid : null;
	} catch {
		return null;
	}
}

/** @param {number} pid */
function isRunning(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
	}
}

/** @param {string} file */
function unlinkQuietly(file) {
	try {
		unlinkSync(file);
	} catch {
		// already gone
	}
}
