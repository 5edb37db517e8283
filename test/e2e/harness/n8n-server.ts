import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { HttpMethod, httpJson } from './http';
import { executeWorkflowCli, n8nProcessEnvironment, N8nFolder, WorkflowCliRun } from './n8n-cli';
import { OwnerAccess, prepareOwner } from './owner';
import { n8nCliScript, N8nLine, repoRoot } from './paths';
import { freePort } from './ports';
import { startProcess, tail } from './processes';
import { PublicApi } from './public-api';

export interface StartN8nOptions {
	line: N8nLine;
	/** Defaults to a fresh folder under the OS temp dir, removed on stop. */
	userFolder?: string;
	port?: number;
	/** Extra environment for n8n (N8N_LOG_LEVEL=debug, ...). */
	env?: NodeJS.ProcessEnv;
	startTimeoutMs?: number;
}

export interface RunningN8n extends PublicApi, N8nFolder {
	url: string;
	apiKey: string;
	sessionCookie: string;
	/** n8n's log so far (stdout and stderr). */
	logs(): string;
	/** `n8n execute` on this instance's folder, with a task broker port of its own. */
	execute(workflowId: string, options?: { timeoutMs?: number }): Promise<WorkflowCliRun>;
	stop(): Promise<void>;
}

/** n8n prints this once the HTTP server, the webhooks and the active workflows are up. */
const readyLine = /Editor is now accessible via/;

/**
 * Starts `n8n start` through the harness CLI (loopback only, no outbound calls, the built package
 * installed), waits until it serves, and prepares an owner and an API key. Stop it in afterAll;
 * if a test run dies first, the process group is killed when the test process exits.
 */
export async function startN8n(options: StartN8nOptions): Promise<RunningN8n> {
	const ownFolder = options.userFolder === undefined;
	const userFolder = options.userFolder ?? mkdtempSync(join(tmpdir(), `n8n-e2e-${options.line}-`));
	const folder: N8nFolder = { line: options.line, userFolder };
	const port = options.port ?? (await freePort());
	const brokerPort = await freePort();
	const server = startProcess(process.execPath, [n8nCliScript, 'start'], {
		cwd: repoRoot,
		env: n8nProcessEnvironment(folder, {
			...options.env,
			N8N_PORT: String(port),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		}),
	});
	const stop = async () => {
		await server.stop();
		if (ownFolder && !process.env.N8N_E2E_KEEP_USER_FOLDER) {
			rmSync(userFolder, { recursive: true, force: true });
		}
	};

	const url = `http://127.0.0.1:${port}`;
	let owner: OwnerAccess;
	try {
		await server.waitForOutput(readyLine, options.startTimeoutMs ?? 120_000);
		owner = await prepareOwner(url);
	} catch (error) {
		await stop();
		const reason = error instanceof Error ? error.message : String(error);
		throw new Error(
			`n8n (line ${options.line}) did not start: ${reason}\n${tail(server.output())}`,
		);
	}

	return {
		...folder,
		url,
		...owner,
		api: <T>(method: HttpMethod, path: string, body?: unknown) =>
			httpJson<T>(method, `${url}/api/v1${path}`, {
				body,
				headers: { 'x-n8n-api-key': owner.apiKey },
			}),
		logs: () => server.output(),
		execute: (workflowId, executeOptions) => executeWorkflowCli(folder, workflowId, executeOptions),
		stop,
	};
}
