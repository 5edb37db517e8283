// @ts-check
import { addOncePerExecution } from './_once.mjs';

/** Order step: records a captured payment; a non-positive amount fails like a declined card. */
export default {
	name: 'process_payment',
	description: 'Captures a payment for an order and writes it to the payments table.',
	input: [
		{ name: 'order_id', type: 'json', required: true },
		{ name: 'amount', type: 'decimal', required: true },
		{ name: 'currency', type: 'text', required: false },
	],
	/** @param {{ order_id: unknown, amount: number, currency?: string }} input @param {any} ctx */
	async handler(input, ctx) {
		if (input.amount <= 0) {
			throw Object.assign(new Error('The payment amount must be positive.'), {
				code: 'ERROR_CODE_PAYMENT_DECLINED',
				payload: { param: 'amount', amount: input.amount },
			});
		}
		await ctx.sleep(50);
		// A run that is repeated after a crash finds the payment it captured before.
		const { record: payment } = await addOncePerExecution(ctx, 'payments', {
			order_id: input.order_id,
			amount: input.amount,
			currency: input.currency ?? 'USD',
			status: 'captured',
		});
		return {
			order_id: input.order_id,
			payment_id: payment.id,
			status: 'captured',
			amount: input.amount,
		};
	},
};
