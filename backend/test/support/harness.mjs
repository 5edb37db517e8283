// @ts-check
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../src/index.mjs';

export const FIXTURE_FUNCTIONS = fileURLToPath(new URL('../fixtures/functions/', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/xano-async-backend.mjs', import.meta.url));

export const ALICE = {
	email: 'alice@example.com',
	password: 'alice-password',
	token: 'alice-token',
};
export const BOB = { email: 'bob@example.com', password: 'bob-password', token: 'bob-token' };

/** A temporary folder for one test's SQLite file, removed by the returned function. */
export function tempDir() {
	const dir = mkdtempSync(join(tmpdir(), 'xano-async-test-'));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the real server in this process on 127.0.0.1, port 0, with a real SQLite file, the
 * fixture functions, and two users (alice and bob) with static tokens.
 * @param {Partial<import('../../src/config.mjs').ServerOptions>} [overrides]
 */
export async function startTestServer(overrides = {}) {
	const temp = tempDir();
	/** @type {string[]} */
	const logLines = [];
	const logStream = new Writable({
		write(chunk, _encoding, done) {
			logLines.push(String(chunk));
			done();
		},
	});
	const server = await startServer({
		host: '127.0.0.1',
		port: 0,
		dataFile: join(temp.dir, 'backend.sqlite'),
		functionDirs: [FIXTURE_FUNCTIONS],
		users: [
			{ email: ALICE.email, password: ALICE.password },
			{ email: BOB.email, password: BOB.password },
		],
		tokens: [
			{ token: ALICE.token, email: ALICE.email },
			{ token: BOB.token, email: BOB.email },
		],
		logLevel: 'info',
		logStream,
		...overrides,
	});
	let closed = false;
	return {
		server,
		baseUrl: server.baseUrl,
		origin: server.origin,
		dataFile: join(temp.dir, 'backend.sqlite'),
		logLines,
		api: client(server.baseUrl, ALICE.token),
		asBob: client(server.baseUrl, BOB.token),
		async close() {
			if (closed) return;
			closed = true;
			await server.close({ graceSeconds: 0 });
			temp.remove();
		},
	};
}

/**
 * A tiny JSON client over global fetch.
 * @param {string} baseUrl
 * @param {string | null} token
 */
export function client(baseUrl, token) {
	/**
	 * @param {string} method
	 * @param {string} path
	 * @param {unknown} [body]
	 * @param {{ headers?: Record<string, string>, raw?: string }} [extra]
	 */
	const request = async (method, path, body, extra = {}) => {
		/** @type {Record<string, string>} */
		const headers = { ...(extra.headers ?? {}) };
		if (token) headers.authorization = `Bearer ${token}`;
		let payload;
		if (extra.raw !== undefined) payload = extra.raw;
		else if (body !== undefined) {
			payload = JSON.stringify(body);
			headers['content-type'] = 'application/json';
		}
		const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
		const text = await response.text();
		let json = null;
		try {
			json = text ? JSON.parse(text) : null;
		} catch {
			json = null;
		}
		return {
			status: response.status,
			headers: response.headers,
			body: /** @type {any} */ (json),
			text,
		};
	};
	return {
		request,
		get: (/** @type {string} */ path) => request('GET', path),
		post: (/** @type {string} */ path, /** @type {unknown} */ body, /** @type {any} */ extra) =>
			request('POST', path, body, extra),
		/** Invokes and returns the execution, failing the test on anything but 202. */
		async invoke(
			/** @type {string} */ fn,
			/** @type {unknown} */ input = {},
			/** @type {object} */ options = {},
		) {
			const response = await request('POST', '/async/invoke', { function: fn, input, ...options });
			if (response.status !== 202) {
				throw new Error(`invoke ${fn} answered ${response.status}: ${response.text}`);
			}
			return response.body;
		},
		/** Awaits ids and returns the array of executions. */
		async awaitAll(/** @type {string[]} */ ids, timeout = 30, until = 'all') {
			const response = await request('POST', '/async/await', {
				execution_ids: ids,
				timeout,
				until,
			});
			if (response.status !== 200)
				throw new Error(`await answered ${response.status}: ${response.text}`);
			return /** @type {any[]} */ (response.body);
		},
	};
}

/**
 * Spawns the CLI as a child process (for kill -9 and SIGTERM tests) and waits for its first
 * stdout line.
 * @param {string[]} args
 */
export function spawnCli(args) {
	const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr.on('data', (chunk) => {
		stderr = (stderr + chunk).slice(-20_000);
	});
	const exited = new Promise((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal })),
	);
	const ready = new Promise((resolve, reject) => {
		let stdout = '';
		const onData = (/** @type {Buffer} */ chunk) => {
			stdout += chunk;
			const newline = stdout.indexOf('\n');
			if (newline === -1) return;
			const match = /^Xano async backend serving (\S+)$/.exec(stdout.slice(0, newline));
			child.stdout.off('data', onData);
			child.stdout.resume();
			if (match) resolve(match[1]);
			else reject(new Error(`unexpected first line: ${stdout.slice(0, newline)}`));
		};
		child.stdout.on('data', onData);
		exited.then(({ code }) =>
			reject(new Error(`the CLI exited (${code}) before serving: ${stderr}`)),
		);
	});
	return {
		child,
		/** @type {Promise<string>} */
		baseUrl: /** @type {Promise<string>} */ (ready),
		/** @type {Promise<{ code: number | null, signal: string | null }>} */
		exited: /** @type {any} */ (exited),
		stderr: () => stderr,
	};
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a truthy value or the deadline passes.
 * @template T
 * @param {() => Promise<T> | T} check
 * @param {{ timeoutMs?: number, intervalMs?: number, what?: string }} [options]
 * @returns {Promise<T>}
 */
export async function eventually(
	check,
	{ timeoutMs = 10_000, intervalMs = 20, what = 'condition' } = {},
) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(intervalMs);
	}
}

/**
 * Polls GET /async/executions/{id} until the execution has `status`.
 * @param {{ api: ReturnType<typeof client> }} t
 * @param {string} id
 * @param {string} status
 */
export async function waitForStatus(t, id, status) {
	return eventually(
		async () => {
			const response = await t.api.get(`/async/executions/${id}`);
			return response.body?.status === status ? response.body : null;
		},
		{ what: `execution ${id} to be ${status}` },
	);
}
