import { httpCall, HttpAnswer, HttpMethod } from './http';

/**
 * Calls a production webhook of an active workflow (`/webhook/<path>`), as an outside system
 * would. Returns whatever n8n answered, error statuses included, so tests can assert on them.
 */
export async function callWebhook(
	n8n: { url: string },
	path: string,
	{
		method = 'POST',
		body,
		headers,
		timeoutMs = 60_000,
	}: {
		method?: HttpMethod;
		body?: unknown;
		headers?: Record<string, string>;
		timeoutMs?: number;
	} = {},
): Promise<HttpAnswer> {
	return httpCall(method, webhookUrl(n8n, path), { body, headers, timeoutMs });
}

/**
 * Waits until n8n serves the webhook. 2.x registers webhooks in the background after the
 * activate call has answered (about a second later), so a call right away gets a 404. A CORS
 * preflight asks for the webhook without running the workflow: 204 once it is registered.
 * (It is no use the other way round: after deactivation 2.x answered it with 500 in one run and,
 * from its webhook cache, 204 for 30 s in another.)
 */
export async function waitForWebhook(
	n8n: { url: string },
	path: string,
	{ method = 'POST', timeoutMs = 30_000 }: { method?: HttpMethod; timeoutMs?: number } = {},
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let status = 0;
	while (Date.now() < deadline) {
		const answer = await httpCall('OPTIONS', webhookUrl(n8n, path), {
			headers: { origin: n8n.url, 'access-control-request-method': method },
		});
		status = answer.status;
		if (status >= 200 && status < 300) return;
		await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
	}
	throw new Error(
		`Webhook ${method} /webhook/${path} not registered after ${timeoutMs} ms (${status})`,
	);
}

function webhookUrl(n8n: { url: string }, path: string): string {
	return `${n8n.url}/webhook/${path.replace(/^\//, '')}`;
}
