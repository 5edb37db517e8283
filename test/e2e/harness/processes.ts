import { ChildProcess, spawn } from 'child_process';

/** Output kept per process: enough for the tail of a failure, bounded for long runs. */
const outputLimit = 4 * 1024 * 1024;

/** Every process group started and not yet reaped; killed when the test process exits. */
const running = new Set<ChildProcess>();

process.once('exit', () => {
	for (const child of running) killGroup(child, 'SIGKILL');
});

export interface Exit {
	code: number | null;
	signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
	readonly pid: number;
	/** stdout and stderr interleaved, as n8n's log reads on a terminal. */
	output(): string;
	stdout(): string;
	waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
	readonly exited: Promise<Exit>;
	/** SIGTERM, then SIGKILL to the whole group after `graceMs`; resolves once it is gone. */
	stop(graceMs?: number): Promise<Exit>;
}

export interface StartOptions {
	env: NodeJS.ProcessEnv;
	cwd?: string;
}

/**
 * Starts a command in a process group of its own, so that stopping it also stops everything it
 * started (the n8n wrapper script, n8n, n8n's task runners).
 */
export function startProcess(
	command: string,
	args: string[],
	options: StartOptions,
): ManagedProcess {
	const child = spawn(command, args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	if (child.pid === undefined) throw new Error(`Could not start ${command}`);
	const pid = child.pid;
	running.add(child);

	let combined = '';
	let stdoutText = '';
	const listeners = new Set<() => void>();
	const append = (chunk: Buffer, toStdout: boolean) => {
		const text = chunk.toString('utf8');
		combined = keepTail(combined + text);
		if (toStdout) stdoutText = keepTail(stdoutText + text);
		for (const listener of listeners) listener();
	};
	child.stdout?.on('data', (chunk: Buffer) => append(chunk, true));
	child.stderr?.on('data', (chunk: Buffer) => append(chunk, false));

	const exited = new Promise<Exit>((resolveExit) => {
		child.once('exit', (code, signal) => {
			running.delete(child);
			for (const listener of listeners) listener();
			resolveExit({ code, signal });
		});
	});
	let exit: Exit | undefined;
	void exited.then((value) => (exit = value));

	const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
		new Promise<void>((resolveWait, reject) => {
			const check = () => {
				if (pattern.test(combined)) return finish();
				if (exit)
					finish(new Error(`Process exited (${describeExit(exit)}) before printing ${pattern}`));
			};
			const timer = setTimeout(
				() => finish(new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern}`)),
				timeoutMs,
			);
			const finish = (error?: Error) => {
				clearTimeout(timer);
				listeners.delete(check);
				if (error) reject(error);
				else resolveWait();
			};
			listeners.add(check);
			check();
		});

	const stop = async (graceMs = 15_000) => {
		if (exit) return exit;
		// Only the leader gets SIGTERM: the harness CLI forwards it to n8n, and n8n shuts down
		// gracefully on the first one but exits at once on a second.
		child.kill('SIGTERM');
		const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
		const result = await exited;
		clearTimeout(timer);
		// The wrapper may be gone while a grandchild still runs; make sure the group is empty.
		killGroup(child, 'SIGKILL');
		return result;
	};

	return {
		pid,
		output: () => combined,
		stdout: () => stdoutText,
		waitForOutput,
		exited,
		stop,
	};
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// The group is already gone.
	}
}

function keepTail(text: string): string {
	return text.length > outputLimit ? text.slice(text.length - outputLimit) : text;
}

export function describeExit(exit: Exit): string {
	return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** The last lines of a log, for error messages. */
export function tail(text: string, lines = 40): string {
	return text.split('\n').slice(-lines).join('\n');
}
