// @ts-check

/**
 * Writes of the built-in functions that must happen once per execution. A run cut short (a crash,
 * or a shutdown past its grace) runs again from the top under the same execution id, so a record
 * is tagged with that id and a second run finds it instead of writing it again.
 */

/**
 * The record of this execution in `table`, added with `fields` when there is none yet.
 * @param {any} ctx the handler's ctx
 * @param {string} table
 * @param {Record<string, unknown>} fields
 * @returns {Promise<{ record: any, repeated: boolean }>}
 */
export async function addOncePerExecution(ctx, table, fields) {
	const [existing] = await ctx.db.query(table, {
		where: { execution_id: ctx.execution.id },
		limit: 1,
	});
	if (existing) return { record: existing, repeated: true };
	const record = await ctx.db.add(table, { ...fields, execution_id: ctx.execution.id });
	return { record, repeated: false };
}
