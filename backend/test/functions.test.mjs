// @ts-check
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../src/index.mjs';
import { FIXTURE_FUNCTIONS, startTestServer, tempDir } from './support/harness.mjs';

describe('built-in functions', () => {
	/** @type {Awaited<ReturnType<typeof startTestServer>>} */
	let t;
	/** @type {import('node:http').Server} */
	let emailService;
	/** @type {any[]} */
	const emailsReceived = [];
	before(async () => {
		// A local stand-in for an email service, on loopback only.
		emailService = createServer((request, response) => {
			let body = '';
			request.on('data', (chunk) => (body += chunk));
			request.on('end', () => {
				emailsReceived.push(JSON.parse(body));
				response.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":true}');
			});
		});
		await new Promise((resolve) => emailService.listen(0, '127.0.0.1', () => resolve(undefined)));
		const { port } = /** @type {import('node:net').AddressInfo} */ (emailService.address());
		t = await startTestServer({ maxParallel: 4, welcomeEmailUrl: `http://127.0.0.1:${port}/send` });
	});
	after(async () => {
		await t.close();
		emailService.close();
	});

	it('send_welcome_email logs the email and posts it to the configured URL', async () => {
		const execution = await t.api.invoke('send_welcome_email', {
			email: 'new@example.com',
			name: 'Ada',
		});
		const [done] = await t.api.awaitAll([execution.execution_id]);
		assert.equal(done.status, 'completed', JSON.stringify(done.error));
		assert.equal(done.output.delivered, true);
		assert.deepEqual(emailsReceived.at(-1), {
			to: 'new@example.com',
			subject: 'Welcome, Ada!',
			template: 'welcome',
		});
		const log = await t.api.get('/tables/email_log');
		assert.ok(
			log.body.items.some(
				(/** @type {any} */ row) => row.to === 'new@example.com' && row.status === 'sent',
			),
		);
	});

	it('import_batch inserts a whole batch in one go and answers processed_count', async () => {
		const records = Array.from({ length: 250 }, (_, index) => ({ sku: `S-${index}`, qty: index }));
		const execution = await t.api.invoke('import_batch', {
			records,
			batch_number: 1,
			batch_count: 1,
			table: 'products',
		});
		const [done] = await t.api.awaitAll([execution.execution_id]);
		assert.deepEqual(done.output, { processed_count: 250, batch_number: 1, table: 'products' });
		const table = await t.api.get('/tables/products?per_page=100&page=3');
		assert.equal(table.body.itemsTotal, 250);
		assert.equal(table.body.pageTotal, 3);
		assert.equal(table.body.itemsReceived, 50);
		assert.equal(table.body.nextPage, null);
		assert.equal(table.body.items[0].sku, 'S-200');
	});

	it('import_batch fails before writing anything, so retried batches never import twice', async () => {
		const records = [{ n: 1 }, { n: 2 }, { n: 3 }];
		const failing = await t.api.invoke('import_batch', {
			records,
			batch_number: 7,
			fail_rate: 1,
			table: 'retried',
		});
		const [failed] = await t.api.awaitAll([failing.execution_id]);
		assert.equal(failed.status, 'failed');
		assert.equal(failed.error.code, 'ERROR_CODE_IMPORT_FAILED');
		assert.equal((await t.api.get('/tables/retried')).body.itemsTotal, 0);
		const retry = await t.api.invoke('import_batch', {
			records,
			batch_number: 7,
			fail_rate: 0,
			table: 'retried',
		});
		await t.api.awaitAll([retry.execution_id]);
		assert.equal((await t.api.get('/tables/retried')).body.itemsTotal, 3);
		assert.equal(
			(await t.asBob.get('/tables/retried')).body.itemsTotal,
			0,
			'records are scoped to their caller',
		);
	});

	it('flaky_external_sync fails the configured share of attempts', async () => {
		const response = await t.api.post('/async/invoke', {
			invocations: [
				...Array.from({ length: 4 }, () => ({
					function: 'flaky_external_sync',
					input: { fail_rate: 1 },
				})),
				...Array.from({ length: 4 }, () => ({
					function: 'flaky_external_sync',
					input: { fail_rate: 0 },
				})),
			],
		});
		const done = await t.api.awaitAll(
			response.body.executions.map((/** @type {any} */ e) => e.execution_id),
		);
		assert.deepEqual(
			done.map((e) => e.status),
			[...Array(4).fill('failed'), ...Array(4).fill('completed')],
		);
		assert.equal(done[0].error.code, 'ERROR_CODE_EXTERNAL_UNAVAILABLE');
	});

	it('profile fan-out answers small deterministic outputs per user_id', async () => {
		const names = ['fetch_social_profile', 'fetch_analytics_profile', 'fetch_preferences'];
		const run = async () => {
			const response = await t.api.post('/async/invoke', {
				invocations: names.map((name) => ({ function: name, input: { user_id: 42 } })),
			});
			return t.api.awaitAll(response.body.executions.map((/** @type {any} */ e) => e.execution_id));
		};
		const [first, second] = [await run(), await run()];
		assert.deepEqual(
			first.map((e) => e.output),
			second.map((e) => e.output),
		);
		assert.ok(first.every((e) => e.output.user_id === 42));
		assert.ok(first.every((e) => e.duration_ms >= 50));
	});

	it('process_payment fails with its own code and payload.param for a bad amount', async () => {
		const execution = await t.api.invoke('process_payment', { order_id: 1, amount: -5 });
		const [done] = await t.api.awaitAll([execution.execution_id]);
		assert.equal(done.error.code, 'ERROR_CODE_PAYMENT_DECLINED');
		assert.equal(done.error.payload.param, 'amount');
	});

	it('POST /functions/{name}/run runs synchronously in the pool and answers the output or the error', async () => {
		const ok = await t.api.post('/functions/fetch_preferences/run', { input: { user_id: 7 } });
		assert.equal(ok.status, 200);
		assert.equal(ok.body.user_id, 7);
		const failed = await t.api.post('/functions/fail_with/run', {
			input: { message: 'sync failure', code: 'ERROR_CODE_INPUT_ERROR', payload: { param: 'x' } },
		});
		assert.equal(failed.status, 400);
		assert.deepEqual(failed.body, {
			code: 'ERROR_CODE_INPUT_ERROR',
			message: 'sync failure',
			payload: { param: 'x' },
		});
		const slow = await t.api.post('/functions/slow_task/run', {
			input: { seconds: 5 },
			timeout: 1,
		});
		assert.equal(slow.status, 504);
		assert.equal(slow.body.code, 'ERROR_CODE_TIMEOUT');
		const missing = await t.api.post('/functions/nothing/run', {});
		assert.equal(missing.status, 404);
		const bad = await t.api.post('/functions/spin_cpu/run', { input: {} });
		assert.equal(bad.status, 400);
		assert.equal(bad.body.payload.param, 'input.ms');
	});

	it('POST /functions/{name}/run answers any output as JSON, a string included', async () => {
		for (const output of ['hello', '{"a":1}', 42, null, [1, 'two'], { nested: { ok: true } }]) {
			const answer = await t.api.post('/functions/answer_value/run', { input: { value: output } });
			assert.equal(answer.status, 200, answer.text);
			assert.match(answer.headers.get('content-type') ?? '', /^application\/json\b/);
			assert.deepEqual(JSON.parse(answer.text), output);
		}
	});

	it('GET /async/stats counts by status, queue depth, running now and per function', async () => {
		const stats = (await t.api.get('/async/stats')).body;
		assert.equal(typeof stats.counts.completed, 'number');
		assert.equal(typeof stats.queue_depth, 'number');
		assert.equal(typeof stats.running_now, 'number');
		const flaky = stats.functions.find(
			(/** @type {any} */ f) => f.function === 'flaky_external_sync',
		);
		assert.equal(flaky.finished, 8);
		assert.equal(flaky.success_rate, 0.5);
		assert.equal(typeof flaky.average_duration_ms, 'number');
	});
});

describe('function modules', () => {
	const temp = tempDir();
	after(() => temp.remove());

	it('a name clash with a built-in stops the start with a clear message', async () => {
		const dir = join(temp.dir, 'clash');
		mkdirSync(dir);
		writeFileSync(
			join(dir, 'mine.mjs'),
			"export default { name: 'slow_task', input: [], handler: async () => 1 };\n",
		);
		await assert.rejects(
			startServer({
				port: 0,
				dataFile: join(temp.dir, 'clash.sqlite'),
				functionDirs: [dir],
				logLevel: 'silent',
			}),
			/Function "slow_task" is defined twice/,
		);
	});

	it('a module without a handler stops the start with a clear message', async () => {
		const dir = join(temp.dir, 'broken');
		mkdirSync(dir);
		writeFileSync(join(dir, 'broken.cjs'), "module.exports = { name: 'broken' };\n");
		await assert.rejects(
			startServer({
				port: 0,
				dataFile: join(temp.dir, 'broken.sqlite'),
				functionDirs: [dir],
				logLevel: 'silent',
			}),
			/needs a `handler` function/,
		);
	});

	it('loads .mjs, .js and .cjs modules from --functions', async () => {
		const t = await startTestServer();
		try {
			const names = (await t.api.get('/async/functions')).body.map(
				(/** @type {any} */ f) => f.name,
			);
			for (const name of ['echo', 'nested_fan_out', 'ignore_signal'])
				assert.ok(names.includes(name), name);
			assert.ok(FIXTURE_FUNCTIONS.length > 0);
		} finally {
			await t.close();
		}
	});
});
