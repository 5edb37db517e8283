import type { IDataObject } from 'n8n-workflow';

/**
 * The value of `path` in an item's JSON: the field of that exact name when there is one (names
 * may contain dots), else the nested field the dots lead to. Undefined when it is missing.
 */
export function readRecordField(json: IDataObject, path: string): unknown {
	if (Object.prototype.hasOwnProperty.call(json, path)) return json[path];
	let current: unknown = json;
	for (const key of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/** An object given as a JSON parameter (an object, or a string holding one). */
export function parseJsonObject(value: unknown): IDataObject | undefined {
	let parsed = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		try {
			parsed = JSON.parse(value);
		} catch {
			return undefined;
		}
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
	return parsed as IDataObject;
}
