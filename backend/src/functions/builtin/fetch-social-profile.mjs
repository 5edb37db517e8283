// @ts-check
import { latencyMs, seedOf } from './_profile.mjs';

export default {
	name: 'fetch_social_profile',
	description: 'Profile fan-out: the social profile of a user (deterministic sample data).',
	input: [{ name: 'user_id', type: 'json', required: true }],
	/** @param {{ user_id: unknown }} input @param {any} ctx */
	async handler(input, ctx) {
		const seed = seedOf(input.user_id, 'social');
		await ctx.sleep(latencyMs(seed));
		return {
			user_id: input.user_id,
			handle: `@user${seed % 100_000}`,
			followers: seed % 5000,
			following: (seed >>> 8) % 800,
		};
	},
};
