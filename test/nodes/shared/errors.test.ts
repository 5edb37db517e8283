import { NodeApiError, UserError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { httpFailureOf, toXanoApiError } from '../../../nodes/shared/errors';

const node: INode = {
	id: 'n',
	name: 'Xano Async Invoke',
	type: 'n8n-nodes-xano-async.xanoAsyncInvoke',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** What n8n's HTTP layer throws: an error with the response, wrapped in a NodeApiError. */
function thrownByN8n(status: number, data: unknown, headers: Record<string, string> = {}) {
	const httpError = Object.assign(new Error(`Request failed with status code ${status}`), {
		response: { status, data, headers },
	});
	return new NodeApiError(node, httpError as never);
}

describe('mapping HTTP failures', () => {
	test('reads status, contract body and Retry-After through the NodeApiError wrapper', () => {
		const failure = httpFailureOf(
			thrownByN8n(
				429,
				{ code: 'ERROR_CODE_TOO_MANY_REQUESTS', message: 'Queue full.' },
				{ 'retry-after': '7' },
			),
		);
		expect(failure).toMatchObject({ status: 429, retryAfterSeconds: 7 });
	});

	test('accepts Retry-After as an HTTP date', () => {
		const at = new Date(Date.now() + 5_000).toUTCString();
		const failure = httpFailureOf(thrownByN8n(429, '', { 'retry-after': at }));
		expect(failure.retryAfterSeconds).toBeGreaterThanOrEqual(3);
		expect(failure.retryAfterSeconds).toBeLessThanOrEqual(6);
	});

	test('an HTML body in a Buffer reads as its title', () => {
		const html = Buffer.from(
			'<html><head><title>504 Gateway Time-out</title></head><body>x</body></html>',
		);
		const error = toXanoApiError(
			node,
			thrownByN8n(504, html, { 'content-type': 'text/html; charset=utf-8' }),
			3,
		);
		expect(error.message).toBe(
			'Xano answered HTTP 504 for item 3 with a body that is not JSON (text/html): 504 Gateway Time-out',
		);
		expect(error.httpCode).toBe('504');
	});

	test('a JSON body of another shape is told apart from a page, also when it is a bare value', () => {
		const json = { 'content-type': 'application/json; charset=utf-8' };
		// The HTTP client has parsed these already: "Service down" arrives as the string itself.
		for (const body of ['Service down', 503, null, true, { error: 'boom' }, [1, 2]]) {
			const error = toXanoApiError(node, thrownByN8n(500, body, json), 1);
			expect(error.message).toMatch(
				/^Xano answered HTTP 500 for item 1 with a JSON body that is not the contract's error shape/,
			);
			expect(error.description).toMatch(/check the base URL/);
		}
		const mislabelled = toXanoApiError(node, thrownByN8n(502, '<html>x</html>', json), 1);
		expect(mislabelled.message).toMatch(/with a body that is not JSON \(application\/json\)/);
	});

	test('an empty message and a string payload still give the code', () => {
		const error = toXanoApiError(
			node,
			thrownByN8n(404, { code: 'ERROR_CODE_NOT_FOUND', message: '', payload: '' }),
			0,
		);
		expect(error.message).toBe(
			'Xano answered HTTP 404 ERROR_CODE_NOT_FOUND for item 0: no message',
		);
		expect(error.param).toBeNull();
	});

	test('a user-facing error (a failed login) keeps its own message', () => {
		const wrapped = new NodeApiError(
			node,
			new UserError('Xano login as a@b.c failed (HTTP 403): denied.') as never,
		);
		expect(toXanoApiError(node, wrapped).message).toBe(
			'Xano login as a@b.c failed (HTTP 403): denied.',
		);
	});

	test('a refused bulk invocation is renamed for its item', () => {
		const error = toXanoApiError(
			node,
			thrownByN8n(400, {
				code: 'ERROR_CODE_INPUT_ERROR',
				message: 'Missing param: invocations.4.input.email.',
				payload: { param: 'invocations.4.input.email' },
			}),
		).forItem(12, 'invocations.4.');
		expect(error.message).toBe(
			'Xano answered HTTP 400 ERROR_CODE_INPUT_ERROR for item 12: Missing param: input.email. (parameter: input.email)',
		);
		expect(error.param).toBe('input.email');
	});
});

describe('n8n 1.x, whose NodeApiError keeps no cause', () => {
	/** n8n-workflow 1.x declares `cause` as a class field, so an Error cause ends up undefined. */
	function thrownByN8n1(status: number, data: unknown) {
		const error = thrownByN8n(status, data);
		Object.defineProperty(error, 'cause', { value: undefined });
		return error;
	}

	test('reads the status and the contract body from httpCode and context.data', () => {
		const error = toXanoApiError(
			node,
			thrownByN8n1(404, {
				code: 'ERROR_CODE_NOT_FOUND',
				message: 'Unknown function: nope',
				payload: { param: 'function' },
			}),
			2,
		);
		expect(error).toMatchObject({
			status: 404,
			xanoCode: 'ERROR_CODE_NOT_FOUND',
			param: 'function',
		});
		expect(error.message).toBe(
			'Xano answered HTTP 404 ERROR_CODE_NOT_FOUND for item 2: Unknown function: nope (parameter: function)',
		);
	});

	test('a refused connection stays a connection failure', () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
			code: 'ECONNREFUSED',
		});
		const error = new NodeApiError(node, refused as never);
		Object.defineProperty(error, 'cause', { value: undefined });
		expect(httpFailureOf(error).status).toBeNull();
	});
});
