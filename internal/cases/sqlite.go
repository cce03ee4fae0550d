package cases

import (
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // database/sql driver "sqlite", pure Go
)

var sqliteSchema = []string{
	`CREATE TABLE IF NOT EXISTS cases (
		id TEXT PRIMARY KEY,
		created_at INTEGER NOT NULL,
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
		size INTEGER NOT NULL,
		data BLOB NOT NULL,
		PRIMARY KEY (case_id, idx))`,
	`CREATE TABLE IF NOT EXISTS jobs (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		case_id TEXT NOT NULL REFERENCES cases (id),
		kind TEXT NOT NULL,
		state TEXT NOT NULL,
		attempts INTEGER NOT NULL,
		next_at INTEGER NOT NULL,
		lease_until INTEGER NOT NULL,
		last_error TEXT NOT NULL,
		updated_at INTEGER NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, next_at)`,
	`CREATE INDEX IF NOT EXISTS jobs_case ON jobs (case_id)`,
	`CREATE TABLE IF NOT EXISTS feedback (
		article TEXT PRIMARY KEY,
		helpful INTEGER NOT NULL,
		total INTEGER NOT NULL)`,
}

// OpenSQLite opens (creating if needed) the SQLite store in the file at
// path. The database runs in WAL mode with synchronous=FULL, so a case is
// on disk when CreateCase returns, and other processes (formhandler
// export) can read it while the handler writes.
func OpenSQLite(path string) (Store, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1) // SQLite has one writer; queue in Go, not in busy waits
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite database %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s, err := newSQLStore(dialect{name: "sqlite", schema: sqliteSchema, groupCommit: true}, w, r)
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("%s: %w (is it a formhandler database, and is the folder writable?)", path, err)
	}
	return s, nil
}
