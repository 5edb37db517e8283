// bench/results.md: one section per benchmark (what was compared, a table, each goal beside its
// measured value), after the machine's facts. Rewritten after every section, so a run that is
// stopped half-way still leaves what it measured.
import { cpus, loadavg, totalmem, type } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lines, node24, repoRoot } from '../../scripts/n8n/lines.mjs';

/**
 * A benchmark's result.
 * @typedef {object} Section
 * @property {string} title      e.g. "1. Bulk import through real n8n"
 * @property {string} compared   one paragraph: what ran against what, and how it was measured
 * @property {{ columns: string[], rows: Array<Array<string | number>> }} table
 * @property {Array<{ goal: string, measured: string, met: boolean | undefined }>} goals
 * @property {string[]} [notes]  caveats a reader needs to read the numbers right
 */

const packageVersion = (path) => JSON.parse(readFileSync(join(repoRoot, path), 'utf8')).version;

/** The facts a reader needs to compare these numbers with their own machine. */
export function machineFacts(startedAt) {
	const [cpu] = cpus();
	return [
		[
			'date',
			startedAt
				.toISOString()
				.replace(/\.\d+Z$/, ' UTC')
				.replace('T', ' '),
		],
		['CPU', `${cpus().length} × ${cpu?.model?.trim() ?? 'unknown'}`],
		['memory', `${Math.round(totalmem() / 2 ** 30)} GiB`],
		['system', `${type()} ${process.arch}`],
		['load average at start (1 min)', loadavg()[0].toFixed(2)],
		['Node (bench, backend)', process.version],
		['n8n', `${lines['2'].version} (on Node ${node24.version}, set up by the harness)`],
		['n8n-nodes-xano-async', packageVersion('package.json')],
		['xano-async-backend', packageVersion('backend/package.json')],
	];
}

const cell = (value) =>
	String(typeof value === 'number' ? value.toLocaleString('en-US') : value).replace(/\|/g, '\\|');

function markdownTable(columns, rows) {
	return [
		`| ${columns.map(cell).join(' | ')} |`,
		`| ${columns.map(() => '---').join(' | ')} |`,
		...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
	].join('\n');
}

const verdict = (met) => (met === undefined ? 'not measured' : met ? 'met' : 'not met');

/** @param {Section} section */
export function sectionMarkdown(section) {
	const parts = [
		`## ${section.title}`,
		section.compared,
		markdownTable(section.table.columns, section.table.rows),
	];
	if (section.goals.length > 0) {
		parts.push(
			markdownTable(
				['goal', 'measured', ''],
				section.goals.map(({ goal, measured, met }) => [goal, measured, verdict(met)]),
			),
		);
	}
	if (section.notes?.length) parts.push(section.notes.map((note) => `- ${note}`).join('\n'));
	return parts.join('\n\n');
}

/**
 * Writes the whole results file.
 * @param {string} file
 * @param {{ facts: string[][], sections: Section[], failures: Array<{ title: string, error: string }>, durationMs?: number }} results
 */
export function writeResults(file, { facts, sections, failures, durationMs }) {
	const text = [
		'# Benchmarks',
		'Written by `npm run bench` (see [bench/README.md](README.md)). Each benchmark runs both sides in the same run on the same machine; compare the ratios, not the absolute numbers, with other machines.',
		markdownTable(['machine and versions', ''], facts),
		...sections.map(sectionMarkdown),
		...failures.map(({ title, error }) => `## ${title}\n\nDid not complete: ${error}`),
		durationMs === undefined ? '' : `Whole run: ${(durationMs / 60_000).toFixed(1)} min.`,
	]
		.filter(Boolean)
		.join('\n\n');
	writeFileSync(file, `${text}\n`);
}
