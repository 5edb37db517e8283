#!/usr/bin/env node
// `npm run n8n:setup [-- --line 1]`: installs a pinned n8n (and, for the 2.x line on an older
// machine Node, Node 24) into the repository's git-ignored .cache/, from the npm registry only.
//
// Install scripts stay off for the n8n tree: several optional native modules (kafka, oracledb,
// cpu profilers) download sources or binaries from outside the registry and are not needed.
// The one native module n8n needs, sqlite3, is then compiled from source. isolated-vm, which the
// 2.x expression engine needs, ships a prebuild for Node 24 inside its package.
//
// Idempotent: a marker written only after every step succeeded makes a second run a quick no-op;
// a run interrupted half-way is simply redone (npm reuses what it already has).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import {
	installDir,
	installMarkerPath,
	n8nEntry,
	node24,
	readJson,
	repoRoot,
	takeLineOption,
} from './lines.mjs';
import { npm } from './npm.mjs';
import { runtimeFor, runtimeIsInstalled } from './runtime.mjs';

/** One line for the person running the command. */
const print = (text) => process.stdout.write(`${text}\n`);
const say = (message) => print(`[n8n:setup] ${message}`);
const shown = (path) => relative(repoRoot, path) || '.';

function writePackageJson(dir, content) {
	mkdirSync(dir, { recursive: true });
	// A package.json of its own makes the folder npm's local prefix, so the repository's
	// package.json, workspaces and .npmrc are not picked up by installs here.
	writeFileSync(join(dir, 'package.json'), `${JSON.stringify(content, null, '\t')}\n`);
}

function installNode24(runtime) {
	if (runtimeIsInstalled(runtime)) return;
	const started = Date.now();
	say(`Installing Node ${node24.version} from the npm registry into ${shown(node24.dir)} ...`);
	rmSync(join(node24.dir, 'harness-node.json'), { force: true });
	writePackageJson(node24.dir, { name: 'xano-async-harness-node24', private: true });
	npm(['install', `${node24.packageName}@${node24.version}`, '--save-exact', '--ignore-scripts'], {
		cwd: node24.dir,
		runtime: {},
	});
	const version = commandOutput(runtime.node, ['-v']);
	if (version !== `v${node24.version}`) {
		throw new Error(`Node from the registry reports "${version}", expected v${node24.version}`);
	}
	writeFileSync(
		join(node24.dir, 'harness-node.json'),
		`${JSON.stringify({ version, installedAt: new Date().toISOString() }, null, '\t')}\n`,
	);
	say(`Node ${version} installed in ${seconds(started)}.`);
}

function commandOutput(command, args, options = {}) {
	const result = spawnSync(command, args, { encoding: 'utf8', ...options });
	return result.status === 0 ? result.stdout.trim() : undefined;
}

function sqlite3Loads(dir, runtime) {
	// Opening a database proves the compiled binding matches this Node's ABI.
	const probe = "const s=require('sqlite3');new s.Database(':memory:').close()";
	return spawnSync(runtime.node, ['-e', probe], { cwd: dir, stdio: 'ignore' }).status === 0;
}

function markerIsCurrent(line, runtime) {
	const marker = readJson(installMarkerPath(line));
	return (
		marker?.n8n === line.version && marker?.node === runtime.version && existsSync(n8nEntry(line))
	);
}

function installN8n(line, runtime) {
	const dir = installDir(line);
	const started = Date.now();
	say(`Installing n8n ${line.version} into ${shown(dir)} for Node ${runtime.version} ...`);
	rmSync(installMarkerPath(line), { force: true });
	writePackageJson(dir, {
		name: `xano-async-harness-n8n-${line.name}`,
		private: true,
		...(line.overrides ? { overrides: line.overrides } : {}),
	});
	npm(['install', `n8n@${line.version}`, '--save-exact', '--ignore-scripts'], {
		cwd: dir,
		runtime,
	});
	say(`n8n ${line.version} installed in ${seconds(started)}.`);

	if (!sqlite3Loads(dir, runtime)) {
		const building = Date.now();
		say(`Building sqlite3 from source for Node ${runtime.version} (about a minute) ...`);
		npm(['rebuild', 'sqlite3', '--ignore-scripts=false'], { cwd: dir, runtime });
		if (!sqlite3Loads(dir, runtime)) throw new Error('sqlite3 still does not load after rebuild');
		say(`sqlite3 built in ${seconds(building)}.`);
	}

	const reported = commandOutput(runtime.node, [n8nEntry(line), '--version'], {
		cwd: dir,
		env: { ...process.env, PATH: `${runtime.binDir}${delimiter}${process.env.PATH ?? ''}` },
	});
	if (!reported?.split('\n').includes(line.version)) {
		throw new Error(`n8n --version printed "${reported}", expected ${line.version}`);
	}
	writeFileSync(
		installMarkerPath(line),
		`${JSON.stringify(
			{ n8n: line.version, node: runtime.version, installedAt: new Date().toISOString() },
			null,
			'\t',
		)}\n`,
	);
	say(`n8n ${line.version} ready in ${seconds(started)}.`);
}

function seconds(since) {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function main() {
	const { line, rest } = takeLineOption(process.argv.slice(2), process.env.N8N_LINE);
	if (rest.length > 0) throw new Error(`Unknown arguments: ${rest.join(' ')} (only --line 1|2)`);
	const runtime = runtimeFor(line);
	if (markerIsCurrent(line, runtime) && runtimeIsInstalled(runtime)) {
		say(`n8n ${line.version} on Node ${runtime.version} is ready (${shown(installDir(line))}).`);
		return;
	}
	installNode24(runtime);
	// Read again: the headers folder of a freshly installed Node 24 is known only now.
	const installed = runtimeFor(line);
	if (markerIsCurrent(line, installed)) {
		say(`n8n ${line.version} on Node ${installed.version} is ready (${shown(installDir(line))}).`);
		return;
	}
	installN8n(line, installed);
}

try {
	main();
} catch (error) {
	console.error(`[n8n:setup] ${error instanceof Error ? error.message : error}`);
	process.exitCode = 1;
}
