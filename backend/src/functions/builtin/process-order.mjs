// @ts-check

/**
 * The order pipeline as nested async calls, the way a Xano function stack would do it: start the
 * three steps at once, then await them all. While it waits, its helper slot runs the steps that
 * no free slot has taken yet, so it finishes even when every slot holds an order.
 *
 * Each step is invoked with an idempotency key made of this execution's id, so a run of the order
 * that was cut short and runs again from the top finds the steps it started before (pending,
 * running or completed) instead of starting them a second time.
 */
export default {
	name: 'process_order',
	description:
		'Runs update_inventory, send_order_confirmation and process_payment as nested async executions and awaits them.',
	input: [
		{ name: 'order_id', type: 'json', required: true },
		{ name: 'email', type: 'email', required: false },
		{ name: 'items', type: 'array', required: false },
		{ name: 'amount', type: 'decimal', required: false },
	],
	/** @param {{ order_id: unknown, email?: string, items?: unknown[], amount?: number }} input @param {any} ctx */
	async handler(input, ctx) {
		const step = (/** @type {string} */ name) => ({
			idempotency_key: `${ctx.execution.id}:${name}`,
		});
		const steps = await Promise.all([
			ctx.invoke(
				'update_inventory',
				{ order_id: input.order_id, items: input.items },
				step('inventory'),
			),
			ctx.invoke(
				'send_order_confirmation',
				{ order_id: input.order_id, email: input.email },
				step('confirmation'),
			),
			ctx.invoke(
				'process_payment',
				{ order_id: input.order_id, amount: input.amount ?? 10 },
				step('payment'),
			),
		]);
		const results = await ctx.await(
			steps.map((step) => step.execution_id),
			60,
		);
		const failed = results.filter((/** @type {any} */ step) => step.status !== 'completed');
		if (failed.length > 0) {
			throw Object.assign(new Error(`${failed.length} order step(s) did not complete.`), {
				code: 'ERROR_CODE_ORDER_STEP_FAILED',
				payload: {
					steps: failed.map((/** @type {any} */ step) => ({
						function: step.function,
						execution_id: step.execution_id,
						status: step.status,
						error: step.error,
					})),
				},
			});
		}
		const [inventory, confirmation, payment] = results.map(
			(/** @type {any} */ step) => step.output,
		);
		return { order_id: input.order_id, inventory, confirmation, payment };
	},
};
