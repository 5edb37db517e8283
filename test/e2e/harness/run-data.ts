/**
 * Reading what a workflow produced. n8n hands a run over in two wrappings: `n8n execute
 * --rawOutput` prints an IRun (`{ data: { resultData }, status, ... }`), and the public API's
 * executions carry the IRunExecutionData itself in `data` (`{ resultData }`). Both are accepted.
 */

export type JsonObject = Record<string, unknown>;

export interface N8nItem {
	json: JsonObject;
	pairedItem?: unknown;
	error?: unknown;
}

export interface N8nNodeError {
	message?: string;
	description?: string;
	name?: string;
	httpCode?: string;
	[field: string]: unknown;
}

/** One run of one node (a node runs several times in a loop). */
export interface N8nTaskData {
	executionStatus?: string;
	executionTime?: number;
	data?: { main?: Array<N8nItem[] | null> };
	error?: N8nNodeError;
}

export interface N8nResultData {
	runData?: Record<string, N8nTaskData[]>;
	lastNodeExecuted?: string;
	error?: N8nNodeError;
}

export interface N8nRun {
	status?: string;
	finished?: boolean;
	mode?: string;
	data?: { resultData?: N8nResultData } | null;
	resultData?: N8nResultData;
}

export interface NodeRun {
	status: string | undefined;
	/** `outputs[i]` holds the JSON of the items on output i (the second is the error output). */
	outputs: JsonObject[][];
	items: N8nItem[][];
	error: N8nNodeError | undefined;
}

export function resultDataOf(run: N8nRun): N8nResultData {
	const resultData = run.data?.resultData ?? run.resultData;
	if (!resultData) throw new Error('The run carries no resultData (was includeData=true set?)');
	return resultData;
}

/** Every run of every node that ran, in order. */
export function runsByNode(run: N8nRun): Record<string, NodeRun[]> {
	const runs: Record<string, NodeRun[]> = {};
	for (const [node, tasks] of Object.entries(resultDataOf(run).runData ?? {})) {
		runs[node] = tasks.map((task) => {
			const items = (task.data?.main ?? []).map((output) => output ?? []);
			return {
				status: task.executionStatus,
				items,
				outputs: items.map((output) => output.map((item) => item.json)),
				error: task.error,
			};
		});
	}
	return runs;
}

/** `{ [node]: JSON of each output }` of each node's last run: what the canvas shows. */
export function outputsByNode(run: N8nRun): Record<string, JsonObject[][]> {
	const outputs: Record<string, JsonObject[][]> = {};
	for (const [node, runs] of Object.entries(runsByNode(run))) {
		outputs[node] = runs[runs.length - 1]?.outputs ?? [];
	}
	return outputs;
}

/** The JSON of the items on a node's first output, in its last run. */
export function itemsOf(run: N8nRun, node: string): JsonObject[] {
	const outputs = outputsByNode(run)[node];
	if (!outputs) {
		const ran = Object.keys(resultDataOf(run).runData ?? {}).join(', ');
		throw new Error(`Node "${node}" did not run; nodes that ran: ${ran || 'none'}`);
	}
	return outputs[0] ?? [];
}

/** The error that stopped the run, if one did. */
export function runErrorOf(run: N8nRun): N8nNodeError | undefined {
	return resultDataOf(run).error;
}
