// @ts-check
import { latencyMs, seedOf } from './_profile.mjs';

export default {
	name: 'fetch_preferences',
	description: 'Profile fan-out: the preferences of a user (deterministic sample data).',
	input: [{ name: 'user_id', type: 'json', required: true }],
	/** @param {{ user_id: unknown }} input @param {any} ctx */
	async handler(input, ctx) {
		const seed = seedOf(input.user_id, 'preferences');
		await ctx.sleep(latencyMs(seed));
		return {
			user_id: input.user_id,
			language: ['en', 'de', 'fr', 'es', 'ja'][seed % 5],
			newsletter: seed % 2 === 0,
			theme: seed % 3 === 0 ? 'dark' : 'light',
		};
	},
};
