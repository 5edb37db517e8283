// @ts-check
import { accessDenied, inputError } from '../../errors.mjs';
import { objectBody } from '../validate.mjs';

/** Session tokens from /auth/login live as long as Xano's usual default. */
export const SESSION_TOKEN_SECONDS = 86_400;

/**
 * @param {import('fastify').FastifyInstance<any, any, any, any>} app
 * @param {import('../server.mjs').RouteContext} context
 */
export function registerAuthRoutes(app, { path, services, callerOf }) {
	const { users } = services;

	app.post(path('/auth/login'), async (request) => {
		const body = objectBody(request.body);
		if (typeof body.email !== 'string' || body.email === '') {
			throw inputError('email', 'Missing param: email.');
		}
		if (typeof body.password !== 'string' || body.password === '') {
			throw inputError('password', 'Missing param: password.');
		}
		const user = await users.verifyLogin(body.email, body.password);
		if (!user) {
			request.log.info('login refused');
			throw accessDenied('Invalid Credentials.');
		}
		request.log.info({ user_id: user.id }, 'login');
		return { authToken: users.issueSessionToken(user.id, SESSION_TOKEN_SECONDS) };
	});

	app.get(path('/auth/me'), async (request) => callerOf(request));
}
