import { httpCall, httpJson } from './http';

/** The owner of every test instance. Only ever used against n8n on 127.0.0.1. */
export const testOwner = {
	email: 'e2e@example.com',
	firstName: 'End',
	lastName: 'ToEnd',
	password: 'E2eTest-Passw0rd',
};

export interface OwnerAccess {
	apiKey: string;
	/** The owner's session, for the editor's own endpoints (`/rest/...`, `/types/...`). */
	sessionCookie: string;
}

/**
 * Makes the instance usable through the public API: sets up the owner (or logs in when a kept
 * user folder already has one) and creates an API key with every scope the instance offers.
 */
export async function prepareOwner(url: string): Promise<OwnerAccess> {
	const cookie = await ownerSession(url);
	const scopes = await httpJson<{ data: string[] }>('GET', `${url}/rest/api-keys/scopes`, {
		headers: { cookie },
	});
	const created = await httpJson<{ data: { rawApiKey: string } }>('POST', `${url}/rest/api-keys`, {
		headers: { cookie },
		body: { label: `e2e-${Date.now()}`, scopes: scopes.data, expiresAt: null },
	});
	return { apiKey: created.data.rawApiKey, sessionCookie: cookie };
}

async function ownerSession(url: string): Promise<string> {
	const setup = await httpCall('POST', `${url}/rest/owner/setup`, { body: testOwner });
	if (setup.status === 200) return authCookie(setup.headers);
	// 1.x names the login field `email`, 2.x `emailOrLdapLoginId`; each ignores the other.
	const login = await httpCall('POST', `${url}/rest/login`, {
		body: {
			email: testOwner.email,
			emailOrLdapLoginId: testOwner.email,
			password: testOwner.password,
		},
	});
	if (login.status !== 200) {
		throw new Error(
			`Neither owner setup (${setup.status}) nor login (${login.status}) worked: ${JSON.stringify(login.body)}`,
		);
	}
	return authCookie(login.headers);
}

function authCookie(headers: Headers): string {
	const cookies = headers.getSetCookie();
	const auth = cookies
		.map((cookie) => cookie.split(';')[0])
		.find((pair) => pair.startsWith('n8n-auth='));
	if (!auth) throw new Error(`n8n set no auth cookie (got: ${cookies.join(' | ') || 'none'})`);
	return auth;
}
