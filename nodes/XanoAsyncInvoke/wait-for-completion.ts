import type { IExecuteFunctions } from 'n8n-workflow';

import { toXanoApiError, XanoApiError } from '../shared/errors';
import { throwIfCancelled } from '../shared/sleep';
import { awaitExecutions } from '../shared/wait';
import type { InvocationOutcomes } from './send';

/**
 * "Wait for completion": awaits every started execution together, within one deadline, and
 * replaces each item's started execution by its state at the end of the wait. A failed wait
 * (for example the backend going away) fails every item that was waiting.
 */
export async function waitForOutcomes(
	this: IExecuteFunctions,
	outcomes: InvocationOutcomes,
	timeoutSeconds: number,
	stopOnError: boolean,
): Promise<InvocationOutcomes> {
	const started = [...outcomes].filter(
		(entry): entry is [number, Exclude<(typeof entry)[1], XanoApiError>] =>
			!(entry[1] instanceof XanoApiError),
	);
	if (started.length === 0) return outcomes;

	const finished: InvocationOutcomes = new Map(outcomes);
	try {
		const executions = await awaitExecutions.call(this, {
			executionIds: started.map(([, execution]) => execution.execution_id),
			timeoutSeconds,
			until: 'all',
		});
		started.forEach(([itemIndex], position) => finished.set(itemIndex, executions[position]));
	} catch (error) {
		throwIfCancelled(this.getExecutionCancelSignal());
		const failure = toXanoApiError(this.getNode(), error);
		if (stopOnError) throw failure.forItem(started[0][0]);
		for (const [itemIndex] of started) finished.set(itemIndex, failure.forItem(itemIndex));
	}
	return finished;
}
