// @ts-check
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startServer } from '../src/index.mjs';
import { ALICE, BOB, client, tempDir } from './support/harness.mjs';

/**
 * Regression: static tokens were only ever added. A token dropped from --token kept working
 * across restarts, and so did the demo token of every earlier start, though each start prints
 * fresh demo secrets.
 */
describe('static tokens are the ones given at this start', () => {
	const temp = tempDir();
	const dataFile = join(temp.dir, 'tokens.sqlite');
	after(() => temp.remove());

	/** @param {Partial<import('../src/config.mjs').ServerOptions>} options */
	const startOn = (options) => startServer({ port: 0, dataFile, logLevel: 'silent', ...options });

	/** @param {string} baseUrl @param {string} token */
	const meStatus = async (baseUrl, token) => (await client(baseUrl, token).get('/auth/me')).status;

	it('revokes a token dropped from --token, and keeps the ones still given', async () => {
		const first = await startOn({
			tokens: [
				{ token: ALICE.token, email: ALICE.email },
				{ token: BOB.token, email: BOB.email },
			],
		});
		assert.equal(await meStatus(first.baseUrl, BOB.token), 200);
		await first.close();

		const second = await startOn({ tokens: [{ token: ALICE.token, email: ALICE.email }] });
		try {
			assert.equal(await meStatus(second.baseUrl, ALICE.token), 200);
			assert.equal(await meStatus(second.baseUrl, BOB.token), 401);
		} finally {
			await second.close();
		}
	});

	it("revokes the earlier start's demo token when a new one is made", async () => {
		const first = await startOn({});
		const firstToken = /** @type {{ token: string }} */ (first.demo).token;
		assert.equal(await meStatus(first.baseUrl, firstToken), 200);
		await first.close();

		const second = await startOn({});
		try {
			const secondToken = /** @type {{ token: string }} */ (second.demo).token;
			assert.equal(await meStatus(second.baseUrl, secondToken), 200);
			assert.equal(await meStatus(second.baseUrl, firstToken), 401);
		} finally {
			await second.close();
		}
	});

	it('a start with users but no demo revokes the demo token too', async () => {
		const demoStart = await startOn({});
		const demoToken = /** @type {{ token: string }} */ (demoStart.demo).token;
		await demoStart.close();

		const withUser = await startOn({ users: [{ email: ALICE.email, password: ALICE.password }] });
		try {
			assert.equal(await meStatus(withUser.baseUrl, demoToken), 401);
		} finally {
			await withUser.close();
		}
	});
});
