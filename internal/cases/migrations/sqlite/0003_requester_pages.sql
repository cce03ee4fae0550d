-- The requester's side (your cases): each case's status, last update and
-- ticket in the ticketing system; the conversation (comments and status
-- changes, with their files); sign-in links and sessions, stored only as
-- hashes; and the webhook deliveries already applied (redeliveries are
-- ignored). Cases from before keep working: status new, updated when
-- created, no ticket known (the Zendesk sender finds it by external_id).

ALTER TABLE cases ADD COLUMN status TEXT NOT NULL DEFAULT 'new';

ALTER TABLE cases ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;

UPDATE cases SET updated_at = created_at;

-- Retention counts from a case's last change (closing it, for a closed case).
CREATE INDEX cases_updated ON cases (updated_at);

ALTER TABLE cases ADD COLUMN ticket_id TEXT NOT NULL DEFAULT '';

ALTER TABLE cases ADD COLUMN requester_id TEXT NOT NULL DEFAULT '';

-- A requester's cases are found by address, whatever its case.
CREATE INDEX cases_requester ON cases (lower(email), created_at);

CREATE INDEX cases_ticket ON cases (ticket_id);

CREATE TABLE case_events (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	case_id TEXT NOT NULL REFERENCES cases (id),
	created_at INTEGER NOT NULL,
	kind TEXT NOT NULL,
	author TEXT NOT NULL,
	author_name TEXT NOT NULL,
	body TEXT NOT NULL,
	status TEXT NOT NULL,
	source TEXT NOT NULL,
	external_id TEXT NOT NULL);

CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE UNIQUE INDEX case_events_external ON case_events (case_id, external_id) WHERE external_id <> '';

-- Files of comments carry their event; the case's own files have 0.
ALTER TABLE attachments ADD COLUMN event_id INTEGER NOT NULL DEFAULT 0;

-- Jobs that deliver a comment or a reply carry its event; 0 delivers the
-- case itself.
ALTER TABLE jobs ADD COLUMN event_id INTEGER NOT NULL DEFAULT 0;

CREATE TABLE signin_tokens (
	token_hash TEXT PRIMARY KEY,
	email TEXT NOT NULL,
	locale TEXT NOT NULL,
	next TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at INTEGER NOT NULL);

CREATE INDEX signin_tokens_expires ON signin_tokens (expires_at);

CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	email TEXT NOT NULL,
	locale TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL);

CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE INDEX sessions_email ON sessions (lower(email));

CREATE TABLE hook_deliveries (
	source TEXT NOT NULL,
	delivery_id TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	PRIMARY KEY (source, delivery_id));
