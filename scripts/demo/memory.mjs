// n8n's peak memory, read where it costs nothing: Linux keeps each process's peak resident set
// (VmHWM) in /proc/<pid>/status. Elsewhere the demo reports no figure.
import { readFileSync } from 'node:fs';

function readProc(path) {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return undefined;
	}
}

function childrenOf(pid) {
	const text = readProc(`/proc/${pid}/task/${pid}/children`);
	return text ? text.trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

/** The process and all its descendants, bounded in case /proc answers something odd. */
function processTree(rootPid) {
	const found = [];
	const queue = [rootPid];
	while (queue.length > 0 && found.length < 200) {
		const pid = queue.shift();
		found.push(pid);
		queue.push(...childrenOf(pid));
	}
	return found;
}

function peakKiB(pid) {
	const match = /^VmHWM:\s+(\d+) kB/m.exec(readProc(`/proc/${pid}/status`) ?? '');
	return match ? Number(match[1]) : undefined;
}

/**
 * Peak RSS in MiB of the n8n main process (the one holding the workflow's items) under the
 * harness CLI whose pid is given, and the largest of its other descendants (task runners).
 */
export function n8nPeakMemory(leaderPid) {
	if (process.platform !== 'linux') return undefined;
	let main;
	let others = 0;
	for (const pid of processTree(leaderPid)) {
		if (pid === leaderPid) continue;
		const cmdline = (readProc(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ');
		const peak = peakKiB(pid);
		if (peak === undefined) continue;
		if (main === undefined && /n8n[\\/]bin[\\/]n8n/.test(cmdline)) main = peak;
		else others = Math.max(others, peak);
	}
	if (main === undefined) return undefined;
	return { mainMiB: Math.round(main / 1024), otherMaxMiB: Math.round(others / 1024) };
}
