package cases

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // database/sql driver "sqlite", pure Go
)

// OpenSQLite opens (creating if needed) the SQLite store in the file at
// path and brings its schema up to date (see migrate.go). The database
// runs in WAL mode with synchronous=FULL, so a case is on disk when
// CreateCase returns, and other processes (formhandler export) can read
// it while the handler writes. Every write transaction begins IMMEDIATE,
// taking the database's write lock up front.
func OpenSQLite(path string) (Store, error) {
	dsn := sqliteDSN(path)
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
	s, err := newSQLStore(dialect{name: "sqlite", groupCommit: true}, w, r)
	if err != nil {
		w.Close()
		r.Close()
		if errors.Is(err, ErrSchemaTooNew) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return nil, fmt.Errorf("%s: %w (is it a formhandler database, and is the folder writable?)", path, err)
	}
	return s, nil
}

// sqliteDSN is the driver's name for the database file at path, with the
// store's settings.
func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}
