package cases

import (
	"database/sql"
	"errors"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// OpenPostgres opens the PostgreSQL store at the connection URL dsn
// (postgres://user:pass@host/db) and brings its schema up to date (see
// migrate.go: numbered migrations under an advisory lock). Several
// handlers may share one database: jobs are claimed with SKIP LOCKED and
// idempotency keys are unique across them.
func OpenPostgres(dsn string) (Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres database: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	s, err := newSQLStore(dialect{name: "postgres", schemaLock: postgresSchemaLock, dollar: true,
		lockClause: " FOR UPDATE SKIP LOCKED"}, db, db)
	if err != nil {
		db.Close()
		if errors.Is(err, ErrSchemaTooNew) {
			return nil, fmt.Errorf("postgres: %w", err)
		}
		return nil, fmt.Errorf("postgres: %w (check the connection URL and that the user may create tables)", err)
	}
	return s, nil
}
