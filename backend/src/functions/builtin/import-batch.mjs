// @ts-check

/**
 * One batch of a bulk import. A failing attempt fails before it writes anything, and a successful
 * one inserts every record of the batch in one transaction, so retrying a failed batch can never
 * import a record twice.
 */
export default {
	name: 'import_batch',
	description:
		'Inserts one batch of records into a table (default imported_records) in one transaction; fail_rate simulates failing attempts.',
	input: [
		{ name: 'records', type: 'array', required: true },
		{ name: 'batch_number', type: 'int', required: false },
		{ name: 'batch_count', type: 'int', required: false },
		{ name: 'table', type: 'text', required: false },
		{ name: 'fail_rate', type: 'decimal', required: false },
	],
	/**
	 * @param {{ records: unknown[], batch_number?: number, batch_count?: number, table?: string, fail_rate?: number }} input
	 * @param {any} ctx
	 */
	async handler(input, ctx) {
		const table = input.table ?? 'imported_records';
		const failRate = input.fail_rate ?? 0;
		if (failRate < 0 || failRate > 1) {
			throw Object.assign(new Error('fail_rate must be between 0 and 1.'), {
				code: 'ERROR_CODE_INPUT_ERROR',
				payload: { param: 'fail_rate' },
			});
		}
		if (Math.random() < failRate) {
			throw Object.assign(new Error(`Batch ${input.batch_number ?? '?'} failed (simulated).`), {
				code: 'ERROR_CODE_IMPORT_FAILED',
				payload: { batch_number: input.batch_number ?? null, records: input.records.length },
			});
		}
		const rows = input.records.map((record) =>
			record && typeof record === 'object' && !Array.isArray(record) ? record : { value: record },
		);
		const { count } = await ctx.db.bulkAdd(table, rows);
		return { processed_count: count, batch_number: input.batch_number ?? null, table };
	},
};
