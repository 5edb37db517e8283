// @ts-check

/** A maintenance task: deletes records of the sessions table whose expires_at has passed. */
export default {
	name: 'cleanup_expired_sessions',
	description:
		'Deletes the records of a sessions table (default "sessions") whose expires_at (ms) has passed.',
	input: [{ name: 'table', type: 'text', required: false }],
	/** @param {{ table?: string }} input @param {any} ctx */
	async handler(input, ctx) {
		const table = input.table ?? 'sessions';
		const now = Date.now();
		let removed = 0;
		let offset = 0;
		for (;;) {
			const page = await ctx.db.query(table, { limit: 500, offset });
			if (page.length === 0) break;
			for (const session of page) {
				if (typeof session.expires_at === 'number' && session.expires_at <= now) {
					await ctx.db.delete(table, session.id);
					removed += 1;
				} else {
					offset += 1;
				}
			}
			if (ctx.signal.aborted) break;
		}
		return { table, removed };
	},
};
