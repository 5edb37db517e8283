// @ts-check
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestServer } from './support/harness.mjs';

const SPEC = readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8');

/** The path keys and their methods, read from the YAML's layout (two-space indents). */
function specOperations() {
	const section = SPEC.slice(SPEC.indexOf('\npaths:\n'), SPEC.indexOf('\ncomponents:\n'));
	/** @type {[string, string][]} */
	const operations = [];
	let path = '';
	for (const line of section.split('\n')) {
		const pathMatch = /^ {2}(\/\S*):$/.exec(line);
		if (pathMatch) path = pathMatch[1];
		const methodMatch = /^ {4}(get|post|put|patch|delete):$/.exec(line);
		if (methodMatch) operations.push([methodMatch[1].toUpperCase(), path]);
	}
	return operations;
}

describe('openapi.yaml', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer();
	});
	after(() => t.close());

	it('is OpenAPI 3.1 and describes every endpoint the server has', () => {
		assert.match(SPEC, /^openapi: 3\.1\.0$/m);
		const operations = specOperations().map(([method, path]) => `${method} ${path}`);
		assert.deepEqual(
			operations.sort(),
			[
				'GET /async/executions',
				'GET /async/executions/{execution_id}',
				'GET /async/functions',
				'GET /async/stats',
				'GET /auth/me',
				'POST /functions/{name}/run',
				'GET /health',
				'GET /tables/{table}',
				'POST /async/await',
				'POST /async/executions/{execution_id}/cancel',
				'POST /async/invoke',
				'POST /auth/login',
			].sort(),
		);
	});

	it('every operation it describes is served (no "Unable to locate request")', async () => {
		for (const [method, path] of specOperations()) {
			const concrete = path
				.replace('{execution_id}', '4b0f5cbc-3c3b-4a55-9b0e-2a5c8a4f7a10')
				.replace('{table}', 'runs')
				.replace('{name}', 'echo');
			const url = path === '/health' ? `${t.origin}${concrete}` : `${t.baseUrl}${concrete}`;
			const response = await fetch(url, {
				method,
				headers: { authorization: 'Bearer alice-token', 'content-type': 'application/json' },
				body: method === 'POST' ? '{}' : undefined,
			});
			const text = await response.text();
			assert.ok(!text.includes('Unable to locate request'), `${method} ${path} is not served`);
		}
	});
});
