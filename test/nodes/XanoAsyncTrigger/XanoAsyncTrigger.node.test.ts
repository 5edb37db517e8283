import type { IDataObject } from 'n8n-workflow';

import { XanoAsyncTrigger } from '../../../nodes/XanoAsyncTrigger/XanoAsyncTrigger.node';
import { startBackend, type RunningBackend } from '../../helpers/backend';
import { N8nRunner } from '../../helpers/n8n-runner';
import { awaitAll, emittedIds, invokeMany, sleep, type ExecutionJson } from './support';

jest.setTimeout(180_000);

const INSTANT = { function: 'slow_task', input: { seconds: 0 } };
const FAILING = { function: 'import_batch', input: { records: [], fail_rate: 1 } };

function triggerSession(backend: RunningBackend, parameters: IDataObject = {}) {
	const runner = new N8nRunner([XanoAsyncTrigger]);
	runner.credentials.set('xanoAsyncApi', { baseUrl: backend.baseUrl, token: backend.token });
	const session = runner.pollSession({
		nodeType: 'xanoAsyncTrigger',
		parameters: {
			statuses: ['completed', 'failed', 'cancelled', 'timed_out'],
			functionNames: '',
			options: {},
			...parameters,
		},
	});
	return { runner, session };
}

describe('Xano Async Trigger on one backend', () => {
	let backend: RunningBackend;

	beforeAll(async () => {
		backend = await startBackend({ args: ['--queue-size', '5000'] });
	});

	afterAll(async () => {
		await backend?.stop();
	});

	it('starts from now on first activation: the first poll only sets the cursor', async () => {
		const before = await awaitAll(backend, await invokeMany(backend, 3, INSTANT));
		const { session } = triggerSession(backend);
		expect(await session.poll()).toBeNull();
		expect(await session.poll()).toBeNull();

		const after = await awaitAll(backend, await invokeMany(backend, 2, INSTANT));
		const emitted = emittedIds(await session.poll());
		expect(emitted.sort()).toEqual(after.map((execution) => execution.execution_id).sort());
		expect(emitted).not.toEqual(expect.arrayContaining([before[0].execution_id]));
		expect(await session.poll()).toBeNull();
	});

	it('includes the last N minutes on first activation when asked', async () => {
		const earlier = await awaitAll(backend, await invokeMany(backend, 2, INSTANT));
		const { session } = triggerSession(backend, { options: { includeLastMinutes: 5 } });
		const emitted = emittedIds(await session.poll());
		expect(emitted).toEqual(expect.arrayContaining(earlier.map((e) => e.execution_id)));
		expect(await session.poll()).toBeNull();
	});

	it.each([1, 3, 1000])(
		'emits %i finished execution(s) once each, every item the execution object',
		async (count) => {
			const { session } = triggerSession(backend);
			await session.poll();
			const finished = await awaitAll(backend, await invokeMany(backend, count, INSTANT));

			const result = await session.poll();
			const items = result?.[0] ?? [];
			expect(items).toHaveLength(count);
			expect(emittedIds(result).sort()).toEqual(finished.map((e) => e.execution_id).sort());
			const first = items[0].json as ExecutionJson;
			expect(first).toMatchObject({
				function: 'slow_task',
				status: 'completed',
				output: { slept_seconds: 0 },
				error: null,
			});
			expect(typeof first.completed_at).toBe('number');
			// Ordered as the backend lists them: completed_at, then id.
			const order = items.map((item) => item.json as ExecutionJson);
			for (let index = 1; index < order.length; index++) {
				const [a, b] = [order[index - 1], order[index]];
				expect(
					a.completed_at! < b.completed_at! ||
						(a.completed_at === b.completed_at && a.execution_id < b.execution_id),
				).toBe(true);
			}
			expect(await session.poll()).toBeNull();
		},
	);

	it('filters by status and by function name', async () => {
		const { session } = triggerSession(backend, {
			statuses: ['failed'],
			functionNames: ' import_batch , other_function',
		});
		await session.poll();
		const failed = await awaitAll(backend, await invokeMany(backend, 2, FAILING));
		await awaitAll(backend, await invokeMany(backend, 2, INSTANT));
		const result = await session.poll();
		expect(emittedIds(result).sort()).toEqual(failed.map((e) => e.execution_id).sort());
		expect(result?.[0][0].json).toMatchObject({
			status: 'failed',
			error: { code: 'ERROR_CODE_IMPORT_FAILED' },
		});
	});

	it('emits every one of many completions sharing a millisecond, across bounded polls', async () => {
		const { session } = triggerSession(backend, { options: { maxPerPoll: 7 } });
		await session.poll();
		const finished = await awaitAll(backend, await invokeMany(backend, 300, INSTANT));
		const perMillisecond = new Map<number, number>();
		for (const execution of finished) {
			const at = execution.completed_at as number;
			perMillisecond.set(at, (perMillisecond.get(at) ?? 0) + 1);
		}
		const shared = [...perMillisecond.values()].filter((count) => count > 1);
		// The scenario only means something if the backend really produced shared milliseconds.
		expect(shared.length).toBeGreaterThan(0);
		expect(Math.max(...shared)).toBeGreaterThan(1);

		const emitted: string[] = [];
		for (let poll = 0; poll < 200 && emitted.length < finished.length; poll++) {
			const ids = emittedIds(await session.poll());
			expect(ids.length).toBeLessThanOrEqual(7);
			emitted.push(...ids);
		}
		expect(emitted).toHaveLength(finished.length);
		expect(new Set(emitted).size).toBe(finished.length);
		expect(emitted.sort()).toEqual(finished.map((e) => e.execution_id).sort());
		for (let poll = 0; poll < 5; poll++) expect(await session.poll()).toBeNull();
	});

	it('returns the latest finished execution in manual mode without moving the cursor', async () => {
		const { session } = triggerSession(backend);
		// Manual mode before any activation: a sample, and still no cursor.
		const [latest] = await awaitAll(backend, await invokeMany(backend, 1, INSTANT));
		const sample = await session.poll('manual');
		expect(sample?.[0]).toHaveLength(1);
		expect((sample?.[0][0].json as ExecutionJson).execution_id).toBe(latest.execution_id);
		expect(JSON.stringify(session.staticData())).toBe('{}');

		await session.poll();
		const cursorBefore = JSON.stringify(session.staticData());
		const pending = await awaitAll(backend, await invokeMany(backend, 2, INSTANT));
		const manual = await session.poll('manual');
		expect(pending.map((e) => e.execution_id)).toContain(
			(manual?.[0][0].json as ExecutionJson).execution_id,
		);
		expect(JSON.stringify(session.staticData())).toBe(cursorBefore);
		// The production poll still sees both: manual mode consumed nothing.
		expect(emittedIds(await session.poll()).sort()).toEqual(
			pending.map((e) => e.execution_id).sort(),
		);
	});
});

describe('Xano Async Trigger with late-visible completions', () => {
	let backend: RunningBackend;

	beforeAll(async () => {
		backend = await startBackend({
			args: ['--queue-size', '5000', '--completion-visibility-lag', '1500'],
		});
	});

	afterAll(async () => {
		await backend?.stop();
	});

	it('emits completions that become visible after later ones, each once', async () => {
		const { session } = triggerSession(backend, { options: { lookBackSeconds: 5 } });
		await session.poll();
		const finished: ExecutionJson[] = [];
		const emitted: ExecutionJson[] = [];
		let lateArrivals = 0;
		let newestSeen = 0;
		const collect = (result: Awaited<ReturnType<typeof session.poll>>) => {
			for (const item of result?.[0] ?? []) {
				const execution = item.json as ExecutionJson;
				if ((execution.completed_at as number) < newestSeen) lateArrivals++;
				emitted.push(execution);
			}
			for (const execution of emitted) {
				newestSeen = Math.max(newestSeen, execution.completed_at as number);
			}
		};
		// Completions every ~100 ms for 3 s, polled every 250 ms, while each one is listed up to
		// 1.5 s after it finished.
		const started = Date.now();
		while (Date.now() - started < 3000) {
			finished.push(...(await awaitAll(backend, await invokeMany(backend, 3, INSTANT))));
			collect(await session.poll());
			await sleep(100);
		}
		for (let round = 0; round < 12; round++) {
			await sleep(250);
			collect(await session.poll());
		}
		const ids = emitted.map((execution) => execution.execution_id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.sort()).toEqual(finished.map((execution) => execution.execution_id).sort());
		// Proof that the scenario happened: some executions were emitted after later ones.
		expect(lateArrivals).toBeGreaterThan(0);
	});
});

describe('Xano Async Trigger when a poll fails', () => {
	it('leaves the cursor untouched and loses nothing once the backend is back', async () => {
		let backend = await startBackend({ args: ['--queue-size', '5000'] });
		const dataFile = backend.dataFile;
		const port = new URL(backend.baseUrl).port;
		const token = backend.token;
		const restarted: RunningBackend[] = [];
		try {
			const { session } = triggerSession(backend);
			await session.poll();
			const beforeOutage = await awaitAll(backend, await invokeMany(backend, 4, INSTANT));
			const cursor = JSON.stringify(session.staticData());

			// The backend goes away (crash), keeping its data.
			backend.kill('SIGKILL');
			await new Promise((resolve) => backend.process.once('exit', resolve));
			await expect(session.poll()).rejects.toThrow(/refused the connection|Could not reach/);
			expect(JSON.stringify(session.staticData())).toBe(cursor);

			backend = await startBackend({
				dataFile,
				token,
				args: ['--queue-size', '5000', '--port', port],
			});
			restarted.push(backend);
			const afterOutage = await awaitAll(backend, await invokeMany(backend, 2, INSTANT));
			const emitted = emittedIds(await session.poll());
			expect(emitted.sort()).toEqual(
				[...beforeOutage, ...afterOutage].map((execution) => execution.execution_id).sort(),
			);
			expect(await session.poll()).toBeNull();
		} finally {
			backend.kill('SIGKILL');
			for (const running of restarted) await running.stop();
		}
	});
});
