import * as workflow from 'n8n-workflow';

type Sleep = (ms: number, abortSignal?: AbortSignal) => Promise<void>;

/**
 * n8n-workflow 1.x exports `sleepWithAbort(ms, signal)` and a `sleep(ms)` that ignores signals;
 * 2.x dropped `sleepWithAbort` and its `sleep(ms, signal)` honours the signal. Hosts of either
 * line load this package, so pick whichever the host has.
 */
const hostSleep: Sleep =
	(workflow as unknown as { sleepWithAbort?: Sleep }).sleepWithAbort ?? (workflow.sleep as Sleep);

/** Longest single sleep: a host whose sleep ignores the signal still stops within this. */
const SLICE_MS = 250;

export class WaitCancelledError extends workflow.UserError {
	constructor() {
		super('The workflow execution was stopped while waiting for Xano.');
	}
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new WaitCancelledError();
}

/** Sleeps `ms`, and rejects with WaitCancelledError as soon as `signal` aborts. */
export async function sleepUnlessCancelled(
	ms: number,
	signal: AbortSignal | undefined,
): Promise<void> {
	let remaining = Math.max(0, ms);
	while (remaining > 0) {
		throwIfCancelled(signal);
		const slice = Math.min(remaining, SLICE_MS);
		// The host's sleep rejects only when the signal aborts, which the check below reports.
		await hostSleep(slice, signal).catch(() => undefined);
		throwIfCancelled(signal);
		remaining -= slice;
	}
	throwIfCancelled(signal);
}
