// @ts-check
import { createHash } from 'node:crypto';

/**
 * Shared by the three profile fan-out functions: a stable number from a user id, so outputs and
 * delays are deterministic per user.
 * @param {unknown} userId
 * @param {string} salt
 */
export function seedOf(userId, salt) {
	return createHash('sha256')
		.update(`${salt}:${JSON.stringify(userId)}`)
		.digest()
		.readUInt32BE(0);
}

/** A realistic, deterministic latency between 60 and 200 ms. @param {number} seed */
export const latencyMs = (seed) => 60 + (seed % 141);
