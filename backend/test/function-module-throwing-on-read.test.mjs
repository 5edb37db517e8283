// @ts-check
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FunctionLoadError, startServer } from '../src/index.mjs';
import { tempDir } from './support/harness.mjs';

/**
 * Regression: a module whose export throws when it is read (a throwing getter, a Proxy), or that
 * throws something other than an Error while loading (`throw null`), escaped as a plain error, so
 * the command line printed a stack trace and exited 1 instead of naming the module and exiting 2.
 */
describe('function modules that throw when loaded or read', () => {
	/** @type {ReturnType<typeof tempDir>} */
	let temp;
	before(() => {
		temp = tempDir();
	});
	after(() => temp.remove());

	const modules = {
		getter: 'export default { get name() { throw new Error("no name today"); }, handler() {} };\n',
		'throw-null': 'throw null;\n',
		proxy:
			'export default new Proxy({}, { has() { throw new Error("trap"); }, get() { throw new Error("trap"); } });\n',
	};
	for (const [kind, source] of Object.entries(modules)) {
		it(`stops the start with a FunctionLoadError naming the module (${kind})`, async () => {
			const dir = join(temp.dir, kind);
			mkdirSync(dir);
			writeFileSync(join(dir, `${kind}.mjs`), source);
			await assert.rejects(
				startServer({
					port: 0,
					dataFile: join(temp.dir, `${kind}.sqlite`),
					functionDirs: [dir],
					logLevel: 'silent',
				}),
				(error) =>
					error instanceof FunctionLoadError && error.message.includes(join(dir, `${kind}.mjs`)),
			);
		});
	}
});
