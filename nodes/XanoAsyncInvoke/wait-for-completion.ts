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
		// The executions did start: name them, so they can be awaited or cancelled later.
		const failure = toXanoApiError(this.getNode(), error);
		if (stopOnError) {
			const ids = started.map(([, execution]) => execution.execution_id);
			const named =
				ids.length > 10
					? `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more`
					: ids.join(', ');
			const note = `${ids.length} execution${ids.length === 1 ? ' was' : 's were'} started before the wait failed: ${named}.`;
			throw startedFailure(failure, started[0][0], note);
		}
		for (const [itemIndex, execution] of started) {
			const note = `Execution ${execution.execution_id} was started before the wait failed.`;
			finished.set(itemIndex, startedFailure(failure, itemIndex, note, execution.execution_id));
		}
	}
	return finished;
}

/** The failed wait, for one item, saying which executions were started all the same. */
function startedFailure(
	failure: XanoApiError,
	itemIndex: number,
	note: string,
	executionId?: string,
): XanoApiError {
	const itemFailure = failure.forItem(itemIndex);
	itemFailure.description = `${note} ${itemFailure.description ?? ''}`.trim();
	if (executionId !== undefined) itemFailure.executionId = executionId;
	return itemFailure;
}
