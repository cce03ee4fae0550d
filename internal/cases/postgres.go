package cases

import (
	"database/sql"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

var postgresSchema = []string{
	`CREATE TABLE IF NOT EXISTS cases (
		id TEXT PRIMARY KEY,
		created_at BIGINT NOT NULL,
		idempotency_key TEXT UNIQUE,
		email TEXT NOT NULL,
		locale TEXT NOT NULL,
		client TEXT NOT NULL,
		spam INTEGER NOT NULL,
		fields TEXT NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS cases_created ON cases (created_at)`,
	`CREATE TABLE IF NOT EXISTS attachments (
		case_id TEXT NOT NULL REFERENCES cases (id),
		idx INTEGER NOT NULL,
		name TEXT NOT NULL,
		content_type TEXT NOT NULL,
		size BIGINT NOT NULL,
		data BYTEA NOT NULL,
		PRIMARY KEY (case_id, idx))`,
	`CREATE TABLE IF NOT EXISTS jobs (
		id BIGSERIAL PRIMARY KEY,
		case_id TEXT NOT NULL REFERENCES cases (id),
		kind TEXT NOT NULL,
		state TEXT NOT NULL,
		attempts INTEGER NOT NULL,
		next_at BIGINT NOT NULL,
		lease_until BIGINT NOT NULL,
		last_error TEXT NOT NULL,
		updated_at BIGINT NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, next_at)`,
	`CREATE INDEX IF NOT EXISTS jobs_case ON jobs (case_id)`,
	`CREATE TABLE IF NOT EXISTS feedback (
		article TEXT PRIMARY KEY,
		helpful BIGINT NOT NULL,
		total BIGINT NOT NULL)`,
}

// OpenPostgres opens the PostgreSQL store at the connection URL dsn
// (postgres://user:pass@host/db) and creates its tables if needed. Several
// handlers may share one database: jobs are claimed with SKIP LOCKED and
// idempotency keys are unique across them.
func OpenPostgres(dsn string) (Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres database: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	s, err := newSQLStore(dialect{name: "postgres", schema: postgresSchema, dollar: true,
		lockClause: " FOR UPDATE SKIP LOCKED"}, db, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w (check the connection URL and that the user may create tables)", err)
	}
	return s, nil
}
