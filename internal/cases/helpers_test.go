package cases

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/cases/casestest"
)

func TestMain(m *testing.M) {
	if target := os.Getenv(childEnv); target != "" {
		os.Exit(runChild(target))
	}
	code := m.Run()
	pg.stop()
	os.Exit(code)
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline (a hang guard, not a speed assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func openTestSQLite(t *testing.T) Store {
	t.Helper()
	s, err := OpenSQLite(filepath.Join(t.TempDir(), "cases.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// --- SMTP server on loopback ---

func startSMTP(t *testing.T) *casestest.SMTP { return casestest.StartSMTP(t) }

// --- PostgreSQL cluster started by the tests ---

// pgCluster is a throwaway PostgreSQL server in a temp dir, started once
// per test binary with initdb and pg_ctl, as an unprivileged user when
// the tests run as root (PostgreSQL refuses to run as root).
type pgCluster struct {
	once    sync.Once
	err     error
	dir     string
	port    int
	bin     string
	cred    *syscall.Credential
	dbCount int
	mu      sync.Mutex
}

var pg pgCluster

const pgInstallHint = "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install them with 'apt-get update && apt-get install -y postgresql' (Debian package postgresql); .ci/run does this"

func (c *pgCluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	return cmd
}

func (c *pgCluster) start() error {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		return fmt.Errorf("%s", pgInstallHint)
	}
	c.bin = filepath.Dir(bins[len(bins)-1])
	dir, err := os.MkdirTemp("", "formhandler-pg-")
	if err != nil {
		return err
	}
	c.dir = dir
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			u, err = user.Lookup("nobody")
		}
		if err != nil {
			return fmt.Errorf("running as root and no postgres or nobody user to run PostgreSQL as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	c.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	data := filepath.Join(dir, "data")
	if out, err := c.command("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=on", c.port, dir)
	if out, err := c.command("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		return fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	return nil
}

func (c *pgCluster) stop() {
	if c.dir == "" {
		return
	}
	if c.err == nil {
		_ = c.command("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop").Run()
	}
	os.RemoveAll(c.dir)
}

// newDatabase returns the URL of a fresh database in the cluster.
func (c *pgCluster) newDatabase(t testing.TB) string {
	t.Helper()
	c.once.Do(func() { c.err = c.start() })
	if c.err != nil {
		t.Fatalf("start PostgreSQL: %v", c.err)
	}
	c.mu.Lock()
	c.dbCount++
	name := fmt.Sprintf("test%d", c.dbCount)
	c.mu.Unlock()
	admin, err := sql.Open("pgx", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// openBenchStore opens a fresh store of the named kind for a benchmark.
func openBenchStore(b *testing.B, kind string) Store {
	b.Helper()
	var s Store
	var err error
	if kind == "postgres" {
		s, err = OpenPostgres(pg.newDatabase(b))
	} else {
		s, err = OpenSQLite(filepath.Join(b.TempDir(), "cases.db"))
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func openTestPostgres(t *testing.T) Store {
	t.Helper()
	s, err := OpenPostgres(pg.newDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var _ = bytes.Contains

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func hmacB64(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func basicAuth(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}
