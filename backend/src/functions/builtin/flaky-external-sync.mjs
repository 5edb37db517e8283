// @ts-check

/** A call to an unreliable external system: fails `fail_rate` of its attempts. */
export default {
	name: 'flaky_external_sync',
	description:
		'Simulates syncing a record to an unreliable external system; fails fail_rate (default 0.5) of attempts.',
	input: [
		{ name: 'record_id', type: 'json', required: false },
		{ name: 'fail_rate', type: 'decimal', required: false },
	],
	/** @param {{ record_id?: unknown, fail_rate?: number }} input @param {any} ctx */
	async handler(input, ctx) {
		await ctx.sleep(50 + Math.floor(Math.random() * 100));
		if (Math.random() < (input.fail_rate ?? 0.5)) {
			throw Object.assign(new Error('The external system did not answer (simulated).'), {
				code: 'ERROR_CODE_EXTERNAL_UNAVAILABLE',
				payload: { record_id: input.record_id ?? null },
			});
		}
		return { record_id: input.record_id ?? null, synced: true, synced_at: Date.now() };
	},
};
