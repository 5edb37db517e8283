#!/usr/bin/env node
// `npm run n8n [-- --line 1] -- ARGS`: the n8n CLI of the cached install, with a project-local
// user folder in which the built package is installed, bound to 127.0.0.1 and kept offline.
//   npm run n8n -- start
//   npm run n8n -- --line 1 import:workflow --input=examples/registration.json
// N8N_LINE picks the line too; N8N_USER_FOLDER overrides the user folder
// (default .cache/n8n-user/<line>).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { installMarkerPath, n8nEntry, readJson, takeLineOption } from './lines.mjs';
import { n8nEnvironment } from './environment.mjs';
import { runtimeFor } from './runtime.mjs';
import { defaultUserFolder, installPackageInto } from './user-folder.mjs';

function fail(message) {
	console.error(`[n8n] ${message}`);
	process.exit(1);
}

const { line, rest } = takeLineOption(process.argv.slice(2), process.env.N8N_LINE);
const runtime = runtimeFor(line);
const marker = readJson(installMarkerPath(line));
const setupCommand = `npm run n8n:setup${line.name === '2' ? '' : ` -- --line ${line.name}`}`;
if (!marker || !existsSync(n8nEntry(line)) || !existsSync(runtime.node)) {
	fail(`n8n ${line.version} is not installed; run: ${setupCommand}`);
}
if (marker.node !== runtime.version) {
	fail(
		`n8n ${line.version} was set up for Node ${marker.node}, not ${runtime.version}; run: ${setupCommand}`,
	);
}

// Under `npm run` the working directory is the repository; relative paths (N8N_USER_FOLDER, and
// import:workflow --input=... in ARGS) mean the folder the user typed the command in.
const workingDir = process.env.INIT_CWD || process.cwd();
const userFolder = process.env.N8N_USER_FOLDER
	? resolve(workingDir, process.env.N8N_USER_FOLDER)
	: defaultUserFolder(line);
for (const warning of installPackageInto(userFolder)) console.error(`[n8n] warning: ${warning}`);

const child = spawn(runtime.node, [n8nEntry(line), ...rest], {
	stdio: 'inherit',
	env: n8nEnvironment(line, runtime, userFolder),
	cwd: workingDir,
});

// A terminal's Ctrl+C already reaches n8n (same process group); forwarding it too would count as
// a second interrupt, which makes n8n skip its graceful shutdown.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) {
	process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => fail(`could not start n8n: ${error.message}`));

// The e2e harness starts n8n in a process group of its own, out of reach of a terminal's Ctrl+C.
// If the test process dies without stopping it (killed, interrupted), n8n must not linger.
const parentPid = Number(process.env.N8N_HARNESS_PARENT_PID);
if (parentPid > 0) {
	const watch = setInterval(() => {
		if (processIsAlive(parentPid)) return;
		clearInterval(watch);
		child.kill('SIGTERM');
		setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
	}, 1_000);
	watch.unref();
}

function processIsAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

child.on('exit', (code, signal) => {
	if (signal) {
		process.removeAllListeners(signal);
		process.kill(process.pid, signal);
		return;
	}
	process.exit(code ?? 1);
});
