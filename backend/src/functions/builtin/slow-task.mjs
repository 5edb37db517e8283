// @ts-check

/** For timeout and cancel demos: waits `seconds`, and stops as soon as its signal aborts. */
export default {
	name: 'slow_task',
	description: 'Waits the given number of seconds (default 5); honours timeouts and cancels.',
	input: [{ name: 'seconds', type: 'decimal', required: false }],
	/** @param {{ seconds?: number }} input @param {any} ctx */
	async handler(input, ctx) {
		const seconds = input.seconds ?? 5;
		await ctx.sleep(seconds * 1000);
		return { slept_seconds: seconds };
	},
};
