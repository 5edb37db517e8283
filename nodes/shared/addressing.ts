import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { BackendAddress, ContractEndpoint } from './types';

/**
 * How a credential addresses the backend. The transport (TypeScript below) and the credential
 * test (an n8n expression, because `test` requests are declarative) must build the same URL; the
 * test suite checks both against the same inputs.
 *
 * Every request goes out as one absolute URL and never as baseURL + url: n8n's HTTP layer joins
 * those with `new URL(url, baseURL)`, which drops the `/api:CANONICAL` segment of a Xano base URL.
 */

export const DEFAULT_PATHS: Readonly<Record<ContractEndpoint, string>> = {
	invoke: '/async/invoke',
	await: '/async/await',
	executions: '/async/executions',
	functions: '/async/functions',
};

export const DEFAULT_LOGIN_PATH = '/auth/login';

/** The credential field holding each endpoint's path. */
export const PATH_FIELDS: Readonly<Record<ContractEndpoint, string>> = {
	invoke: 'invokePath',
	await: 'awaitPath',
	executions: 'executionsPath',
	functions: 'functionsPath',
};

/**
 * Trims spaces and trailing slashes, however they mix: `https://x.xano.io/api:Ab1:dev/ / ` →
 * `https://x.xano.io/api:Ab1:dev`. Normalizing twice gives the same URL as once.
 */
export function normalizeBaseUrl(raw: string): string {
	return raw.trim().replace(/[\s/]+$/, '');
}

/** One leading slash, no trailing one: ` async/await/ ` → `/async/await`. */
export function normalizePath(raw: string): string {
	return '/' + raw.trim().replace(/^\/+|\/+$/g, '');
}

export function endpointUrl(baseUrl: string, path: string): string {
	return normalizeBaseUrl(baseUrl) + normalizePath(path);
}

/** The same URL as `endpointUrl`, as an n8n expression over the credential's fields. */
export function endpointUrlExpression(endpoint: ContractEndpoint): string {
	const field = PATH_FIELDS[endpoint];
	return (
		"={{ String($credentials.baseUrl || '').trim().replace(/[\\s\\/]+$/, '') + '/' + " +
		`String(String($credentials.${field} || '').trim() || '${DEFAULT_PATHS[endpoint]}')` +
		".trim().replace(/^\\/+|\\/+$/g, '') }}"
	);
}

function stringField(credentials: ICredentialDataDecryptedObject, name: string): string {
	const value = credentials[name];
	return typeof value === 'string' ? value : '';
}

/** Reads the base URL and the endpoint paths from a credential, with the contract's defaults. */
export function backendAddressOf(credentials: ICredentialDataDecryptedObject): BackendAddress {
	const paths = { ...DEFAULT_PATHS };
	for (const endpoint of Object.keys(DEFAULT_PATHS) as ContractEndpoint[]) {
		const configured = stringField(credentials, PATH_FIELDS[endpoint]).trim();
		if (configured !== '') paths[endpoint] = configured;
	}
	// Normalized once, by endpointUrl, as the credential test's expression does.
	return { baseUrl: stringField(credentials, 'baseUrl'), paths };
}
