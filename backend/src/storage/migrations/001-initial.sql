-- Executions: one row per accepted invocation. `seq` is the arrival order used for
-- first-in-first-out within one priority; `visible_at` is when a terminal execution may be listed.
CREATE TABLE executions (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	id TEXT NOT NULL UNIQUE,
	owner_id INTEGER NOT NULL REFERENCES users (id),
	function TEXT NOT NULL,
	input TEXT NOT NULL,
	output TEXT,
	error TEXT,
	status TEXT NOT NULL CHECK (
		status IN ('pending', 'running', 'completed', 'failed', 'cancelled', 'timed_out')
	),
	priority TEXT NOT NULL,
	priority_rank INTEGER NOT NULL,
	timeout_seconds INTEGER NOT NULL,
	tags TEXT NOT NULL,
	idempotency_key TEXT,
	attempts INTEGER NOT NULL DEFAULT 0,
	cancel_requested INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	started_at INTEGER,
	completed_at INTEGER,
	visible_at INTEGER,
	duration_ms INTEGER
);

-- The claim order: highest priority first, then arrival.
CREATE INDEX executions_queue ON executions (priority_rank, seq) WHERE status = 'pending';

-- The trigger's listing order within one caller.
CREATE INDEX executions_completed ON executions (owner_id, completed_at, id)
	WHERE completed_at IS NOT NULL;

-- Idempotency: one live key per caller and function. Failed, cancelled and timed-out executions
-- leave this index, which is what frees their key.
CREATE UNIQUE INDEX executions_idempotency ON executions (owner_id, function, idempotency_key)
	WHERE idempotency_key IS NOT NULL AND status IN ('pending', 'running', 'completed');

CREATE TABLE users (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	password_hash TEXT,
	created_at INTEGER NOT NULL
);

-- Only a hash of each bearer token is kept, so a copied database file hands out no tokens.
CREATE TABLE auth_tokens (
	token_hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id),
	kind TEXT NOT NULL CHECK (kind IN ('static', 'session')),
	created_at INTEGER NOT NULL,
	expires_at INTEGER
);

-- Records of ctx.db: simple tables inside the same file, scoped to the caller that owns the
-- execution which wrote them.
CREATE TABLE records (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	owner_id INTEGER NOT NULL,
	table_name TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE INDEX records_by_table ON records (owner_id, table_name, id);
