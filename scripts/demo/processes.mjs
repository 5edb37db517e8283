// Long-running children of the demo (n8n, the backend). A small .mjs counterpart of
// test/e2e/harness/processes.ts, which is TypeScript and cannot be imported from here. The
// difference: output goes to log files, not pipes, so a child kept running by `--keep` outlives
// the demo without writing into a closed pipe.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every process group started and not yet stopped or handed over to the user. */
const running = new Set();

// Last resort when the demo dies on an unexpected path: no group outlives it unless kept.
process.once('exit', () => {
	for (const child of running) killGroup(child.pid, 'SIGKILL');
});

/**
 * Starts `command` in a process group of its own (stopping it stops everything it started: the
 * harness CLI, n8n, n8n's task runners), with stdout and stderr appended to log files.
 */
export function startLogged(command, args, { env, cwd, stdoutFile, stderrFile = stdoutFile }) {
	const out = openSync(stdoutFile, 'a');
	const err = stderrFile === stdoutFile ? out : openSync(stderrFile, 'a');
	const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', out, err] });
	closeSync(out);
	if (err !== out) closeSync(err);
	if (child.pid === undefined) throw new Error(`Could not start ${command}`);

	let exit;
	const exited = new Promise((resolveExit) => {
		child.once('exit', (code, signal) => {
			exit = { code, signal };
			resolveExit(exit);
		});
	});
	const handle = {
		pid: child.pid,
		exited,
		hasExited: () => exit !== undefined,
		/** Waits until the log file holds a line matching `pattern`; returns the match. */
		async waitForLog(pattern, timeoutMs, file = stdoutFile) {
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				const match = pattern.exec(readText(file));
				if (match) return match;
				if (exit) {
					throw new Error(`exited (${describeExit(exit)}) before logging ${pattern}`);
				}
				await sleep(200);
			}
			throw new Error(`nothing matched ${pattern} within ${timeoutMs / 1000} s`);
		},
		/** SIGTERM to the leader, SIGKILL to the whole group after `graceMs`. */
		async stop(graceMs = 15_000) {
			running.delete(handle);
			if (!exit) {
				// Only the leader: the harness CLI forwards it to n8n, which shuts down gracefully on
				// a first signal but at once on a second.
				child.kill('SIGTERM');
				const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
				await exited;
				clearTimeout(timer);
			}
			// The leader may be gone while a grandchild (a task runner) still runs.
			killGroup(child.pid, 'SIGKILL');
		},
		/** Leaves the group running after the demo exits (`--keep`). */
		release() {
			running.delete(handle);
			child.unref();
		},
	};
	running.add(handle);
	return handle;
}

export function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false; // the group is already gone
	}
}

export function groupIsAlive(pid) {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

export function readText(file) {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

export function lastLines(file, count = 30) {
	return readText(file).trimEnd().split('\n').slice(-count).join('\n');
}

function describeExit(exit) {
	return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
