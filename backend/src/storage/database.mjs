// @ts-check
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/**
 * Numbered migrations, `NNN-name.sql`, applied in order. The schema version is SQLite's
 * `user_version`, so it lives inside the file it describes.
 * @returns {{ version: number, name: string, sql: string }[]}
 */
export function loadMigrations() {
	return readdirSync(MIGRATIONS_DIR)
		.filter((file) => /^\d{3}-[\w-]+\.sql$/.test(file))
		.sort()
		.map((file) => ({
			version: Number(file.slice(0, 3)),
			name: file,
			sql: readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8'),
		}));
}

/**
 * Opens the SQLite file in WAL mode and brings its schema up to date.
 * Durability: WAL with synchronous=NORMAL. A commit survives the process being killed (kill -9);
 * only an operating-system crash or power loss can drop the last commits.
 * @param {string} file
 * @param {import('pino').Logger} log
 */
export function openDatabase(file, log) {
	if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = NORMAL');
	db.pragma('foreign_keys = ON');
	db.pragma('busy_timeout = 5000');
	try {
		migrate(db, log);
	} catch (error) {
		db.close();
		throw error;
	}
	return db;
}

/**
 * Applies every pending migration in one transaction: a failure leaves the file as it was.
 * Refuses a file whose schema is newer than this code, rather than guess at it.
 * @param {import('better-sqlite3').Database} db
 * @param {import('pino').Logger} log
 */
export function migrate(db, log) {
	const migrations = loadMigrations();
	const latest = migrations.at(-1)?.version ?? 0;
	const current = /** @type {number} */ (db.pragma('user_version', { simple: true }));
	if (current > latest) {
		throw new Error(
			`The data file has schema version ${current}, newer than this server knows (${latest}). ` +
				'Use a newer xano-async-backend or another --data file.',
		);
	}
	const pending = migrations.filter((migration) => migration.version > current);
	if (pending.length === 0) return;
	db.transaction(() => {
		for (const migration of pending) {
			db.exec(migration.sql);
			db.pragma(`user_version = ${migration.version}`);
		}
	})();
	log.info({ from: current, to: latest }, 'database schema migrated');
}
