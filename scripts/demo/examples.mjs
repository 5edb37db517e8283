// The example workflows of examples/: imported as users import them, then each one run the way
// its trigger allows, with a pass/fail outcome.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../n8n/lines.mjs';
import { httpCall } from './http.mjs';
import {
	activateWorkflow,
	executeWithCli,
	finishedExecutions,
	itemsOf,
	readWorkflowFile,
	runErrorOf,
	staticWebhooks,
	waitForExecutions,
	webhookUrl,
} from './n8n.mjs';

export const examplesDir = join(repoRoot, 'examples');

/** Every example workflow file, in name order; none when the folder does not exist yet. */
export function exampleFiles() {
	if (!existsSync(examplesDir)) return [];
	return readdirSync(examplesDir)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => ({
			file: `examples/${name}`,
			workflow: readWorkflowFile(join(examplesDir, name)),
		}));
}

const triggerKinds = {
	'n8n-nodes-base.manualTrigger': 'manual',
	'n8n-nodes-base.webhook': 'webhook',
	'n8n-nodes-base.scheduleTrigger': 'schedule',
	'n8n-nodes-xano-async.xanoAsyncTrigger': 'completion trigger',
};

/** How a workflow starts: its first enabled trigger node the demo knows how to drive. */
export function triggerOf(workflow) {
	for (const node of workflow.nodes) {
		if (node.disabled) continue;
		if (triggerKinds[node.type]) return { kind: triggerKinds[node.type], node };
	}
	return { kind: 'unknown', node: undefined };
}

const runners = {
	manual: runManual,
	webhook: runWebhook,
	schedule: runSchedule,
	'completion trigger': runCompletionTrigger,
};

/** Runs one imported example; never throws, a failure is an outcome. */
export async function runExample(context, stored, definition) {
	const started = Date.now();
	const trigger = triggerOf(definition);
	const runner = runners[trigger.kind];
	let result;
	try {
		result = runner
			? await runner(context, stored, definition, trigger.node)
			: { ok: false, detail: 'no trigger the demo can start' };
	} catch (error) {
		result = { ok: false, detail: error instanceof Error ? error.message : String(error) };
	}
	return { kind: trigger.kind, ...result, ms: Date.now() - started };
}

/** A Manual Trigger workflow runs through `n8n execute`, as it is, in a second n8n process. */
async function runManual({ n8n }, stored) {
	const { exitCode, run, output } = await executeWithCli(n8n, stored.id);
	if (exitCode === 0 && run?.status === 'success') {
		return { ok: true, detail: `ran to success: ${lastOutput(run)}` };
	}
	const error = run ? runErrorOf(run) : undefined;
	const tail = output.trim().split('\n').slice(-3).join(' | ');
	return { ok: false, detail: error?.message ?? `exit code ${exitCode}: ${tail}` };
}

/**
 * A webhook workflow is activated and called once with the sample request pinned on its Webhook
 * node (an exported workflow's pinData is where users see sample input), or an empty one.
 */
async function runWebhook(context, stored, definition, trigger) {
	const { n8n } = context;
	await activateWorkflow(n8n, stored);
	const [webhook] = staticWebhooks(stored);
	const sample = withEarlierExecutionIds(
		definition.pinData?.[trigger.name]?.[0]?.json ?? {},
		context,
	);
	const method = String(webhook.parameters.httpMethod ?? 'GET');
	const query = new URLSearchParams(sample.query ?? {}).toString();
	const url = `${webhookUrl(n8n, webhook.parameters.path)}${query ? `?${query}` : ''}`;
	const answer = await httpCall(method, url, {
		body: method === 'GET' || method === 'HEAD' ? undefined : (sample.body ?? {}),
		timeoutMs: 120_000,
	});
	const execution = (await waitForExecutions(n8n, stored.id, 1, 60_000)).at(-1);
	if (Array.isArray(answer.body?.execution_ids)) context.executionIds = answer.body.execution_ids;
	const ok = answer.status < 400 && execution?.status === 'success';
	const state = execution ? `execution ${execution.status}` : 'no execution';
	const error = execution ? runErrorOf(execution)?.message : undefined;
	return {
		ok,
		detail: `${method} ${answer.status}, ${state}: ${error ?? brief(answer.body)}`,
	};
}

/**
 * A sample that asks about executions (order status) asks about the ones an earlier example
 * answered with (order processing), not its pinned placeholder id, which would be not_found.
 */
function withEarlierExecutionIds(sample, context) {
	if (!Array.isArray(sample.body?.execution_ids) || !context.executionIds) return sample;
	return { ...sample, body: { ...sample.body, execution_ids: context.executionIds } };
}

/**
 * A schedule can only be switched on from outside; it first runs on its own schedule. The demo
 * proves that n8n accepts the activation, and that no run it started failed.
 */
async function runSchedule({ n8n }, stored) {
	await activateWorkflow(n8n, stored);
	const failed = (await finishedExecutions(n8n, stored.id)).find(
		(execution) => execution.status !== 'success',
	);
	if (failed) return { ok: false, detail: `execution ${failed.id} ${failed.status}` };
	return { ok: true, detail: 'activated; it first runs on its schedule' };
}

/**
 * The completion trigger polls once on activation, which sets its cursor to "from now on". A
 * payment finished after that, and a second activation (n8n's only way to poll now), must start
 * exactly one run, which must succeed.
 */
async function runCompletionTrigger({ n8n, backend }, stored) {
	await activateWorkflow(n8n, stored);
	await sleep(2_000); // the first poll runs right after activation; let it set the cursor
	const before = (await finishedExecutions(n8n, stored.id)).length;
	const invoked = await backend.post('/async/invoke', {
		function: 'process_payment',
		input: { order_id: 'DEMO-1', amount: 42.5, currency: 'EUR' },
	});
	await backend.post('/async/await', { execution_ids: [invoked.execution_id], timeout: 30 });
	await n8n.api('POST', `/workflows/${stored.id}/deactivate`);
	await activateWorkflow(n8n, stored);
	const executions = await waitForExecutions(n8n, stored.id, before + 1, 30_000);
	await sleep(1_000); // a second run for the same payment would show up now
	const runs = (await finishedExecutions(n8n, stored.id)).slice(before);
	const ok = runs.length === 1 && runs[0].status === 'success';
	const detail =
		runs.length === 0
			? `no run for payment ${invoked.execution_id} within 30 s (${executions.length} runs)`
			: `${runs.length} run(s) for 1 finished payment, ${runs.map((run) => run.status).join(', ')}: ${lastOutput(runs[0])}`;
	return { ok, detail };
}

/** The first item the last node produced, shortened for one report line. */
function lastOutput(run) {
	const resultData = run?.data?.resultData ?? run?.resultData;
	const last = resultData?.lastNodeExecuted;
	return last ? brief(itemsOf(run, last)[0]) : '(no output)';
}

function brief(value) {
	const text = JSON.stringify(value) ?? '';
	return text.length > 110 ? `${text.slice(0, 107)}...` : text;
}

function sleep(ms) {
	return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
