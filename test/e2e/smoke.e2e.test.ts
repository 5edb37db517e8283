import { startBackend } from '../helpers/backend';
import {
	activateWorkflow,
	callWebhook,
	createCredential,
	CredentialReference,
	deactivateWorkflow,
	ensureBuilt,
	httpJson,
	importWorkflow,
	itemsOf,
	loadedTypes,
	N8nLine,
	packageManifest,
	RunningN8n,
	startN8n,
	waitForExecutions,
} from './harness';
import { manualInvokeWorkflow, webhookInvokeWorkflow } from './workflows/smoke-workflows';

type Backend = Awaited<ReturnType<typeof startBackend>>;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Node type names n8n gives the package's nodes, from the files package.json registers. */
function expectedNodeTypes(): string[] {
	const { name, n8n = {} } = packageManifest();
	return (n8n.nodes ?? []).map((file) => {
		const className =
			file
				.split('/')
				.pop()
				?.replace(/\.node\.js$/, '') ?? file;
		return `${name}.${className.charAt(0).toLowerCase()}${className.slice(1)}`;
	});
}

async function backendExecution(backend: Backend, executionId: string) {
	return httpJson<{ execution_id: string; function: string }>(
		'GET',
		`${backend.baseUrl}/async/executions/${executionId}`,
		{ headers: { authorization: `Bearer ${backend.token}` } },
	);
}

beforeAll(() => ensureBuilt());

describe.each<N8nLine>(['2', '1'])('the harness on n8n line %s', (line) => {
	let backend: Backend | undefined;
	let n8n: RunningN8n | undefined;
	let credential: CredentialReference;

	beforeAll(async () => {
		backend = await startBackend();
		n8n = await startN8n({ line });
		credential = await createCredential(n8n, {
			name: 'Reference backend',
			type: 'xanoAsyncApi',
			data: { baseUrl: backend.baseUrl, token: backend.token },
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		await backend?.stop();
	});

	it('loads the package as a community package', async () => {
		const types = await loadedTypes(started(n8n));

		expect(expectedNodeTypes().length).toBeGreaterThanOrEqual(4);
		expect(types.nodes).toEqual(expect.arrayContaining(expectedNodeTypes()));
		expect(types.credentials).toEqual(
			expect.arrayContaining(['xanoAsyncApi', 'xanoAsyncLoginApi']),
		);
	});

	it('runs a workflow with Xano Async Invoke through `n8n execute`', async () => {
		const workflow = await importWorkflow(started(n8n), manualInvokeWorkflow('cli@example.com'), {
			credentials: { xanoAsyncApi: credential },
		});

		const result = await started(n8n).execute(workflow.id);

		expect(result.exitCode).toBe(0);
		expect(result.run?.status).toBe('success');
		const [invocation] = itemsOf(result.run ?? {}, 'Invoke welcome email');
		expect(invocation).toMatchObject({ function: 'send_welcome_email' });
		expect(invocation.execution_id).toMatch(uuid);
		const stored = await backendExecution(started(backend), String(invocation.execution_id));
		expect(stored.function).toBe('send_welcome_email');
	});

	it('runs a webhook workflow on the server and records its execution', async () => {
		const path = `smoke-invoke-${line}`;
		const workflow = await importWorkflow(started(n8n), webhookInvokeWorkflow(path), {
			credentials: { xanoAsyncApi: credential },
		});
		await activateWorkflow(started(n8n), workflow.id);

		const answer = await callWebhook(started(n8n), path, { body: { email: 'hook@example.com' } });

		expect(answer.status).toBe(200);
		expect(answer.body).toMatchObject({ function: 'send_welcome_email' });
		const [execution] = await waitForExecutions(started(n8n), workflow.id, 1, 30_000);
		expect(execution).toMatchObject({ status: 'success', mode: 'webhook' });
		const [invocation] = itemsOf(execution, 'Invoke welcome email');
		expect(invocation.execution_id).toMatch(uuid);

		const deactivated = await deactivateWorkflow(started(n8n), workflow.id);
		expect(deactivated.active).toBe(false);
	});

	it('logs no attempt to reach a host other than loopback', () => {
		// This machine resolves no outside names, so any call home would log a DNS failure.
		expect(started(n8n).logs()).not.toMatch(/ENOTFOUND|EAI_AGAIN|getaddrinfo/);
	});
});

/** beforeAll failing leaves these unset; the tests then fail with this message, not a TypeError. */
function started<T>(value: T | undefined): T {
	if (value === undefined) throw new Error('Set-up did not finish; see the beforeAll error above');
	return value;
}
