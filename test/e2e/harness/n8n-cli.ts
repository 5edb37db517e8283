import { n8nCliScript, N8nLine, repoRoot } from './paths';
import { freePort } from './ports';
import { describeExit, startProcess, tail } from './processes';
import { N8nRun } from './run-data';

export interface N8nFolder {
	line: N8nLine;
	userFolder: string;
}

/**
 * The environment for an n8n the tests start. jest sets NODE_ENV=test, which n8n reads as "running
 * inside n8n's own test suite" and changes behaviour for; the tests want n8n as users run it.
 */
export function n8nProcessEnvironment(
	folder: N8nFolder,
	extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
	delete env.NODE_ENV;
	delete env.JEST_WORKER_ID;
	env.N8N_LINE = folder.line;
	env.N8N_USER_FOLDER = folder.userFolder;
	// scripts/n8n/cli.mjs stops n8n when this process is gone, however it ended.
	env.N8N_HARNESS_PARENT_PID = String(process.pid);
	return env;
}

export interface CliResult {
	exitCode: number | null;
	stdout: string;
	output: string;
}

/** Runs one n8n CLI command (import:workflow, export:nodes, ...) to its end. */
export async function runN8nCli(
	folder: N8nFolder,
	args: string[],
	{ timeoutMs = 120_000, env = {} }: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
	// Commands that run workflows start a task broker; a port of its own keeps them clear of a
	// server on the same folder and of any other n8n on the machine.
	const brokerPort = await freePort();
	const child = startProcess(process.execPath, [n8nCliScript, ...args], {
		cwd: repoRoot,
		env: n8nProcessEnvironment(folder, { N8N_RUNNERS_BROKER_PORT: String(brokerPort), ...env }),
	});
	const timer = setTimeout(() => void child.stop(2_000), timeoutMs);
	const exit = await child.exited;
	clearTimeout(timer);
	await child.stop();
	if (exit.signal) {
		throw new Error(
			`n8n ${args.join(' ')} ended by ${describeExit(exit)} (timeout ${timeoutMs} ms):\n${tail(child.output())}`,
		);
	}
	return { exitCode: exit.code, stdout: child.stdout(), output: child.output() };
}

export interface WorkflowCliRun extends CliResult {
	/** The run n8n printed, when it printed one (also for failed runs). */
	run: N8nRun | undefined;
}

/**
 * `n8n execute --id=ID --rawOutput`. n8n can no longer execute a file; the workflow must be in the
 * folder's database already (imported through the API or `import:workflow`) and must start with a
 * Manual Trigger. Safe while a server runs on the same folder.
 */
export async function executeWorkflowCli(
	folder: N8nFolder,
	workflowId: string,
	options: { timeoutMs?: number } = {},
): Promise<WorkflowCliRun> {
	const result = await runN8nCli(folder, ['execute', `--id=${workflowId}`, '--rawOutput'], options);
	return { ...result, run: parseRawOutput(result.stdout) };
}

/**
 * Log lines come before the run on stdout, and on failure a message follows it. The run is
 * printed pretty with two-space indents, so it spans from the first line that is exactly `{` to
 * the first line after it that is exactly `}`.
 */
export function parseRawOutput(stdout: string): N8nRun | undefined {
	const lines = stdout.split(/\r?\n/);
	const start = lines.indexOf('{');
	if (start < 0) return undefined;
	const end = lines.indexOf('}', start);
	if (end < 0) return undefined;
	return JSON.parse(lines.slice(start, end + 1).join('\n')) as N8nRun;
}
