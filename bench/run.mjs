#!/usr/bin/env node
// `npm run bench`: the numbers that tell an n8n user why to use these nodes, each measured side by
// side with what a user would build instead, in one run on one machine, and written to
// bench/results.md. Not a test: nothing here fails on a slow number, only on a wrong result.
// See bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../scripts/n8n/lines.mjs';
import { machineFacts, writeResults } from './lib/report.mjs';

/** In the order they run; the name is what --only takes. */
const benchmarks = [
	{ name: 'import', module: './import.mjs', title: '1. Bulk import through real n8n' },
	{ name: 'await', module: './await-latency.mjs', title: '2. Await latency' },
	{ name: 'backend', module: './backend.mjs', title: '3. Backend: invoke and await rates' },
	{ name: 'memory', module: './memory.mjs', title: '4. Memory of Batch Import' },
];

const usage = `npm run bench [-- OPTIONS]
  --only NAMES   run only these, comma-separated: ${benchmarks.map((b) => b.name).join(', ')}
  --out FILE     where to write the results (default bench/results.md)
  --help`;

const print = (text) => process.stdout.write(`${text}\n`);

function options() {
	const { values } = parseArgs({
		options: {
			only: { type: 'string' },
			out: { type: 'string', default: join(repoRoot, 'bench', 'results.md') },
			help: { type: 'boolean', default: false },
		},
	});
	const known = new Set(benchmarks.map((bench) => bench.name));
	const only = values.only
		?.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	for (const name of only ?? []) {
		if (!known.has(name))
			throw new Error(`--only: no benchmark "${name}"; known: ${[...known].join(', ')}`);
	}
	return { ...values, only: only ? new Set(only) : undefined };
}

/** Builds the package and makes sure the native module and the pinned n8n are there. */
function prepare(say) {
	const steps = [
		['Building the package ...', 'npm', ['run', 'build', '--silent']],
		["Checking the backend's SQLite binding ...", 'bash', [join('scripts', 'rebuild-native.sh')]],
		['Setting up n8n (cached after the first time) ...', 'npm', ['run', 'n8n:setup', '--silent']],
	];
	for (const [message, command, args] of steps) {
		say(message);
		const result = spawnSync(command, args, {
			cwd: repoRoot,
			stdio: ['ignore', 'pipe', 'pipe'],
			encoding: 'utf8',
		});
		if (result.status !== 0) {
			process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
			throw new Error(
				`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`,
			);
		}
	}
}

async function main() {
	const opts = options();
	if (opts.help) return void print(usage);
	const startedAt = new Date();
	const say = (message) => print(`[bench] ${message}`);
	prepare(say);

	const facts = machineFacts(startedAt);
	const sections = [];
	const failures = [];
	for (const bench of benchmarks) {
		if (opts.only && !opts.only.has(bench.name)) continue;
		say(`${bench.title} ...`);
		const workDir = mkdtempSync(join(tmpdir(), `xano-async-bench-${bench.name}-`));
		const started = Date.now();
		try {
			const { run } = await import(bench.module);
			const section = await run({ workDir, say: (message) => say(`  ${message}`) });
			sections.push(section);
			say(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			failures.push({ title: bench.title, error: message });
			say(`  FAILED: ${message}`);
		} finally {
			rmSync(workDir, { recursive: true, force: true });
		}
		writeResults(opts.out, { facts, sections, failures });
	}
	writeResults(opts.out, {
		facts,
		sections,
		failures,
		durationMs: Date.now() - startedAt.getTime(),
	});
	say(
		`Results written to ${opts.out} (${((Date.now() - startedAt.getTime()) / 60_000).toFixed(1)} min).`,
	);
	return failures.length === 0;
}

let passed = false;
try {
	passed = await main();
} catch (error) {
	console.error(`[bench] ${error instanceof Error ? error.message : error}`);
}
process.exit(passed ? 0 : 1);
