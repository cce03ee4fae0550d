package cases

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// testDB is a fresh, empty database of one dialect.
type testDB struct {
	dialect string
	// target is what Open takes: a file path or a postgres:// URL.
	target string
	db     *sql.DB
	lock   lockFunc
	dollar bool
}

func (d *testDB) q(query string) string { return rebind(d.dollar, query) }

// dialects open a fresh database of each kind.
var dialects = []struct {
	name string
	open func(t *testing.T) *testDB
}{
	{"sqlite", func(t *testing.T) *testDB {
		path := filepath.Join(t.TempDir(), "cases.db")
		db, err := sql.Open("sqlite", sqliteDSN(path))
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		t.Cleanup(func() { db.Close() })
		return &testDB{dialect: "sqlite", target: path, db: db}
	}},
	{"postgres", func(t *testing.T) *testDB {
		url := pg.newDatabase(t)
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return &testDB{dialect: "postgres", target: url, db: db, lock: postgresSchemaLock, dollar: true}
	}},
}

func shippedMigrations(t *testing.T, dialect string) []migration {
	t.Helper()
	ms, err := loadMigrations(migrationFiles, "migrations/"+dialect)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestMigrationsMatch checks that both stores have the same numbered
// migrations: a schema change is one numbered step in each dialect.
func TestMigrationsMatch(t *testing.T) {
	var names [2][]string
	for i, d := range []string{"sqlite", "postgres"} {
		for _, m := range shippedMigrations(t, d) {
			names[i] = append(names[i], fmt.Sprintf("%04d_%s", m.Version, m.Name))
		}
	}
	if !slices.Equal(names[0], names[1]) {
		t.Errorf("migrations differ between the stores:\nsqlite   %v\npostgres %v\nadd each schema change to both migrations/sqlite and migrations/postgres under the same number and name", names[0], names[1])
	}
}

func TestLoadMigrationsRejectsBadNames(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"gap":      {"m/0001_a.sql": {Data: []byte("SELECT 1")}, "m/0003_c.sql": {Data: []byte("SELECT 1")}},
		"bad name": {"m/0001_a.sql": {Data: []byte("SELECT 1")}, "m/2_b.sql": {Data: []byte("SELECT 1")}},
		"empty":    {"m/README": {Data: []byte("x")}},
	} {
		if _, err := loadMigrations(fsys, "m"); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// childEnv names the store a child process opens (see TestMain).
const childEnv = "CASES_TEST_OPEN_STORE"

// runChild is the child side of TestMigrateConcurrentStart: wait for the
// parent's go, start a handler on the store named in the environment,
// print its schema state as JSON and stop.
func runChild(target string) int {
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		fmt.Fprintln(os.Stderr, "read start signal:", err)
		return 2
	}
	srv, err := NewServer(Config{DB: target, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	if err := json.NewEncoder(os.Stdout).Encode(srv.Store().Schema()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestMigrateConcurrentStart starts four handlers at the same moment, as
// four processes, against one fresh database of each kind: all of them
// start, and every migration is applied exactly once.
func TestMigrateConcurrentStart(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			db := d.open(t)
			const handlers = 4
			type child struct {
				cmd    *exec.Cmd
				stdin  io.WriteCloser
				stdout strings.Builder
				stderr strings.Builder
			}
			children := make([]*child, handlers)
			for i := range children {
				c := &child{cmd: exec.Command(os.Args[0], "-test.run=^$")}
				c.cmd.Env = append(os.Environ(), childEnv+"="+db.target)
				c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
				var err error
				if c.stdin, err = c.cmd.StdinPipe(); err != nil {
					t.Fatal(err)
				}
				if err := c.cmd.Start(); err != nil {
					t.Fatal(err)
				}
				children[i] = c
			}
			// All processes are up; release them together.
			for _, c := range children {
				_, _ = io.WriteString(c.stdin, "go\n")
			}
			applied := map[string]int{}
			ms := shippedMigrations(t, d.name)
			for i, c := range children {
				_ = c.stdin.Close()
				if err := c.cmd.Wait(); err != nil {
					t.Errorf("handler %d: %v\n%s", i+1, err, c.stderr.String())
					continue
				}
				var st SchemaState
				if err := json.Unmarshal([]byte(c.stdout.String()), &st); err != nil {
					t.Fatalf("handler %d printed %q: %v", i+1, c.stdout.String(), err)
				}
				if st.Version != len(ms) {
					t.Errorf("handler %d started at schema version %d, want %d", i+1, st.Version, len(ms))
				}
				for _, m := range st.Applied {
					applied[m]++
				}
			}
			for _, m := range ms {
				if name := fmt.Sprintf("%04d_%s", m.Version, m.Name); applied[name] != 1 {
					t.Errorf("migration %s applied %d times, want once", name, applied[name])
				}
			}
			var rows int
			if err := db.db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&rows); err != nil || rows != len(ms) {
				t.Errorf("schema_migrations has %d rows (%v), want %d", rows, err, len(ms))
			}
		})
	}
}

// TestMigrateUpgradeFromBeforeMigrations opens a database made by the
// schema of the releases before migrations (testdata/schema-before-
// migrations.*.sql) holding a case, a file, a pending job and votes: it is
// upgraded to the current version, nothing in it is lost, and its schema
// ends up the same as a fresh database's.
func TestMigrateUpgradeFromBeforeMigrations(t *testing.T) {
	ctx := context.Background()
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			old := d.open(t)
			ddl, err := os.ReadFile("testdata/schema-before-migrations." + d.name + ".sql")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := old.db.Exec(string(ddl)); err != nil {
				t.Fatalf("create the old schema: %v", err)
			}
			fields := `{"name":"Åsa","email":"asa@example.se","subject":"Gammalt ärende","description":"Före migreringar","category":"account"}`
			for _, stmt := range []struct {
				query string
				args  []any
			}{
				{`INSERT INTO cases (id, created_at, idempotency_key, email, locale, client, spam, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
					[]any{"HC-0LD0000001", time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC).UnixMicro(), "old-key", "asa@example.se", "sv", "192.0.2.7", 0, fields}},
				{`INSERT INTO attachments (case_id, idx, name, content_type, size, data) VALUES (?, ?, ?, ?, ?, ?)`,
					[]any{"HC-0LD0000001", 0, "skärm.png", "image/png", 4, []byte("\x89PNG")}},
				{`INSERT INTO jobs (case_id, kind, state, attempts, next_at, lease_until, last_error, updated_at) VALUES (?, ?, 'pending', 2, 0, 0, 'smtp down', 0)`,
					[]any{"HC-0LD0000001", KindSupportMail}},
				{`INSERT INTO feedback (article, helpful, total) VALUES (?, ?, ?)`, []any{"/sv/articles/kakor/", 3, 5}},
			} {
				if _, err := old.db.Exec(old.q(stmt.query), stmt.args...); err != nil {
					t.Fatalf("%s: %v", stmt.query, err)
				}
			}
			old.db.Close()

			s, err := Open(old.target)
			if err != nil {
				t.Fatalf("open the old database: %v", err)
			}
			defer s.Close()
			ms := shippedMigrations(t, d.name)
			if st := s.Schema(); st.Version != len(ms) || len(st.Applied) != len(ms) {
				t.Errorf("schema after upgrade: %+v, want version %d with every migration applied", st, len(ms))
			}
			c, err := s.Case(ctx, "HC-0LD0000001")
			if err != nil || c.Fields[caseform.Subject] != "Gammalt ärende" || c.Locale != "sv" || len(c.Attachments) != 1 {
				t.Fatalf("old case after upgrade: %+v, %v", c, err)
			}
			// The requester's pages find it: status new, updated when made.
			if c.Status != StatusNew || !c.Updated.Equal(c.Created) || c.TicketID != "" {
				t.Errorf("old case's status %q, updated %v (created %v), ticket %q", c.Status, c.Updated, c.Created, c.TicketID)
			}
			if mine, err := s.CasesOf(ctx, "ASA@example.se", nil); err != nil || len(mine) != 1 || mine[0].ID != c.ID {
				t.Errorf("the old case in its requester's list: %+v, %v", mine, err)
			}
			if _, err := s.AddEvent(ctx, &Event{CaseID: c.ID, Kind: EventComment, Author: AuthorRequester, Body: "Fortfarande?", Source: SourceWeb}, nil); err != nil {
				t.Errorf("a comment on the old case: %v", err)
			}
			files, err := s.Attachments(ctx, c.ID)
			if err != nil || len(files) != 1 || string(files[0].Data) != "\x89PNG" || files[0].Name != "skärm.png" {
				t.Errorf("old attachment: %+v, %v", files, err)
			}
			if fc, err := s.Feedback(ctx, "/sv/articles/kakor/"); err != nil || fc.Helpful != 3 || fc.Total != 5 {
				t.Errorf("old votes: %+v, %v", fc, err)
			}
			if _, existed, err := s.CreateCase(ctx, &Case{Locale: "sv", Fields: caseform.Values{caseform.Email: "asa@example.se", caseform.IdempotencyKey: "old-key"}}, nil); err != nil || !existed {
				t.Errorf("the old idempotency key no longer finds its case: existed %v, %v", existed, err)
			}
			if _, _, err := s.CreateCase(ctx, newCase("after the upgrade", ""), []string{KindSupportMail}); err != nil {
				t.Errorf("new case after upgrade: %v", err)
			}
			jobs, err := s.ClaimJobs(ctx, time.Now(), time.Minute, 10)
			if err != nil || len(jobs) != 2 || jobs[0].CaseID != "HC-0LD0000001" || jobs[0].Attempts != 3 {
				t.Errorf("claim after upgrade: %+v, %v; want the old pending job (3rd attempt) and the new one", jobs, err)
			}
			s.Close()

			fresh := d.open(t)
			if _, err := migrate(ctx, fresh.db, fresh.lock, ms, fresh.q); err != nil {
				t.Fatal(err)
			}
			driver, dsn := "pgx", old.target
			if d.name == "sqlite" {
				driver, dsn = "sqlite", sqliteDSN(old.target)
			}
			upgraded, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer upgraded.Close()
			want, got := describeSchema(t, d.name, fresh.db), describeSchema(t, d.name, upgraded)
			if want != got {
				t.Errorf("upgraded schema differs from a fresh one:\n--- fresh\n%s\n--- upgraded\n%s", want, got)
			}
		})
	}
}

// describeSchema lists the tables' columns, indexes and constraints
// (schema_migrations aside) in a form that compares equal for equal
// schemas, whatever the DDL's whitespace.
func describeSchema(t *testing.T, dialect string, db *sql.DB) string {
	t.Helper()
	var queries []string
	if dialect == "sqlite" {
		queries = []string{
			`SELECT m.name, p.cid, p.name, p.type, p."notnull", COALESCE(p.dflt_value, ''), p.pk
			 FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'schema_migrations' ORDER BY 1, 2`,
			`SELECT m.name, i.name, i."unique", i.origin, ii.seqno, COALESCE(ii.name, '')
			 FROM sqlite_master m, pragma_index_list(m.name) i, pragma_index_info(i.name) ii WHERE m.type = 'table' AND m.name <> 'schema_migrations' ORDER BY 1, 2, 5`,
			`SELECT m.name, f.id, f."table", f."from", f."to" FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY 1, 2`,
		}
	} else {
		queries = []string{
			`SELECT table_name, ordinal_position, column_name, data_type, is_nullable, COALESCE(column_default, '')
			 FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1, 2`,
			`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1, 2`,
			`SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
			 WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'schema_migrations' ORDER BY 1, 2`,
		}
	}
	var b strings.Builder
	for _, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	if b.Len() == 0 {
		t.Fatal("empty schema description")
	}
	return b.String()
}

var (
	stepA      = fstest.MapFile{Data: []byte("CREATE TABLE a (x INTEGER);")}
	stepB      = fstest.MapFile{Data: []byte("CREATE TABLE b (x INTEGER);\nINSERT INTO b (x) VALUES (1);\nCREATE INDEX b_x ON b (x);")}
	stepBroken = fstest.MapFile{Data: []byte("CREATE TABLE b (x INTEGER);\nINSERT INTO b (x) VALUES (1);\nINSERT INTO no_such_table VALUES (1);")}
)

func testMigrations(t *testing.T, files fstest.MapFS) []migration {
	t.Helper()
	ms, err := loadMigrations(files, "m")
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func tableExists(t *testing.T, d *testDB, name string) bool {
	t.Helper()
	query := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if d.dialect == "postgres" {
		query = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ?`
	}
	var n int
	if err := d.db.QueryRow(d.q(query), name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// TestMigrateSteps checks each step is whole or not at all, that later
// steps are applied on top of earlier ones, and that a database newer than
// the binary, or upgraded by another build, is refused.
func TestMigrateSteps(t *testing.T) {
	ctx := context.Background()
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			db := d.open(t)
			one := testMigrations(t, fstest.MapFS{"m/0001_a.sql": &stepA})
			st, err := migrate(ctx, db.db, db.lock, one, db.q)
			if err != nil || st.Version != 1 || !slices.Equal(st.Applied, []string{"0001_a"}) {
				t.Fatalf("first migration: %+v, %v", st, err)
			}

			broken := testMigrations(t, fstest.MapFS{"m/0001_a.sql": &stepA, "m/0002_b.sql": &stepBroken})
			st, err = migrate(ctx, db.db, db.lock, broken, db.q)
			if err == nil || !strings.Contains(err.Error(), "0002_b") || !strings.Contains(err.Error(), "stays at version 1") {
				t.Fatalf("broken migration: err = %v", err)
			}
			if tableExists(t, db, "b") {
				t.Errorf("the failed migration's first statement was kept: table b exists")
			}
			if st.Version != 1 {
				t.Errorf("version after the failed step = %d, want 1", st.Version)
			}

			two := testMigrations(t, fstest.MapFS{"m/0001_a.sql": &stepA, "m/0002_b.sql": &stepB})
			st, err = migrate(ctx, db.db, db.lock, two, db.q)
			if err != nil || st.Version != 2 || !slices.Equal(st.Applied, []string{"0002_b"}) {
				t.Fatalf("second migration on top of the first: %+v, %v", st, err)
			}
			if st, err = migrate(ctx, db.db, db.lock, two, db.q); err != nil || len(st.Applied) != 0 {
				t.Errorf("running again applied %v, %v; want nothing", st.Applied, err)
			}

			if _, err := migrate(ctx, db.db, db.lock, one, db.q); !errors.Is(err, ErrSchemaTooNew) || !strings.Contains(err.Error(), "0002_b") {
				t.Errorf("older binary on a newer database: err = %v, want ErrSchemaTooNew naming 0002_b", err)
			}
			other := testMigrations(t, fstest.MapFS{"m/0001_a.sql": &stepA, "m/0002_other.sql": &stepB})
			if _, err := migrate(ctx, db.db, db.lock, other, db.q); err == nil || !strings.Contains(err.Error(), "different build") {
				t.Errorf("database upgraded by another build: err = %v", err)
			}
		})
	}
}

// TestOpenRefusesNewerDatabase opens a store whose database records a
// migration this binary does not have: Open fails with ErrSchemaTooNew
// and changes nothing.
func TestOpenRefusesNewerDatabase(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			db := d.open(t)
			s, err := Open(db.target)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			next := len(shippedMigrations(t, d.name)) + 1
			if _, err := db.db.Exec(db.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', 0)`), next); err != nil {
				t.Fatal(err)
			}
			_, err = Open(db.target)
			if !errors.Is(err, ErrSchemaTooNew) || !strings.Contains(err.Error(), "from_the_future") {
				t.Fatalf("Open = %v, want ErrSchemaTooNew naming the unknown migration", err)
			}
		})
	}
}

// TestSchemaLockSerializes holds the PostgreSQL schema lock and checks a
// starting store waits for it instead of migrating alongside.
func TestSchemaLockSerializes(t *testing.T) {
	db := dialects[1].open(t)
	conn, err := db.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	unlock, err := postgresSchemaLock(context.Background(), conn)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	opened := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		s, err := Open(db.target)
		if err == nil {
			s.Close()
		}
		opened <- err
	}()
	select {
	case err := <-opened:
		t.Fatalf("Open finished while another session held the schema lock: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if tableExists(t, db, "cases") {
		t.Errorf("tables created while the lock was held elsewhere")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := <-opened; err != nil {
		t.Fatalf("Open after the lock was released: %v", err)
	}
}
