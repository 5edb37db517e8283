// `--keep` hands n8n and the backend over to the user. What is needed to stop them later
// (`npm run demo -- --stop`) is written to the git-ignored .cache/demo/kept.json.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { cacheDir } from '../n8n/lines.mjs';
import { groupIsAlive, killGroup } from './processes.mjs';

const stateFile = join(cacheDir, 'demo', 'kept.json');
export const workDirPrefix = 'xano-async-demo-';

export function writeKept(state) {
	mkdirSync(join(cacheDir, 'demo'), { recursive: true });
	writeFileSync(stateFile, `${JSON.stringify(state, null, '\t')}\n`);
}

/** The kept demo whose processes still run, if there is one. */
export function runningKept() {
	if (!existsSync(stateFile)) return undefined;
	const state = JSON.parse(readFileSync(stateFile, 'utf8'));
	const alive = state.processes.filter((entry) => ownsGroup(entry));
	return alive.length > 0 ? state : undefined;
}

/**
 * A pid can be reused after its process ended; a group is only signalled while its leader's
 * command line is still the one the demo started.
 */
function ownsGroup({ pid, commandMark }) {
	if (!groupIsAlive(pid)) return false;
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(commandMark);
	} catch {
		return process.platform !== 'linux'; // no /proc: trust the state file
	}
}

/** Stops a kept demo: SIGTERM to each group, SIGKILL after 15 s, then removes its temp folder. */
export async function stopKept(say) {
	if (!existsSync(stateFile)) {
		say('No kept demo found.');
		return;
	}
	const state = JSON.parse(readFileSync(stateFile, 'utf8'));
	for (const entry of state.processes) {
		if (!ownsGroup(entry)) continue;
		say(`Stopping ${entry.name} (process group ${entry.pid}) ...`);
		process.kill(entry.pid, 'SIGTERM');
		const deadline = Date.now() + 15_000;
		while (Date.now() < deadline && groupIsAlive(entry.pid)) {
			await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
		}
		killGroup(entry.pid, 'SIGKILL');
	}
	removeWorkDir(state.workDir);
	rmSync(stateFile, { force: true });
	say('Stopped; the demo folder is removed.');
}

/** Removes a demo temp folder, and only one: a folder of ours under the OS temp folder. */
export function removeWorkDir(workDir) {
	const inside = relative(resolve(tmpdir()), resolve(workDir));
	if (inside.startsWith('..') || inside.includes(sep) || !inside.startsWith(workDirPrefix)) return;
	rmSync(workDir, { recursive: true, force: true });
}
