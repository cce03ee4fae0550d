package cases

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/cases/casestest"
)

var fastRetries = OutboxConfig{BaseDelay: 2 * time.Millisecond, MaxDelay: 20 * time.Millisecond, Poll: 2 * time.Millisecond, MaxAttempts: 1000}

// TestDeliveryOutage takes the mail server down and Zendesk down, submits
// cases, lets every delivery fail several times (time compressed: the
// backoff is milliseconds, not minutes), brings both back, and checks that
// every case reaches support, the requester and Zendesk exactly once.
func TestDeliveryOutage(t *testing.T) {
	mailSrv := startSMTP(t)
	zd := casestest.StartZendesk(t, "agent@example.com", "t0ken")
	store := openTestSQLite(t)
	msgs, _ := LoadMessages()
	mc := MailConfig{Host: "127.0.0.1", Port: mailSrv.Port(), TLS: "none", From: "Help center <noreply@example.com>", Support: "support@example.com"}
	srv, ts := newTestServer(t, Config{Store: store, RateLimits: RateLimits{Off: true}, Outbox: fastRetries, Senders: map[string]Sender{
		KindSupportMail:  &MailSender{Config: mc, Messages: msgs, Store: store},
		KindConfirmation: &MailSender{Config: mc, Confirmation: true, Messages: msgs, Store: store},
		KindZendesk:      &ZendeskSender{BaseURL: zd.URL, Email: "agent@example.com", Token: "t0ken", Store: store, Messages: msgs},
	}})

	mailSrv.Down()
	zd.SetDown(true)

	const n = 8
	var ids []string
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	for i := range n {
		f := validForm()
		f.Set("subject", fmt.Sprintf("Case number %d", i))
		f.Set("email", fmt.Sprintf("req%d@example.se", i))
		if i%2 == 1 {
			f.Set("locale", "sv")
		}
		files := map[string][]byte{}
		if i == 0 {
			files["screen.png"] = png
		}
		ct, body := multipartBody(t, f, files)
		resp, out := post(t, ts, "/api/cases", ct, body, jsonAccept)
		if resp.StatusCode != 201 {
			t.Fatalf("submit %d: %d %s", i, resp.StatusCode, out)
		}
		var got struct{ ID string }
		_ = json.Unmarshal([]byte(out), &got)
		ids = append(ids, got.ID)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Run(ctx) }()
	defer func() { cancel(); <-done }()

	// The outage: wait until every job has failed at least 3 times.
	waitFor(t, "every job to fail three times", func() bool {
		jobs, _ := store.Jobs(context.Background(), "")
		for _, j := range jobs {
			if j.Attempts < 3 || j.State != JobPending {
				return false
			}
		}
		return len(jobs) == 3*n
	})
	if len(mailSrv.Mails()) != 0 {
		t.Fatal("mail delivered while the server was down")
	}
	jobs, _ := store.Jobs(context.Background(), "")
	if !strings.Contains(jobs[0].LastError, "smtp") && !strings.Contains(jobs[0].LastError, "503") {
		t.Errorf("last error not recorded: %+v", jobs[0])
	}

	// Recovery; Zendesk's first answer gets lost after it made the ticket.
	mailSrv.Up(mailSrv.Addr())
	zd.LoseNextAnswer()
	zd.SetDown(false)
	waitFor(t, "every job to be delivered", func() bool {
		c, _ := store.JobCounts(context.Background())
		return c[JobDone] == 3*n
	})

	support, confirm := map[string]int{}, map[string]int{}
	for _, m := range mailSrv.Mails() {
		for _, id := range ids {
			if bytes.Contains(m.Data, []byte("Message-ID: <mail."+id+"@example.com>")) {
				support[id]++
				if m.To[0] != "support@example.com" || !bytes.Contains(m.Data, []byte("Reply-To:")) {
					t.Errorf("support mail for %s: to %v", id, m.To)
				}
			}
			if bytes.Contains(m.Data, []byte("Message-ID: <confirmation."+id+"@example.com>")) {
				confirm[id]++
				if !bytes.Contains(m.Data, []byte(id)) || !strings.HasPrefix(m.To[0], "req") {
					t.Errorf("confirmation for %s lacks the case number or goes to %v", id, m.To)
				}
			}
		}
	}
	for i, id := range ids {
		if support[id] != 1 || confirm[id] != 1 {
			t.Errorf("case %s: %d support mails, %d confirmations; want 1 each", id, support[id], confirm[id])
		}
		if made, after := zd.Tickets(id); made != 1 || after != 0 {
			t.Errorf("case %s: %d Zendesk tickets, %d posts after success; want 1, 0", id, made, after)
		}
		tk := zd.TicketOf(id)
		c, _ := store.Case(context.Background(), id)
		if tk == nil || c.TicketID != fmt.Sprint(tk.ID) || c.RequesterID != fmt.Sprint(tk.RequesterID) {
			t.Errorf("case %s records ticket %q requester %q; Zendesk made %+v", id, c.TicketID, c.RequesterID, tk)
			continue
		}
		want := int64(1) // en-US
		if i%2 == 1 {
			want = 1034 // the fake account's sv
		}
		if tk.Requester.LocaleID != want || tk.Requester.Email != fmt.Sprintf("req%d@example.se", i) {
			t.Errorf("case %s (%s): requester %+v, want locale_id %d", id, c.Locale, tk.Requester, want)
		}
	}
	for _, r := range zd.Requests() {
		if r.Header.Get("Authorization") != "Basic "+basicAuth("agent@example.com/token", "t0ken") {
			t.Errorf("Zendesk request %s %s without the agent's token: %q", r.Method, r.Path, r.Header.Get("Authorization"))
		}
		if r.Method == http.MethodPost && r.Path == "/api/v2/tickets.json" && bytes.Contains(r.Body, []byte(`"locale":`)) {
			t.Errorf("the ticket's requester has a field the Tickets API does not know: %s", r.Body)
		}
	}
	tk := zd.TicketOf(ids[0])
	if len(tk.Comments) != 1 || len(tk.Comments[0].Attachments) != 1 || tk.Comments[0].Attachments[0].FileName != "screen.png" {
		t.Errorf("ticket for the case with a file: %+v", tk)
	}
	var withFile []byte
	for _, m := range mailSrv.Mails() {
		if bytes.Contains(m.Data, []byte("Message-ID: <mail."+ids[0]+"@")) {
			withFile = m.Data
		}
	}
	if !bytes.Contains(withFile, []byte(`filename="screen.png"`)) {
		t.Errorf("support mail lacks the attachment:\n%.2000s", withFile)
	}
}

func TestWebhook(t *testing.T) {
	store := openTestSQLite(t)
	var mu sync.Mutex
	fail := 2
	var got []*http.Request
	var bodies [][]byte
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Helpcenter-Signature") != Sign("key", r.Header.Get("X-Helpcenter-Timestamp"), body) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if fail > 0 {
			fail--
			http.Error(w, "busy", http.StatusInternalServerError)
			return
		}
		got, bodies = append(got, r), append(bodies, body)
	}))
	defer hook.Close()
	ob := &Outbox{OutboxConfig: fastRetries, Store: store, Senders: map[string]Sender{
		KindWebhook: &WebhookSender{URL: hook.URL, Secret: "key"},
		"wrongkey":  &WebhookSender{URL: hook.URL, Secret: "nope"},
	}}
	ctx := context.Background()
	c := newCase("hooked", "")
	id, _, _ := store.CreateCase(ctx, c, []string{KindWebhook, "wrongkey"})
	for range 10 {
		if _, err := ob.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(25 * time.Millisecond) // let the millisecond backoff run out
	}
	jobs, _ := store.Jobs(ctx, "")
	states := map[string]string{}
	for _, j := range jobs {
		states[j.Kind] = j.State
	}
	if states[KindWebhook] != JobDone || states["wrongkey"] != JobDead {
		t.Fatalf("job states %v: want the signed webhook done after retries, the badly signed one dead on 401", states)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Header.Get("Idempotency-Key") != id {
		t.Fatalf("webhook got %d requests", len(got))
	}
	var p casePayload
	if err := json.Unmarshal(bodies[0], &p); err != nil || p.ID != id || p.Fields["subject"] != "hooked" {
		t.Errorf("payload %s: %v", bodies[0], err)
	}
}

func TestOutboxWithoutSenderKeepsJob(t *testing.T) {
	store := openTestSQLite(t)
	ctx := context.Background()
	_, _, _ = store.CreateCase(ctx, newCase("x", ""), []string{KindZendesk})
	ob := &Outbox{OutboxConfig: fastRetries, Store: store, Senders: map[string]Sender{}}
	if _, err := ob.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	jobs, _ := store.Jobs(ctx, "")
	if len(jobs) != 1 || jobs[0].State != JobPending || !strings.Contains(jobs[0].LastError, "no sender") {
		t.Errorf("job %+v: want pending with an explanation", jobs)
	}
}

func TestPermanentAndMaxAttempts(t *testing.T) {
	store := openTestSQLite(t)
	ctx := context.Background()
	_, _, _ = store.CreateCase(ctx, newCase("x", ""), []string{"perm", "flaky"})
	cfg := fastRetries
	cfg.MaxAttempts = 2
	ob := &Outbox{OutboxConfig: cfg, Store: store, Senders: map[string]Sender{
		"perm":  SenderFunc(func(context.Context, *Case, Job) error { return Permanent(errors.New("400 bad request")) }),
		"flaky": SenderFunc(func(context.Context, *Case, Job) error { return errors.New("timeout") }),
	}}
	for range 5 {
		_, _ = ob.RunOnce(ctx)
		time.Sleep(25 * time.Millisecond)
	}
	dead, _ := store.Jobs(ctx, JobDead)
	if len(dead) != 2 {
		t.Fatalf("dead jobs %+v, want both", dead)
	}
	for _, j := range dead {
		if (j.Kind == "perm" && j.Attempts != 1) || (j.Kind == "flaky" && j.Attempts != 2) {
			t.Errorf("job %s died after %d attempts", j.Kind, j.Attempts)
		}
	}
}

func TestBackoff(t *testing.T) {
	base, max := 30*time.Second, 24*time.Hour
	tests := []struct {
		attempts int
		lo, hi   time.Duration
	}{
		{1, 15 * time.Second, 30 * time.Second},
		{2, 30 * time.Second, 60 * time.Second},
		{5, 4 * time.Minute, 8 * time.Minute},
		{40, 12 * time.Hour, 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.attempts), func(t *testing.T) {
			for range 200 {
				if d := Backoff(tt.attempts, base, max); d < tt.lo || d > tt.hi {
					t.Fatalf("Backoff(%d) = %v, want in [%v, %v]", tt.attempts, d, tt.lo, tt.hi)
				}
			}
		})
	}
}
