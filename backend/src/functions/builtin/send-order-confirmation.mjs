// @ts-check
import { addOncePerExecution } from './_once.mjs';

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
		const { record: logged } = await addOncePerExecution(ctx, 'email_log', {
			to: input.email ?? 'customer@example.com',
			subject: `Your order ${input.order_id} is confirmed`,
			template: 'order_confirmation',
			status: 'logged',
		});
		return { order_id: input.order_id, confirmation_sent: true, email_log_id: logged.id };
	},
};
