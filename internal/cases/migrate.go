package cases

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"time"
)

// Schema migrations.
//
// Each store's schema is a numbered list of SQL files,
// migrations/<dialect>/NNNN_name.sql, applied in order and recorded in the
// database's schema_migrations table (version, name, applied_at). Opening a
// store applies the ones the database lacks:
//
//   - under a lock, so handlers started at once against one fresh
//     database do not race: PostgreSQL's session advisory lock
//     [schemaLockID] around the whole run, SQLite's write lock (BEGIN
//     IMMEDIATE) around each step;
//   - one transaction per migration, its statements and its
//     schema_migrations row together, so a failed migration leaves the
//     database at the previous version with nothing of it applied;
//   - refusing a database that has versions this binary does not know
//     ([ErrSchemaTooNew]): an older formhandler must not write to a schema
//     it does not understand.
//
// To change the schema, add the next number in both dialect folders with
// the same name (TestMigrationsMatch checks they pair up); never edit a
// migration that has been released. Migrations only add (tables, indexes,
// columns with defaults), so handlers of the previous release keep
// working on the upgraded database while they are replaced one by one. Version 1 is the schema from before
// migrations existed, written with IF NOT EXISTS so databases created then
// are adopted as they are.

//go:embed migrations
var migrationFiles embed.FS

// schemaLockID is the PostgreSQL advisory lock key held while migrating
// (the bytes "hcschema" as a big-endian int64).
const schemaLockID int64 = 7521982673429294433

// schemaLockWait bounds how long a starting handler waits for another one
// to finish migrating.
const schemaLockWait = 5 * time.Minute

// ErrSchemaTooNew is returned when a database was upgraded by a newer
// formhandler than the one opening it.
var ErrSchemaTooNew = errors.New("database schema is newer than this formhandler")

// migration is one numbered step of a store's schema.
type migration struct {
	Version int
	Name    string
	SQL     string
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_([a-z0-9_]+)\.sql$`)

// loadMigrations reads the migrations in dir of fsys: every file named
// NNNN_name.sql, numbered 1, 2, 3 … without gaps.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration %s: name it NNNN_name.sql (four digits, lowercase name)", path.Join(dir, e.Name()))
		}
		v, _ := strconv.Atoi(m[1])
		if v != len(out)+1 {
			return nil, fmt.Errorf("migration %s: expected number %04d (migrations are numbered from 0001 without gaps)", path.Join(dir, e.Name()), len(out)+1)
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration: %w", err)
		}
		out = append(out, migration{Version: v, Name: m[2], SQL: string(data)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no migrations in %s", dir)
	}
	return out, nil
}

// SchemaState says which schema version a store's database is at and
// which migrations opening it applied.
type SchemaState struct {
	// Version is the database's schema version after opening.
	Version int
	// Applied names the migrations this open applied ("0002_x"), in order.
	Applied []string
}

// lockFunc takes a lock for the duration of a migration run on conn and
// returns its release.
type lockFunc func(ctx context.Context, conn *sql.Conn) (unlock func() error, err error)

// postgresSchemaLock holds the schema advisory lock on conn's session.
func postgresSchemaLock(ctx context.Context, conn *sql.Conn) (func() error, error) {
	wait, cancel := context.WithTimeout(ctx, schemaLockWait)
	defer cancel()
	if _, err := conn.ExecContext(wait, `SELECT pg_advisory_lock($1)`, schemaLockID); err != nil {
		return nil, fmt.Errorf("take the schema lock (pg_advisory_lock(%d); another formhandler may be migrating): %w", schemaLockID, err)
	}
	return func() error {
		// A fresh context: the lock must go back even if ctx is done.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, schemaLockID); err != nil {
			return fmt.Errorf("release the schema lock: %w", err)
		}
		return nil
	}, nil
}

// migrate brings db's schema up to the last of ms. Every step runs in its
// own transaction on one connection; lock, if set, is held around all of
// them (SQLite needs none beyond the write lock each transaction takes).
func migrate(ctx context.Context, db *sql.DB, lock lockFunc, ms []migration, q func(string) string) (state SchemaState, err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return state, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if lock != nil {
		unlock, err := lock(ctx, conn)
		if err != nil {
			return state, err
		}
		defer func() { err = errors.Join(err, unlock()) }()
	}
	for {
		done, err := migrateStep(ctx, conn, ms, q, &state)
		if err != nil || done {
			return state, err
		}
	}
}

// migrateStep applies the first migration the database lacks, in one
// transaction, and reports done when there was none.
func migrateStep(ctx context.Context, conn *sql.Conn, ms []migration, q func(string) string, state *SchemaState) (done bool, err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin migration: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at BIGINT NOT NULL)`); err != nil {
		return false, fmt.Errorf("create schema_migrations: %w", err)
	}
	version, err := checkApplied(ctx, tx, ms)
	if err != nil {
		return false, err
	}
	state.Version = version
	if version == len(ms) {
		return true, tx.Commit()
	}
	m := ms[version]
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("migration %04d_%s: %w (nothing of it was applied; the database stays at version %d)", m.Version, m.Name, err, version)
	}
	if _, err := tx.ExecContext(ctx, q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
		m.Version, m.Name, time.Now().UnixMicro()); err != nil {
		return false, fmt.Errorf("record migration %04d_%s: %w", m.Version, m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit migration %04d_%s: %w", m.Version, m.Name, err)
	}
	state.Version = m.Version
	state.Applied = append(state.Applied, fmt.Sprintf("%04d_%s", m.Version, m.Name))
	return false, nil
}

// checkApplied reads the recorded migrations and returns the version the
// database is at, checking that they are ms's first ones, in order.
func checkApplied(ctx context.Context, tx *sql.Tx, ms []migration) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return 0, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			return 0, fmt.Errorf("read schema_migrations: %w", err)
		}
		switch {
		case v > len(ms):
			return 0, fmt.Errorf("%w: it has migration %04d_%s, and this formhandler knows up to %04d_%s; run the formhandler release that upgraded it, or a newer one",
				ErrSchemaTooNew, v, name, len(ms), ms[len(ms)-1].Name)
		case v != n+1:
			return 0, fmt.Errorf("schema_migrations lacks version %d before %d: the table was edited by hand; restore it from a backup", n+1, v)
		case name != ms[v-1].Name:
			return 0, fmt.Errorf("database migration %04d is %q, this formhandler's is %q: the database was upgraded by a different build", v, name, ms[v-1].Name)
		}
		n = v
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read schema_migrations: %w", err)
	}
	return n, nil
}
