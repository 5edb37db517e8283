// @ts-check
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync =
	/** @type {(password: string, salt: Buffer, keylen: number) => Promise<Buffer>} */ (
		promisify(scrypt)
	);
const KEY_LENGTH = 32;

/** @typedef {{ id: number, email: string, name: string, created_at: number }} User */

/** Users, their password hashes and bearer tokens. Tokens are stored only as SHA-256 hashes. */
/** @param {import('better-sqlite3').Database} db @param {{ now?: () => number }} [options] */
export function createUserStore(db, { now = Date.now } = {}) {
	const statements = {
		byEmail: db.prepare('SELECT * FROM users WHERE email = ?'),
		byId: db.prepare('SELECT * FROM users WHERE id = ?'),
		insert: db.prepare(
			'INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING *',
		),
		setPassword: db.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
		insertToken: db.prepare(`
			INSERT INTO auth_tokens (token_hash, user_id, kind, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (token_hash) DO UPDATE SET user_id = excluded.user_id, kind = excluded.kind,
				expires_at = excluded.expires_at`),
		userByToken: db.prepare(`
			SELECT users.* FROM auth_tokens JOIN users ON users.id = auth_tokens.user_id
			WHERE auth_tokens.token_hash = ? AND (auth_tokens.expires_at IS NULL OR auth_tokens.expires_at > ?)`),
		deleteStaticTokens: db.prepare(`DELETE FROM auth_tokens WHERE kind = 'static'`),
		purgeExpiredTokens: db.prepare(
			'DELETE FROM auth_tokens WHERE expires_at IS NOT NULL AND expires_at <= ?',
		),
	};

	return {
		/**
		 * Creates the user if needed; a given password replaces the stored one, so the flags of the
		 * latest start are what counts.
		 * @param {string} email
		 * @param {string | null} password
		 * @returns {User}
		 */
		ensureUser(email, password) {
			// Stored lowercased, as verifyLogin looks emails up, whoever calls (flags or startServer).
			email = email.toLowerCase();
			const existing = /** @type {any} */ (statements.byEmail.get(email));
			const hash = password === null ? null : hashPassword(password);
			if (existing) {
				if (hash !== null) statements.setPassword.run(hash, existing.id);
				return toUser(existing);
			}
			return toUser(statements.insert.get(email, email.split('@')[0], hash, now()));
		},

		/** @param {string} email @param {string} password @returns {Promise<User | null>} */
		async verifyLogin(email, password) {
			const row = /** @type {any} */ (statements.byEmail.get(email.toLowerCase()));
			if (!row || !row.password_hash) {
				// Hash anyway, so the answer time does not tell which emails have an account.
				await passwordMatches(password, await unusableHash());
				return null;
			}
			return (await passwordMatches(password, row.password_hash)) ? toUser(row) : null;
		},

		/** A random session token, valid for `ttlSeconds`. @param {number} userId @param {number} ttlSeconds */
		issueSessionToken(userId, ttlSeconds) {
			const token = randomBytes(32).toString('base64url');
			const at = now();
			statements.insertToken.run(hashToken(token), userId, 'session', at, at + ttlSeconds * 1000);
			return token;
		},

		/**
		 * Makes `tokens` the static tokens, in one transaction: a token left out of this start's
		 * flags (an earlier demo token included) stops working at once.
		 * @param {{ token: string, userId: number }[]} tokens
		 */
		replaceStaticTokens: db.transaction(
			(/** @type {{ token: string, userId: number }[]} */ tokens) => {
				statements.deleteStaticTokens.run();
				const at = now();
				for (const { token, userId } of tokens) {
					statements.insertToken.run(hashToken(token), userId, 'static', at, null);
				}
			},
		),

		/** @param {string} token @returns {User | null} */
		userForToken(token) {
			const row = statements.userByToken.get(hashToken(token), now());
			return row ? toUser(row) : null;
		},

		/** @param {number} id @returns {User | null} */
		getUser(id) {
			const row = statements.byId.get(id);
			return row ? toUser(row) : null;
		},

		purgeExpiredTokens() {
			return statements.purgeExpiredTokens.run(now()).changes;
		},
	};
}

/** @typedef {ReturnType<typeof createUserStore>} UserStore */

/** @param {string} token */
export const hashToken = (token) => createHash('sha256').update(token).digest('hex');

/** @param {string} password */
function hashPassword(password) {
	const salt = randomBytes(16);
	return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, KEY_LENGTH).toString('hex')}`;
}

/** @type {Promise<string> | null} */
let unusable = null;
/** A hash of a random password nobody knows, with the same cost as a real one; made off the loop. */
const unusableHash = () =>
	(unusable ??= (async () => {
		const salt = randomBytes(16);
		const key = await scryptAsync(randomBytes(16).toString('hex'), salt, KEY_LENGTH);
		return `scrypt$${salt.toString('hex')}$${key.toString('hex')}`;
	})());

/** Off the event loop: scrypt is deliberately slow. @param {string} password @param {string} stored */
async function passwordMatches(password, stored) {
	const [scheme, saltHex, hashHex] = stored.split('$');
	if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
	const expected = Buffer.from(hashHex, 'hex');
	const actual = await scryptAsync(password, Buffer.from(saltHex, 'hex'), expected.length);
	return timingSafeEqual(actual, expected);
}

/** @param {any} row @returns {User} */
function toUser(row) {
	return { id: row.id, email: row.email, name: row.name, created_at: row.created_at };
}
