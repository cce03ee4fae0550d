-- Cases, their attachments and delivery jobs, and article feedback.
-- IF NOT EXISTS: databases created before versioned migrations already
-- have these tables, and this migration only records them as version 1.

CREATE TABLE IF NOT EXISTS cases (
	id TEXT PRIMARY KEY,
	created_at INTEGER NOT NULL,
	idempotency_key TEXT UNIQUE,
	email TEXT NOT NULL,
	locale TEXT NOT NULL,
	client TEXT NOT NULL,
	spam INTEGER NOT NULL,
	fields TEXT NOT NULL);

CREATE INDEX IF NOT EXISTS cases_created ON cases (created_at);

CREATE TABLE IF NOT EXISTS attachments (
	case_id TEXT NOT NULL REFERENCES cases (id),
	idx INTEGER NOT NULL,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (case_id, idx));

CREATE TABLE IF NOT EXISTS jobs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	case_id TEXT NOT NULL REFERENCES cases (id),
	kind TEXT NOT NULL,
	state TEXT NOT NULL,
	attempts INTEGER NOT NULL,
	next_at INTEGER NOT NULL,
	lease_until INTEGER NOT NULL,
	last_error TEXT NOT NULL,
	updated_at INTEGER NOT NULL);

CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, next_at);

CREATE INDEX IF NOT EXISTS jobs_case ON jobs (case_id);

CREATE TABLE IF NOT EXISTS feedback (
	article TEXT PRIMARY KEY,
	helpful INTEGER NOT NULL,
	total INTEGER NOT NULL);
