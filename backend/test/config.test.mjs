// @ts-check
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
	ConfigError,
	DEFAULTS,
	parseCommandLine,
	resolveOptions,
	startServer,
} from '../src/index.mjs';
import { tempDir } from './support/harness.mjs';

describe('configuration', () => {
	it('reads every flag, repeatable ones included', () => {
		const options = parseCommandLine(
			[
				'--host',
				'0.0.0.0',
				'--port',
				'8787',
				'--api-group',
				'jobs',
				'--data',
				'x.sqlite',
				'--functions',
				'a',
				'--functions',
				'b',
				'--user',
				'A@example.com:pw:with:colons',
				'--token',
				'tok@a@example.com',
				'--max-parallel',
				'4',
				'--queue-size',
				'7',
				'--default-timeout',
				'60',
				'--retention',
				'120',
				'--log-level',
				'debug',
				'--max-attempts',
				'5',
				'--completion-visibility-lag',
				'2000',
				'--welcome-email-url',
				'http://127.0.0.1:9/x',
				'--shutdown-grace',
				'3',
				'--abort-grace',
				'250',
			],
			{},
		);
		assert.deepEqual(options, {
			host: '0.0.0.0',
			port: 8787,
			apiGroup: 'jobs',
			dataFile: 'x.sqlite',
			functionDirs: ['a', 'b'],
			users: [{ email: 'a@example.com', password: 'pw:with:colons' }],
			tokens: [{ token: 'tok', email: 'a@example.com' }],
			maxParallel: 4,
			queueSize: 7,
			defaultTimeoutSeconds: 60,
			retentionSeconds: 120,
			logLevel: 'debug',
			maxAttempts: 5,
			completionVisibilityLagMs: 2000,
			welcomeEmailUrl: 'http://127.0.0.1:9/x',
			shutdownGraceSeconds: 3,
			abortGraceMs: 250,
		});
	});

	it('falls back to XANO_ASYNC_* environment variables, flags winning', () => {
		const options = parseCommandLine(['--port', '1'], {
			XANO_ASYNC_PORT: '2',
			XANO_ASYNC_MAX_PARALLEL: '3',
			XANO_ASYNC_USER: 'a@example.com:x,b@example.com:y',
		});
		assert.equal(options.port, 1);
		assert.equal(options.maxParallel, 3);
		assert.equal(options.users?.length, 2);
	});

	it('refuses bad values with a message naming the flag', () => {
		assert.throws(() => parseCommandLine(['--port', 'abc'], {}), /--port must be a whole number/);
		assert.throws(() => parseCommandLine(['--user', 'nopassword'], {}), /EMAIL:PASSWORD/);
		assert.throws(() => parseCommandLine(['--token', 'tok'], {}), /TOKEN@EMAIL/);
		assert.throws(() => parseCommandLine(['--unknown'], {}), ConfigError);
		assert.throws(() => resolveOptions({ maxParallel: 0 }), /maxParallel/);
		assert.throws(() => resolveOptions({ apiGroup: 'a/b' }), /apiGroup/);
	});

	it('has the documented defaults', () => {
		assert.equal(DEFAULTS.maxParallel, 10);
		assert.equal(DEFAULTS.queueSize, 100);
		assert.equal(DEFAULTS.defaultTimeoutSeconds, 300);
		assert.equal(DEFAULTS.retentionSeconds, 86_400);
		assert.equal(DEFAULTS.bodyLimitBytes, 10 * 1024 * 1024);
	});
});

describe('migrations', () => {
	it('refuses a data file whose schema is newer than the code', async () => {
		const temp = tempDir();
		try {
			const file = join(temp.dir, 'future.sqlite');
			const db = new Database(file);
			db.pragma('user_version = 999');
			db.close();
			await assert.rejects(
				startServer({ port: 0, dataFile: file, logLevel: 'silent' }),
				/schema version 999, newer than this server knows/,
			);
		} finally {
			temp.remove();
		}
	});

	it('creates a demo user and token when none is given', async () => {
		const temp = tempDir();
		const server = await startServer({
			port: 0,
			dataFile: join(temp.dir, 'demo.sqlite'),
			logLevel: 'silent',
		});
		try {
			assert.ok(server.demo);
			const me = await fetch(`${server.baseUrl}/auth/me`, {
				headers: { authorization: `Bearer ${server.demo.token}` },
			});
			assert.equal((await me.json()).email, server.demo.email);
			const login = await fetch(`${server.baseUrl}/auth/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ email: server.demo.email, password: server.demo.password }),
			});
			assert.equal(login.status, 200);
		} finally {
			await server.close({ graceSeconds: 0 });
			temp.remove();
		}
	});
});
