// @ts-check
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli, tempDir } from './support/harness.mjs';

/**
 * Regression: a port already taken ended the CLI with a raw EADDRINUSE stack trace instead of a
 * message saying what to change.
 */
describe('the CLI on a port that is taken', () => {
	/** @type {import('node:net').Server} */
	let holder;
	/** @type {number} */
	let port;
	before(async () => {
		holder = createServer();
		await new Promise((resolve) => holder.listen(0, '127.0.0.1', () => resolve(undefined)));
		port = /** @type {import('node:net').AddressInfo} */ (holder.address()).port;
	});
	after(() => new Promise((resolve) => holder.close(() => resolve(undefined))));

	it('exits 2 with one line naming the address and the flag to change, no stack trace', async () => {
		const data = tempDir();
		const cli = spawnCli([
			'--port',
			String(port),
			'--data',
			join(data.dir, 'data.sqlite'),
			'--log-level',
			'silent',
		]);
		cli.baseUrl.catch(() => {});
		const { code } = await cli.exited;
		data.remove();
		const stderr = cli.stderr();
		assert.equal(code, 2);
		assert.match(stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is taken`));
		assert.match(stderr, /--port/);
		assert.doesNotMatch(stderr, /\n\s+at /);
	});
});
