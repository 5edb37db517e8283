// n8n for the demo, started through the harness CLI (scripts/n8n/cli.mjs) exactly as
// `npm run n8n -- start` does: loopback only, no outbound calls, the built package linked in. The
// owner, API key and public-API calls are .mjs counterparts of test/e2e/harness/{owner,
// public-api,webhook,n8n-cli}.ts, which are TypeScript and cannot be imported from here.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../n8n/lines.mjs';
import { freePort, httpCall, httpJson } from './http.mjs';
import { lastLines, startLogged } from './processes.mjs';

const cliScript = join(repoRoot, 'scripts', 'n8n', 'cli.mjs');
const readyLine = /Editor is now accessible via/;

/**
 * 171,075 items, their copies in the run data and the saved execution take a few hundred MB of
 * heap; Node's default limit depends on the machine's memory, so the demo states its own.
 */
export const n8nHeapMb = 4096;

export function demoOwner() {
	return {
		email: 'demo@example.com',
		firstName: 'Demo',
		lastName: 'Owner',
		// n8n asks for 8+ characters with a digit and an upper-case letter.
		password: `Demo-${randomBytes(9).toString('base64url')}-7Q`,
	};
}

function n8nEnvironment(userFolder, extra) {
	const env = { ...process.env, ...extra, N8N_LINE: '2', N8N_USER_FOLDER: userFolder };
	// npm run exports its configuration; n8n needs none of it, and NODE_ENV=test would switch n8n
	// into its own test-suite behaviour.
	delete env.NODE_ENV;
	env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--max-old-space-size=${n8nHeapMb}`]
		.filter(Boolean)
		.join(' ');
	return env;
}

/**
 * Starts `n8n start`, waits for the editor, sets up the owner and an API key with every scope.
 * `fileAccessFolder` is the one folder n8n's file nodes may read (N8N_RESTRICT_FILE_ACCESS_TO);
 * `env` adds to n8n's environment (N8N_METRICS, ...).
 */
export async function startN8n({ workDir, userFolder, port, owner, fileAccessFolder, env = {} }) {
	const brokerPort = await freePort();
	const logFile = join(workDir, 'n8n.log');
	const server = startLogged(process.execPath, [cliScript, 'start'], {
		cwd: repoRoot,
		env: n8nEnvironment(userFolder, {
			N8N_PORT: String(port),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_RESTRICT_FILE_ACCESS_TO: fileAccessFolder,
			...env,
		}),
		stdoutFile: logFile,
	});
	const url = `http://127.0.0.1:${port}`;
	let apiKey;
	try {
		// Start-up takes 5-7 s on an idle 2-core machine, up to 45 s on a busy one; the first
		// start in a new folder also runs the database migrations.
		await server.waitForLog(readyLine, 180_000);
		apiKey = await createApiKey(url, await ownerSession(url, owner));
	} catch (error) {
		await server.stop(5_000);
		throw new Error(`n8n did not start: ${error.message}\n${lastLines(logFile)}`);
	}
	const api = (method, path, body, timeoutMs = 60_000) =>
		httpJson(method, `${url}/api/v1${path}`, {
			body,
			headers: { 'x-n8n-api-key': apiKey },
			timeoutMs,
		});
	return { server, url, port, userFolder, logFile, api, apiKey };
}

async function ownerSession(url, owner) {
	const setup = await httpCall('POST', `${url}/rest/owner/setup`, { body: owner });
	if (setup.status !== 200) {
		throw new Error(`owner setup answered ${setup.status}: ${JSON.stringify(setup.body)}`);
	}
	const auth = setup.headers
		.getSetCookie()
		.map((cookie) => cookie.split(';')[0])
		.find((pair) => pair.startsWith('n8n-auth='));
	if (!auth) throw new Error('owner setup set no auth cookie');
	return auth;
}

async function createApiKey(url, cookie) {
	const scopes = await httpJson('GET', `${url}/rest/api-keys/scopes`, { headers: { cookie } });
	const created = await httpJson('POST', `${url}/rest/api-keys`, {
		headers: { cookie },
		body: { label: `demo-${Date.now()}`, scopes: scopes.data, expiresAt: null },
	});
	return created.data.rawApiKey;
}

export async function createCredential(n8n, credential) {
	const stored = await n8n.api('POST', '/credentials', credential);
	return { id: stored.id, name: stored.name };
}

/**
 * Creates a workflow from an exported file through the public API. It takes only the editable
 * fields, and every node credential of a type in `credentials` is pointed at that stored one, so
 * example files import as they are, whatever credential ids they were exported with.
 */
export async function importWorkflow(n8n, workflow, credentials) {
	const nodes = workflow.nodes.map((node) => {
		if (!node.credentials) return node;
		const linked = Object.fromEntries(
			Object.entries(node.credentials).map(([type, reference]) => [
				type,
				credentials[type] ?? reference,
			]),
		);
		return { ...node, credentials: linked };
	});
	return n8n.api('POST', '/workflows', {
		name: workflow.name,
		nodes,
		connections: workflow.connections,
		settings: { executionOrder: 'v1', ...workflow.settings },
		...(workflow.staticData ? { staticData: workflow.staticData } : {}),
	});
}

export function readWorkflowFile(path) {
	return JSON.parse(readFileSync(path, 'utf8'));
}

/** The webhook nodes of a workflow with a fixed path (what can be called from outside). */
export function staticWebhooks(workflow) {
	return workflow.nodes.filter(
		(node) =>
			node.type === 'n8n-nodes-base.webhook' &&
			node.disabled !== true &&
			typeof node.parameters?.path === 'string' &&
			!node.parameters.path.startsWith('=') &&
			!node.parameters.path.includes(':'),
	);
}

/**
 * Activates and, for webhook workflows, returns once the webhooks answer: 2.x registers them in
 * the background about a second after the activate call has answered.
 */
export async function activateWorkflow(n8n, workflow) {
	await n8n.api('POST', `/workflows/${workflow.id}/activate`);
	for (const node of staticWebhooks(workflow)) {
		const method = String(node.parameters.httpMethod ?? 'GET');
		await waitForWebhook(n8n, node.parameters.path, method);
	}
}

async function waitForWebhook(n8n, path, method) {
	const deadline = Date.now() + 30_000;
	let status = 0;
	while (Date.now() < deadline) {
		// A CORS preflight asks for the webhook without running the workflow.
		const answer = await httpCall('OPTIONS', webhookUrl(n8n, path), {
			headers: { origin: n8n.url, 'access-control-request-method': method },
		});
		status = answer.status;
		if (status >= 200 && status < 300) return;
		await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
	}
	throw new Error(`webhook ${method} /webhook/${path} not registered after 30 s (${status})`);
}

export function webhookUrl(n8n, path) {
	return `${n8n.url}/webhook/${String(path).replace(/^\//, '')}`;
}

const finished = new Set(['success', 'error', 'crashed', 'canceled']);

/** The workflow's finished executions with their run data, oldest first. */
export async function finishedExecutions(n8n, workflowId) {
	const page = await n8n.api(
		'GET',
		`/executions?workflowId=${encodeURIComponent(workflowId)}&includeData=true&limit=50`,
	);
	return page.data
		.filter((execution) => finished.has(execution.status))
		.sort((a, b) => Number(a.id) - Number(b.id));
}

/** Polls until the workflow has `count` finished executions or `timeoutMs` passed. */
export async function waitForExecutions(n8n, workflowId, count, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	let executions = [];
	while (Date.now() < deadline) {
		executions = await finishedExecutions(n8n, workflowId);
		if (executions.length >= count) break;
		await new Promise((resolveSleep) => setTimeout(resolveSleep, 300));
	}
	return executions;
}

/**
 * `n8n execute --id=ID --rawOutput` on the running instance's folder, with a task broker port of
 * its own (the server holds its port). Only workflows that start with a Manual Trigger run this
 * way. The run is printed from the first line that is exactly `{` to the next exactly `}`.
 */
export async function executeWithCli(n8n, workflowId, timeoutMs = 300_000) {
	const brokerPort = await freePort();
	const child = spawn(
		process.execPath,
		[cliScript, 'execute', `--id=${workflowId}`, '--rawOutput'],
		{
			cwd: repoRoot,
			env: n8nEnvironment(n8n.userFolder, { N8N_RUNNERS_BROKER_PORT: String(brokerPort) }),
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	let stdout = '';
	let output = '';
	child.stdout.on('data', (chunk) => {
		stdout += chunk;
		output += chunk;
	});
	child.stderr.on('data', (chunk) => (output += chunk));
	const timer = setTimeout(() => killQuietly(child.pid), timeoutMs);
	const exitCode = await new Promise((resolveExit) => child.once('close', resolveExit));
	clearTimeout(timer);
	killQuietly(child.pid); // task runners of the CLI run, if any are left
	const lines = stdout.split(/\r?\n/);
	const start = lines.indexOf('{');
	const end = start < 0 ? -1 : lines.indexOf('}', start);
	const run = end < 0 ? undefined : JSON.parse(lines.slice(start, end + 1).join('\n'));
	return { exitCode, run, output };
}

function killQuietly(pid) {
	try {
		process.kill(-pid, 'SIGKILL');
	} catch {
		// already gone
	}
}

/** JSON of the items on a node's first output in its last run, from a CLI run or an execution. */
export function itemsOf(run, nodeName) {
	const runData = (run?.data?.resultData ?? run?.resultData)?.runData ?? {};
	const tasks = runData[nodeName];
	const main = tasks?.[tasks.length - 1]?.data?.main ?? [];
	return (main[0] ?? []).map((item) => item.json);
}

export function runErrorOf(run) {
	return (run?.data?.resultData ?? run?.resultData)?.error;
}

/**
 * The error of a workflow's latest failed run, as one line (message and description), or
 * undefined when n8n has none or cannot say.
 */
export async function failedRunError(n8n, workflowId) {
	try {
		const page = await n8n.api(
			'GET',
			`/executions?workflowId=${workflowId}&status=error&includeData=true&limit=1`,
			undefined,
			180_000,
		);
		const error = runErrorOf(page.data[0]);
		return error && [error.message, error.description].filter(Boolean).join('. ');
	} catch {
		return undefined;
	}
}
