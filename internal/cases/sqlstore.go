package cases

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// dialect holds what differs between the SQL databases sqlStore runs on.
type dialect struct {
	name string
	// schemaLock is held around a migration run (see migrate).
	schemaLock lockFunc
	// dollar rewrites ? placeholders to $1, $2 … (PostgreSQL).
	dollar bool
	// lockClause is appended to the job-claiming subquery.
	lockClause string
	// groupCommit funnels all writes through one goroutine that commits
	// them in batches (SQLite: one writer, one fsync per batch).
	groupCommit bool
}

// sqlStore implements Store on database/sql.
type sqlStore struct {
	d      dialect
	schema SchemaState
	w      *sql.DB // writes
	r      *sql.DB // reads
	queue  chan *writeOp
	wg     sync.WaitGroup
	closed sync.Once
	mu     sync.RWMutex // guards queue against send after close
	isDone bool
}

type writeOp struct {
	fn   func(tx *sql.Tx) error
	done chan error
}

func newSQLStore(d dialect, w, r *sql.DB) (*sqlStore, error) {
	s := &sqlStore{d: d, w: w, r: r}
	ms, err := loadMigrations(migrationFiles, "migrations/"+d.name)
	if err != nil {
		return nil, err
	}
	if s.schema, err = migrate(context.Background(), w, d.schemaLock, ms, s.q); err != nil {
		return nil, fmt.Errorf("migrate %s schema: %w", d.name, err)
	}
	if d.groupCommit {
		s.queue = make(chan *writeOp, 1024)
		s.wg.Add(1)
		go s.writer()
	}
	return s, nil
}

// q rewrites placeholders for the dialect.
func (s *sqlStore) q(query string) string { return rebind(s.d.dollar, query) }

// rebind rewrites ? placeholders to $1, $2 … if dollar is set.
func rebind(dollar bool, query string) string {
	if !dollar {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// maxBatch bounds how many writes share one transaction.
const maxBatch = 256

// writer commits queued writes in batches: everything that queued up while
// the previous commit was syncing goes into the next transaction, so N
// concurrent requests cost one fsync, not N.
func (s *sqlStore) writer() {
	defer s.wg.Done()
	batch := make([]*writeOp, 0, maxBatch)
	for op := range s.queue {
		batch = append(batch[:0], op)
	drain:
		for len(batch) < maxBatch {
			select {
			case op, ok := <-s.queue:
				if !ok {
					break drain
				}
				batch = append(batch, op)
			default:
				break drain
			}
		}
		s.commitBatch(batch)
	}
}

func (s *sqlStore) commitBatch(batch []*writeOp) {
	if len(batch) > 1 {
		err := s.runTx(func(tx *sql.Tx) error {
			for _, op := range batch {
				if err := op.fn(tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			for _, op := range batch {
				op.done <- nil
			}
			return
		}
		// One write failed and took the batch with it: run each alone so
		// only the faulty one reports an error.
	}
	for _, op := range batch {
		op.done <- s.runTx(op.fn)
	}
}

func (s *sqlStore) runTx(fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("begin %s transaction: %w", s.d.name, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit %s transaction: %w", s.d.name, err)
	}
	return nil
}

// write runs fn in a transaction that is committed when write returns nil.
// With group commit, the transaction may hold other writes too, and fn may
// run a second time (alone) if another write in its batch failed.
func (s *sqlStore) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if !s.d.groupCommit {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin %s transaction: %w", s.d.name, err)
		}
		if err := fn(tx); err != nil {
			_ = tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit %s transaction: %w", s.d.name, err)
		}
		return nil
	}
	op := &writeOp{fn: fn, done: make(chan error, 1)}
	s.mu.RLock()
	if s.isDone {
		s.mu.RUnlock()
		return errors.New("store is closed")
	}
	select {
	case s.queue <- op:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	// Once queued, the write happens; wait for it so that success means
	// durable. A caller that gives up early gets ctx.Err().
	select {
	case err := <-op.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close implements Store.
func (s *sqlStore) Close() error {
	s.closed.Do(func() {
		if s.queue != nil {
			s.mu.Lock()
			s.isDone = true
			close(s.queue)
			s.mu.Unlock()
			s.wg.Wait()
		}
	})
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Schema implements Store.
func (s *sqlStore) Schema() SchemaState { return s.schema }

// Ping implements Store.
func (s *sqlStore) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping %s: %w", s.d.name, err)
	}
	return nil
}

const idAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ" // Crockford base32

// newCaseID returns a random case number: "HC-" and 10 base32 characters
// (50 bits), easy to read out on the phone and unguessable.
func newCaseID() string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	out := []byte("HC-")
	for _, x := range b {
		out = append(out, idAlphabet[x&31])
	}
	return string(out)
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateCase implements Store.
func (s *sqlStore) CreateCase(ctx context.Context, c *Case, kinds []string) (string, bool, error) {
	if c.Created.IsZero() {
		c.Created = time.Now().UTC()
	}
	fields, err := json.Marshal(c.Fields)
	if err != nil {
		return "", false, fmt.Errorf("encode case fields: %w", err)
	}
	var id string
	var existed bool
	err = s.write(ctx, func(tx *sql.Tx) error {
		id, existed = "", false
		key := c.IdempotencyKey()
		for try := 0; ; try++ {
			if try == 5 {
				return errors.New("insert case: could not find a free case number")
			}
			cand := newCaseID()
			res, err := tx.Exec(s.q(`INSERT INTO cases (id, created_at, updated_at, status, idempotency_key, email, locale, client, spam, fields)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
				cand, micros(c.Created), micros(c.Created), StatusNew, nullString(key), c.Fields[caseform.Email], c.Locale, c.Client, boolInt(c.Spam), string(fields))
			if err != nil {
				return fmt.Errorf("insert case: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("insert case: %w", err)
			} else if n == 1 {
				id = cand
				break
			}
			if key != "" {
				err := tx.QueryRow(s.q(`SELECT id FROM cases WHERE idempotency_key = ?`), key).Scan(&id)
				if err == nil {
					existed = true
					return nil
				}
				if !errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("look up idempotency key: %w", err)
				}
			}
		}
		for i, a := range c.Attachments {
			if _, err := tx.Exec(s.q(`INSERT INTO attachments (case_id, idx, name, content_type, size, data) VALUES (?, ?, ?, ?, ?, ?)`),
				id, i, a.Name, a.ContentType, int64(len(a.Data)), a.Data); err != nil {
				return fmt.Errorf("insert attachment %q: %w", a.Name, err)
			}
		}
		if c.Spam {
			return nil
		}
		for _, kind := range kinds {
			if _, err := tx.Exec(s.q(`INSERT INTO jobs (case_id, kind, state, attempts, next_at, lease_until, last_error, updated_at)
				VALUES (?, ?, 'pending', 0, ?, 0, '', ?)`), id, kind, micros(c.Created), micros(c.Created)); err != nil {
				return fmt.Errorf("insert %s job: %w", kind, err)
			}
		}
		return nil
	})
	if err != nil {
		return "", false, err
	}
	c.ID = id
	if !existed {
		c.Status, c.Updated = StatusNew, c.Created
	}
	return id, existed, nil
}

const caseColumns = `id, created_at, updated_at, status, ticket_id, requester_id, locale, client, spam, fields`

func scanCase(row interface{ Scan(...any) error }) (*Case, error) {
	var c Case
	var created, updated int64
	var spam int
	var fields string
	if err := row.Scan(&c.ID, &created, &updated, &c.Status, &c.TicketID, &c.RequesterID, &c.Locale, &c.Client, &spam, &fields); err != nil {
		return nil, err
	}
	c.Created, c.Updated = fromMicros(created), fromMicros(updated)
	c.Spam = spam != 0
	if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
		return nil, fmt.Errorf("decode fields of case %s: %w", c.ID, err)
	}
	return &c, nil
}

// Case implements Store.
func (s *sqlStore) Case(ctx context.Context, id string) (*Case, error) {
	c, err := scanCase(s.r.QueryRowContext(ctx, s.q(`SELECT `+caseColumns+` FROM cases WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("case %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read case %q: %w", id, err)
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT idx, name, content_type, size FROM attachments WHERE case_id = ? AND event_id = 0 ORDER BY idx`), id)
	if err != nil {
		return nil, fmt.Errorf("read attachments of case %q: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.Index, &a.Name, &a.ContentType, &a.Size); err != nil {
			return nil, fmt.Errorf("read attachments of case %q: %w", id, err)
		}
		c.Attachments = append(c.Attachments, a)
	}
	return c, rows.Err()
}

// Attachments implements Store.
func (s *sqlStore) Attachments(ctx context.Context, id string) ([]Attachment, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT idx, name, content_type, size, data FROM attachments WHERE case_id = ? AND event_id = 0 ORDER BY idx`), id)
	if err != nil {
		return nil, fmt.Errorf("read attachments of case %q: %w", id, err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.Index, &a.Name, &a.ContentType, &a.Size, &a.Data); err != nil {
			return nil, fmt.Errorf("read attachments of case %q: %w", id, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// EachCase implements Store.
func (s *sqlStore) EachCase(ctx context.Context, spam bool, fn func(*Case) error) error {
	files := map[string][]Attachment{}
	arows, err := s.r.QueryContext(ctx, `SELECT case_id, idx, name, content_type, size FROM attachments WHERE event_id = 0 ORDER BY case_id, idx`)
	if err != nil {
		return fmt.Errorf("read attachments: %w", err)
	}
	for arows.Next() {
		var id string
		var a Attachment
		if err := arows.Scan(&id, &a.Index, &a.Name, &a.ContentType, &a.Size); err != nil {
			arows.Close()
			return fmt.Errorf("read attachments: %w", err)
		}
		files[id] = append(files[id], a)
	}
	arows.Close()
	if err := arows.Err(); err != nil {
		return fmt.Errorf("read attachments: %w", err)
	}
	query := `SELECT ` + caseColumns + ` FROM cases`
	if !spam {
		query += ` WHERE spam = 0`
	}
	rows, err := s.r.QueryContext(ctx, query+` ORDER BY created_at, id`)
	if err != nil {
		return fmt.Errorf("read cases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return fmt.Errorf("read cases: %w", err)
		}
		c.Attachments = files[c.ID]
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DeleteCasesBefore implements Store.
func (s *sqlStore) DeleteCasesBefore(ctx context.Context, t time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		cut := micros(t)
		for _, table := range []string{"attachments", "jobs", "case_events"} {
			if _, err := tx.Exec(s.q(`DELETE FROM `+table+` WHERE case_id IN (SELECT id FROM cases WHERE updated_at < ?)`), cut); err != nil {
				return fmt.Errorf("delete old %s: %w", table, err)
			}
		}
		res, err := tx.Exec(s.q(`DELETE FROM cases WHERE updated_at < ?`), cut)
		if err != nil {
			return fmt.Errorf("delete old cases: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("delete old cases: %w", err)
		}
		// An address whose last case went has nothing left to see.
		for _, table := range []string{"sessions", "signin_tokens"} {
			if _, err := tx.Exec(`DELETE FROM ` + table + ` WHERE NOT EXISTS (SELECT 1 FROM cases WHERE lower(cases.email) = lower(` + table + `.email))`); err != nil {
				return fmt.Errorf("delete %s of addresses without cases: %w", table, err)
			}
		}
		return nil
	})
	return n, err
}

const jobColumns = `id, case_id, event_id, kind, state, attempts, next_at, last_error, updated_at`

func scanJob(row interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var next, updated int64
	err := row.Scan(&j.ID, &j.CaseID, &j.EventID, &j.Kind, &j.State, &j.Attempts, &next, &j.LastError, &updated)
	j.NextAt, j.Updated = fromMicros(next), fromMicros(updated)
	return j, err
}

// ClaimJobs implements Store.
func (s *sqlStore) ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Job, error) {
	var jobs []Job
	err := s.write(ctx, func(tx *sql.Tx) error {
		jobs = jobs[:0]
		rows, err := tx.Query(s.q(`UPDATE jobs SET lease_until = ?, attempts = attempts + 1, updated_at = ?
			WHERE id IN (SELECT id FROM jobs WHERE state = 'pending' AND next_at <= ? AND lease_until <= ?
				ORDER BY next_at LIMIT ?`+s.d.lockClause+`)
			RETURNING `+jobColumns),
			micros(now.Add(lease)), micros(now), micros(now), micros(now), limit)
		if err != nil {
			return fmt.Errorf("claim jobs: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return fmt.Errorf("claim jobs: %w", err)
			}
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	return jobs, err
}

// CompleteJob implements Store.
func (s *sqlStore) CompleteJob(ctx context.Context, id int64, now time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(s.q(`UPDATE jobs SET state = 'done', lease_until = 0, last_error = '', updated_at = ? WHERE id = ?`), micros(now), id)
		if err != nil {
			return fmt.Errorf("complete job %d: %w", id, err)
		}
		return nil
	})
}

// FailJob implements Store.
func (s *sqlStore) FailJob(ctx context.Context, id int64, now, next time.Time, dead bool, msg string) error {
	state := JobPending
	if dead {
		state = JobDead
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(s.q(`UPDATE jobs SET state = ?, next_at = ?, lease_until = 0, last_error = ?, updated_at = ? WHERE id = ?`),
			state, micros(next), msg, micros(now), id)
		if err != nil {
			return fmt.Errorf("record failure of job %d: %w", id, err)
		}
		return nil
	})
}

// Jobs implements Store.
func (s *sqlStore) Jobs(ctx context.Context, state string) ([]Job, error) {
	query, args := `SELECT `+jobColumns+` FROM jobs`, []any{}
	if state != "" {
		query += ` WHERE state = ?`
		args = append(args, state)
	}
	rows, err := s.r.QueryContext(ctx, s.q(query+` ORDER BY id`), args...)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	var jobs []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("list jobs: %w", err)
		}
		jobs = append(jobs, j)
	}
	return jobs, rows.Err()
}

// RetryJobs implements Store.
func (s *sqlStore) RetryJobs(ctx context.Context, now time.Time, ids []int64) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		n = 0
		const set = `UPDATE jobs SET state = 'pending', attempts = 0, next_at = ?, lease_until = 0, updated_at = ?`
		if len(ids) == 0 {
			res, err := tx.Exec(s.q(set+` WHERE state = 'dead'`), micros(now), micros(now))
			if err != nil {
				return fmt.Errorf("retry dead jobs: %w", err)
			}
			n, err = res.RowsAffected()
			return err
		}
		for _, id := range ids {
			res, err := tx.Exec(s.q(set+` WHERE id = ?`), micros(now), micros(now), id)
			if err != nil {
				return fmt.Errorf("retry job %d: %w", id, err)
			}
			k, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("retry job %d: %w", id, err)
			}
			n += k
		}
		return nil
	})
	return n, err
}

// JobCounts implements Store.
func (s *sqlStore) JobCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	counts := map[string]int64{JobPending: 0, JobDone: 0, JobDead: 0}
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return nil, fmt.Errorf("count jobs: %w", err)
		}
		counts[state] = n
	}
	return counts, rows.Err()
}

// AddFeedback implements Store.
func (s *sqlStore) AddFeedback(ctx context.Context, article string, helpful bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(s.q(`INSERT INTO feedback (article, helpful, total) VALUES (?, ?, 1)
			ON CONFLICT (article) DO UPDATE SET helpful = feedback.helpful + excluded.helpful, total = feedback.total + 1`),
			article, boolInt(helpful))
		if err != nil {
			return fmt.Errorf("record feedback on %q: %w", article, err)
		}
		return nil
	})
}

// Feedback implements Store.
func (s *sqlStore) Feedback(ctx context.Context, article string) (FeedbackCounts, error) {
	fc := FeedbackCounts{Article: article}
	err := s.r.QueryRowContext(ctx, s.q(`SELECT helpful, total FROM feedback WHERE article = ?`), article).Scan(&fc.Helpful, &fc.Total)
	if errors.Is(err, sql.ErrNoRows) {
		return fc, nil
	}
	if err != nil {
		return fc, fmt.Errorf("read feedback on %q: %w", article, err)
	}
	return fc, nil
}

// day is the UTC day of t as days since 1970-01-01, the key of the
// search_misses table.
func day(t time.Time) int64 { return t.UTC().Unix() / 86400 }

// AddMissedSearch implements Store.
func (s *sqlStore) AddMissedSearch(ctx context.Context, at time.Time, locale, query string, few bool) error {
	nothing, fewN := 1, 0
	if few {
		nothing, fewN = 0, 1
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(s.q(`INSERT INTO search_misses (day, locale, query, found_none, found_few) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (day, locale, query) DO UPDATE SET found_none = search_misses.found_none + excluded.found_none,
			found_few = search_misses.found_few + excluded.found_few`),
			day(at), locale, query, nothing, fewN)
		if err != nil {
			return fmt.Errorf("count the missed search %q: %w", query, err)
		}
		return nil
	})
}

// MissedSearches implements Store.
func (s *sqlStore) MissedSearches(ctx context.Context, since time.Time, limit int) ([]MissedSearch, error) {
	query := `SELECT locale, query, SUM(found_none), SUM(found_few), MAX(day) FROM search_misses WHERE day >= ?
		GROUP BY locale, query ORDER BY SUM(found_none) DESC, SUM(found_few) DESC, MAX(day) DESC, locale, query`
	args := []any{day(since)}
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.r.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list missed searches: %w", err)
	}
	defer rows.Close()
	var out []MissedSearch
	for rows.Next() {
		var m MissedSearch
		var last int64
		if err := rows.Scan(&m.Locale, &m.Query, &m.Nothing, &m.Few, &last); err != nil {
			return nil, fmt.Errorf("list missed searches: %w", err)
		}
		m.Last = time.Unix(last*86400, 0).UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// DeleteMissedSearchesBefore implements Store.
func (s *sqlStore) DeleteMissedSearchesBefore(ctx context.Context, t time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(s.q(`DELETE FROM search_misses WHERE day < ?`), day(t))
		if err != nil {
			return fmt.Errorf("delete old missed searches: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
