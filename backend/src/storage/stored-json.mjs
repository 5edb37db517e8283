// @ts-check

/**
 * Fields kept in SQLite as JSON text (an execution's input and output) can be large: a batch of a
 * bulk import is about 100 KB. An execution object read from the store parses such a field only
 * when something reads it, and an HTTP answer that never reads it writes the stored text as it is,
 * instead of parsing it on the main thread only to stringify it again.
 *
 * The text was written by JSON.stringify, and JSON.stringify(JSON.parse(text)) === text for such
 * text, so the answer is byte for byte what JSON.stringify of the parsed value would give.
 */

/** Stored texts of the fields not read yet, by field name. */
const STORED = Symbol('stored JSON text');

/**
 * Defines `fields` on `target` as enumerable properties, each parsed from its JSON text when first
 * read; reading (or assigning) one turns it into a plain data property. Spreading, structured
 * cloning and deep comparisons see the parsed values, as with plain properties.
 * @template {object} T
 * @param {T} target has each key already, so key order stays as written
 * @param {Record<string, string>} fields JSON texts written by JSON.stringify
 * @returns {T}
 */
export function defineStoredJson(target, fields) {
	/** @type {Record<string, string>} */
	const stored = Object.assign(Object.create(null), fields);
	Object.defineProperty(target, STORED, { value: stored });
	for (const key of Object.keys(fields)) {
		const settle = (/** @type {unknown} */ value) => {
			delete stored[key];
			Object.defineProperty(target, key, {
				value,
				writable: true,
				enumerable: true,
				configurable: true,
			});
			return value;
		};
		Object.defineProperty(target, key, {
			get: () => settle(JSON.parse(stored[key])),
			set: settle,
			enumerable: true,
			configurable: true,
		});
	}
	return target;
}

/**
 * JSON.stringify(value) for answers that hold objects made by defineStoredJson (alone, in arrays,
 * or as values of plain objects): their unread fields are written as their stored text. Arrays and
 * plain objects are walked; anything else is handed to JSON.stringify.
 * @param {unknown} value
 * @returns {string | undefined} undefined where JSON.stringify leaves the value out
 */
export function stringifyWithStoredJson(value) {
	if (Array.isArray(value)) {
		// Array.from visits holes too, which JSON.stringify writes as null.
		return `[${Array.from(value, (item) => stringifyWithStoredJson(item) ?? 'null').join(',')}]`;
	}
	if (!isPlainObject(value)) return JSON.stringify(value);
	const stored = /** @type {Record<string, string> | undefined} */ (
		/** @type {any} */ (value)[STORED]
	);
	/** @type {string[]} */
	const members = [];
	for (const key of Object.keys(value)) {
		const text =
			stored !== undefined && key in stored ? stored[key] : stringifyWithStoredJson(value[key]);
		if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
	}
	return `{${members.join(',')}}`;
}

/**
 * An object JSON.stringify writes member by member, with no toJSON of its own.
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isPlainObject(value) {
	if (value === null || typeof value !== 'object') return false;
	const prototype = Object.getPrototypeOf(value);
	return (
		(prototype === Object.prototype || prototype === null) &&
		typeof (/** @type {any} */ (value).toJSON) !== 'function'
	);
}
