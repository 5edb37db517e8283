// Benchmark 2: how soon after a backend execution finishes does the workflow move on?
// (a) Xano Async Invoke → Xano Async Await, which long-polls POST /async/await, against (b) what a
// user builds without the Await node: Invoke → Wait 1 s → HTTP Request GET the execution → If
// finished, else back to the Wait. Both workflows run in the same n8n against the same backend,
// 200 webhook calls each, 10 at a time, each starting a `slow_task` of a random length (the same
// lengths on both sides), so completions fall at arbitrary moments; then (a) 30 times more, one
// at a time. An Edit Fields node right after the wait stamps Date.now() (n8n's main process; the
// backend's completed_at is Date.now() in another process on the same clock), and the latency is
// stamp − completed_at. The backend logs every request at info level, which gives the HTTP
// requests per awaited id. Where (a)'s time goes: the same long-poll sent straight from this
// process (the backend and HTTP alone), n8n's saved run data (node ends and starts), and n8n's
// main-process CPU and event-loop delay.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../scripts/n8n/lines.mjs';
import { startBackend } from '../scripts/demo/backend.mjs';
import { freePort, httpCall, httpJson } from '../scripts/demo/http.mjs';
import {
	activateWorkflow,
	createCredential,
	demoOwner,
	importWorkflow,
	readWorkflowFile,
	runErrorOf,
	startN8n,
	webhookUrl,
} from '../scripts/demo/n8n.mjs';
import { lastLines } from '../scripts/demo/processes.mjs';
import { logEntries } from './lib/backend-log.mjs';

const executionsPerSide = 200;
/**
 * Calls in flight per side. At 10, n8n 2.x's main process is saturated on 2 cores (about 230 ms
 * of CPU per execution with its default expression engine) and the queue in front of it is what
 * gets measured; 4 keeps it loaded but not saturated.
 */
const concurrency = 4;
const warmUpCalls = 20;
/** (a) again, one call at a time, after both sides. */
const aloneCalls = 30;
/** Calls per side whose workflow failed in n8n and was sent again, before the side gives up. */
const maxFailedCalls = 5;
/**
 * slow_task lengths: uniform over exactly one second, so a completion falls anywhere in (b)'s
 * one-second polling cycle.
 */
const shortestSeconds = 0.3;
const longestSeconds = 1.3;
const awaitTimeoutSeconds = 30;
const goalP50Ms = 20;
/** The resolution of the event-loop monitor behind n8n's metrics (Node's default). */
const eventLoopTickMs = 10;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const sides = {
	longPoll: {
		label: '(a) Xano Async Await (long-poll)',
		workflowFile: join(repoRoot, 'bench', 'workflows', 'await-long-poll.json'),
		webhookPath: 'bench-await-long-poll',
		waitNode: 'Await',
	},
	polling: {
		label: '(b) Wait 1 s → HTTP Request → If, looped',
		workflowFile: join(repoRoot, 'bench', 'workflows', 'await-polling.json'),
		webhookPath: 'bench-await-polling',
		waitNode: 'Get status',
	},
};

/** @param {{ workDir: string, say: (message: string) => void }} context */
export async function run({ workDir, say }) {
	const loadAtStart = loadavg()[0];
	const userFolder = join(workDir, 'n8n-user');
	mkdirSync(userFolder, { recursive: true });
	const backendLog = join(workDir, 'backend.log');
	const servers = {};
	try {
		const port = await freePort();
		const [backend, n8n] = await Promise.all([
			// Info level: one line per request, counted below. 20 run slots: 10 calls in flight never
			// queue a slow_task behind another.
			startBackend(workDir, { extraArgs: ['--log-level', 'info', '--max-parallel', '20'] }).then(
				(value) => (servers.backend = value),
			),
			// Metrics: /metrics reports the main process's event-loop delay since the last scrape.
			startN8n({
				workDir,
				userFolder,
				port,
				owner: demoOwner(),
				fileAccessFolder: workDir,
				env: { N8N_METRICS: 'true' },
			}).then((value) => (servers.n8n = value)),
		]);
		const workflows = await importWorkflows(n8n, backend);
		for (const workflow of Object.values(workflows)) await activateWorkflow(n8n, workflow);

		say(`warming up: ${warmUpCalls} calls per side ...`);
		for (const side of Object.values(sides)) {
			const warmUpLengths = Array(warmUpCalls).fill(0.1);
			checkAnswers(side, (await callMany(n8n, side, warmUpLengths)).calls, warmUpLengths);
		}

		const lengths = slowTaskLengths(executionsPerSide);
		say(
			`the same long-poll without n8n: ${executionsPerSide} executions, ${concurrency} at a time ...`,
		);
		const direct = await directLongPoll(backend, lengths);
		const mainPid = n8nMainPid(n8n.server.pid);
		const results = {};
		const failures = {};
		for (const [name, side] of Object.entries(sides)) {
			say(`${side.label}: ${executionsPerSide} executions, ${concurrency} at a time ...`);
			const logFrom = statSync(backendLog).size;
			await eventLoopDelay(n8n); // starts the next measurement afresh
			const cpuBefore = cpuMs(mainPid);
			const started = Date.now();
			const { calls, failed } = await callMany(n8n, side, lengths);
			const wallMs = Date.now() - started;
			const cpuBusy = (cpuMs(mainPid) - cpuBefore) / wallMs;
			const loopDelay = await eventLoopDelay(n8n);
			const answers = checkAnswers(side, calls, lengths);
			// The backend logs a request once its answer is written; give the last lines a moment.
			await new Promise((resolveSleep) => setTimeout(resolveSleep, 300));
			const requests = requestsSince(backendLog, logFrom);
			const runData = await runDataOf(n8n, workflows[name].id, answers);
			results[name] = {
				side,
				calls,
				failed,
				answers,
				wallMs,
				requests,
				runData,
				cpuBusy,
				loopDelay,
			};
			if (failed > 0) failures[name] = await lastRunError(n8n, side);
			say(
				`  p50 ${percentile(latencies(answers), 0.5)} ms, ${(wallMs / 1000).toFixed(1)} s in all`,
			);
		}
		// (a) once more with nothing else in flight: the Await node's latency when n8n is idle.
		say(`${sides.longPoll.label}: ${aloneCalls} executions, one at a time ...`);
		const aloneLengths = lengths.slice(0, aloneCalls);
		const alone = await callMany(n8n, sides.longPoll, aloneLengths, 1);
		const aloneLatencies = latencies(checkAnswers(sides.longPoll, alone.calls, aloneLengths));
		return section(results, {
			direct,
			alone: aloneLatencies,
			failures,
			loadAtStart,
			loadAtEnd: loadavg()[0],
		});
	} catch (error) {
		if (servers.n8n) say(`n8n's log ends:\n${lastLines(servers.n8n.logFile, 15)}`);
		throw error;
	} finally {
		await Promise.all([servers.n8n?.server.stop(), servers.backend?.server.stop()]);
	}
}

async function importWorkflows(n8n, backend) {
	const xano = await createCredential(n8n, {
		name: 'Xano Async (reference backend)',
		type: 'xanoAsyncApi',
		data: { baseUrl: backend.baseUrl, token: backend.token },
	});
	// (b)'s HTTP Request: what a user types in, the backend's URL and its token in a Bearer
	// credential.
	const bearer = await createCredential(n8n, {
		name: 'Reference backend token',
		type: 'httpBearerAuth',
		data: { token: backend.token },
	});
	const credentials = { xanoAsyncApi: xano, httpBearerAuth: bearer };
	const imported = {};
	for (const [name, side] of Object.entries(sides)) {
		const definition = readWorkflowFile(side.workflowFile);
		for (const node of definition.nodes) {
			if (node.type === 'n8n-nodes-base.httpRequest') {
				node.parameters.url = `=${backend.baseUrl}/async/executions/{{ $json.execution_id }}`;
			}
		}
		imported[name] = await importWorkflow(n8n, definition, credentials);
	}
	return imported;
}

/** Deterministic (mulberry32), so both sides and every run get the same lengths, to the ms. */
function slowTaskLengths(count) {
	let state = 0x2f6b_1d3a;
	const random = () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
	const span = longestSeconds - shortestSeconds;
	return Array.from(
		{ length: count },
		() => Math.round((shortestSeconds + random() * span) * 1000) / 1000,
	);
}

/**
 * One webhook call per length, `concurrency` in flight; answers in the order of `lengths`. A call
 * whose workflow failed in n8n (a 500; on an overloaded machine n8n 2.x can fail a workflow
 * before its first node, when its regex time limit runs out while validating the parameters)
 * is sent again, at most twice, and counted; more than `maxFailedCalls` such calls fail the side.
 */
async function callMany(n8n, side, lengths, inFlight = concurrency) {
	const url = webhookUrl(n8n, side.webhookPath);
	const calls = new Array(lengths.length);
	const failed = [];
	let next = 0;
	const worker = async () => {
		while (next < lengths.length) {
			const index = next++;
			for (let attempt = 1; ; attempt++) {
				const started = Date.now();
				const answer = await httpCall('POST', url, {
					body: { seconds: lengths[index] },
					timeoutMs: (awaitTimeoutSeconds + 30) * 1000,
				});
				if (answer.status === 200) {
					calls[index] = { body: answer.body, roundTripMs: Date.now() - started };
					break;
				}
				failed.push(answer.status);
				if (attempt === 3 || failed.length > maxFailedCalls) {
					const error = await lastRunError(n8n, side);
					throw new Error(
						`${side.label}: the webhook answered ${answer.status}${error ? ` (${error})` : ''}: ${JSON.stringify(answer.body)?.slice(0, 300)}`,
					);
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(inFlight, lengths.length) }, worker));
	return { calls, failed: failed.length };
}

/** The error of the side's latest failed n8n execution, if any. */
async function lastRunError(n8n, side) {
	try {
		const workflows = await n8n.api('GET', '/workflows?limit=50');
		const workflow = workflows.data.find((candidate) =>
			candidate.nodes.some((node) => node.parameters?.path === side.webhookPath),
		);
		const page = await n8n.api(
			'GET',
			`/executions?workflowId=${workflow.id}&status=error&includeData=true&limit=1`,
		);
		const error = runErrorOf(page.data[0]);
		return error && [error.message, error.description].filter(Boolean).join('. ');
	} catch {
		return undefined;
	}
}

/**
 * The floor under (a): the same invoke and long-poll await sent from this process, no n8n in
 * between; latency = when the await's answer is read here − completed_at.
 */
async function directLongPoll(backend, lengths) {
	const latencyMs = new Array(lengths.length);
	let next = 0;
	const worker = async () => {
		while (next < lengths.length) {
			const index = next++;
			const started = await backend.post('/async/invoke', {
				function: 'slow_task',
				input: { seconds: lengths[index] },
			});
			const [execution] = await httpJson('POST', `${backend.baseUrl}/async/await`, {
				body: { execution_ids: [started.execution_id], timeout: awaitTimeoutSeconds },
				headers: { authorization: `Bearer ${backend.token}` },
				timeoutMs: (awaitTimeoutSeconds + 30) * 1000,
			});
			const received = Date.now();
			if (execution?.status !== 'completed' || execution.output?.slept_seconds !== lengths[index]) {
				throw new Error(
					`direct long-poll: unexpected answer ${JSON.stringify(execution)?.slice(0, 300)}`,
				);
			}
			latencyMs[index] = received - execution.completed_at;
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, lengths.length) }, worker));
	return latencyMs;
}

const readProc = (path) => {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return undefined;
	}
};

/** n8n's main process under the harness CLI (Linux; undefined elsewhere). */
function n8nMainPid(leaderPid) {
	const queue = [leaderPid];
	for (let seen = 0; queue.length > 0 && seen < 200; seen++) {
		const pid = queue.shift();
		const cmdline = (readProc(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ');
		if (pid !== leaderPid && /n8n[\\/]bin[\\/]n8n/.test(cmdline)) return pid;
		const children = readProc(`/proc/${pid}/task/${pid}/children`)?.trim();
		if (children) queue.push(...children.split(/\s+/).map(Number));
	}
	return undefined;
}

/** CPU time (user + system) a process has used, in ms; NaN where /proc is not there. */
function cpuMs(pid) {
	const stat = pid === undefined ? undefined : readProc(`/proc/${pid}/stat`);
	if (!stat) return Number.NaN;
	// After the command name in parentheses: state is field 3, utime 14, stime 15, in ticks of 10 ms.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * n8n main process's event-loop delay since the previous scrape (prom-client resets it), in ms
 * beyond the 10 ms tick of Node's monitor: how long a callback that is due waits for its turn.
 */
async function eventLoopDelay(n8n) {
	let text = '';
	try {
		const answer = await httpCall('GET', `${n8n.url}/metrics`);
		if (typeof answer.body === 'string') text = answer.body;
	} catch {
		// No figure; the benchmark's results do not depend on it.
	}
	const value = (name) => {
		const match = new RegExp(
			`^(?:\\w+_)?nodejs_eventloop_lag_${name}_seconds(?:\\{[^}]*\\})? (\\S+)$`,
			'm',
		).exec(text);
		return match ? Math.max(0, Number(match[1]) * 1000 - eventLoopTickMs) : Number.NaN;
	};
	return { p50: value('p50'), p99: value('p99'), max: value('max') };
}

/** Every answer must carry its own completed execution; anything else is a wrong result. */
function checkAnswers(side, calls, lengths) {
	const seen = new Set();
	return calls.map(({ body }, index) => {
		const answer = Array.isArray(body) ? body[0] : body;
		const problem = problemOf(answer, lengths[index], seen);
		if (problem) {
			throw new Error(
				`${side.label}, call ${index + 1}: ${problem}: ${JSON.stringify(answer)?.slice(0, 300)}`,
			);
		}
		seen.add(answer.execution_id);
		return { ...answer, latencyMs: answer.stamp - answer.completed_at };
	});
}

function problemOf(answer, seconds, seen) {
	if (answer?.status === null && answer.execution_id === null) {
		return 'no execution object reached Edit Fields (an HTTP Request outputs an answer without a JSON Content-Type as text, { data })';
	}
	if (answer?.status !== 'completed') return `status ${answer?.status}`;
	if (!uuid.test(String(answer.execution_id))) return 'no execution id';
	if (seen.has(answer.execution_id)) return 'an execution id answered twice';
	if (answer.slept_seconds !== seconds) {
		return `slept ${answer.slept_seconds} s, asked ${seconds} s`;
	}
	if (!Number.isInteger(answer.stamp) || !Number.isInteger(answer.completed_at)) {
		return 'no stamp or completed_at';
	}
	if (answer.stamp < answer.completed_at) {
		return `stamped ${answer.completed_at - answer.stamp} ms before completed_at (a clock step?)`;
	}
	if (!answer.n8n_execution_id) return 'no n8n execution id';
	return undefined;
}

/** The backend's "request completed" lines written after byte `from` of its log. */
function requestsSince(logFile, from) {
	return logEntries(logFile, from).filter((entry) => entry.msg === 'request completed');
}

/**
 * From n8n's saved executions: when the node that learned of the completion (Await, or the last
 * Get status) ended, and when Stamp started, for each measured execution.
 */
async function runDataOf(n8n, workflowId, answers) {
	const wanted = new Set(answers.map((answer) => String(answer.n8n_execution_id)));
	const found = new Map();
	const deadline = Date.now() + 60_000;
	while (found.size < wanted.size && Date.now() < deadline) {
		let cursor;
		do {
			const page = await n8n.api(
				'GET',
				`/executions?workflowId=${encodeURIComponent(workflowId)}&includeData=true&limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
				undefined,
				120_000,
			);
			for (const execution of page.data) {
				if (wanted.has(String(execution.id)) && execution.status === 'success') {
					found.set(String(execution.id), execution);
				}
			}
			cursor = page.nextCursor;
		} while (cursor);
		if (found.size < wanted.size) {
			await new Promise((resolveSleep) => setTimeout(resolveSleep, 500));
		}
	}
	return answers.map((answer) => {
		const execution = found.get(String(answer.n8n_execution_id));
		if (!execution) return undefined;
		const runs = (execution.data?.resultData ?? execution.resultData)?.runData ?? {};
		const waitRuns = runs[sides.longPoll.waitNode] ?? runs[sides.polling.waitNode];
		const lastWait = waitRuns?.[waitRuns.length - 1];
		const stamp = runs.Stamp?.[0];
		if (!lastWait || !stamp) {
			const error = runErrorOf(execution);
			throw new Error(
				`n8n execution ${answer.n8n_execution_id} lacks run data${error ? `: ${error.message}` : ''}`,
			);
		}
		return {
			waitNodeEnd: lastWait.startTime + lastWait.executionTime,
			stampStart: stamp.startTime,
			waitNodeRuns: waitRuns.length,
		};
	});
}

const latencies = (answers) => answers.map((answer) => answer.latencyMs);

/** Nearest rank: the smallest value with at least `share` of the values at or below it. */
function percentile(values, share) {
	const sorted = [...values].sort((x, y) => x - y);
	return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)];
}

const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const ms = (value) => `${Math.round(value).toLocaleString('en-US')} ms`;
const times = (ratio) => `${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}×`;
const isAwait = (request) => request.method === 'POST' && request.path.endsWith('/async/await');
const isInvoke = (request) => request.method === 'POST' && request.path.endsWith('/async/invoke');
const statusCheck = /\/async\/executions\/([0-9a-f-]{36})$/i;

/** Requests that learned an execution's state (await, GET one execution), per awaited id. */
function requestCounts({ answers, requests }) {
	const ids = new Set(answers.map((answer) => answer.execution_id));
	const perId = new Map([...ids].map((id) => [id, 0]));
	let awaits = 0;
	let invokes = 0;
	let failed = 0;
	for (const request of requests) {
		if (request.status >= 400) failed++;
		if (isInvoke(request)) invokes++;
		else if (isAwait(request)) awaits++;
		else if (request.method === 'GET') {
			const id = statusCheck.exec(request.path)?.[1];
			if (id && perId.has(id)) perId.set(id, perId.get(id) + 1);
		}
	}
	const gets = [...perId.values()];
	const total = awaits + gets.reduce((sum, count) => sum + count, 0);
	return {
		perId: total / ids.size,
		maxPerId: awaits > 0 ? undefined : Math.max(...gets),
		invokesPerId: invokes / ids.size,
		failed,
		total,
	};
}

/**
 * A side's latency in parts, from n8n's run data: completion → the end of the node that learned
 * of it (Await: the backend's wake-up, the answer on the wire, the node's own handling), that
 * node's end → Stamp's start (n8n between two nodes; for (b) the If node too), Stamp's start →
 * its Date.now().
 */
function breakdown({ answers, runData }) {
	const parts = { toWaitNodeEnd: [], handoff: [], inStamp: [] };
	answers.forEach((answer, index) => {
		const data = runData[index];
		if (!data) return;
		parts.toWaitNodeEnd.push(data.waitNodeEnd - answer.completed_at);
		parts.handoff.push(data.stampStart - data.waitNodeEnd);
		parts.inStamp.push(answer.stamp - data.stampStart);
	});
	return { ...parts, count: parts.handoff.length };
}

const p50p99 = (values) =>
	values.length === 0 ? 'n/a' : `${ms(percentile(values, 0.5))} / ${ms(percentile(values, 0.99))}`;
const share = (value) => (Number.isFinite(value) ? `${Math.round(value * 100)} %` : 'n/a');
const cpuPerExecution = (side) =>
	Number.isFinite(side.cpuBusy) ? ms((side.cpuBusy * side.wallMs) / executionsPerSide) : 'n/a';
const delay = ({ p50, p99 }) =>
	Number.isFinite(p50) ? `${p50.toFixed(1)} / ${p99.toFixed(1)} ms` : 'n/a';

function section(results, { direct, alone, failures, loadAtStart, loadAtEnd }) {
	const a = results.longPoll;
	const b = results.polling;
	for (const side of [a, b]) side.counts = requestCounts(side);
	const stat = (side, at) => percentile(latencies(side.answers), at);
	const both = (format) => [format(a), format(b)];
	const ratio = (format) => {
		const [x, y] = both(format);
		return x > 0 ? times(y / x) : '';
	};
	const latencyRow = (label, at) => [
		label,
		...both((side) => ms(stat(side, at))),
		ratio((side) => stat(side, at)),
	];
	const roundTrips = (side) => side.calls.map((call) => call.roundTripMs);
	const parts = breakdown(a);
	const partsB = breakdown(b);
	const p50 = stat(a, 0.5);
	const rows = [
		latencyRow('latency p50 (completed_at → next node runs)', 0.5),
		latencyRow('latency p90', 0.9),
		latencyRow('latency p99', 0.99),
		latencyRow('latency max', 1),
		[
			'latency mean',
			...both((side) => ms(mean(latencies(side.answers)))),
			ratio((side) => mean(latencies(side.answers))),
		],
		[
			'HTTP requests per awaited id (await / GET status)',
			...both(
				(side) =>
					`${side.counts.perId.toFixed(2)}${side.counts.maxPerId ? ` (max ${side.counts.maxPerId})` : ''}`,
			),
			ratio((side) => side.counts.perId),
		],
		['HTTP requests per id to invoke', ...both((side) => side.counts.invokesPerId.toFixed(2)), ''],
		[
			'webhook round trip p50 (call → answer)',
			...both((side) => ms(percentile(roundTrips(side), 0.5))),
			ratio((side) => percentile(roundTrips(side), 0.5)),
		],
		[
			`${executionsPerSide} executions, ${concurrency} at a time, wall time`,
			...both((side) => `${(side.wallMs / 1000).toFixed(1)} s`),
			ratio((side) => side.wallMs),
		],
		['n8n main process CPU, share of one core', ...both((side) => share(side.cpuBusy)), ''],
		[
			'n8n main process CPU per execution',
			...both((side) => cpuPerExecution(side)),
			ratio((side) => (side.cpuBusy * side.wallMs) / executionsPerSide),
		],
		['n8n main process event-loop delay p50 / p99', ...both((side) => delay(side.loopDelay)), ''],
		[
			'answers carrying their own completed execution',
			...both((side) => `${side.answers.length} / ${executionsPerSide} ✓`),
			'',
		],
	];
	const failedRequests = a.counts.failed + b.counts.failed;
	return {
		title: '2. Await latency',
		compared: [
			`${executionsPerSide} webhook calls per side, ${concurrency} in flight, into one n8n with the package, against the reference backend; each call starts \`slow_task\` with Xano Async Invoke, for a length drawn uniformly from ${shortestSeconds}–${longestSeconds} s (the same ${executionsPerSide} lengths on both sides), so the completion falls anywhere in a one-second polling cycle.`,
			`(a) Xano Async Await (one long-poll \`POST /async/await\`, timeout ${awaitTimeoutSeconds} s) against`,
			'(b) what a user builds without it: Wait 1 s → HTTP Request `GET /async/executions/{id}` (Bearer credential) → If status is neither pending nor running, else back to the Wait.',
			"Then both run the same Edit Fields node, which stamps `Date.now()` in n8n's main process, and Respond to Webhook. Latency = that stamp − the execution's `completed_at` as the backend recorded it (epoch ms, `Date.now()` in the backend's process on the same machine clock): the time from the function's end until the workflow's next node runs.",
			"HTTP requests per id count the backend's own request log (info level) over the side's run: await requests for (a), GETs of that execution for (b).",
			`Both workflows were warmed up with ${warmUpCalls} calls each first; (a) ran before (b).`,
		].join(' '),
		table: { columns: ['', a.side.label, b.side.label, '(b) ÷ (a)'], rows },
		goals: [
			{
				goal: `p50 latency under ${goalP50Ms} ms with long-poll`,
				measured: `${ms(p50)} (p99 ${ms(stat(a, 0.99))}; one call at a time: p50 ${ms(percentile(alone, 0.5))}; polling: p50 ${ms(stat(b, 0.5))})`,
				met: p50 < goalP50Ms,
			},
		],
		notes: [
			`(a) with nothing else in flight (${alone.length} calls, one at a time, after both sides): latency p50 / p99 ${p50p99(alone)}, max ${ms(percentile(alone, 1))}.`,
			`Where (a)'s time goes, p50 / p99: the same invoke and long-poll sent straight from the benchmark's process, ${concurrency} at a time with the same lengths, no n8n, reads the answer ${p50p99(direct)} after completed_at (the backend's wake-up and HTTP). In n8n (run data of ${parts.count} executions): completed_at → the Await node's end ${p50p99(parts.toWaitNodeEnd)}; the Await node's end → Edit Fields' start (n8n between two nodes) ${p50p99(parts.handoff)}; Edit Fields' start → its Date.now() ${p50p99(parts.inStamp)}. What is above the direct figure is n8n's main process busy with the other executions in flight: its CPU share and event-loop delay are in the table.`,
			`(b) in the same parts: completed_at → the last HTTP Request's end ${p50p99(partsB.toWaitNodeEnd)} (mostly the rest of the 1 s Wait); that node's end → Edit Fields' start (through If) ${p50p99(partsB.handoff)}.`,
			`Timestamps are whole milliseconds from two processes on one clock, so each latency is exact to about ±1 ms. Each side also sent one invoke request per id; ${failedRequests === 0 ? 'no request was answered with an error status' : `${failedRequests} requests were answered with an error status`}.`,
			...Object.entries(failures).map(
				([name, error]) =>
					`${results[name].side.label}: ${results[name].failed} webhook calls failed in n8n and were sent again${error ? ` (n8n: ${error})` : ''}; their latency is that of the call that succeeded.`,
			),
			"The Wait node waits in n8n's process for anything under 65 s, so (b) never goes through n8n's database of waiting executions; with longer waits it would, and react later still.",
			`Load average (1 min) ${loadAtStart.toFixed(2)} before and ${loadAtEnd.toFixed(2)} after this benchmark; other processes on the machine share its cores with n8n.`,
		],
	};
}
