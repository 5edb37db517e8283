// Benchmark 3: how fast the reference backend accepts invocations, one per request and 1,000 per
// request, and how long one await of 1,000 ids takes. Accepting an invocation means committing
// one row, so the yardstick is the fastest the same SQLite table takes the same rows: a plain
// insert loop, in the same run. See bench/README.md.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
// The backend's own opening of a data file: the same better-sqlite3 build, the same pragmas (WAL,
// synchronous=NORMAL, ...) and its numbered migrations, so the plain loop inserts into the very
// table the store writes, and follows it when either changes.
import { openDatabase } from '../backend/src/storage/database.mjs';
import { startBackend } from '../scripts/demo/backend.mjs';

/** Invocations per measurement, each way; a multiple of the bulk size. */
const INVOCATIONS = 5000;
/** The contract's most per request, and the plain loop's rows per transaction. */
const BULK_SIZE = 1000;
/** Requests in flight when invoking one per request, about what an n8n workflow keeps open. */
const CLIENT_CONCURRENCY = 10;
/** Invocations of each shape sent first, untimed, so the timed ones meet a warm server. */
const WARM_UP = 200;
/** Rounds of the three insert measurements; the table shows each one's median round. */
const ROUNDS = 3;
const AWAIT_IDS = 1000;
const AWAIT_REPEATS = 5;

const number = (value) => value.toLocaleString('en-US');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const perSecond = (count, ms) => Math.round(count / (ms / 1000));
const percent = (part, whole) => `${Math.round((part / whole) * 100)}%`;
const seconds = (ms) => (ms / 1000).toFixed(3);

/** An invocation as an n8n workflow sends it: a small input, everything else defaulted. */
const welcomeEmail = (n) => ({
	function: 'send_welcome_email',
	input: { email: `user${n}@example.com`, name: `User ${n}` },
});
const welcomeEmails = (first, count) =>
	Array.from({ length: count }, (_, index) => welcomeEmail(first + index));

/** Throws unless the answer is a 202 with one `pending` execution; answers its id. */
function acceptedId(answer, what) {
	const execution = answer.body;
	if (answer.status !== 202 || execution?.status !== 'pending' || !execution.execution_id) {
		throw new Error(
			`${what} answered ${answer.status}: ${JSON.stringify(execution)?.slice(0, 300)}`,
		);
	}
	return execution.execution_id;
}

/** Throws unless a bulk answer is a 202 with one `pending` execution per invocation; answers ids. */
function acceptedIds(answer, count, what) {
	const executions = answer.body?.executions;
	if (
		answer.status !== 202 ||
		!Array.isArray(executions) ||
		executions.length !== count ||
		executions.some((execution) => execution.status !== 'pending' || !execution.execution_id)
	) {
		throw new Error(
			`${what} answered ${answer.status}: ${JSON.stringify(answer.body)?.slice(0, 300)}`,
		);
	}
	return executions.map((execution) => execution.execution_id);
}

/** Invocations one per request, `CLIENT_CONCURRENCY` in flight over keep-alive sockets. */
async function invokeOneByOne(call, invocations) {
	const ids = [];
	let next = 0;
	const sender = async () => {
		while (next < invocations.length) {
			const invocation = invocations[next];
			next += 1;
			ids.push(acceptedId(await call('POST', '/async/invoke', invocation), 'An invoke'));
		}
	};
	await Promise.all(Array.from({ length: CLIENT_CONCURRENCY }, sender));
	return ids;
}

/** Invocations in requests of up to `BULK_SIZE`, one after another, as the Invoke node sends them. */
async function invokeInBulk(call, invocations) {
	const ids = [];
	for (let offset = 0; offset < invocations.length; offset += BULK_SIZE) {
		const batch = invocations.slice(offset, offset + BULK_SIZE);
		const answer = await call('POST', '/async/invoke', { invocations: batch });
		ids.push(...acceptedIds(answer, batch.length, 'A bulk invoke'));
	}
	return ids;
}

/**
 * A fresh backend in a folder of its own (its own SQLite file), for one measurement; stopped
 * afterwards. One worker slot and a queue that never refuses anything sent here.
 */
async function onFreshBackend(workDir, name, measure) {
	const folder = join(workDir, name);
	mkdirSync(folder);
	const backend = await startBackend(folder, {
		extraArgs: [
			'--max-parallel',
			'1',
			'--queue-size',
			String(10 * (INVOCATIONS + AWAIT_IDS)),
			// Else every stop would wait for the long run that holds the slot (see timeAccepting).
			'--shutdown-grace',
			'0',
		],
	});
	const agent = new Agent({ keepAlive: true, maxSockets: CLIENT_CONCURRENCY });
	try {
		return await measure(keepAliveClient(backend, agent));
	} finally {
		agent.destroy();
		await backend.server.stop(10_000);
	}
}

/**
 * JSON calls over node:http with keep-alive sockets, as n8n's own HTTP helpers make them. Not
 * fetch: on a 2-core machine fetch spent more CPU per request than the backend answering it, so
 * the one-per-request rate was the client's, not the backend's.
 */
function keepAliveClient(backend, agent) {
	return (method, path, body) =>
		new Promise((resolveAnswer, reject) => {
			const text = body === undefined ? undefined : JSON.stringify(body);
			const headers = { authorization: `Bearer ${backend.token}` };
			if (text !== undefined) {
				headers['content-type'] = 'application/json';
				headers['content-length'] = Buffer.byteLength(text);
			}
			const call = request(`${backend.baseUrl}${path}`, { method, headers, agent }, (response) => {
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('error', reject);
				response.on('end', () => {
					const answer = Buffer.concat(chunks).toString('utf8');
					try {
						resolveAnswer({
							status: response.statusCode,
							body: answer ? JSON.parse(answer) : undefined,
						});
					} catch {
						resolveAnswer({ status: response.statusCode, body: answer });
					}
				});
			});
			call.setTimeout(120_000, () =>
				call.destroy(new Error(`${method} ${path}: no answer in 120 s`)),
			);
			call.on('error', reject);
			call.end(text);
		});
}

/** The backend's counts by status, from the reference backend's /async/stats. */
async function countsOf(call) {
	const answer = await call('GET', '/async/stats');
	if (answer.status !== 200) throw new Error(`/async/stats answered ${answer.status}.`);
	return answer.body.counts;
}

/**
 * Times `send` accepting `INVOCATIONS` invocations on a fresh backend whose one worker slot is
 * held by a long run, so nothing else runs: what is timed is accepting alone. Then checks that
 * every accepted invocation is stored, pending, under its own id.
 */
function timeAccepting(workDir, name, send) {
	return onFreshBackend(workDir, name, async (call) => {
		acceptedId(
			await call('POST', '/async/invoke', {
				function: 'slow_task',
				input: { seconds: 3600 },
				timeout: 3600,
			}),
			'The invoke of the slot-holding slow_task',
		);
		const deadline = Date.now() + 30_000;
		while ((await countsOf(call)).running !== 1) {
			if (Date.now() > deadline) throw new Error('The slot-holding slow_task did not start.');
			await sleep(50);
		}

		await send(call, welcomeEmails(-WARM_UP, WARM_UP));
		const invocations = welcomeEmails(0, INVOCATIONS);
		const started = performance.now();
		const ids = await send(call, invocations);
		const ms = performance.now() - started;

		const counts = await countsOf(call);
		const expected = WARM_UP + INVOCATIONS;
		if (new Set(ids).size !== INVOCATIONS || counts.pending !== expected || counts.running !== 1) {
			throw new Error(
				`${name}: ${new Set(ids).size} distinct ids for ${INVOCATIONS} invocations; the backend counts ${JSON.stringify(counts)}, expected ${expected} pending and 1 running.`,
			);
		}
		// The ids answered are the rows stored: the first, middle and last read back.
		for (const id of [ids[0], ids[Math.floor(ids.length / 2)], ids.at(-1)]) {
			const answer = await call('GET', `/async/executions/${id}`);
			if (answer.status !== 200 || answer.body?.status !== 'pending') {
				throw new Error(`${name}: execution ${id} answered ${answer.status}, not a pending one.`);
			}
		}
		return ms;
	});
}

/**
 * The store's own limit: the same rows (the columns and values the store writes for a pending
 * invocation, its id and JSON made per row as the store makes them) in transactions of
 * `rowsPerTransaction`, into a fresh file opened by the backend's code. No HTTP, no checks, no
 * answer. One row per transaction is what one invocation per request costs the store at least.
 */
function timePlainInserts(file, rowsPerTransaction) {
	const quietLog = { info() {}, warn() {}, error() {}, debug() {} };
	const db = openDatabase(file, quietLog);
	try {
		const ownerId = db
			.prepare('INSERT INTO users (email, name, created_at) VALUES (?, ?, ?) RETURNING id')
			.get('bench@example.com', 'Bench', Date.now()).id;
		const insert = db.prepare(`
			INSERT INTO executions (id, owner_id, function, input, status, priority, priority_rank,
				timeout_seconds, tags, idempotency_key, created_at)
			VALUES (?, ?, ?, ?, 'pending', 'normal', 2, 300, '[]', NULL, ?)`);
		const insertBatch = db.transaction((batch) => {
			const createdAt = Date.now();
			for (const { function: name, input } of batch) {
				insert.run(randomUUID(), ownerId, name, JSON.stringify(input), createdAt);
			}
		});
		const insertAll = (invocations) => {
			for (let offset = 0; offset < invocations.length; offset += rowsPerTransaction) {
				insertBatch(invocations.slice(offset, offset + rowsPerTransaction));
			}
		};
		insertAll(welcomeEmails(-WARM_UP, WARM_UP));
		const invocations = welcomeEmails(0, INVOCATIONS);
		const started = performance.now();
		insertAll(invocations);
		const ms = performance.now() - started;
		const { n } = db.prepare(`SELECT COUNT(*) AS n FROM executions WHERE status = 'pending'`).get();
		if (n !== WARM_UP + INVOCATIONS) {
			throw new Error(`The plain insert file holds ${n} rows, not ${WARM_UP + INVOCATIONS}.`);
		}
		return ms;
	} finally {
		db.close();
	}
}

/** 1,000 executions run to completion, then one await of all their ids, timed `AWAIT_REPEATS` times. */
function timeAwait(workDir, say) {
	return onFreshBackend(workDir, 'await', async (call) => {
		say(`Running ${number(AWAIT_IDS)} slow_task executions of 0 s to completion ...`);
		const invocations = Array.from({ length: AWAIT_IDS }, () => ({
			function: 'slow_task',
			input: { seconds: 0 },
		}));
		const ids = await invokeInBulk(call, invocations);
		const waited = await call('POST', '/async/await', { execution_ids: ids, timeout: 120 });
		const ended = Array.isArray(waited.body) ? waited.body : [];
		const notDone = ended.filter((execution) => execution.status !== 'completed');
		if (waited.status !== 200 || ended.length !== AWAIT_IDS || notDone.length > 0) {
			throw new Error(
				`${AWAIT_IDS - ended.length + notDone.length} of ${AWAIT_IDS} executions did not complete within 120 s (status ${waited.status}).`,
			);
		}
		say(`Timing ${AWAIT_REPEATS} awaits of their ${number(AWAIT_IDS)} ids ...`);
		const timings = [];
		for (let repeat = 0; repeat < AWAIT_REPEATS; repeat++) {
			const started = performance.now();
			const answer = await call('POST', '/async/await', { execution_ids: ids, timeout: 0 });
			timings.push(performance.now() - started);
			// One completed execution per id, in the order asked.
			const answered = Array.isArray(answer.body) ? answer.body : [];
			const complete =
				answer.status === 200 &&
				answered.length === AWAIT_IDS &&
				answered.every(
					(execution, index) =>
						execution.execution_id === ids[index] && execution.status === 'completed',
				);
			if (!complete) {
				throw new Error(
					`An await of ${AWAIT_IDS} completed ids answered ${answer.status} without each of them completed, in order.`,
				);
			}
		}
		return timings;
	});
}

/** @returns {Promise<import('./lib/report.mjs').Section>} */
export async function run({ workDir, say }) {
	const awaitTimings = await timeAwait(workDir, say);

	const rounds = { plain: [], bulk: [], plainSingle: [], one: [] };
	for (let round = 1; round <= ROUNDS; round++) {
		say(`Round ${round} of ${ROUNDS}: ${number(INVOCATIONS)} rows each way ...`);
		rounds.plain.push(timePlainInserts(join(workDir, `plain-${round}.sqlite`), BULK_SIZE));
		rounds.bulk.push(await timeAccepting(workDir, `bulk-${round}`, invokeInBulk));
		rounds.plainSingle.push(timePlainInserts(join(workDir, `plain-single-${round}.sqlite`), 1));
		rounds.one.push(await timeAccepting(workDir, `one-${round}`, invokeOneByOne));
	}

	const ms = Object.fromEntries(Object.entries(rounds).map(([way, times]) => [way, median(times)]));
	const rate = (way) => perSecond(INVOCATIONS, ms[way]);
	const awaitMs = median(awaitTimings);
	const rows = number(INVOCATIONS);
	const row = (what, way) => [
		what,
		rows,
		seconds(ms[way]),
		rate(way),
		percent(rate(way), rate('plain')),
	];
	const roundsText = (times) => times.map(seconds).join(', ');
	return {
		title: '3. Backend: invoke and await rates',
		compared:
			`Invocations accepted per second by the reference backend, over keep-alive HTTP on 127.0.0.1, against a plain better-sqlite3 loop inserting the same ${rows} rows (the columns and values the store writes for a pending invocation) into a file opened by the backend's own code (same pragmas, same migrations): the store's own limit, since an accepted invocation is one committed row. ` +
			`Bulk: requests of ${number(BULK_SIZE)}, one after another, as the Invoke node sends them, against the loop with ${number(BULK_SIZE)} rows per transaction. One per request: ${CLIENT_CONCURRENCY} requests in flight, as a workflow keeps them; the loop with one row per transaction shows what its commit per request costs alone. ` +
			`Every measurement runs on a fresh backend (its own file; --max-parallel 1 with that one slot held by a long slow_task, so no function runs: the rates are of accepting alone) after ${WARM_UP} untimed invocations, and every loop on a fresh file after ${WARM_UP} rows. Each figure is the median of ${ROUNDS} rounds. ` +
			`The await: ${number(AWAIT_IDS)} slow_task executions of 0 s ran to completion, then one POST /async/await of all their ids with timeout 0, median of ${AWAIT_REPEATS}.`,
		table: {
			columns: ['what', 'rows', 'seconds', 'rows/s', 'vs plain insert'],
			rows: [
				row(`plain SQLite insert loop, ${number(BULK_SIZE)} rows per transaction`, 'plain'),
				row(`bulk invoke, ${number(BULK_SIZE)} per request`, 'bulk'),
				row('plain SQLite insert loop, 1 row per transaction', 'plainSingle'),
				row(`invoke one per request, ${CLIENT_CONCURRENCY} in flight`, 'one'),
				[
					`one await of ${number(AWAIT_IDS)} completed ids (ids/s)`,
					number(AWAIT_IDS),
					seconds(awaitMs),
					perSecond(AWAIT_IDS, awaitMs),
					'',
				],
			],
		},
		goals: [
			{
				goal: 'bulk invoke at 50% or more of the plain insert rate',
				measured: `${percent(rate('bulk'), rate('plain'))} (${number(rate('bulk'))} against ${number(rate('plain'))} rows/s)`,
				met: rate('bulk') >= rate('plain') / 2,
			},
		],
		notes: [
			`Bulk invoke accepts ${(rate('bulk') / rate('one')).toFixed(1)}× as many invocations per second as one per request; one per request runs at ${percent(rate('one'), rate('plainSingle'))} of the loop committing one row per transaction.`,
			`Each round, in seconds: plain ${roundsText(rounds.plain)}; bulk ${roundsText(rounds.bulk)}; plain, 1 row per transaction ${roundsText(rounds.plainSingle)}; one per request ${roundsText(rounds.one)}. Each await of ${number(AWAIT_IDS)} ids, in ms: ${awaitTimings.map((time) => time.toFixed(1)).join(', ')}.`,
			'In real use the workers run executions while invocations arrive, and share the CPU with accepting them; here they are kept idle to measure accepting alone.',
		],
	};
}
