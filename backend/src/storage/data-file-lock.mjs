// @ts-check
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One server per data file. A second server on the same file would take the first one's running
 * executions for runs cut short by a crash, queue them again and run them twice. The lock is a
 * `FILE.lock` beside the data file that names its holder: the process id and, where the system
 * tells it (Linux's /proc), the moment that process started. A lock whose holder is gone (kill -9)
 * is taken over, also when its process id was given to another process since: after a kill -9 in
 * a container the restarted server is often process 1 again, or the id belongs to someone else,
 * and only the start time tells the two apart. Other SQLite connections to the file (tools,
 * tests) are not affected.
 */

/** The data file is locked by another running server. */
export class DataFileInUseError extends Error {}

/** @typedef {{ pid: number, started: string | null }} LockHolder */

/** Lock files this process holds now: a lock naming this process id is stale unless listed. */
const heldHere = new Set();

/**
 * Takes the lock of `dataFile`, waiting up to `waitMs` for a holder that is stopping.
 * @param {string} dataFile
 * @param {{ waitMs: number }} options
 * @returns {Promise<{ release: () => void }>}
 */
export async function lockDataFile(dataFile, { waitMs }) {
	if (dataFile === ':memory:') return { release: () => {} };
	mkdirSync(dirname(dataFile), { recursive: true });
	const lockFile = resolve(`${dataFile}.lock`);
	const self = { pid: process.pid, started: startTimeOf(process.pid) };
	const deadline = Date.now() + waitMs;
	for (;;) {
		if (tryCreate(lockFile, self)) {
			heldHere.add(lockFile);
			let released = false;
			return {
				release() {
					if (released) return;
					released = true;
					heldHere.delete(lockFile);
					if (sameHolder(holderOf(lockFile), self)) unlinkSync(lockFile);
				},
			};
		}
		const holder = holderOf(lockFile);
		if (holder !== null && isStale(holder, lockFile)) {
			// TODO(two servers start on one crashed file within the same few milliseconds): take
			// the stale lock over with a rename that only one of them can win.
			unlinkQuietly(lockFile);
			continue;
		}
		if (Date.now() >= deadline) {
			throw new DataFileInUseError(
				`The data file ${dataFile} is in use by another server (process ${holder?.pid ?? 'unknown'}, ` +
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
 * @param {LockHolder} self
 */
function tryCreate(lockFile, self) {
	const temporary = `${lockFile}.${process.pid}.${Date.now()}`;
	writeFileSync(temporary, JSON.stringify(self));
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

/**
 * The holder a lock names: `{ pid, started }`, or a bare process id as earlier versions wrote.
 * @param {string} lockFile
 * @returns {LockHolder | null}
 */
function holderOf(lockFile) {
	let text;
	try {
		text = readFileSync(lockFile, 'utf8').trim();
	} catch {
		return null;
	}
	if (/^\d+$/.test(text)) return { pid: Number(text), started: null };
	try {
		const { pid, started } = JSON.parse(text);
		if (!Number.isInteger(pid) || pid <= 0) return null;
		return { pid, started: typeof started === 'string' ? started : null };
	} catch {
		return null;
	}
}

/**
 * Whether the process a lock names is gone. Its id alone is not enough: ids are reused.
 * @param {LockHolder} holder
 * @param {string} lockFile
 */
function isStale(holder, lockFile) {
	// This process's own id: either this process holds the lock (another server in it), or the
	// lock was left by an earlier process that had the same id.
	if (holder.pid === process.pid) return !heldHere.has(lockFile);
	if (!isRunning(holder.pid)) return true;
	const started = startTimeOf(holder.pid);
	// Without a start time on either side (an older lock, no /proc), a live id counts as the holder.
	return holder.started !== null && started !== null && started !== holder.started;
}

/** @param {LockHolder | null} holder @param {LockHolder} self */
function sameHolder(holder, self) {
	return holder !== null && holder.pid === self.pid && holder.started === self.started;
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

/**
 * When a process started, in clock ticks since boot (field 22 of /proc/PID/stat), or null where
 * there is no /proc. A reused process id comes with a later start time.
 * @param {number} pid
 * @returns {string | null}
 */
function startTimeOf(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) is in parentheses and may hold spaces; fields 3.. follow it.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const started = fields[22 - 3];
		return started && /^\d+$/.test(started) ? started : null;
	} catch {
		return null;
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
