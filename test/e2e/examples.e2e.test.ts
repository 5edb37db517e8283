/**
 * The example workflows of examples/, imported as users import them into a real n8n (both lines)
 * with the built package, run against the reference backend; asserting on what each workflow
 * answers and on what the backend then holds (executions, tables). One n8n and one backend per
 * line serve every test of that line: starting n8n is the slow part on a small machine.
 */
import { RunningBackend, startBackend } from '../helpers/backend';
import {
	activateWorkflow,
	callWebhook,
	createCredential,
	CredentialReference,
	deactivateWorkflow,
	ensureBuilt,
	finishedExecutions,
	httpJson,
	importWorkflow,
	itemsOf,
	JsonObject,
	N8nLine,
	outputsByNode,
	runErrorOf,
	RunningN8n,
	startN8n,
	StoredWorkflow,
	waitForExecutions,
	WorkflowDefinition,
} from './harness';
import { BackendClient, BackendExecution, sleep } from './support/backend-client';
import {
	exampleCredentialName,
	ExampleName,
	exampleFiles,
	loadExample,
	setAssignment,
	withWebhookEntry,
} from './support/example-workflows';
import {
	batchImportErrorOutputWorkflow,
	continueRegularOutputWorkflow,
	errorOutputsWorkflow,
	loginCredentialWorkflow,
	longAwaitWorkflow,
	stopOnErrorWorkflow,
} from './support/behaviour-workflows';
import {
	stopExecution,
	waitForExecutionEnd,
	waitForRunningExecution,
} from './support/n8n-executions';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(() => ensureBuilt());

describe.each<N8nLine>(['2', '1'])('the example workflows on n8n line %s', (line) => {
	let backend: RunningBackend | undefined;
	let n8n: RunningN8n | undefined;
	let credential: CredentialReference;
	let client: BackendClient;

	beforeAll(async () => {
		backend = await startBackend();
		client = new BackendClient(backend);
		n8n = await startN8n({ line });
		credential = await createCredential(n8n, {
			name: exampleCredentialName,
			type: 'xanoAsyncApi',
			data: { baseUrl: backend.baseUrl, token: backend.token },
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await backend?.stop();
	});

	const server = () => started(n8n);

	async function imported(workflow: WorkflowDefinition): Promise<StoredWorkflow> {
		return importWorkflow(server(), workflow, { credentials: { xanoAsyncApi: credential } });
	}

	async function importedAndActive(workflow: WorkflowDefinition): Promise<StoredWorkflow> {
		const stored = await imported(workflow);
		await activateWorkflow(server(), stored.id);
		return stored;
	}

	it('has every node type and version the examples use', async () => {
		const nodeTypes = await httpJson<Array<{ name: string; version: number | number[] }>>(
			'GET',
			`${server().url}/types/nodes.json`,
			{ headers: { cookie: server().sessionCookie } },
		);
		const versions = new Map<string, Set<number>>();
		for (const type of nodeTypes) {
			const known = versions.get(type.name) ?? new Set<number>();
			for (const version of [type.version].flat()) known.add(version);
			versions.set(type.name, known);
		}

		for (const name of Object.keys(exampleFiles) as ExampleName[]) {
			const example = loadExample(name);
			expect(example.id.length).toBeLessThanOrEqual(21);
			for (const node of example.nodes) {
				expect({
					node: `${name}: ${node.name}`,
					known: versions.get(node.type)?.has(node.typeVersion),
				}).toEqual({
					node: `${name}: ${node.name}`,
					known: true,
				});
				if (node.type.startsWith('n8n-nodes-xano-async.')) {
					expect(node.credentials?.xanoAsyncApi?.name).toBe(exampleCredentialName);
				}
			}
		}
	});

	it('registration answers 201 at once and the welcome email is sent in the background', async () => {
		await importedAndActive(loadExample('registration'));

		const begun = Date.now();
		const answer = await callWebhook(server(), 'register', {
			body: { email: ' Ada@Example.com ', name: 'Ada' },
		});
		const answeredMs = Date.now() - begun;

		expect(answer.status).toBe(201);
		const body = answer.body as {
			user: JsonObject;
			welcome_email: { execution_id: string; status: string };
		};
		expect(body.user).toMatchObject({ email: 'ada@example.com', name: 'Ada' });
		expect(body.welcome_email.execution_id).toMatch(uuid);
		// "At once": the answer does not wait for the email, which is still queued or running.
		expect(['pending', 'running']).toContain(body.welcome_email.status);
		expect(answeredMs).toBeLessThan(15_000);

		const [email] = await client.awaitAll([body.welcome_email.execution_id]);
		expect(email).toMatchObject({ function: 'send_welcome_email', status: 'completed' });
		expect(email.tags).toEqual(['registration']);
		const log = await client.table('email_log');
		expect(log).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					to: 'ada@example.com',
					template: 'welcome',
					execution_id: body.welcome_email.execution_id,
				}),
			]),
		);

		// Signing up twice starts no second email: the idempotency key is the address.
		const again = await callWebhook(server(), 'register', { body: { email: 'ada@example.com' } });
		expect(again.status).toBe(201);
		expect((again.body as typeof body).welcome_email.execution_id).toBe(
			body.welcome_email.execution_id,
		);

		const refused = await callWebhook(server(), 'register', { body: { email: 'not-an-address' } });
		expect(refused.status).toBe(400);
		const welcomeEmails = (await client.table('email_log')).filter(
			(entry) => entry.template === 'welcome',
		);
		expect(welcomeEmails).toHaveLength(1);
	});

	describe('orders', () => {
		let stepIds: Record<string, string> | undefined;

		it('order processing fans out three steps and answers with their execution ids', async () => {
			await importedAndActive(loadExample('orderProcessing'));

			const answer = await callWebhook(server(), 'orders', {
				body: {
					order_id: `A-${line}001`,
					email: 'grace@example.com',
					items: [{ sku: `SKU-TEA-${line}`, quantity: 3 }],
					amount: 42.5,
				},
			});

			expect(answer.status).toBe(202);
			const body = answer.body as {
				order_id: string;
				executions: Record<string, string>;
				execution_ids: string[];
			};
			expect(body.order_id).toBe(`A-${line}001`);
			expect(Object.keys(body.executions).sort()).toEqual([
				'process_payment',
				'send_order_confirmation',
				'update_inventory',
			]);
			expect(body.execution_ids).toHaveLength(3);
			for (const id of body.execution_ids) expect(id).toMatch(uuid);
			stepIds = body.executions;

			const steps = await client.awaitAll(body.execution_ids);
			expect(steps.map((step) => step.status)).toEqual(['completed', 'completed', 'completed']);
			for (const step of steps) expect(step.tags).toEqual([`order-A-${line}001`]);
			expect(await client.table('inventory')).toEqual(
				expect.arrayContaining([expect.objectContaining({ sku: `SKU-TEA-${line}`, stock: 97 })]),
			);
			expect(await client.table('payments')).toEqual(
				expect.arrayContaining([
					expect.objectContaining({ order_id: `A-${line}001`, amount: 42.5, status: 'captured' }),
				]),
			);
			expect(await client.table('email_log')).toEqual(
				expect.arrayContaining([
					expect.objectContaining({
						to: 'grace@example.com',
						template: 'order_confirmation',
						execution_id: body.executions.send_order_confirmation,
					}),
				]),
			);
		});

		it('order status waits at most one second and reports each state', async () => {
			expect(stepIds).toBeDefined();
			await importedAndActive(loadExample('orderStatus'));
			const slow = await client.invoke('slow_task', { seconds: 30 }, { tags: ['status-test'] });
			const unknown = '00000000-0000-4000-8000-00000000beef';
			const ids = [...Object.values(stepIds ?? {}), slow.execution_id, unknown];

			const begun = Date.now();
			const answer = await callWebhook(server(), 'order-status', {
				body: { execution_ids: ids },
			});
			const answeredMs = Date.now() - begun;
			await client.cancel(slow.execution_id);

			expect(answer.status).toBe(200);
			const report = answer.body as {
				all_done: boolean;
				completed: number;
				still_running: number;
				steps: Array<{ execution_id: string; status: string; finished: boolean }>;
			};
			expect(report.steps.map((step) => step.execution_id)).toEqual(ids);
			expect(report.steps.map((step) => step.status)).toEqual([
				'completed',
				'completed',
				'completed',
				expect.stringMatching(/^(pending|running)$/),
				'not_found',
			]);
			expect(report).toMatchObject({ all_done: false, completed: 3, still_running: 1 });
			// One second of waiting for the slow task, plus n8n's own time.
			expect(answeredMs).toBeGreaterThanOrEqual(900);
			expect(answeredMs).toBeLessThan(10_000);
		});
	});

	it('bulk import imports the data set in batches and lands every record in the table', async () => {
		// The example starts from a Manual Trigger; `n8n execute` (proven by the smoke test) costs a
		// second n8n process, so the test runs the same nodes through a webhook entry instead.
		const workflow = await importedAndActive(
			withWebhookEntry(loadExample('bulkImport'), 'Start import', `bulk-import-${line}`),
		);

		const answer = await callWebhook(server(), `bulk-import-${line}`, {
			body: {},
			timeoutMs: 240_000,
		});

		expect(answer.status).toBe(200);
		const [execution] = await waitForExecutions(server(), workflow.id, 1, 60_000);
		expect(execution.status).toBe('success');
		const [summary] = itemsOf(execution, 'Import customers');
		expect(summary).toMatchObject({
			function: 'import_batch',
			batches_total: 10,
			batches_succeeded: 10,
			batches_failed: 0,
			records_total: 2500,
			records_processed: 2500,
			failed_batches: [],
		});
		const [report] = answer.body as JsonObject[];
		expect(report).toMatchObject({ imported: 2500, records: 2500, batches: 10, failed_batches: 0 });
		const customers = await client.table('customers');
		expect(customers).toHaveLength(2500);
		expect(new Set(customers.map((customer) => customer.customer_number)).size).toBe(2500);
		expect(customers[0]).toMatchObject({
			email: expect.stringMatching(/^customer\d+@example\.com$/),
		});
		const batches = await client.finished(['import_batch']);
		expect(batches.filter((batch) => batch.status === 'completed')).toHaveLength(10);
	});

	describe('resilient sync', () => {
		async function runSync(path: string, recordId: number, failRate: number) {
			const example = loadExample('resilientSync');
			setAssignment(example, 'Record to sync', 'record_id', recordId);
			setAssignment(example, 'Record to sync', 'fail_rate', failRate);
			const workflow = await importedAndActive(withWebhookEntry(example, 'Start sync', path));
			const answer = await callWebhook(server(), path, { body: {} });
			const [execution] = await waitForExecutions(server(), workflow.id, 1, 60_000);
			const syncs = (await client.finished(['flaky_external_sync'])).filter((sync) =>
				sync.tags.includes(`sync-${recordId}`),
			);
			return { answer, execution, syncs };
		}

		it('reports success after the first attempt when the call succeeds', async () => {
			const { answer, execution, syncs } = await runSync(`sync-ok-${line}`, 1000 + Number(line), 0);

			expect(answer.status).toBe(200);
			expect(answer.body).toEqual([
				expect.objectContaining({ outcome: 'synced', attempts: 1, record_id: 1000 + Number(line) }),
			]);
			expect(execution.status).toBe('success');
			expect(syncs).toHaveLength(1);
			expect(syncs[0].status).toBe('completed');
		});

		it('retries up to three attempts, then reports the failure with the attempt count', async () => {
			const { answer, execution, syncs } = await runSync(
				`sync-bad-${line}`,
				2000 + Number(line),
				1,
			);

			expect(answer.status).toBe(200);
			expect(answer.body).toEqual([
				expect.objectContaining({
					outcome: 'failed',
					attempts: 3,
					last_status: 'failed',
					last_error: expect.stringContaining('did not answer'),
				}),
			]);
			expect(execution.status).toBe('success');
			expect(syncs.map((sync) => sync.status)).toEqual(['failed', 'failed', 'failed']);
			expect(syncs.map((sync) => sync.error?.code)).toEqual([
				'ERROR_CODE_EXTERNAL_UNAVAILABLE',
				'ERROR_CODE_EXTERNAL_UNAVAILABLE',
				'ERROR_CODE_EXTERNAL_UNAVAILABLE',
			]);
		});
	});

	it('profile fetch starts three fetches, awaits them together and answers one merged profile', async () => {
		await importedAndActive(loadExample('profileFetch'));

		const answer = await callWebhook(server(), `profile?user_id=user-${line}`, { method: 'GET' });

		expect(answer.status).toBe(200);
		const profile = answer.body as {
			user_id: string;
			social: JsonObject;
			analytics: JsonObject;
			preferences: JsonObject;
			slowest_fetch_ms: number;
		};
		expect(profile.user_id).toBe(`user-${line}`);
		const fetches = (
			await client.finished([
				'fetch_social_profile',
				'fetch_analytics_profile',
				'fetch_preferences',
			])
		).filter((fetch) => (fetch.output as JsonObject | null)?.user_id === `user-${line}`);
		expect(fetches.map((fetch) => fetch.status)).toEqual(['completed', 'completed', 'completed']);
		const outputOf = (name: string) => fetches.find((fetch) => fetch.function === name)?.output;
		expect(profile.social).toEqual(outputOf('fetch_social_profile'));
		expect(profile.analytics).toEqual(outputOf('fetch_analytics_profile'));
		expect(profile.preferences).toEqual(outputOf('fetch_preferences'));
		expect(profile.social).toMatchObject({ handle: expect.stringMatching(/^@user\d+$/) });
		// All three were started before the first one was awaited: none waited for another.
		const startedAt = Math.max(...fetches.map((fetch) => fetch.created_at ?? 0));
		const firstDone = Math.min(...fetches.map((fetch) => fetch.completed_at ?? 0));
		expect(startedAt).toBeLessThanOrEqual(firstDone + 5_000);
	});

	it('scheduled maintenance starts each due task and records its execution id', async () => {
		const now = Date.now();
		const seeded = await client.invoke('import_batch', {
			table: 'sessions',
			records: [
				{ user: 'a', expires_at: now - 60_000 },
				{ user: 'b', expires_at: now - 1 },
				{ user: 'c', expires_at: now + 3_600_000 },
			],
		});
		await client.awaitAll([seeded.execution_id]);
		const example = loadExample('maintenance');
		const workflow = await importedAndActive(
			withWebhookEntry(example, 'Every hour', `maintenance-${line}`),
		);

		const answer = await callWebhook(server(), `maintenance-${line}`, { body: {} });

		expect(answer.status).toBe(200);
		const recorded = answer.body as Array<{ task: string; execution_id: string; slot: string }>;
		const dueAtThree = new Date().getUTCHours() === 3;
		expect(recorded.map((entry) => entry.task)).toEqual(
			dueAtThree ? ['expired sessions', 'expired password resets'] : ['expired sessions'],
		);
		for (const entry of recorded) expect(entry.execution_id).toMatch(uuid);
		const [cleanup] = await client.awaitAll([recorded[0].execution_id]);
		expect(cleanup).toMatchObject({
			function: 'cleanup_expired_sessions',
			status: 'completed',
			output: { table: 'sessions', removed: 2 },
			tags: ['maintenance'],
		});
		expect((await client.table('sessions')).map((session) => session.user)).toEqual(['c']);
		const stored = await server().api<{
			staticData?: { global?: { maintenance_log?: unknown[] } };
		}>('GET', `/workflows/${workflow.id}`);
		expect(stored.staticData?.global?.maintenance_log).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					task: 'expired sessions',
					execution_id: recorded[0].execution_id,
				}),
			]),
		);

		// A second run in the same hour is the same slot: the backend answers with the same execution.
		const again = await callWebhook(server(), `maintenance-${line}`, { body: {} });
		const [sameSlot] = again.body as typeof recorded;
		if (sameSlot.slot === recorded[0].slot)
			expect(sameSlot.execution_id).toBe(cleanup.execution_id);
	});

	it('the completion trigger starts one run per poll and every finished payment exactly once', async () => {
		const workflow = await importedAndActive(loadExample('paymentTrigger'));
		// The first activation only sets the cursor: payments finished before it are not reported.
		await sleep(1_500);
		expect(await finishedExecutions(server(), workflow.id)).toHaveLength(0);

		const payments: BackendExecution[] = [];
		const pay = async (orderId: string, amount: number) =>
			payments.push(await client.invoke('process_payment', { order_id: orderId, amount }));
		const poll = async () => {
			await deactivateWorkflow(server(), workflow.id);
			await activateWorkflow(server(), workflow.id);
		};

		// Poll 1: three payments, one declined, and an execution of another function.
		await pay(`T-${line}-1`, 10);
		await pay(`T-${line}-2`, -5);
		await pay(`T-${line}-3`, 30);
		const other = await client.invoke('send_welcome_email', { email: 'trigger@example.com' });
		await client.awaitAll([...payments.map((payment) => payment.execution_id), other.execution_id]);
		await poll();
		await waitForExecutions(server(), workflow.id, 1, 30_000);

		// Poll 2: two more payments. Poll 3: nothing new, so no run.
		await pay(`T-${line}-4`, 40);
		await pay(`T-${line}-5`, 50);
		await client.awaitAll(payments.map((payment) => payment.execution_id));
		await poll();
		await waitForExecutions(server(), workflow.id, 2, 30_000);
		await poll();
		await sleep(2_000);
		await deactivateWorkflow(server(), workflow.id);

		const runs = await finishedExecutions(server(), workflow.id);
		expect(runs.map((run) => run.status)).toEqual(runs.map(() => 'success'));
		const reported = runs.flatMap((run) => [
			...safeItems(run, 'Captured payment'),
			...safeItems(run, 'Declined payment'),
		]);
		const reportedIds = reported.map((item) => item.execution_id).sort();
		expect(reportedIds).toEqual(payments.map((payment) => payment.execution_id).sort());
		// Every run came from a poll that found something; the empty poll started none.
		expect(runs.length).toBeGreaterThanOrEqual(2);
		expect(runs.every((run) => run.mode === 'trigger')).toBe(true);
		const declined = reported.filter((item) => item.outcome === 'declined');
		expect(declined).toEqual([
			expect.objectContaining({
				reason: 'ERROR_CODE_PAYMENT_DECLINED',
				execution_id: payments[1].execution_id,
			}),
		]);
		expect(reported.filter((item) => item.outcome === 'captured')).toHaveLength(4);
	});

	describe('behaviours through real n8n', () => {
		it('routes refused invocations and failed executions to the error outputs', async () => {
			const path = `error-outputs-${line}`;
			const workflow = await importedAndActive(errorOutputsWorkflow(path));

			const answer = await callWebhook(server(), path, {
				body: {
					items: [
						{ function: 'process_payment', input: { order_id: `E-${line}-1`, amount: 5 } },
						{ function: 'process_payment', input: { order_id: `E-${line}-2`, amount: -1 } },
						{ function: 'slow_task', input: { seconds: 30 } },
						{ function: 'send_welcome_email', input: { email: 42 } },
						{ function: 'no_such_function', input: {} },
					],
				},
			});
			expect(answer.status).toBe(200);
			const [execution] = await waitForExecutions(server(), workflow.id, 1, 60_000);
			const outputs = outputsByNode(execution);
			const slowTask = outputs.Invoke?.[0]?.find((item) => item.function === 'slow_task');
			if (typeof slowTask?.execution_id === 'string') await client.cancel(slowTask.execution_id);

			// Invoke: three started, two refused, each refusal with the backend's status and field.
			// (Checked before the run's status: when these fail, the Await after them fails too.)
			expect(outputs.Invoke[0].map((item) => item.function)).toEqual([
				'process_payment',
				'process_payment',
				'slow_task',
			]);
			// n8n 1.x routes an item to the error output only when the item carries the error, and
			// then keeps just `{ error }` of its JSON: the message still names item and status.
			expect(outputs.Invoke[1]).toEqual(
				line === '2'
					? [
							expect.objectContaining({
								error: expect.any(String),
								details: expect.objectContaining({ itemIndex: 3, httpCode: 400 }),
							}),
							expect.objectContaining({
								error: expect.any(String),
								details: expect.objectContaining({ itemIndex: 4, httpCode: 404 }),
							}),
						]
					: [
							{ error: expect.stringMatching(/HTTP 400 .* for item 3:/) },
							{ error: expect.stringMatching(/HTTP 404 .* for item 4:/) },
						],
			);
			expect(itemsOf(execution, 'Refused')).toHaveLength(2);
			expect(execution.status).toBe('success');
			// Await with one output per outcome, after its 3 s timeout.
			expect(
				outputs['Await by outcome'].map((output) => output.map((item) => item.status)),
			).toEqual([['completed'], ['failed'], [expect.stringMatching(/^(pending|running)$/)]]);
			expect(itemsOf(execution, 'Failed')[0]).toMatchObject({
				error: { code: 'ERROR_CODE_PAYMENT_DECLINED' },
			});
			// "Fail on Failed Executions" with "Continue (using error output)".
			const [succeeded, failed] = outputs['Await failing on failure'];
			expect(succeeded.map((item) => item.status)).toEqual([
				'completed',
				expect.stringMatching(/^(pending|running)$/),
			]);
			expect(failed).toEqual([
				expect.objectContaining({
					error: expect.stringMatching(/ended failed: ERROR_CODE_PAYMENT_DECLINED/),
				}),
			]);
			expect(itemsOf(execution, 'Failed executions')).toHaveLength(1);
		});

		it('keeps refused items in the regular output with Continue On Fail', async () => {
			const path = `continue-regular-${line}`;
			await importedAndActive(continueRegularOutputWorkflow(path));

			const answer = await callWebhook(server(), path, {
				body: {
					items: [
						{ function: 'no_such_function', input: {} },
						{ function: 'send_welcome_email', input: { email: `regular-${line}@example.com` } },
					],
				},
			});

			expect(answer.status).toBe(200);
			const [refused, accepted] = answer.body as JsonObject[];
			expect(refused).toMatchObject({
				error: expect.any(String),
				details: { itemIndex: 0, httpCode: 404, code: 'ERROR_CODE_NOT_FOUND' },
			});
			expect(accepted).toMatchObject({ function: 'send_welcome_email' });
			expect(accepted.execution_id).toMatch(uuid);
			expect((await client.execution(String(accepted.execution_id))).function).toBe(
				'send_welcome_email',
			);
		});

		it('stops the workflow on a refusal without Continue On Fail', async () => {
			const path = `stop-on-error-${line}`;
			const workflow = await importedAndActive(stopOnErrorWorkflow(path));

			const answer = await callWebhook(server(), path, {
				body: { items: [{ function: 'no_such_function', input: {} }] },
			});

			expect(answer.status).toBeGreaterThanOrEqual(500);
			const [execution] = await waitForExecutions(server(), workflow.id, 1, 30_000);
			expect(execution.status).toBe('error');
			expect(runErrorOf(execution)?.message ?? '').toMatch(/no_such_function|not found/i);
		});

		it('sends failed batches of a Batch Import to its error output', async () => {
			const path = `batch-errors-${line}`;
			const workflow = await importedAndActive(
				batchImportErrorOutputWorkflow(path, 'no_such_function'),
			);

			await callWebhook(server(), path, {
				body: { records: [1, 2, 3, 4, 5].map((number) => ({ number })) },
			});
			const [execution] = await waitForExecutions(server(), workflow.id, 1, 60_000);

			expect(execution.status).toBe('success');
			const [summary, failedBatches] = outputsByNode(execution).Import;
			expect(summary).toEqual([
				expect.objectContaining({ batches_total: 3, batches_failed: 3, records_total: 5 }),
			]);
			expect(failedBatches).toHaveLength(3);
			expect(failedBatches[0]).toMatchObject(
				line === '2'
					? {
							error: expect.stringMatching(/^Batch 1 failed/),
							details: expect.objectContaining({ batch_number: 1, status: 'failed' }),
						}
					: // n8n 1.x keeps only `{ error }` of an error-output item (see above).
						{ error: expect.stringMatching(/^Batch 1 failed/) },
			);
			expect(await client.tableSize('error_output_import')).toBe(0);
		});

		it('stops a running Await within about a second when the execution is stopped', async () => {
			const path = `long-await-${line}`;
			const workflow = await importedAndActive(longAwaitWorkflow(path));
			const runningBefore = await backendRunning();

			const key = `long-await-${line}-${Date.now()}`;
			await callWebhook(server(), path, { body: { seconds: 60, key } });
			try {
				const running = await waitForRunningExecution(server(), workflow.id);
				await waitUntil(async () => (await backendRunning()) > runningBefore, 20_000);
				// Give the Await node time to send its held request.
				await sleep(1_500);

				const stoppedAt = Date.now();
				await stopExecution(server(), running.id);
				const { execution, endedAt } = await waitForExecutionEnd(server(), running.id, 30_000);

				expect(execution.status).toBe('canceled');
				expect(endedAt - stoppedAt).toBeLessThan(2_500);
				// Stopping the workflow leaves the backend's execution alone: it belongs to Xano.
				const slowTask = await client.invoke(
					'slow_task',
					{ seconds: 60 },
					{ idempotency_key: key },
				);
				expect(slowTask.status).toBe('running');
			} finally {
				const slowTask = await client.invoke(
					'slow_task',
					{ seconds: 60 },
					{ idempotency_key: key },
				);
				await client.cancel(slowTask.execution_id);
			}
		});

		it('authenticates with email and password through the login credential', async () => {
			const login = await createCredential(server(), {
				name: 'Xano Async login (reference backend)',
				type: 'xanoAsyncLoginApi',
				data: {
					baseUrl: started(backend).baseUrl,
					email: started(backend).email,
					password: started(backend).password,
				},
			});
			const wrongPassword = await createCredential(server(), {
				name: 'Xano Async login (wrong password)',
				type: 'xanoAsyncLoginApi',
				data: {
					baseUrl: started(backend).baseUrl,
					email: started(backend).email,
					password: 'not-the-password',
				},
			});
			await importWorkflow(server(), loginCredentialWorkflow(`login-${line}`), {
				credentials: { xanoAsyncLoginApi: login },
			}).then((stored) => activateWorkflow(server(), stored.id));
			const refusedWorkflow = await importWorkflow(
				server(),
				loginCredentialWorkflow(`login-refused-${line}`),
				{ credentials: { xanoAsyncLoginApi: wrongPassword } },
			);
			await activateWorkflow(server(), refusedWorkflow.id);

			const answer = await callWebhook(server(), `login-${line}`, {
				body: { email: `login-${line}@example.com` },
			});

			expect(answer.status).toBe(200);
			const [result] = answer.body as JsonObject[];
			expect(result).toMatchObject({
				function: 'send_welcome_email',
				status: 'completed',
				output: expect.objectContaining({ to: `login-${line}@example.com` }),
			});
			// The same user owns it: the token of that user sees the execution.
			expect((await client.execution(String(result.execution_id))).status).toBe('completed');

			const refused = await callWebhook(server(), `login-refused-${line}`, {
				body: { email: `refused-${line}@example.com` },
			});
			expect(refused.status).toBeGreaterThanOrEqual(500);
			const [failedRun] = await waitForExecutions(server(), refusedWorkflow.id, 1, 30_000);
			expect(failedRun.status).toBe('error');
			expect(JSON.stringify(runErrorOf(failedRun))).toMatch(/Xano login as .* failed \(HTTP 403\)/);
		});

		async function backendRunning(): Promise<number> {
			const stats = await httpJson<{ running?: number; running_now?: number }>(
				'GET',
				`${started(backend).baseUrl}/async/stats`,
				{ headers: { authorization: `Bearer ${started(backend).token}` } },
			);
			return Number(stats.running_now ?? stats.running ?? 0);
		}
	});
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
		await sleep(100);
	}
}

/** A node's output items in one run, or none when that branch did not run. */
function safeItems(run: Parameters<typeof itemsOf>[0], node: string): JsonObject[] {
	try {
		return itemsOf(run, node);
	} catch {
		return [];
	}
}

/** beforeAll failing leaves these unset; the tests then fail with this message, not a TypeError. */
function started<T>(value: T | undefined): T {
	if (value === undefined) throw new Error('Set-up did not finish; see the beforeAll error above');
	return value;
}
