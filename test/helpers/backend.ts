/**
 * Starts the reference backend (backend/bin/xano-async-backend.mjs) as a child process for the
 * node package's tests: loopback only, a free port, a fresh SQLite file in a temp folder, and one
 * user with a static token. Only node built-ins are used, so jest (CommonJS) can load it as is.
 */
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

export interface StartBackendOptions {
	/** More CLI flags, appended after the defaults (a later single-value flag wins). */
	args?: string[];
	/** More environment variables for the child. */
	env?: Record<string, string>;
	/** Reuse this SQLite file (e.g. to restart on the same data); it is then not deleted on stop. */
	dataFile?: string;
	/**
	 * The static token to start with; default a new one. A restart on the same data passes the
	 * first start's token, since the backend revokes static tokens its flags leave out.
	 */
	token?: string;
	/** How long to wait for the first stdout line; default 20 s. */
	startTimeoutMs?: number;
}

export interface RunningBackend {
	/** The API group base URL, e.g. http://127.0.0.1:PORT/api:async */
	baseUrl: string;
	/** e.g. http://127.0.0.1:PORT (GET /health lives here) */
	origin: string;
	/** A static bearer token of the user below. */
	token: string;
	email: string;
	password: string;
	dataFile: string;
	process: ChildProcess;
	/** The last 20,000 characters the backend wrote to stderr (its JSON logs). */
	stderr(): string;
	/** SIGTERM, wait for a clean exit (SIGKILL after 15 s), then remove the temp folder. */
	stop(): Promise<void>;
	/** Sends a signal (default SIGKILL) and leaves the data in place. */
	kill(signal?: NodeJS.Signals): void;
}

const CLI = resolve(__dirname, '..', '..', 'backend', 'bin', 'xano-async-backend.mjs');
const FIRST_LINE = /^Xano async backend serving (\S+)$/;

export async function startBackend(options: StartBackendOptions = {}): Promise<RunningBackend> {
	const tempFolder = options.dataFile ? null : mkdtempSync(join(tmpdir(), 'xano-async-backend-'));
	const dataFile = options.dataFile ?? join(tempFolder as string, 'backend.sqlite');
	const email = 'tester@example.com';
	const password = randomBytes(12).toString('base64url');
	const token = options.token ?? `test_${randomBytes(24).toString('base64url')}`;

	const child = spawn(
		process.execPath,
		[
			CLI,
			'--host',
			'127.0.0.1',
			'--port',
			'0',
			'--data',
			dataFile,
			'--user',
			`${email}:${password}`,
			'--token',
			`${token}@${email}`,
			...(options.args ?? []),
		],
		{ stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(options.env ?? {}) } },
	);

	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => {
		stderr = (stderr + chunk.toString()).slice(-20_000);
	});
	const exited = new Promise<void>((resolveExit) => {
		if (child.exitCode !== null || child.signalCode !== null) resolveExit();
		else child.once('exit', () => resolveExit());
	});
	const removeTemp = () => {
		if (tempFolder) rmSync(tempFolder, { recursive: true, force: true });
	};

	let baseUrl: string;
	try {
		baseUrl = await firstLine(child, exited, options.startTimeoutMs ?? 20_000, () => stderr);
	} catch (error) {
		child.kill('SIGKILL');
		await exited;
		removeTemp();
		throw error;
	}

	let stopping: Promise<void> | null = null;
	return {
		baseUrl,
		origin: new URL(baseUrl).origin,
		token,
		email,
		password,
		dataFile,
		process: child,
		stderr: () => stderr,
		stop() {
			stopping ??= (async () => {
				if (child.exitCode === null && child.signalCode === null) {
					child.kill('SIGTERM');
					const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
					await exited;
					clearTimeout(timer);
				}
				removeTemp();
			})();
			return stopping;
		},
		kill(signal: NodeJS.Signals = 'SIGKILL') {
			child.kill(signal);
		},
	};
}

function firstLine(
	child: ChildProcess,
	exited: Promise<void>,
	timeoutMs: number,
	stderr: () => string,
): Promise<string> {
	return new Promise((resolveLine, reject) => {
		let stdout = '';
		const timer = setTimeout(
			() => reject(new Error(`The backend did not start within ${timeoutMs} ms.\n${stderr()}`)),
			timeoutMs,
		);
		const onData = (chunk: Buffer) => {
			stdout += chunk.toString();
			const newline = stdout.indexOf('\n');
			if (newline === -1) return;
			clearTimeout(timer);
			child.stdout?.off('data', onData);
			// Keep reading so a full pipe never blocks the backend.
			child.stdout?.resume();
			const match = FIRST_LINE.exec(stdout.slice(0, newline).trim());
			if (match) resolveLine(match[1]);
			else reject(new Error(`Unexpected first line from the backend: ${stdout.slice(0, newline)}`));
		};
		child.stdout?.on('data', onData);
		void exited.then(() => {
			clearTimeout(timer);
			reject(new Error(`The backend exited (code ${child.exitCode}) before serving.\n${stderr()}`));
		});
	});
}
