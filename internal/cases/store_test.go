package cases

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
)

func newCase(subject, key string) *Case {
	return &Case{Locale: "en", Client: "192.0.2.1", Fields: caseform.Values{
		caseform.Name: "Anna", caseform.Email: "anna@example.se", caseform.Subject: subject,
		caseform.Description: "Help", caseform.Category: "technical", caseform.IdempotencyKey: key}}
}

var stores = []struct {
	name string
	open func(t *testing.T) Store
}{
	{"sqlite", openTestSQLite},
	{"postgres", openTestPostgres},
}

func TestStore(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { testStore(t, st.open) })
	}
}

func testStore(t *testing.T, open func(t *testing.T) Store) {
	ctx := context.Background()
	kinds := []string{KindSupportMail, KindZendesk}

	t.Run("create and read with attachments", func(t *testing.T) {
		s := open(t)
		c := newCase("Å subject", "")
		c.Attachments = []Attachment{{Name: "a.png", ContentType: "image/png", Data: []byte("\x89PNG data")}}
		id, existed, err := s.CreateCase(ctx, c, kinds)
		if err != nil || existed || id == "" || c.ID != id {
			t.Fatalf("CreateCase = %q, %v, %v", id, existed, err)
		}
		got, err := s.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Fields[caseform.Subject] != "Å subject" || got.Locale != "en" || len(got.Attachments) != 1 || got.Attachments[0].Size != 9 {
			t.Errorf("Case = %+v", got)
		}
		files, err := s.Attachments(ctx, id)
		if err != nil || len(files) != 1 || string(files[0].Data) != "\x89PNG data" {
			t.Errorf("Attachments = %+v, %v", files, err)
		}
		if _, err := s.Case(ctx, "HC-NOPE"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing case: err = %v, want ErrNotFound", err)
		}
		jobs, err := s.Jobs(ctx, JobPending)
		if err != nil || len(jobs) != 2 {
			t.Errorf("jobs after create = %+v, %v; want 2 pending", jobs, err)
		}
	})

	t.Run("idempotency key gives the same case, also concurrently", func(t *testing.T) {
		s := open(t)
		ids := make([]string, 20)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id, _, err := s.CreateCase(ctx, newCase("double", "key-1"), kinds)
				if err != nil {
					t.Error(err)
				}
				ids[i] = id
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("same key gave different cases: %v", ids)
			}
		}
		n := 0
		if err := s.EachCase(ctx, false, func(*Case) error { n++; return nil }); err != nil || n != 1 {
			t.Errorf("cases stored = %d, %v; want 1", n, err)
		}
		if jobs, _ := s.Jobs(ctx, ""); len(jobs) != 2 {
			t.Errorf("jobs = %d, want 2 (one case)", len(jobs))
		}
		_, existed, err := s.CreateCase(ctx, newCase("double", "key-1"), kinds)
		if err != nil || !existed {
			t.Errorf("second submit: existed = %v, %v", existed, err)
		}
	})

	t.Run("spam is stored apart and gets no jobs", func(t *testing.T) {
		s := open(t)
		c := newCase("buy now", "")
		c.Spam = true
		if _, _, err := s.CreateCase(ctx, c, kinds); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.CreateCase(ctx, newCase("real", ""), kinds); err != nil {
			t.Fatal(err)
		}
		var subjects []string
		_ = s.EachCase(ctx, false, func(c *Case) error { subjects = append(subjects, c.Fields[caseform.Subject]); return nil })
		if fmt.Sprint(subjects) != "[real]" {
			t.Errorf("export without spam = %v", subjects)
		}
		n := 0
		_ = s.EachCase(ctx, true, func(*Case) error { n++; return nil })
		if n != 2 {
			t.Errorf("export with spam = %d cases, want 2", n)
		}
		if jobs, _ := s.Jobs(ctx, ""); len(jobs) != 2 {
			t.Errorf("jobs = %d, want 2 (none for spam)", len(jobs))
		}
	})

	t.Run("claim, fail with backoff, dead, retry", func(t *testing.T) {
		s := open(t)
		id, _, _ := s.CreateCase(ctx, newCase("x", ""), []string{KindWebhook})
		now := time.Now()
		jobs, err := s.ClaimJobs(ctx, now, time.Minute, 10)
		if err != nil || len(jobs) != 1 || jobs[0].CaseID != id || jobs[0].Attempts != 1 {
			t.Fatalf("ClaimJobs = %+v, %v", jobs, err)
		}
		if again, _ := s.ClaimJobs(ctx, now, time.Minute, 10); len(again) != 0 {
			t.Fatalf("a leased job was claimed twice: %+v", again)
		}
		if err := s.FailJob(ctx, jobs[0].ID, now, now.Add(time.Hour), false, "smtp down"); err != nil {
			t.Fatal(err)
		}
		if due, _ := s.ClaimJobs(ctx, now.Add(30*time.Minute), time.Minute, 10); len(due) != 0 {
			t.Fatalf("job claimed before its backoff ran out")
		}
		due, _ := s.ClaimJobs(ctx, now.Add(2*time.Hour), time.Minute, 10)
		if len(due) != 1 || due[0].Attempts != 2 || due[0].LastError != "smtp down" {
			t.Fatalf("after backoff: %+v", due)
		}
		if err := s.FailJob(ctx, due[0].ID, now, now, true, "rejected"); err != nil {
			t.Fatal(err)
		}
		dead, _ := s.Jobs(ctx, JobDead)
		if len(dead) != 1 {
			t.Fatalf("dead jobs = %+v", dead)
		}
		if due, _ := s.ClaimJobs(ctx, now.Add(48*time.Hour), time.Minute, 10); len(due) != 0 {
			t.Fatal("a dead job was claimed")
		}
		if n, err := s.RetryJobs(ctx, now, nil); err != nil || n != 1 {
			t.Fatalf("RetryJobs = %d, %v", n, err)
		}
		due, _ = s.ClaimJobs(ctx, now, time.Minute, 10)
		if len(due) != 1 || due[0].Attempts != 1 {
			t.Fatalf("retried job: %+v", due)
		}
		if err := s.CompleteJob(ctx, due[0].ID, now); err != nil {
			t.Fatal(err)
		}
		counts, _ := s.JobCounts(ctx)
		if counts[JobDone] != 1 || counts[JobPending] != 0 || counts[JobDead] != 0 {
			t.Errorf("JobCounts = %v", counts)
		}
	})

	t.Run("a delivery that crashed is claimed again after its lease", func(t *testing.T) {
		s := open(t)
		_, _, _ = s.CreateCase(ctx, newCase("x", ""), []string{KindSupportMail})
		now := time.Now()
		if jobs, _ := s.ClaimJobs(ctx, now, 10*time.Minute, 1); len(jobs) != 1 {
			t.Fatal("claim")
		}
		// The process dies here: no CompleteJob, no FailJob.
		if jobs, _ := s.ClaimJobs(ctx, now.Add(9*time.Minute), 10*time.Minute, 1); len(jobs) != 0 {
			t.Fatal("claimed again while the lease holds")
		}
		jobs, _ := s.ClaimJobs(ctx, now.Add(11*time.Minute), 10*time.Minute, 1)
		if len(jobs) != 1 || jobs[0].Attempts != 2 {
			t.Fatalf("after the lease ran out: %+v", jobs)
		}
	})

	t.Run("delete cases older than", func(t *testing.T) {
		s := open(t)
		old := newCase("old", "")
		old.Created = time.Now().AddDate(0, 0, -40)
		old.Attachments = []Attachment{{Name: "a.txt", ContentType: "text/plain", Data: []byte("x")}}
		_, _, _ = s.CreateCase(ctx, old, kinds)
		_, _, _ = s.CreateCase(ctx, newCase("new", ""), kinds)
		n, err := s.DeleteCasesBefore(ctx, time.Now().AddDate(0, 0, -30))
		if err != nil || n != 1 {
			t.Fatalf("DeleteCasesBefore = %d, %v", n, err)
		}
		if _, err := s.Case(ctx, old.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("old case still there: %v", err)
		}
		if jobs, _ := s.Jobs(ctx, ""); len(jobs) != 2 {
			t.Errorf("jobs left = %d, want 2", len(jobs))
		}
	})

	t.Run("a requester's cases by address, newest first, filtered by status", func(t *testing.T) {
		s := open(t)
		base := time.Now().UTC().Add(-time.Hour)
		var ids []string
		for i, email := range []string{"Anna@Example.se", "anna@example.se", "other@example.se", "ANNA@EXAMPLE.SE"} {
			c := newCase(fmt.Sprint("case ", i), "")
			c.Fields[caseform.Email] = email
			c.Created = base.Add(time.Duration(i) * time.Minute)
			if _, _, err := s.CreateCase(ctx, c, nil); err != nil {
				t.Fatal(err)
			}
			if c.Status != StatusNew || !c.Updated.Equal(c.Created) {
				t.Errorf("new case: status %q, updated %v (created %v)", c.Status, c.Updated, c.Created)
			}
			ids = append(ids, c.ID)
		}
		spam := newCase("spam", "")
		spam.Spam = true
		_, _, _ = s.CreateCase(ctx, spam, nil)
		got, err := s.CasesOf(ctx, " anna@EXAMPLE.se ", nil)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []string
		for _, c := range got {
			gotIDs = append(gotIDs, c.ID)
		}
		if want := []string{ids[3], ids[1], ids[0]}; fmt.Sprint(gotIDs) != fmt.Sprint(want) {
			t.Errorf("CasesOf = %v, want %v (newest first, other addresses and spam left out)", gotIDs, want)
		}
		if got[0].Fields[caseform.Subject] != "case 3" || got[0].Status != StatusNew {
			t.Errorf("listed case %+v", got[0])
		}
		if _, err := s.AddEvent(ctx, &Event{CaseID: ids[1], Kind: EventStatus, Author: AuthorSupport, Status: StatusPending, Source: SourceCLI}, nil); err != nil {
			t.Fatal(err)
		}
		pending, err := s.CasesOf(ctx, "anna@example.se", []string{StatusPending, StatusHold})
		if err != nil || len(pending) != 1 || pending[0].ID != ids[1] || pending[0].Status != StatusPending {
			t.Errorf("CasesOf pending = %+v, %v", pending, err)
		}
		if none, err := s.CasesOf(ctx, "nobody@example.se", nil); err != nil || len(none) != 0 {
			t.Errorf("CasesOf unknown address = %+v, %v", none, err)
		}
		for email, want := range map[string]bool{"ANNA@example.se": true, "other@example.se": true, "nobody@example.se": false, "anna@example.s": false} {
			if has, err := s.HasCases(ctx, email); err != nil || has != want {
				t.Errorf("HasCases(%q) = %v, %v; want %v", email, has, err, want)
			}
		}
	})

	t.Run("conversation: comments with files, statuses, jobs per comment", func(t *testing.T) {
		s := open(t)
		c := newCase("conversation", "")
		c.Attachments = []Attachment{{Name: "case.png", ContentType: "image/png", Data: []byte("\x89PNG case")}}
		if _, _, err := s.CreateCase(ctx, c, nil); err != nil {
			t.Fatal(err)
		}
		at := c.Created.Add(time.Minute)
		mine := &Event{CaseID: c.ID, Created: at, Kind: EventComment, Author: AuthorRequester, AuthorName: "Anna", Body: "More <details>", Source: SourceWeb,
			Attachments: []Attachment{{Name: "log.txt", ContentType: "text/plain", Data: []byte("log line")}, {Name: "b.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}}}
		if existed, err := s.AddEvent(ctx, mine, []string{KindSupportMail, KindZendesk}); err != nil || existed || mine.ID == 0 {
			t.Fatalf("AddEvent = %v, %v (id %d)", existed, err, mine.ID)
		}
		if mine.Attachments[0].Index != 1 || mine.Attachments[1].Index != 2 {
			t.Errorf("comment files numbered %d, %d; want 1, 2 after the case's own", mine.Attachments[0].Index, mine.Attachments[1].Index)
		}
		reply := &Event{CaseID: c.ID, Created: at.Add(time.Minute), Kind: EventComment, Author: AuthorSupport, AuthorName: "Eva", Body: "Which invoice?",
			Status: StatusPending, Source: SourceZendesk, ExternalID: "9001", Delivery: "zendesk:evt-1"}
		if existed, err := s.AddEvent(ctx, reply, []string{KindNotify}); err != nil || existed {
			t.Fatalf("reply: %v, %v", existed, err)
		}
		got, _ := s.Case(ctx, c.ID)
		if got.Status != StatusPending || !got.Updated.Equal(reply.Created) || len(got.Attachments) != 1 || got.Attachments[0].Name != "case.png" {
			t.Errorf("after the reply: status %q updated %v files %+v", got.Status, got.Updated, got.Attachments)
		}
		if own, _ := s.Attachments(ctx, c.ID); len(own) != 1 {
			t.Errorf("Attachments = %d files, want the case's own 1", len(own))
		}
		// Redelivered, or the same comment under another delivery: nothing new.
		for _, again := range []*Event{
			{CaseID: c.ID, Kind: EventComment, Author: AuthorSupport, Body: "Which invoice?", Source: SourceZendesk, ExternalID: "9001", Delivery: "zendesk:evt-1"},
			{CaseID: c.ID, Kind: EventComment, Author: AuthorSupport, Body: "Which invoice?", Source: SourceZendesk, ExternalID: "9001", Delivery: "zendesk:evt-2"},
		} {
			if existed, err := s.AddEvent(ctx, again, []string{KindNotify}); err != nil || !existed {
				t.Errorf("repeated event %q: existed %v, %v", again.Delivery, existed, err)
			}
		}
		// The requester answers: pending becomes open.
		answer := &Event{CaseID: c.ID, Created: at.Add(2 * time.Minute), Kind: EventComment, Author: AuthorRequester, Body: "Invoice 1843", Source: SourceWeb}
		if _, err := s.AddEvent(ctx, answer, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Case(ctx, c.ID); got.Status != StatusOpen {
			t.Errorf("a requester's answer to a pending case leaves it %q, want open", got.Status)
		}
		conv, err := s.Conversation(ctx, c.ID)
		if err != nil || len(conv) != 3 {
			t.Fatalf("Conversation = %d events, %v", len(conv), err)
		}
		if conv[0].Body != "More <details>" || conv[0].AuthorName != "Anna" || len(conv[0].Attachments) != 2 || conv[0].Attachments[1].Name != "b.pdf" || conv[0].Attachments[1].Size != 8 {
			t.Errorf("first event %+v", conv[0])
		}
		if conv[1].Author != AuthorSupport || conv[1].Status != StatusPending || conv[1].ExternalID != "9001" || len(conv[1].Attachments) != 0 {
			t.Errorf("second event %+v", conv[1])
		}
		f, err := s.Attachment(ctx, c.ID, 2)
		if err != nil || f.Name != "b.pdf" || string(f.Data) != "%PDF-1.4" || f.EventID != mine.ID {
			t.Errorf("Attachment(2) = %+v, %v", f, err)
		}
		if f, err := s.Attachment(ctx, c.ID, 0); err != nil || f.Name != "case.png" || f.EventID != 0 {
			t.Errorf("Attachment(0) = %+v, %v", f, err)
		}
		if _, err := s.Attachment(ctx, c.ID, 3); !errors.Is(err, ErrNotFound) {
			t.Errorf("Attachment(3) err = %v, want ErrNotFound", err)
		}
		if _, err := s.Attachment(ctx, "HC-OTHER", 0); !errors.Is(err, ErrNotFound) {
			t.Errorf("another case's file: err = %v, want ErrNotFound", err)
		}
		ev, err := s.Event(ctx, mine.ID)
		if err != nil || ev.CaseID != c.ID || len(ev.Attachments) != 2 || ev.Attachments[0].Data != nil {
			t.Errorf("Event = %+v, %v", ev, err)
		}
		files, err := s.EventAttachments(ctx, mine.ID)
		if err != nil || len(files) != 2 || string(files[0].Data) != "log line" {
			t.Errorf("EventAttachments = %+v, %v", files, err)
		}
		jobs, _ := s.Jobs(ctx, JobPending)
		kinds := map[string]int64{}
		for _, j := range jobs {
			kinds[j.Kind] = j.EventID
		}
		if len(jobs) != 3 || kinds[KindSupportMail] != mine.ID || kinds[KindZendesk] != mine.ID || kinds[KindNotify] != reply.ID {
			t.Errorf("jobs = %+v; want mail and zendesk for the comment, notify for the reply", jobs)
		}
		claimed, _ := s.ClaimJobs(ctx, time.Now().Add(time.Hour), time.Minute, 10)
		if len(claimed) != 3 || claimed[0].EventID == 0 {
			t.Errorf("claimed %+v; the event id must come along", claimed)
		}

		if err := s.SetEventExternalID(ctx, mine.ID, "8001"); err != nil {
			t.Fatal(err)
		}
		if existed, _ := s.AddEvent(ctx, &Event{CaseID: c.ID, Kind: EventComment, Author: AuthorRequester, Body: "More <details>", Source: SourceZendesk, ExternalID: "8001"}, nil); !existed {
			t.Error("the requester's comment, reported back by the ticketing system, was stored twice")
		}
		if linked, err := s.LinkRequesterComment(ctx, c.ID, "Invoice 1843", "8002", at); err != nil || !linked {
			t.Errorf("LinkRequesterComment = %v, %v", linked, err)
		}
		if linked, _ := s.LinkRequesterComment(ctx, c.ID, "Invoice 1843", "8003", at); linked {
			t.Error("a comment was linked twice")
		}
		if linked, _ := s.LinkRequesterComment(ctx, c.ID, "Something else", "8004", at); linked {
			t.Error("a comment with another body was linked")
		}

		if _, err := s.AddEvent(ctx, &Event{CaseID: c.ID, Kind: EventStatus, Author: AuthorSupport, Status: StatusClosed, Source: SourceCLI}, nil); err != nil {
			t.Fatal(err)
		}
		_, err = s.AddEvent(ctx, &Event{CaseID: c.ID, Kind: EventComment, Author: AuthorRequester, Body: "late", Source: SourceWeb}, []string{KindSupportMail})
		if !errors.Is(err, ErrClosed) {
			t.Errorf("comment on a closed case: err = %v, want ErrClosed", err)
		}
		if _, err := s.AddEvent(ctx, &Event{CaseID: "HC-NOPE", Kind: EventComment, Author: AuthorRequester, Body: "x", Source: SourceWeb}, nil); !errors.Is(err, ErrNotFound) {
			t.Errorf("comment on a missing case: err = %v, want ErrNotFound", err)
		}
		if _, err := s.AddEvent(ctx, &Event{CaseID: c.ID, Kind: EventStatus, Status: "resolved"}, nil); err == nil {
			t.Error("an unknown status was accepted")
		}
		if jobs, _ := s.Jobs(ctx, ""); len(jobs) != 3 {
			t.Errorf("%d jobs, want 3: refused and repeated events must queue nothing", len(jobs))
		}
	})

	t.Run("tickets", func(t *testing.T) {
		s := open(t)
		c := newCase("ticket", "")
		_, _, _ = s.CreateCase(ctx, c, nil)
		if _, err := s.CaseByTicket(ctx, "35436"); !errors.Is(err, ErrNotFound) {
			t.Errorf("CaseByTicket before SetTicket: %v", err)
		}
		if _, err := s.CaseByTicket(ctx, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("CaseByTicket(\"\") must find nothing (cases without a ticket): %v", err)
		}
		if err := s.SetTicket(ctx, c.ID, "35436", "20978392"); err != nil {
			t.Fatal(err)
		}
		got, err := s.CaseByTicket(ctx, "35436")
		if err != nil || got.ID != c.ID || got.TicketID != "35436" || got.RequesterID != "20978392" {
			t.Errorf("CaseByTicket = %+v, %v", got, err)
		}
	})

	t.Run("sign-in links are single-use and expire; sessions expire and end", func(t *testing.T) {
		s := open(t)
		now := time.Now().UTC()
		for _, si := range []*SignIn{
			{Hash: "h-fresh", Email: "Anna@example.se", Locale: "sv", Next: "/api/my/cases/HC-X", Created: now, Expires: now.Add(30 * time.Minute)},
			{Hash: "h-old", Email: "anna@example.se", Locale: "en", Created: now.Add(-time.Hour), Expires: now.Add(-30 * time.Minute)},
		} {
			if err := s.CreateSignIn(ctx, si); err != nil {
				t.Fatal(err)
			}
		}
		sess := &Session{Hash: "s-1", Created: now, Expires: now.Add(4 * time.Hour)}
		si, err := s.Redeem(ctx, "h-fresh", sess, now)
		if err != nil || si.Email != "Anna@example.se" || si.Next != "/api/my/cases/HC-X" || sess.Email != "Anna@example.se" || sess.Locale != "sv" {
			t.Fatalf("Redeem = %+v, %v (session %+v)", si, err, sess)
		}
		for name, hash := range map[string]string{"used": "h-fresh", "expired": "h-old", "unknown": "h-none"} {
			if _, err := s.Redeem(ctx, hash, &Session{Hash: "s-" + name, Created: now, Expires: now.Add(time.Hour)}, now); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s link: err = %v, want ErrNotFound", name, err)
			}
			if _, err := s.Session(ctx, "s-"+name, now); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s link made a session: %v", name, err)
			}
		}
		got, err := s.Session(ctx, "s-1", now.Add(time.Hour))
		if err != nil || got.Email != "Anna@example.se" || got.Locale != "sv" || !got.Expires.Equal(sess.Expires.Truncate(time.Microsecond)) {
			t.Errorf("Session = %+v, %v", got, err)
		}
		if _, err := s.Session(ctx, "s-1", now.Add(5*time.Hour)); !errors.Is(err, ErrNotFound) {
			t.Errorf("expired session: err = %v, want ErrNotFound", err)
		}
		if err := s.DeleteSession(ctx, "s-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, "s-1", now); !errors.Is(err, ErrNotFound) {
			t.Errorf("ended session: err = %v, want ErrNotFound", err)
		}
		_ = s.CreateSignIn(ctx, &SignIn{Hash: "h-later", Email: "a@example.se", Locale: "en", Created: now, Expires: now.Add(time.Hour)})
		_, _ = s.Redeem(ctx, "h-later", &Session{Hash: "s-2", Created: now, Expires: now.Add(2 * time.Hour)}, now)
		n, err := s.DeleteExpired(ctx, now.Add(90*time.Minute))
		if err != nil || n != 3 {
			t.Errorf("DeleteExpired = %d, %v; want the 3 expired links", n, err)
		}
		if _, err := s.Session(ctx, "s-2", now); err != nil {
			t.Errorf("a live session was deleted: %v", err)
		}
		if n, err := s.DeleteExpired(ctx, now.Add(3*time.Hour)); err != nil || n != 1 {
			t.Errorf("DeleteExpired later = %d, %v; want the session", n, err)
		}
	})

	t.Run("purge takes conversations, files and sessions with the case", func(t *testing.T) {
		s := open(t)
		now := time.Now().UTC()
		old := newCase("old", "")
		old.Fields[caseform.Email] = "old@example.se"
		old.Created = now.AddDate(0, 0, -400)
		_, _, _ = s.CreateCase(ctx, old, nil)
		keep := newCase("kept", "")
		_, _, _ = s.CreateCase(ctx, keep, nil)
		for id, at := range map[string]time.Time{old.ID: old.Created.Add(24 * time.Hour), keep.ID: now} {
			if _, err := s.AddEvent(ctx, &Event{CaseID: id, Created: at, Kind: EventComment, Author: AuthorRequester, Body: "x", Source: SourceWeb,
				Attachments: []Attachment{{Name: "f.txt", ContentType: "text/plain", Data: []byte("f")}}}, []string{KindSupportMail}); err != nil {
				t.Fatal(err)
			}
		}
		for email, hash := range map[string]string{"OLD@example.se": "s-old", "anna@example.se": "s-keep"} {
			_ = s.CreateSignIn(ctx, &SignIn{Hash: "h-" + hash, Email: email, Locale: "en", Created: now, Expires: now.Add(time.Hour)})
			if _, err := s.Redeem(ctx, "h-"+hash, &Session{Hash: hash, Created: now, Expires: now.Add(time.Hour)}, now); err != nil {
				t.Fatal(err)
			}
		}
		_ = s.CreateSignIn(ctx, &SignIn{Hash: "h-unused", Email: "old@example.se", Locale: "en", Created: now, Expires: now.Add(time.Hour)})
		// Old, but still going: retention counts from the last change.
		active := newCase("old but active", "")
		active.Created = now.AddDate(0, 0, -500)
		_, _, _ = s.CreateCase(ctx, active, nil)
		if _, err := s.AddEvent(ctx, &Event{CaseID: active.ID, Kind: EventStatus, Author: AuthorSupport, Status: StatusHold, Source: SourceCLI}, nil); err != nil {
			t.Fatal(err)
		}
		if n, err := s.DeleteCasesBefore(ctx, now.AddDate(0, 0, -365)); err != nil || n != 1 {
			t.Fatalf("DeleteCasesBefore = %d, %v", n, err)
		}
		if conv, err := s.Conversation(ctx, old.ID); err != nil || len(conv) != 0 {
			t.Errorf("the purged case's conversation: %+v, %v", conv, err)
		}
		if _, err := s.Attachment(ctx, old.ID, 0); !errors.Is(err, ErrNotFound) {
			t.Errorf("the purged case's comment file: %v", err)
		}
		if _, err := s.Session(ctx, "s-old", now); !errors.Is(err, ErrNotFound) {
			t.Errorf("the session of an address without cases survived the purge: %v", err)
		}
		if _, err := s.Redeem(ctx, "h-unused", &Session{Hash: "s-x", Created: now, Expires: now.Add(time.Hour)}, now); !errors.Is(err, ErrNotFound) {
			t.Errorf("the sign-in link of an address without cases survived the purge: %v", err)
		}
		if _, err := s.Session(ctx, "s-keep", now); err != nil {
			t.Errorf("the session of an address with cases went: %v", err)
		}
		if _, err := s.Case(ctx, active.ID); err != nil {
			t.Errorf("a case created long ago but changed lately was purged: %v", err)
		}
		if conv, _ := s.Conversation(ctx, keep.ID); len(conv) != 1 || len(conv[0].Attachments) != 1 {
			t.Errorf("the kept case's conversation: %+v", conv)
		}
		if jobs, _ := s.Jobs(ctx, ""); len(jobs) != 1 {
			t.Errorf("%d jobs left, want the kept comment's", len(jobs))
		}
	})

	t.Run("feedback counts", func(t *testing.T) {
		s := open(t)
		for _, h := range []bool{true, true, false} {
			if err := s.AddFeedback(ctx, "/en/articles/a/", h); err != nil {
				t.Fatal(err)
			}
		}
		fc, err := s.Feedback(ctx, "/en/articles/a/")
		if err != nil || fc.Helpful != 2 || fc.Total != 3 {
			t.Errorf("Feedback = %+v, %v", fc, err)
		}
		if fc, _ := s.Feedback(ctx, "/en/articles/none/"); fc.Total != 0 {
			t.Errorf("no votes = %+v", fc)
		}
	})
}

// TestSQLiteDurableAcrossReopen writes through one handle, closes it, and
// reads the file with a fresh one, as formhandler export does.
func TestSQLiteDurableAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cases.db")
	s, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, _, err := s.CreateCase(context.Background(), newCase(fmt.Sprint("case ", i), ""), []string{KindSupportMail})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			ids = append(ids, id)
			mu.Unlock()
		}()
	}
	wg.Wait()
	// A second handle sees every committed case while the first is open.
	r, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	_ = r.EachCase(context.Background(), false, func(*Case) error { n++; return nil })
	if n != 50 {
		t.Errorf("concurrent reader sees %d cases, want 50", n)
	}
	r.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for _, id := range ids {
		if _, err := s2.Case(context.Background(), id); err != nil {
			t.Errorf("case %s after reopen: %v", id, err)
		}
	}
}
