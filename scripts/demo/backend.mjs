// The reference backend for the demo: loopback, a free port, a fresh SQLite file in the demo's
// temp folder, one user with a static token. Same flags as test/helpers/backend.ts.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot } from '../n8n/lines.mjs';
import { httpJson } from './http.mjs';
import { startLogged } from './processes.mjs';

const cli = join(repoRoot, 'backend', 'bin', 'xano-async-backend.mjs');
const firstLine = /^Xano async backend serving (\S+)$/m;

/** `extraArgs` are more backend flags (--max-parallel, --queue-size, ...), after the demo's own. */
export async function startBackend(workDir, { extraArgs = [] } = {}) {
	const email = 'demo@example.com';
	const password = randomBytes(12).toString('base64url');
	// base64url has no "@", which the --token flag reserves as its separator.
	const token = `demo_${randomBytes(24).toString('base64url')}`;
	const stdoutFile = join(workDir, 'backend.out.log');
	const server = startLogged(
		process.execPath,
		[
			cli,
			'--host',
			'127.0.0.1',
			'--port',
			'0',
			'--data',
			join(workDir, 'backend.sqlite'),
			'--user',
			`${email}:${password}`,
			'--token',
			`${token}@${email}`,
			// One JSON line per request at info: warnings are enough for a demo's log.
			'--log-level',
			'warn',
			'--shutdown-grace',
			'5',
			...extraArgs,
		],
		{ cwd: repoRoot, env: process.env, stdoutFile, stderrFile: join(workDir, 'backend.log') },
	);
	let baseUrl;
	try {
		[, baseUrl] = await server.waitForLog(firstLine, 30_000);
	} catch (error) {
		await server.stop(2_000);
		throw new Error(`The backend did not start: ${error.message}`);
	}
	const headers = { authorization: `Bearer ${token}` };
	return {
		server,
		baseUrl,
		token,
		email,
		password,
		get: (path) => httpJson('GET', `${baseUrl}${path}`, { headers, timeoutMs: 60_000 }),
		post: (path, body) =>
			httpJson('POST', `${baseUrl}${path}`, { body, headers, timeoutMs: 60_000 }),
	};
}
