#!/usr/bin/env node
// @ts-check
import { resolve } from 'node:path';
import { ConfigError, FLAGS } from '../src/config.mjs';
import { FunctionLoadError } from '../src/functions/registry.mjs';
import { DataFileInUseError, parseCommandLine, startServer } from '../src/index.mjs';

/**
 * The command line of the reference backend. stdout is for people and for the tools that start
 * this server: its FIRST line, once the server listens, is exactly
 * `Xano async backend serving <BASE_URL>`. Structured logs go to stderr.
 */

const USAGE = `Usage: xano-async-backend [flags]

Every flag can also be set through the environment variable shown.
${Object.entries(FLAGS)
	.map(([flag, spec]) => `  --${flag.padEnd(28)} ${spec.env}`)
	.join('\n')}

See the package README for what each one does.
`;

async function main() {
	let parsed;
	try {
		parsed = parseCommandLine(process.argv.slice(2), process.env);
	} catch (error) {
		return fail(error);
	}
	if (parsed.help) {
		process.stdout.write(USAGE);
		return;
	}
	const { help: _help, ...options } = parsed;
	// `npm run backend -- --data x.sqlite` runs in the workspace folder; relative paths should mean
	// what they meant where the command was typed, which npm passes as INIT_CWD.
	const typedIn = process.env.INIT_CWD ?? process.cwd();
	if (options.dataFile) options.dataFile = resolve(typedIn, options.dataFile);
	if (options.functionDirs)
		options.functionDirs = options.functionDirs.map((dir) => resolve(typedIn, dir));

	let server;
	try {
		server = await startServer(options);
	} catch (error) {
		return fail(error);
	}

	const lines = [`Xano async backend serving ${server.baseUrl}`, 'Functions:'];
	for (const fn of server.functions)
		lines.push(`  ${fn.name}${fn.description ? ` - ${fn.description}` : ''}`);
	if (server.demo) {
		lines.push(
			'Demo credentials (no --user or --token was given):',
			`  email:    ${server.demo.email}`,
			`  password: ${server.demo.password}`,
			`  token:    ${server.demo.token}`,
		);
	}
	process.stdout.write(`${lines.join('\n')}\n`);

	let stopping = false;
	const stop = (/** @type {string} */ signal) => {
		if (stopping) return;
		stopping = true;
		server.close().then(
			() => process.exit(0),
			(error) => {
				process.stderr.write(`Shutdown after ${signal} failed: ${error?.stack ?? error}\n`);
				process.exit(1);
			},
		);
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
}

/** Why the server could not listen, for the errors a person can fix with --host or --port. */
const LISTEN_FAILURES = {
	EADDRINUSE: 'the port is taken by another server; pick another with --port (0 picks a free one)',
	EACCES:
		'not allowed to listen there; ports below 1024 need extra rights, pick another with --port',
	EADDRNOTAVAIL: 'no network interface of this machine has that address; check --host',
};

/** @param {unknown} error */
function listenFailure(error) {
	const failure =
		/** @type {{ code?: string, syscall?: string, address?: string, port?: number }} */ (error);
	if (
		failure?.syscall !== 'listen' ||
		!failure.code ||
		!Object.hasOwn(LISTEN_FAILURES, failure.code)
	) {
		return undefined;
	}
	const reason = LISTEN_FAILURES[/** @type {keyof typeof LISTEN_FAILURES} */ (failure.code)];
	return `cannot listen on ${failure.address}:${failure.port}: ${reason} (${failure.code}).`;
}

/** @param {unknown} error */
function fail(error) {
	const listening = listenFailure(error);
	const expected =
		error instanceof ConfigError ||
		error instanceof FunctionLoadError ||
		error instanceof DataFileInUseError ||
		listening !== undefined;
	const failure = /** @type {Error | undefined} */ (error);
	const message = listening ?? (expected ? failure?.message : (failure?.stack ?? String(error)));
	process.stderr.write(`xano-async-backend: ${message}\n`);
	process.exitCode = expected ? 2 : 1;
}

main();
