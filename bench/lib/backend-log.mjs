// The reference backend's JSON log (pino, one object per line), as the benchmarks read it.
import { readFileSync } from 'node:fs';

/** Every JSON entry of the log file after byte `from`; lines that are not JSON are skipped. */
export function logEntries(logFile, from = 0) {
	const entries = [];
	for (const line of readFileSync(logFile).subarray(from).toString('utf8').split('\n')) {
		if (!line.startsWith('{')) continue;
		try {
			entries.push(JSON.parse(line));
		} catch {
			// A line cut off at the end of the file, or not the logger's.
		}
	}
	return entries;
}
