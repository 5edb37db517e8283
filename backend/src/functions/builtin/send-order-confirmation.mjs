// @ts-check

/** Order step: logs the confirmation email of an order. */
export default {
	name: 'send_order_confirmation',
	description: 'Writes the order confirmation email to the email_log table.',
	input: [
		{ name: 'order_id', type: 'json', required: true },
		{ name: 'email', type: 'email', required: false },
	],
	/** @param {{ order_id: unknown, email?: string }} input @param {any} ctx */
	async handler(input, ctx) {
		await ctx.sleep(20);
		const logged = await ctx.db.add('email_log', {
			to: input.email ?? 'customer@example.com',
			subject: `Your order ${input.order_id} is confirmed`,
			template: 'order_confirmation',
			execution_id: ctx.execution.id,
			status: 'logged',
		});
		return { order_id: input.order_id, confirmation_sent: true, email_log_id: logged.id };
	},
};
