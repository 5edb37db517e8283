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

const triggerTypes = {
	'n8n-nodes-base.manualTrigger': 'manual',
	'n8n-nodes-base.webhook': 'webhook',
	'n8n-nodes-base.scheduleTrigger': 'schedule',
	'n8n-nodes-xano-async.xanoAsyncTrigger': 'completion trigger',
};

/** How a workflow starts: the first enabled trigger node the demo knows how to drive. */
export function triggerOf(workflow) {
	for (const node of workflow.nodes) {
		if (node.disabled) continue;
		if (triggerTypes[node.type]) return { kind: triggerTypes[node.type], node };
	}
	return { kind: 'unknown', node: undefined };
}

/**
 * Runs one imported example. Manual-trigger workflows run through `n8n execute`; webhook
 * workflows are activated and called once with the body pinned on their Webhook node (an
 * exported workflow's pinData is where a user sees sample input), or `{}`; schedule and
 * completion triggers are activated, and any run they start at once must succeed.
 */
export async function runExample(n8n, stored, definition) {
	const started = Date.now();
	const { kind, node } = triggerOf(definition);
	const outcome = (ok, detail) => ({ kind, ok, detail, ms: Date.now() - started });
	try {
		if (kind === 'manual') {
			const { exitCode, run, output } = await executeWithCli(n8n, stored.id);
			const error = run ? runErrorOf(run) : undefined;
			if (exitCode === 0 && run?.status === 'success') return outcome(true, 'ran to success');
			return outcome(
				false,
				error?.message ?? `exit ${exitCode}: ${output.trim().split('\n').slice(-3).join(' | ')}`,
			);
		}
		if (kind === 'webhook') {
			await activateWorkflow(n8n, stored);
			const [webhook] = staticWebhooks(stored);
			const pinned = definition.pinData?.[node.name]?.[0]?.json;
			const method = String(webhook.parameters.httpMethod ?? 'GET');
			const body = method === 'GET' || method === 'HEAD' ? undefined : (pinned?.body ?? {});
			const answer = await httpCall(method, webhookUrl(n8n, webhook.parameters.path), {
				body,
				timeoutMs: 120_000,
			});
			const [execution] = (await waitForExecutions(n8n, stored.id, 1, 60_000)).slice(-1);
			const passed = answer.status < 400 && execution?.status === 'success';
			const error = execution ? runErrorOf(execution) : undefined;
			return outcome(
				passed,
				`HTTP ${answer.status}${execution ? `, execution ${execution.status}` : ', no execution'}` +
					(passed ? '' : `: ${error?.message ?? JSON.stringify(answer.body)?.slice(0, 200)}`),
			);
		}
		if (kind === 'schedule' || kind === 'completion trigger') {
			await activateWorkflow(n8n, stored);
			// A polling trigger polls once on activation; give such a run a moment to finish.
			await new Promise((resolveSleep) => setTimeout(resolveSleep, 3_000));
			const executions = await finishedExecutions(n8n, stored.id);
			const failed = executions.find((execution) => execution.status !== 'success');
			if (failed) return outcome(false, `execution ${failed.id} ${failed.status}`);
			const ran = executions.length > 0 ? `, ${executions.length} run(s) succeeded` : '';
			return outcome(true, `activated${ran}`);
		}
		return outcome(false, 'no trigger the demo can start');
	} catch (error) {
		return outcome(false, error instanceof Error ? error.message : String(error));
	}
}
