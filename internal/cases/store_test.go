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
