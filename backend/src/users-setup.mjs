// @ts-check
import { randomBytes } from 'node:crypto';

export const DEMO_EMAIL = 'demo@example.com';

/**
 * Makes the --user and --token flags true in the database: the static tokens are exactly the
 * ones given now, so a token dropped from the flags is revoked. With neither given, a demo user
 * and a demo token are created (fresh secrets on every start, the earlier demo token revoked) and
 * handed back for the banner.
 * @param {import('./storage/user-store.mjs').UserStore} users
 * @param {{ users: { email: string, password: string }[], tokens: { token: string, email: string }[] }} options
 * @returns {{ email: string, password: string, token: string } | null} the demo credentials, if any
 */
export function setUpUsers(users, options) {
	for (const { email, password } of options.users) users.ensureUser(email, password);
	// A token for an email without --user makes a user who can use the token but not log in.
	const tokens = options.tokens.map(({ token, email }) => ({
		token,
		userId: users.ensureUser(email, null).id,
	}));
	if (options.users.length > 0 || options.tokens.length > 0) {
		users.replaceStaticTokens(tokens);
		return null;
	}

	const password = randomBytes(9).toString('base64url');
	const token = `demo_${randomBytes(24).toString('base64url')}`;
	const demo = users.ensureUser(DEMO_EMAIL, password);
	users.replaceStaticTokens([{ token, userId: demo.id }]);
	return { email: DEMO_EMAIL, password, token };
}
