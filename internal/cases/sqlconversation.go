package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The requester's side of sqlStore: cases by address, conversations,
// tickets, sign-in links and sessions.

// CasesOf implements Store.
func (s *sqlStore) CasesOf(ctx context.Context, email string, statuses []string) ([]*Case, error) {
	query := `SELECT ` + caseColumns + ` FROM cases WHERE lower(email) = lower(?) AND spam = 0`
	args := []any{strings.TrimSpace(email)}
	if len(statuses) > 0 {
		query += ` AND status IN (?` + strings.Repeat(", ?", len(statuses)-1) + `)`
		for _, st := range statuses {
			args = append(args, st)
		}
	}
	rows, err := s.r.QueryContext(ctx, s.q(query+` ORDER BY created_at DESC, id`), args...)
	if err != nil {
		return nil, fmt.Errorf("list cases of a requester: %w", err)
	}
	defer rows.Close()
	var out []*Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("list cases of a requester: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// HasCases implements Store.
func (s *sqlStore) HasCases(ctx context.Context, email string) (bool, error) {
	var one int
	err := s.r.QueryRowContext(ctx, s.q(`SELECT 1 FROM cases WHERE lower(email) = lower(?) AND spam = 0 LIMIT 1`), strings.TrimSpace(email)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up a requester's cases: %w", err)
	}
	return true, nil
}

const eventColumns = `id, case_id, created_at, kind, author, author_name, body, status, source, external_id`

func scanEvent(row interface{ Scan(...any) error }) (Event, error) {
	var e Event
	var created int64
	err := row.Scan(&e.ID, &e.CaseID, &created, &e.Kind, &e.Author, &e.AuthorName, &e.Body, &e.Status, &e.Source, &e.ExternalID)
	e.Created = fromMicros(created)
	return e, err
}

// Conversation implements Store.
func (s *sqlStore) Conversation(ctx context.Context, caseID string) ([]Event, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+eventColumns+` FROM case_events WHERE case_id = ? ORDER BY id`), caseID)
	if err != nil {
		return nil, fmt.Errorf("read the conversation of case %q: %w", caseID, err)
	}
	var events []Event
	byID := map[int64]int{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read the conversation of case %q: %w", caseID, err)
		}
		byID[e.ID] = len(events)
		events = append(events, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the conversation of case %q: %w", caseID, err)
	}
	if len(events) == 0 {
		return nil, nil
	}
	files, err := s.r.QueryContext(ctx, s.q(`SELECT event_id, idx, name, content_type, size FROM attachments WHERE case_id = ? AND event_id <> 0 ORDER BY idx`), caseID)
	if err != nil {
		return nil, fmt.Errorf("read the files of case %q: %w", caseID, err)
	}
	defer files.Close()
	for files.Next() {
		var a Attachment
		if err := files.Scan(&a.EventID, &a.Index, &a.Name, &a.ContentType, &a.Size); err != nil {
			return nil, fmt.Errorf("read the files of case %q: %w", caseID, err)
		}
		if i, ok := byID[a.EventID]; ok {
			events[i].Attachments = append(events[i].Attachments, a)
		}
	}
	return events, files.Err()
}

// Event implements Store.
func (s *sqlStore) Event(ctx context.Context, id int64) (*Event, error) {
	e, err := scanEvent(s.r.QueryRowContext(ctx, s.q(`SELECT `+eventColumns+` FROM case_events WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("event %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read event %d: %w", id, err)
	}
	files, err := s.eventFiles(ctx, id, false)
	if err != nil {
		return nil, err
	}
	e.Attachments = files
	return &e, nil
}

// EventAttachments implements Store.
func (s *sqlStore) EventAttachments(ctx context.Context, eventID int64) ([]Attachment, error) {
	return s.eventFiles(ctx, eventID, true)
}

func (s *sqlStore) eventFiles(ctx context.Context, eventID int64, data bool) ([]Attachment, error) {
	cols := `event_id, idx, name, content_type, size`
	if data {
		cols += `, data`
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+cols+` FROM attachments WHERE event_id = ? ORDER BY idx`), eventID)
	if err != nil {
		return nil, fmt.Errorf("read the files of event %d: %w", eventID, err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		dest := []any{&a.EventID, &a.Index, &a.Name, &a.ContentType, &a.Size}
		if data {
			dest = append(dest, &a.Data)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("read the files of event %d: %w", eventID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Attachment implements Store.
func (s *sqlStore) Attachment(ctx context.Context, caseID string, index int) (*Attachment, error) {
	var a Attachment
	err := s.r.QueryRowContext(ctx, s.q(`SELECT event_id, idx, name, content_type, size, data FROM attachments WHERE case_id = ? AND idx = ?`), caseID, index).
		Scan(&a.EventID, &a.Index, &a.Name, &a.ContentType, &a.Size, &a.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("file %d of case %q: %w", index, caseID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read file %d of case %q: %w", index, caseID, err)
	}
	return &a, nil
}

// AddEvent implements Store.
func (s *sqlStore) AddEvent(ctx context.Context, ev *Event, kinds []string) (bool, error) {
	if ev.Created.IsZero() {
		ev.Created = time.Now()
	}
	ev.Created = ev.Created.UTC().Truncate(time.Microsecond) // as stored
	if ev.Status != "" && !ValidStatus(ev.Status) {
		return false, fmt.Errorf("event on case %q: unknown status %q", ev.CaseID, ev.Status)
	}
	var existed bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		existed, ev.ID = false, 0
		if ev.Delivery != "" {
			source, id, _ := strings.Cut(ev.Delivery, ":")
			res, err := tx.Exec(s.q(`INSERT INTO hook_deliveries (source, delivery_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
				source, id, micros(ev.Created))
			if err != nil {
				return fmt.Errorf("record delivery %q: %w", ev.Delivery, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("record delivery %q: %w", ev.Delivery, err)
			} else if n == 0 {
				existed = true
				return nil
			}
		}
		var status string
		err := tx.QueryRow(s.q(`SELECT status FROM cases WHERE id = ?`), ev.CaseID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("case %q: %w", ev.CaseID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read case %q: %w", ev.CaseID, err)
		}
		if ev.ExternalID != "" {
			var id int64
			err := tx.QueryRow(s.q(`SELECT id FROM case_events WHERE case_id = ? AND external_id = ?`), ev.CaseID, ev.ExternalID).Scan(&id)
			if err == nil {
				existed, ev.ID = true, id
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("look up event %q of case %q: %w", ev.ExternalID, ev.CaseID, err)
			}
		}
		next := status
		switch {
		case ev.Kind == EventComment && ev.Author == AuthorRequester && status == StatusClosed:
			return fmt.Errorf("comment on case %q: %w", ev.CaseID, ErrClosed)
		case ev.Status != "":
			next = ev.Status
		case ev.Kind == EventComment && ev.Author == AuthorRequester:
			next = reopens(status)
		}
		if err := tx.QueryRow(s.q(`INSERT INTO case_events (case_id, created_at, kind, author, author_name, body, status, source, external_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			ev.CaseID, micros(ev.Created), ev.Kind, ev.Author, ev.AuthorName, ev.Body, ev.Status, ev.Source, ev.ExternalID).Scan(&ev.ID); err != nil {
			return fmt.Errorf("insert event on case %q: %w", ev.CaseID, err)
		}
		if err := s.insertEventFiles(tx, ev.CaseID, ev.ID, ev.Attachments); err != nil {
			return err
		}
		if _, err := tx.Exec(s.q(`UPDATE cases SET status = ?, updated_at = ? WHERE id = ?`), next, micros(ev.Created), ev.CaseID); err != nil {
			return fmt.Errorf("update case %q: %w", ev.CaseID, err)
		}
		for _, kind := range kinds {
			if _, err := tx.Exec(s.q(`INSERT INTO jobs (case_id, event_id, kind, state, attempts, next_at, lease_until, last_error, updated_at)
				VALUES (?, ?, ?, 'pending', 0, ?, 0, '', ?)`), ev.CaseID, ev.ID, kind, micros(ev.Created), micros(ev.Created)); err != nil {
				return fmt.Errorf("insert %s job: %w", kind, err)
			}
		}
		return nil
	})
	return existed, err
}

// insertEventFiles stores an event's files, numbered after the case's
// others.
func (s *sqlStore) insertEventFiles(tx *sql.Tx, caseID string, eventID int64, files []Attachment) error {
	if len(files) == 0 {
		return nil
	}
	var idx int
	if err := tx.QueryRow(s.q(`SELECT COALESCE(MAX(idx), -1) + 1 FROM attachments WHERE case_id = ?`), caseID).Scan(&idx); err != nil {
		return fmt.Errorf("number the files of case %q: %w", caseID, err)
	}
	for i := range files {
		a := &files[i]
		a.Index, a.EventID, a.Size = idx+i, eventID, int64(len(a.Data))
		if _, err := tx.Exec(s.q(`INSERT INTO attachments (case_id, idx, event_id, name, content_type, size, data) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			caseID, a.Index, eventID, a.Name, a.ContentType, a.Size, a.Data); err != nil {
			return fmt.Errorf("insert file %q: %w", a.Name, err)
		}
	}
	return nil
}

// AddEventFiles implements Store.
func (s *sqlStore) AddEventFiles(ctx context.Context, eventID int64, files []Attachment) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var caseID string
		err := tx.QueryRow(s.q(`SELECT case_id FROM case_events WHERE id = ?`), eventID).Scan(&caseID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("event %d: %w", eventID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read event %d: %w", eventID, err)
		}
		return s.insertEventFiles(tx, caseID, eventID, files)
	})
}

// SetEventExternalID implements Store.
func (s *sqlStore) SetEventExternalID(ctx context.Context, eventID int64, externalID string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(s.q(`UPDATE case_events SET external_id = ? WHERE id = ?`), externalID, eventID); err != nil {
			return fmt.Errorf("record the external id of event %d: %w", eventID, err)
		}
		return nil
	})
}

// LinkRequesterComment implements Store.
func (s *sqlStore) LinkRequesterComment(ctx context.Context, caseID, body, externalID string, since time.Time) (bool, error) {
	var linked bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		linked = false
		var id int64
		err := tx.QueryRow(s.q(`SELECT id FROM case_events WHERE case_id = ? AND kind = ? AND author = ? AND source = ? AND external_id = '' AND body = ? AND created_at >= ?
			ORDER BY id DESC LIMIT 1`), caseID, EventComment, AuthorRequester, SourceWeb, body, micros(since)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("look for the requester's comment on case %q: %w", caseID, err)
		}
		if _, err := tx.Exec(s.q(`UPDATE case_events SET external_id = ? WHERE id = ?`), externalID, id); err != nil {
			return fmt.Errorf("link comment %d of case %q: %w", id, caseID, err)
		}
		linked = true
		return nil
	})
	return linked, err
}

// SetTicket implements Store.
func (s *sqlStore) SetTicket(ctx context.Context, caseID, ticketID, requesterID string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(s.q(`UPDATE cases SET ticket_id = ?, requester_id = ? WHERE id = ?`), ticketID, requesterID, caseID); err != nil {
			return fmt.Errorf("record the ticket of case %q: %w", caseID, err)
		}
		return nil
	})
}

// CaseByTicket implements Store.
func (s *sqlStore) CaseByTicket(ctx context.Context, ticketID string) (*Case, error) {
	if ticketID == "" {
		return nil, fmt.Errorf("ticket %q: %w", ticketID, ErrNotFound)
	}
	var id string
	err := s.r.QueryRowContext(ctx, s.q(`SELECT id FROM cases WHERE ticket_id = ? ORDER BY created_at LIMIT 1`), ticketID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("ticket %q: %w", ticketID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("look up ticket %q: %w", ticketID, err)
	}
	return s.Case(ctx, id)
}

// CreateSignIn implements Store.
func (s *sqlStore) CreateSignIn(ctx context.Context, si *SignIn) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(s.q(`INSERT INTO signin_tokens (token_hash, email, locale, next, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, 0)`),
			si.Hash, si.Email, si.Locale, si.Next, micros(si.Created), micros(si.Expires)); err != nil {
			return fmt.Errorf("store a sign-in link: %w", err)
		}
		return nil
	})
}

// Redeem implements Store.
func (s *sqlStore) Redeem(ctx context.Context, tokenHash string, sess *Session, now time.Time) (*SignIn, error) {
	var si *SignIn
	err := s.write(ctx, func(tx *sql.Tx) error {
		si = nil
		var got SignIn
		var created, expires int64
		err := tx.QueryRow(s.q(`UPDATE signin_tokens SET used_at = ? WHERE token_hash = ? AND used_at = 0 AND expires_at > ?
			RETURNING email, locale, next, created_at, expires_at`), micros(now), tokenHash, micros(now)).
			Scan(&got.Email, &got.Locale, &got.Next, &created, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("use a sign-in link: %w", err)
		}
		got.Hash, got.Created, got.Expires = tokenHash, fromMicros(created), fromMicros(expires)
		sess.Email, sess.Locale = got.Email, got.Locale
		if _, err := tx.Exec(s.q(`INSERT INTO sessions (id_hash, email, locale, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
			sess.Hash, sess.Email, sess.Locale, micros(sess.Created), micros(sess.Expires)); err != nil {
			return fmt.Errorf("store a session: %w", err)
		}
		si = &got
		return nil
	})
	if err != nil {
		return nil, err
	}
	if si == nil {
		return nil, fmt.Errorf("sign-in link: %w", ErrNotFound)
	}
	return si, nil
}

// Session implements Store.
func (s *sqlStore) Session(ctx context.Context, idHash string, now time.Time) (*Session, error) {
	var sess Session
	var created, expires int64
	err := s.r.QueryRowContext(ctx, s.q(`SELECT email, locale, created_at, expires_at FROM sessions WHERE id_hash = ? AND expires_at > ?`), idHash, micros(now)).
		Scan(&sess.Email, &sess.Locale, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read a session: %w", err)
	}
	sess.Hash, sess.Created, sess.Expires = idHash, fromMicros(created), fromMicros(expires)
	return &sess, nil
}

// DeleteSession implements Store.
func (s *sqlStore) DeleteSession(ctx context.Context, idHash string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(s.q(`DELETE FROM sessions WHERE id_hash = ?`), idHash); err != nil {
			return fmt.Errorf("end a session: %w", err)
		}
		return nil
	})
}

// deliveryMemory is how long a webhook delivery is remembered: far longer
// than any ticketing system retries one.
const deliveryMemory = 30 * 24 * time.Hour

// DeleteExpired implements Store.
func (s *sqlStore) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, del := range []struct {
			query string
			at    time.Time
		}{
			{`DELETE FROM signin_tokens WHERE expires_at <= ?`, now},
			{`DELETE FROM sessions WHERE expires_at <= ?`, now},
			{`DELETE FROM hook_deliveries WHERE received_at <= ?`, now.Add(-deliveryMemory)},
		} {
			res, err := tx.Exec(s.q(del.query), micros(del.at))
			if err != nil {
				return fmt.Errorf("delete expired rows: %w", err)
			}
			k, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("delete expired rows: %w", err)
			}
			n += k
		}
		return nil
	})
	return n, err
}
