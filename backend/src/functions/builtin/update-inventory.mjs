// @ts-check

/**
 * Order step: takes each item's quantity off its stock in the inventory table. Each change is
 * also written to inventory_movements with this execution's id, so a run that is repeated after a
 * crash skips the items it already took off instead of taking them off twice.
 */
export default {
	name: 'update_inventory',
	description: 'Takes the ordered quantities off the stock of each SKU in the inventory table.',
	input: [
		{ name: 'order_id', type: 'json', required: true },
		{ name: 'items', type: 'array', required: false },
	],
	/** @param {{ order_id: unknown, items?: { sku: string, quantity?: number }[] }} input @param {any} ctx */
	async handler(input, ctx) {
		const items = input.items ?? [{ sku: 'SKU-DEFAULT', quantity: 1 }];
		for (const item of items) {
			const quantity = Number(item?.quantity ?? 1);
			if (typeof item?.sku !== 'string' || !Number.isFinite(quantity) || quantity < 0) {
				throw Object.assign(new Error('Every item needs a sku and a non-negative quantity.'), {
					code: 'ERROR_CODE_INPUT_ERROR',
					payload: { param: 'items' },
				});
			}
		}
		const updated = [];
		for (const [position, item] of items.entries()) {
			const quantity = Number(item.quantity ?? 1);
			const movement = { execution_id: ctx.execution.id, position };
			const [done] = await ctx.db.query('inventory_movements', { where: movement, limit: 1 });
			if (done) {
				updated.push({ sku: done.sku, stock: done.stock });
				continue;
			}
			// TODO(ctx.db gets transactions): change the stock and record the movement in one, so a
			// crash between these two writes cannot take an item off twice.
			const [existing] = await ctx.db.query('inventory', { where: { sku: item.sku }, limit: 1 });
			const stock = (existing?.stock ?? 100) - quantity;
			if (existing) await ctx.db.edit('inventory', existing.id, { stock });
			else await ctx.db.add('inventory', { sku: item.sku, stock });
			await ctx.db.add('inventory_movements', { ...movement, sku: item.sku, quantity, stock });
			updated.push({ sku: item.sku, stock });
		}
		return { order_id: input.order_id, updated };
	},
};
