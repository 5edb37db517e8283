// @ts-check
import { inputError } from '../errors.mjs';

/** Small readers for query strings and bodies that fail with Xano's input error and its param. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @param {unknown} value @param {string} param */
export function executionId(value, param) {
	if (typeof value !== 'string' || !UUID.test(value)) {
		throw inputError(
			param,
			`${param} must be an execution id (a UUID), got ${JSON.stringify(value)}.`,
		);
	}
	return value.toLowerCase();
}

/** @param {unknown} body @returns {Record<string, unknown>} */
export function objectBody(body) {
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		throw inputError('body', 'The body must be a JSON object.');
	}
	return /** @type {Record<string, unknown>} */ (body);
}

/**
 * An integer query parameter.
 * @param {Record<string, unknown>} query @param {string} name
 * @param {{ fallback: number, min: number, max?: number }} range
 */
export function queryInt(query, name, { fallback, min, max = Number.MAX_SAFE_INTEGER }) {
	const raw = query[name];
	if (raw === undefined || raw === '') return fallback;
	const text = String(raw);
	const value = Number(text);
	if (!/^-?\d+$/.test(text) || value < min || value > max) {
		const upper = max === Number.MAX_SAFE_INTEGER ? '' : ` and at most ${max}`;
		throw inputError(
			name,
			`${name} must be a whole number of at least ${min}${upper}, got "${text}".`,
		);
	}
	return value;
}

/**
 * A comma list query parameter, checked against allowed values when given.
 * @param {Record<string, unknown>} query @param {string} name @param {readonly string[]} [allowed]
 */
export function queryList(query, name, allowed) {
	const raw = query[name];
	if (raw === undefined || raw === '') return [];
	const items = (Array.isArray(raw) ? raw : [raw])
		.flatMap((part) => String(part).split(','))
		.map((part) => part.trim())
		.filter(Boolean);
	if (allowed) {
		const wrong = items.find((item) => !allowed.includes(item));
		if (wrong !== undefined) {
			throw inputError(name, `${name} has "${wrong}"; allowed: ${allowed.join(', ')}.`);
		}
	}
	return items;
}

/**
 * Xano's paging envelope.
 * @template T
 * @param {T[]} items the page's items
 * @param {{ page: number, perPage: number, hasMore: boolean, itemsTotal?: number }} paging
 */
export function pageEnvelope(items, { page, perPage, hasMore, itemsTotal }) {
	return {
		itemsReceived: items.length,
		curPage: page,
		nextPage: hasMore ? page + 1 : null,
		prevPage: page > 1 ? page - 1 : null,
		offset: (page - 1) * perPage,
		perPage,
		...(itemsTotal === undefined
			? {}
			: { itemsTotal, pageTotal: Math.max(1, Math.ceil(itemsTotal / perPage)) }),
		items,
	};
}
