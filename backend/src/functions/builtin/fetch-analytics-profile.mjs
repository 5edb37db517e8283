// @ts-check
import { latencyMs, seedOf } from './_profile.mjs';

export default {
	name: 'fetch_analytics_profile',
	description: 'Profile fan-out: usage analytics of a user (deterministic sample data).',
	input: [{ name: 'user_id', type: 'json', required: true }],
	/** @param {{ user_id: unknown }} input @param {any} ctx */
	async handler(input, ctx) {
		const seed = seedOf(input.user_id, 'analytics');
		await ctx.sleep(latencyMs(seed));
		return {
			user_id: input.user_id,
			sessions_30d: seed % 120,
			average_session_seconds: 30 + ((seed >>> 4) % 900),
			segment: ['new', 'casual', 'engaged', 'power'][seed % 4],
		};
	},
};
