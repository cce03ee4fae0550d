-- Cases, their attachments and delivery jobs, and article feedback.
-- IF NOT EXISTS: databases created before versioned migrations already
-- have these tables, and this migration only records them as version 1.

CREATE TABLE IF NOT EXISTS cases (
	id TEXT PRIMARY KEY,
	created_at BIGINT NOT NULL,
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
	size BIGINT NOT NULL,
	data BYTEA NOT NULL,
	PRIMARY KEY (case_id, idx));

CREATE TABLE IF NOT EXISTS jobs (
	id BIGSERIAL PRIMARY KEY,
	case_id TEXT NOT NULL REFERENCES cases (id),
	kind TEXT NOT NULL,
	state TEXT NOT NULL,
	attempts INTEGER NOT NULL,
	next_at BIGINT NOT NULL,
	lease_until BIGINT NOT NULL,
	last_error TEXT NOT NULL,
	updated_at BIGINT NOT NULL);

CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, next_at);

CREATE INDEX IF NOT EXISTS jobs_case ON jobs (case_id);

CREATE TABLE IF NOT EXISTS feedback (
	article TEXT PRIMARY KEY,
	helpful BIGINT NOT NULL,
	total BIGINT NOT NULL);
