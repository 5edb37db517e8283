// @ts-check
import { randomBytes } from 'node:crypto';

export const DEMO_EMAIL = 'demo@example.com';

/**
 * Makes the --user and --token flags true in the database. With neither given, a demo user and
 * a demo token are created (fresh secrets on every start) and handed back for the banner.
 * @param {import('./storage/user-store.mjs').UserStore} users
 * @param {{ users: { email: string, password: string }[], tokens: { token: string, email: string }[] }} options
 * @returns {{ email: string, password: string, token: string } | null} the demo credentials, if any
 */
export function setUpUsers(users, options) {
	for (const { email, password } of options.users) users.ensureUser(email, password);
	for (const { token, email } of options.tokens) {
		// A token for an email without --user makes a user who can use the token but not log in.
		const owner = users.ensureUser(email, null);
		users.addStaticToken(token, owner.id);
	}
	if (options.users.length > 0 || options.tokens.length > 0) return null;

	const password = randomBytes(9).toString('base64url');
	const token = `demo_${randomBytes(24).toString('base64url')}`;
	const demo = users.ensureUser(DEMO_EMAIL, password);
	users.addStaticToken(token, demo.id);
	return { email: DEMO_EMAIL, password, token };
}
