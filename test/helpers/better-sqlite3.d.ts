// The slice of better-sqlite3 (a dependency of the reference backend) that tests use to reach
// into the backend's data file, e.g. to expire login sessions.
declare module 'better-sqlite3' {
	interface Statement {
		run(...parameters: unknown[]): { changes: number };
		get(...parameters: unknown[]): unknown;
		all(...parameters: unknown[]): unknown[];
	}
	class Database {
		constructor(file: string);
		prepare(sql: string): Statement;
		close(): void;
	}
	export default Database;
}
