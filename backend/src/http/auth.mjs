// @ts-check
import { unauthorized } from '../errors.mjs';

/**
 * The caller of a request: `Authorization: Bearer TOKEN`, or Xano's `?authtoken=TOKEN` fallback
 * for clients that cannot set headers.
 * @param {import('fastify').FastifyRequest} request
 * @param {import('../storage/user-store.mjs').UserStore} users
 * @returns {import('../storage/user-store.mjs').User}
 */
export function authenticate(request, users) {
	const token = bearerToken(request);
	if (!token) {
		throw unauthorized('Missing token: send Authorization: Bearer TOKEN.');
	}
	const user = users.userForToken(token);
	if (!user) throw unauthorized('Invalid or expired token.');
	return user;
}

/** @param {import('fastify').FastifyRequest} request */
function bearerToken(request) {
	const header = request.headers.authorization;
	if (typeof header === 'string') {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
		if (match) return match[1];
	}
	const query = /** @type {Record<string, unknown>} */ (request.query ?? {});
	return typeof query.authtoken === 'string' && query.authtoken !== '' ? query.authtoken : null;
}
