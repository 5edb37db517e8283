// @ts-check
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
	ALICE,
	FIXTURE_FUNCTIONS,
	client,
	eventually,
	sleep,
	spawnCli,
	tempDir,
} from './support/harness.mjs';

/** @param {string} dataFile @param {string[]} [extra] */
const cliArgs = (dataFile, extra = []) => [
	'--host',
	'127.0.0.1',
	'--port',
	'0',
	'--data',
	dataFile,
	'--functions',
	FIXTURE_FUNCTIONS,
	'--user',
	`${ALICE.email}:${ALICE.password}`,
	'--token',
	`${ALICE.token}@${ALICE.email}`,
	'--log-level',
	'warn',
	...extra,
];

describe('crash safety', () => {
	const temp = tempDir();
	/** @type {ReturnType<typeof spawnCli>[]} */
	const started = [];
	const start = (/** @type {string[]} */ args) => {
		const cli = spawnCli(args);
		started.push(cli);
		return cli;
	};
	after(() => {
		for (const cli of started) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
		temp.remove();
	});

	it('kill -9 while 1,000 invocations run, then restart: all reach a terminal state, none lost, none that completed runs again', async () => {
		const dataFile = join(temp.dir, 'kill9.sqlite');
		const args = cliArgs(dataFile, ['--max-parallel', '10', '--queue-size', '1000']);
		const first = start(args);
		const api = client(await first.baseUrl, ALICE.token);

		const invoked = await api.post('/async/invoke', {
			invocations: Array.from({ length: 1000 }, (_, index) => ({
				function: 'record_run',
				input: { ms: 15, label: `run-${index}` },
			})),
		});
		assert.equal(invoked.status, 202);
		const ids = invoked.body.executions.map((/** @type {any} */ e) => e.execution_id);
		assert.equal(new Set(ids).size, 1000);

		// Let a good share complete, then snapshot what is completed and kill mid-flight.
		await eventually(async () => (await api.get('/async/stats')).body.counts.completed >= 150, {
			timeoutMs: 30_000,
			intervalMs: 10,
			what: '150 completions',
		});
		const completedBefore = (await api.get('/async/executions?status=completed&per_page=1000')).body
			.items;
		first.child.kill('SIGKILL');
		const exit = await first.exited;
		assert.equal(exit.signal, 'SIGKILL');
		assert.ok(
			completedBefore.length >= 150 && completedBefore.length < 1000,
			`${completedBefore.length} completed before the kill`,
		);

		const second = start(args);
		const api2 = client(await second.baseUrl, ALICE.token);
		const done = await api2.awaitAll(ids, 120);
		assert.equal(done.length, 1000);
		const statuses = new Map();
		for (const execution of done)
			statuses.set(execution.status, (statuses.get(execution.status) ?? 0) + 1);
		assert.deepEqual(
			Object.fromEntries(statuses),
			{ completed: 1000 },
			'every accepted invocation ran to the end',
		);

		// Count runs from the records every run wrote.
		/** @type {Map<string, number>} */
		const runsPerExecution = new Map();
		for (let page = 1; ; page += 1) {
			const response = await api2.get(`/tables/runs?per_page=1000&page=${page}`);
			for (const run of response.body.items) {
				runsPerExecution.set(run.execution_id, (runsPerExecution.get(run.execution_id) ?? 0) + 1);
			}
			if (response.body.nextPage === null) break;
		}
		assert.ok(
			ids.every((/** @type {string} */ id) => (runsPerExecution.get(id) ?? 0) >= 1),
			'every execution ran',
		);
		for (const execution of completedBefore) {
			assert.equal(
				runsPerExecution.get(execution.execution_id),
				1,
				`completed ${execution.execution_id} ran again`,
			);
		}
		const after = new Map(done.map((e) => [e.execution_id, e]));
		for (const execution of completedBefore) {
			assert.deepEqual(
				after.get(execution.execution_id),
				execution,
				'a completed execution is unchanged',
			);
		}
		const rerun = done.filter((e) => e.attempts === 2);
		assert.ok(rerun.length >= 1, 'the runs cut short by the kill ran again');
		assert.ok(rerun.length <= 10, `${rerun.length} re-runs (at most max-parallel were running)`);
		// A run killed before its record was written counts an attempt but left no record.
		assert.ok(done.every((e) => e.attempts >= (runsPerExecution.get(e.execution_id) ?? 0)));

		second.child.kill('SIGTERM');
		assert.equal((await second.exited).code, 0);
	});

	it('fails a run cut short more often than --max-attempts with ERROR_CODE_CRASHED', async () => {
		const dataFile = join(temp.dir, 'attempts.sqlite');
		const args = cliArgs(dataFile, ['--max-attempts', '1']);
		const first = start(args);
		const api = client(await first.baseUrl, ALICE.token);
		const execution = await api.invoke('slow_task', { seconds: 30 });
		await eventually(
			async () =>
				(await api.get(`/async/executions/${execution.execution_id}`)).body.status === 'running',
		);
		first.child.kill('SIGKILL');
		await first.exited;

		const second = start(args);
		const api2 = client(await second.baseUrl, ALICE.token);
		const after = (await api2.get(`/async/executions/${execution.execution_id}`)).body;
		assert.equal(after.status, 'failed');
		assert.equal(after.error.code, 'ERROR_CODE_CRASHED');
		assert.deepEqual(after.error.payload, { attempts: 1, max_attempts: 1 });
		second.child.kill('SIGTERM');
		await second.exited;
	});

	it('SIGTERM stops taking work, lets running functions finish up to the grace, and closes cleanly', async () => {
		const dataFile = join(temp.dir, 'sigterm.sqlite');
		const args = cliArgs(dataFile, [
			'--max-parallel',
			'2',
			'--shutdown-grace',
			'2',
			'--abort-grace',
			'200',
		]);
		const first = start(args);
		const baseUrl = await first.baseUrl;
		const api = client(baseUrl, ALICE.token);
		const finishing = await api.invoke('slow_task', { seconds: 1 });
		const tooLong = await api.invoke('slow_task', { seconds: 30 }, { timeout: 120 });
		const queued = await api.invoke('echo', { queued: true });
		await eventually(async () => (await api.get('/async/stats')).body.running_now === 2, {
			what: 'two running',
		});
		const queuedState = (await api.get(`/async/executions/${queued.execution_id}`)).body.status;

		const signalledAt = Date.now();
		first.child.kill('SIGTERM');
		await sleep(150);
		const refused = await fetch(`${baseUrl}/async/functions`, {
			headers: { authorization: `Bearer ${ALICE.token}` },
		}).then(
			(response) => response.status,
			() => 'connection refused',
		);
		assert.ok(refused === 503 || refused === 'connection refused', `a new request got ${refused}`);
		const exit = await first.exited;
		const tookMs = Date.now() - signalledAt;
		assert.equal(exit.code, 0, first.stderr());
		assert.ok(tookMs >= 1500 && tookMs < 6000, `shutdown took ${tookMs} ms (grace 2 s)`);

		const second = start(args);
		const api2 = client(await second.baseUrl, ALICE.token);
		const finished = (await api2.get(`/async/executions/${finishing.execution_id}`)).body;
		assert.equal(finished.status, 'completed', 'a run that fit in the grace finished before exit');
		assert.equal(finished.attempts, 1);
		const interrupted = (await api2.get(`/async/executions/${tooLong.execution_id}`)).body;
		assert.ok(
			['pending', 'running'].includes(interrupted.status),
			'a run stopped by shutdown is queued again',
		);
		const [queuedAfter] = await api2.awaitAll([queued.execution_id], 10);
		assert.equal(queuedState, 'pending');
		assert.equal(queuedAfter.status, 'completed', 'queued work survives the shutdown');
		await api2.post(`/async/executions/${tooLong.execution_id}/cancel`);
		second.child.kill('SIGTERM');
		assert.equal((await second.exited).code, 0);
	});
});
