// @ts-check

/**
 * ctx.db: simple tables of JSON records inside the executions' SQLite file. Every record belongs to
 * a caller (the owner of the execution that wrote it), so one caller's functions and the table
 * endpoint never see another caller's rows. A record reads as `{ id, created_at, ...fields }`.
 */

const TABLE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const COLUMN_FIELDS = new Set(['id', 'created_at', 'updated_at']);
/** Records per INSERT of a bulk add (5 bound values each): far fewer statements to run. */
const ROWS_PER_INSERT = 50;

/** A misuse of ctx.db by a function; it fails that function's execution. */
export class RecordStoreError extends Error {
	/** @param {string} message */
	constructor(message) {
		super(message);
		this.code = 'ERROR_CODE_INPUT_ERROR';
	}
}

/**
 * @typedef {object} RecordQuery
 * @property {Record<string, unknown>} [where] equality on fields
 * @property {{ field: string, direction?: 'asc' | 'desc' }[]} [order]
 * @property {number} [limit]
 * @property {number} [offset]
 */

/** @param {import('better-sqlite3').Database} db @param {{ now?: () => number }} [options] */
export function createRecordStore(db, { now = Date.now } = {}) {
	const statements = {
		insert: db.prepare(`
			INSERT INTO records (owner_id, table_name, body, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?) RETURNING *`),
		// A bulk add answers ids only: no row is read back or parsed.
		insertIds: db
			.prepare(
				`INSERT INTO records (owner_id, table_name, body, created_at, updated_at)
				VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?, ?, ?, ?)').join(', ')} RETURNING id`,
			)
			.pluck(),
		insertId: db
			.prepare(
				`INSERT INTO records (owner_id, table_name, body, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?) RETURNING id`,
			)
			.pluck(),
		get: db.prepare('SELECT * FROM records WHERE owner_id = ? AND table_name = ? AND id = ?'),
		update: db.prepare(`
			UPDATE records SET body = ?, updated_at = ?
			WHERE owner_id = ? AND table_name = ? AND id = ? RETURNING *`),
		remove: db.prepare('DELETE FROM records WHERE owner_id = ? AND table_name = ? AND id = ?'),
	};

	/**
	 * @param {number} ownerId
	 * @param {string} table
	 * @param {Record<string, unknown>} fields
	 */
	const insertOne = (ownerId, table, fields) => {
		const at = now();
		return toRecord(statements.insert.get(ownerId, checkTable(table), bodyOf(fields), at, at));
	};

	/**
	 * All records of one bulk add land in one transaction, or none do. They share one timestamp,
	 * go in ROWS_PER_INSERT at a time, and only their ids are read back. RETURNING lists a
	 * statement's rows in no set order; AUTOINCREMENT ids only grow, so sorted they follow `rows`.
	 */
	const insertMany = db.transaction(
		(/** @type {number} */ ownerId, /** @type {string} */ table, /** @type {unknown[]} */ rows) => {
			const at = now();
			/** @type {number[]} */
			const ids = [];
			/** @type {unknown[]} */
			const values = [];
			let next = 0;
			for (; next + ROWS_PER_INSERT <= rows.length; next += ROWS_PER_INSERT) {
				values.length = 0;
				for (let index = next; index < next + ROWS_PER_INSERT; index += 1) {
					values.push(ownerId, table, bodyOf(checkFields(rows[index])), at, at);
				}
				const chunk = /** @type {number[]} */ (statements.insertIds.all(values));
				ids.push(...chunk.sort((a, b) => a - b));
			}
			for (; next < rows.length; next += 1) {
				const body = bodyOf(checkFields(rows[next]));
				ids.push(/** @type {number} */ (statements.insertId.get(ownerId, table, body, at, at)));
			}
			return ids;
		},
	);

	return {
		/** @param {number} ownerId @param {string} table @param {unknown} fields */
		add(ownerId, table, fields) {
			return insertOne(ownerId, table, checkFields(fields));
		},

		/**
		 * @param {number} ownerId @param {string} table @param {unknown} rows
		 * @returns {{ count: number, ids: number[] }}
		 */
		bulkAdd(ownerId, table, rows) {
			if (!Array.isArray(rows)) throw new RecordStoreError('bulkAdd expects an array of records.');
			const ids = insertMany(ownerId, checkTable(table), rows);
			return { count: ids.length, ids };
		},

		/** @param {number} ownerId @param {string} table @param {number} id */
		get(ownerId, table, id) {
			const row = statements.get.get(ownerId, checkTable(table), id);
			return row ? toRecord(row) : null;
		},

		/** Merges `changes` into the record's fields. @param {number} ownerId @param {string} table @param {number} id @param {unknown} changes */
		edit(ownerId, table, id, changes) {
			const row = /** @type {any} */ (statements.get.get(ownerId, checkTable(table), id));
			if (!row) return null;
			const merged = { ...JSON.parse(row.body), ...checkFields(changes) };
			return toRecord(statements.update.get(bodyOf(merged), now(), ownerId, table, id));
		},

		/** @param {number} ownerId @param {string} table @param {number} id */
		delete(ownerId, table, id) {
			return statements.remove.run(ownerId, checkTable(table), id).changes > 0;
		},

		/** @param {number} ownerId @param {string} table @param {RecordQuery} [query] */
		query(ownerId, table, query = {}) {
			const { sql, params } = selectFrom(ownerId, table, query.where);
			const order = (query.order ?? []).map(({ field, direction }) => {
				const dir = direction === 'desc' ? 'DESC' : 'ASC';
				return `${fieldExpression(field, params)} ${dir}`;
			});
			order.push('id ASC');
			params.push(clampInt(query.limit, -1), clampInt(query.offset, 0));
			return db
				.prepare(`SELECT * ${sql} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`)
				.all(...params)
				.map(toRecord);
		},

		/** @param {number} ownerId @param {string} table @param {Record<string, unknown>} [where] */
		count(ownerId, table, where) {
			const { sql, params } = selectFrom(ownerId, table, where);
			return /** @type {{ n: number }} */ (db.prepare(`SELECT COUNT(*) AS n ${sql}`).get(...params))
				.n;
		},
	};
}

/** @typedef {ReturnType<typeof createRecordStore>} RecordStore */

/**
 * @param {number} ownerId @param {string} table @param {Record<string, unknown> | undefined} where
 */
function selectFrom(ownerId, table, where) {
	/** @type {unknown[]} */
	const params = [ownerId, checkTable(table)];
	const conditions = ['owner_id = ?', 'table_name = ?'];
	for (const [field, value] of Object.entries(where ?? {})) {
		const expression = fieldExpression(field, params);
		if (value === null) {
			conditions.push(`${expression} IS NULL`);
		} else {
			conditions.push(`${expression} = ?`);
			params.push(sqlValue(value));
		}
	}
	return { sql: `FROM records WHERE ${conditions.join(' AND ')}`, params };
}

/** @param {string} field @param {unknown[]} params pushed to when the field is a JSON path */
function fieldExpression(field, params) {
	if (typeof field !== 'string' || !FIELD_NAME.test(field)) {
		throw new RecordStoreError(`Invalid field name: ${JSON.stringify(field)}.`);
	}
	if (COLUMN_FIELDS.has(field)) return field;
	params.push(`$.${field}`);
	return 'json_extract(body, ?)';
}

/** json_extract answers booleans as 1/0 and objects as JSON text; compare like for like. */
function sqlValue(/** @type {unknown} */ value) {
	if (typeof value === 'boolean') return value ? 1 : 0;
	if (typeof value === 'object') return JSON.stringify(value);
	return value;
}

function checkTable(/** @type {unknown} */ table) {
	if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
		throw new RecordStoreError(
			`Invalid table name ${JSON.stringify(table)}: use 1 to 64 letters, digits, "_" or "-".`,
		);
	}
	return table;
}

/** @returns {Record<string, unknown>} */
function checkFields(/** @type {unknown} */ fields) {
	if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
		throw new RecordStoreError('A record must be a JSON object.');
	}
	return /** @type {Record<string, unknown>} */ (fields);
}

/** The stored body leaves out the fields that are columns. */
function bodyOf(/** @type {Record<string, unknown>} */ fields) {
	// Most records are plain objects without any of them: stringify those as they are, not a copy.
	if (
		Object.getPrototypeOf(fields) === Object.prototype &&
		!Object.hasOwn(fields, 'id') &&
		!Object.hasOwn(fields, 'created_at') &&
		!Object.hasOwn(fields, 'updated_at')
	) {
		return JSON.stringify(fields);
	}
	const { id: _id, created_at: _created, updated_at: _updated, ...rest } = fields;
	return JSON.stringify(rest);
}

function clampInt(/** @type {unknown} */ value, /** @type {number} */ fallback) {
	return Number.isInteger(value) && /** @type {number} */ (value) >= 0 ? value : fallback;
}

/** @param {any} row */
function toRecord(row) {
	return { id: row.id, created_at: row.created_at, ...JSON.parse(row.body) };
}
