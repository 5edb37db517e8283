// @ts-check
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE, client, startTestServer } from './support/harness.mjs';

/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Regression: a login for an unknown email was refused without hashing anything, in about a
 * millisecond, while a wrong password for a real user took a full scrypt; the answer time told an
 * attacker which emails have accounts.
 */
describe('login timing', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	before(async () => {
		t = await startTestServer();
	});
	after(() => t.close());

	it('takes as long for an unknown email as for a wrong password', async () => {
		const anonymous = client(t.baseUrl, null);
		const timeLogin = async (/** @type {string} */ email) => {
			const startedAt = performance.now();
			const response = await anonymous.post('/auth/login', { email, password: 'not-it' });
			assert.equal(response.status, 403);
			return performance.now() - startedAt;
		};
		/** @type {number[]} */
		const known = [];
		/** @type {number[]} */
		const unknown = [];
		for (let round = 0; round < 7; round += 1) {
			known.push(await timeLogin(ALICE.email));
			unknown.push(await timeLogin(`nobody-${round}@example.com`));
		}
		assert.ok(
			median(unknown) > median(known) / 2,
			`unknown email ${median(unknown).toFixed(1)} ms, wrong password ${median(known).toFixed(1)} ms`,
		);
	});
});
