import {
	endpointUrl,
	endpointUrlExpression,
	normalizeBaseUrl,
} from '../../nodes/shared/addressing';
import { credentialData } from '../helpers/n8n-runner';
import { resolveTestRequest } from './credential-probe';

describe('addressing', () => {
	test.each([
		['https://x8ki-letl-twmt.n7.xano.io/api:AbCd1234', '/async/await'],
		['  https://x8ki-letl-twmt.n7.xano.io/api:AbCd1234:dev/// ', 'async/await/'],
		['http://127.0.0.1:8080/api:async', ' /custom/wait '],
	])(
		'the credential test and the transport build the same URL from %j and %j',
		(baseUrl, awaitPath) => {
			const credentials = credentialData('xanoAsyncApi', { baseUrl, awaitPath });
			const request = resolveTestRequest('xanoAsyncApi', credentials);
			expect(request.url).toBe(endpointUrl(baseUrl, awaitPath));
			expect(request.url).toBe(
				`${normalizeBaseUrl(baseUrl)}/${awaitPath.trim().replace(/^\/+|\/+$/g, '')}`,
			);
			expect(request.url).not.toMatch(/\s|[^:]\/\//);
		},
	);

	test('an emptied path falls back to the contract default in both', () => {
		const credentials = credentialData('xanoAsyncApi', {
			baseUrl: 'https://h/api:a',
			awaitPath: '',
		});
		expect(resolveTestRequest('xanoAsyncApi', credentials).url).toBe('https://h/api:a/async/await');
		expect(endpointUrlExpression('await')).toContain('/async/await');
	});
});
