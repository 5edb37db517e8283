import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { xanoApiRequest } from '../transport';
import type { FunctionDescription } from '../types';

/**
 * The function picker's list: `GET /async/functions`, filtered by what the user types. A backend
 * without that endpoint answers 404; the picker then offers the typed text as the name.
 */
export async function searchFunctions(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const typed = (filter ?? '').trim();
	const functions = await (xanoApiRequest<FunctionDescription[] | null>).call(this, {
		method: 'GET',
		endpoint: 'functions',
		nullWhenNotFound: true,
	});
	if (functions === null) {
		return { results: typed === '' ? [] : [{ name: typed, value: typed }] };
	}
	const needle = typed.toLowerCase();
	const results = (Array.isArray(functions) ? functions : [])
		.filter((entry) => typeof entry?.name === 'string')
		.filter(
			(entry) =>
				needle === '' ||
				entry.name.toLowerCase().includes(needle) ||
				(entry.description ?? '').toLowerCase().includes(needle),
		)
		.sort((left, right) => left.name.localeCompare(right.name))
		.map((entry) => ({
			name: entry.name,
			value: entry.name,
			description: entry.description || undefined,
		}));
	return { results };
}
