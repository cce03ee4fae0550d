package cases

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
	"github.com/inexchange/helpcenter/internal/cases/casestest"
)

// zendeskFixture is a handler delivering to a fake Zendesk, which sends
// its ticket events back to /api/hooks/zendesk.
func zendeskFixture(t *testing.T) (*requesterFixture, *casestest.Zendesk) {
	t.Helper()
	zd := casestest.StartZendesk(t, "agent@example.com", "t0ken")
	msgs, _ := LoadMessages()
	store := openTestSQLite(t)
	sender := &ZendeskSender{BaseURL: zd.URL, Email: "agent@example.com", Token: "t0ken", Store: store, Messages: msgs}
	f := newRequesterFixture(t, Config{Store: store, RateLimits: RateLimits{Off: true}, ZendeskWebhookSecret: "zd-signing-secret", Zendesk: sender,
		Senders: map[string]Sender{KindZendesk: sender, KindZendeskFiles: sender}})
	zd.WebhookURL, zd.WebhookSecret = f.ts.URL+"/api/hooks/zendesk", "zd-signing-secret"
	return f, zd
}

// submit posts a case as the site's form does and waits for its ticket.
func (f *requesterFixture) submit(t *testing.T, email, subject, locale string) *Case {
	t.Helper()
	form := validForm()
	form.Set("email", email)
	form.Set("subject", subject)
	form.Set("locale", locale)
	resp, out := post(t, f.ts, "/api/cases", formType, form.Encode(), jsonAccept)
	var got struct{ ID string }
	if err := json.Unmarshal([]byte(out), &got); err != nil || resp.StatusCode != 201 {
		t.Fatalf("submit: %d %s", resp.StatusCode, out)
	}
	var c *Case
	waitFor(t, "the ticket of "+got.ID, func() bool {
		c, _ = f.store.Case(context.Background(), got.ID)
		return c != nil && c.TicketID != ""
	})
	return c
}

func (f *requesterFixture) conversation(t *testing.T, id string) []Event {
	t.Helper()
	conv, err := f.store.Conversation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return conv
}

func TestZendeskRoundTrip(t *testing.T) {
	f, zd := zendeskFixture(t)
	ctx := context.Background()
	c := f.submit(t, "anna@example.se", "Invoice stuck", "sv")
	tk := zd.TicketOf(c.ID)
	if c.TicketID != strconv.FormatInt(tk.ID, 10) || tk.Requester.LocaleID != 1034 {
		t.Fatalf("ticket %+v for case %+v", tk, c)
	}
	cookie := f.signIn(t, "anna@example.se", "sv")

	// A comment with a file: a public comment by the requester on the
	// ticket, with the file uploaded.
	pdf := []byte("%PDF-1.4\n% the invoice\n")
	ct, body := multipartBody(t, url.Values{"comment": {"Här är fakturan."}, "locale": {"sv"}}, map[string][]byte{"faktura.pdf": pdf})
	if resp, _ := post(t, f.ts, "/api/my/cases/"+c.ID+"/comments", ct, body, withCookie(cookie, nil)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", resp.StatusCode)
	}
	waitFor(t, "the comment in Zendesk", func() bool { return len(zd.TicketOf(c.ID).Comments) == 2 })
	tk = zd.TicketOf(c.ID)
	zc := tk.Comments[1]
	if zc.AuthorID != tk.RequesterID || !zc.Public || zc.Body != "Här är fakturan." || len(zc.Attachments) != 1 || !bytes.Equal(zc.Attachments[0].Data, pdf) {
		t.Errorf("the comment in Zendesk: %+v (requester %d)", zc, tk.RequesterID)
	}
	// Zendesk reports the comment back; the conversation keeps one copy.
	waitFor(t, "Zendesk's echo of the comment", func() bool {
		for _, e := range zd.Events() {
			if e.Status != 0 && strings.Contains(string(e.Body), fmt.Sprint(zc.ID)) {
				return true
			}
		}
		return false
	})
	conv := f.conversation(t, c.ID)
	if len(conv) != 1 || conv[0].ExternalID != fmt.Sprint(zc.ID) {
		t.Fatalf("after the echo: %+v", conv)
	}

	// The agent replies, asks for something, attaches a file.
	answers := zd.Reply(t, c.ID, "Tack! Vilket datum skickades den?\n\nSe https://help.example.com/sv/.", map[string][]byte{"guide.png": []byte("\x89PNG\r\n\x1a\nguide")}, "pending")
	for _, a := range answers {
		if a.Status != 200 {
			t.Fatalf("the hook answered %s with %d", a.Type, a.Status)
		}
	}
	got, _ := f.store.Case(ctx, c.ID)
	if got.Status != StatusPending {
		t.Errorf("status after the agent's pending: %s", got.Status)
	}
	conv = f.conversation(t, c.ID)
	if len(conv) != 3 || conv[1].Author != AuthorSupport || conv[1].AuthorName != casestest.AgentName || conv[2].Kind != EventStatus || conv[2].Status != StatusPending {
		t.Fatalf("conversation after the reply: %+v", conv)
	}
	// The reply's file comes from the ticket's comments (the event has
	// only the text), and the requester is mailed with a link back.
	waitFor(t, "the reply's file", func() bool {
		ev, _ := f.store.Event(ctx, conv[1].ID)
		return ev != nil && len(ev.Attachments) == 1
	})
	m := f.smtp.WaitFor(t, "the reply to the requester", func(m casestest.Mail) bool {
		return m.To[0] == "anna@example.se" && strings.Contains(m.Header("Subject"), "Nytt svar")
	})
	if !strings.Contains(m.Text(), "Vilket datum") || !strings.Contains(m.Text(), f.ts.URL+"/api/my/cases/"+c.ID+"?locale=sv") {
		t.Errorf("reply mail:\n%s", m.Text())
	}
	_, page := f.get(t, "/api/my/cases/"+c.ID, cookie, nil)
	for _, want := range []string{"Väntar på dig", "Eva Agent, support", "guide.png", "Vilket datum skickades den?", `<a href="https://help.example.com/sv/" rel="nofollow noopener noreferrer">`} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page lacks %q", want)
		}
	}

	// Redelivery changes nothing and gets 200.
	before := len(zd.Events())
	for i := range before {
		if a := zd.Redeliver(t, i); a.Status != 200 {
			t.Errorf("redelivery %d: %d", i, a.Status)
		}
	}
	if n := len(f.conversation(t, c.ID)); n != 3 {
		t.Errorf("%d events after redelivery, want 3", n)
	}
	notify := 0
	for _, j := range mustJobs(t, f.store) {
		if j.Kind == KindNotify {
			notify++
		}
	}
	if notify != 1 {
		t.Errorf("%d reply mails queued, want 1", notify)
	}

	// Solved, then the requester's answer on the page opens it again.
	if a := zd.SetStatus(t, c.ID, "solved"); a.Status != 200 {
		t.Fatal(a.Status)
	}
	if got, _ := f.store.Case(ctx, c.ID); got.Status != StatusSolved {
		t.Errorf("status %s, want solved", got.Status)
	}
}

func mustJobs(t *testing.T, s Store) []Job {
	t.Helper()
	jobs, err := s.Jobs(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// TestZendeskCaseFromBefore: a case whose ticket the handler never
// recorded (created before it did) is found by external_id, both for a
// comment and by the webhook.
func TestZendeskCaseFromBefore(t *testing.T) {
	f, zd := zendeskFixture(t)
	ctx := context.Background()
	c := f.submit(t, "old@example.se", "From before", "en")
	if err := f.store.SetTicket(ctx, c.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	if a := zd.SetStatus(t, c.ID, "open"); a.Status != 200 {
		t.Fatalf("status change: %d", a.Status)
	}
	got, _ := f.store.Case(ctx, c.ID)
	if got.Status != StatusOpen || got.TicketID != strconv.FormatInt(zd.TicketOf(c.ID).ID, 10) {
		t.Errorf("case from before after the webhook: %+v", got)
	}
	_ = f.store.SetTicket(ctx, c.ID, "", "")
	cookie := f.signIn(t, "old@example.se", "en")
	post(t, f.ts, "/api/my/cases/"+c.ID+"/comments", formType, "comment=Still+there%3F", withCookie(cookie, nil))
	waitFor(t, "the comment on the old case's ticket", func() bool { return len(zd.TicketOf(c.ID).Comments) == 2 })
	found := false
	for _, r := range zd.Requests() {
		found = found || r.Method == http.MethodGet && r.Path == "/api/v2/tickets.json" && r.Query == "external_id="+c.ID
	}
	if !found {
		t.Error("the ticket was not looked up by external_id")
	}
}

func TestZendeskHookRefuses(t *testing.T) {
	f, zd := zendeskFixture(t)
	c := f.submit(t, "anna@example.se", "x", "en")
	body, _ := json.Marshal(map[string]any{"type": "zen:event-type:ticket.status_changed", "id": "evt-refused",
		"subject": "zen:ticket:" + c.TicketID, "detail": map[string]any{"id": c.TicketID, "external_id": c.ID}, "event": map[string]any{"current": "SOLVED", "previous": "NEW"}})
	send := func(ts, sig string) int {
		req, _ := http.NewRequest(http.MethodPost, f.ts.URL+"/api/hooks/zendesk", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if ts != "" {
			req.Header.Set("X-Zendesk-Webhook-Signature-Timestamp", ts)
		}
		if sig != "" {
			req.Header.Set("X-Zendesk-Webhook-Signature", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	now := time.Now().UTC()
	stamp := func(d time.Duration) string { return now.Add(d).Format("2006-01-02T15:04:05Z") }
	for name, tc := range map[string]struct{ ts, sig string }{
		"no signature":        {stamp(0), ""},
		"no timestamp":        {"", casestest.Sign("zd-signing-secret", "", body)},
		"another secret":      {stamp(0), casestest.Sign("guess", stamp(0), body)},
		"signed for another":  {stamp(0), casestest.Sign("zd-signing-secret", stamp(0), append([]byte(" "), body...))},
		"ten minutes old":     {stamp(-10 * time.Minute), casestest.Sign("zd-signing-secret", stamp(-10*time.Minute), body)},
		"ten minutes ahead":   {stamp(10 * time.Minute), casestest.Sign("zd-signing-secret", stamp(10*time.Minute), body)},
		"timestamp not given": {"yesterday", casestest.Sign("zd-signing-secret", "yesterday", body)},
	} {
		if code := send(tc.ts, tc.sig); code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, code)
		}
	}
	if got, _ := f.store.Case(context.Background(), c.ID); got.Status != StatusNew {
		t.Fatalf("a refused event changed the case: %s", got.Status)
	}
	if code := send(stamp(-4*time.Minute), casestest.Sign("zd-signing-secret", stamp(-4*time.Minute), body)); code != 200 {
		t.Errorf("a good event four minutes old: %d", code)
	}
	if got, _ := f.store.Case(context.Background(), c.ID); got.Status != StatusSolved {
		t.Errorf("the good event did not apply: %s", got.Status)
	}
	// Events the hook does not apply get 200, so Zendesk does not retry.
	for _, ev := range []map[string]any{
		{"type": "zen:event-type:ticket.status_changed", "id": "e1", "detail": map[string]any{"id": "999999", "external_id": ""}, "event": map[string]any{"current": "OPEN"}},
		{"type": "zen:event-type:ticket.priority_changed", "id": "e2", "detail": map[string]any{"id": c.TicketID, "external_id": c.ID}, "event": map[string]any{"current": "HIGH"}},
		{"type": "zen:event-type:ticket.comment_added", "id": "e3", "detail": map[string]any{"id": c.TicketID, "external_id": c.ID},
			"event": map[string]any{"comment": map[string]any{"id": 1, "body": "internal note", "is_public": false, "author": map[string]any{"id": 1, "is_staff": true, "name": "Eva"}}}},
	} {
		b, _ := json.Marshal(ev)
		body = b
		if code := send(stamp(0), casestest.Sign("zd-signing-secret", stamp(0), body)); code != 200 {
			t.Errorf("event %v: %d", ev["id"], code)
		}
	}
	if conv := f.conversation(t, c.ID); len(conv) != 1 {
		t.Errorf("ignored events reached the conversation: %+v", conv)
	}
	body = []byte(`{"type": "zen:event-type:ticket.comment_added", "event": [1, 2]}`)
	if code := send(stamp(0), casestest.Sign("zd-signing-secret", stamp(0), body)); code != http.StatusBadRequest {
		t.Errorf("a malformed event: %d", code)
	}
	_ = zd
}

func TestZendeskHookOff(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	for _, p := range []string{"/api/hooks/zendesk", "/api/hooks/generic"} {
		if resp, _ := post(t, ts, p, "application/json", `{}`, jsonAccept); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s without a secret: %d, want 404", p, resp.StatusCode)
		}
	}
}

func signedGeneric(t *testing.T, ts *httptest.Server, secret string, at time.Time, v any) (*http.Response, string) {
	t.Helper()
	body, _ := json.Marshal(v)
	stamp := strconv.FormatInt(at.Unix(), 10)
	return post(t, ts, "/api/hooks/generic", "application/json", string(body), map[string]string{
		"X-Helpcenter-Timestamp": stamp, "X-Helpcenter-Signature": Sign(secret, stamp, body)})
}

func TestGenericHook(t *testing.T) {
	f := newRequesterFixture(t, Config{RateLimits: RateLimits{Off: true}, HookSecret: "other-system"})
	c := f.caseFor(t, "anna@example.se", "Elsewhere")
	now := time.Now()
	png := []byte("\x89PNG\r\n\x1a\nreply")
	reply := map[string]any{"id": "evt-100", "type": "comment_added", "case": c.ID, "status": "pending",
		"comment": map[string]any{"id": "c-7", "body": "Could you send the file?", "author": "support", "author_name": "Sam",
			"attachments": []any{map[string]any{"name": "how-to.png", "content_type": "image/png", "data": base64.StdEncoding.EncodeToString(png)}}}}
	for i := range 2 {
		resp, out := signedGeneric(t, f.ts, "other-system", now, reply)
		want := map[int]string{0: `"applied"`, 1: `"duplicate"`}[i]
		if resp.StatusCode != 200 || !strings.Contains(out, want) {
			t.Errorf("delivery %d: %d %s, want %s", i+1, resp.StatusCode, out, want)
		}
	}
	conv := f.conversation(t, c.ID)
	if len(conv) != 1 || conv[0].AuthorName != "Sam" || conv[0].Status != StatusPending || len(conv[0].Attachments) != 1 || conv[0].Attachments[0].ContentType != "image/png" {
		t.Fatalf("conversation: %+v", conv)
	}
	if got, _ := f.store.Case(context.Background(), c.ID); got.Status != StatusPending {
		t.Errorf("status %s", got.Status)
	}
	f.smtp.WaitFor(t, "the reply to the requester", func(m casestest.Mail) bool {
		return m.To[0] == "anna@example.se" && strings.Contains(m.Text(), "Could you send the file?")
	})
	if resp, out := signedGeneric(t, f.ts, "other-system", now, map[string]any{"id": "evt-101", "type": "status_changed", "case": c.ID, "status": "hold"}); resp.StatusCode != 200 || !strings.Contains(out, "applied") {
		t.Errorf("status change: %d %s", resp.StatusCode, out)
	}
	if got, _ := f.store.Case(context.Background(), c.ID); got.Status != StatusHold {
		t.Errorf("status %s, want hold", got.Status)
	}
	for name, tc := range map[string]struct {
		secret string
		at     time.Time
		v      any
		code   int
	}{
		"wrong secret":       {"guess", now, reply, 403},
		"stale":              {"other-system", now.Add(-time.Hour), map[string]any{"id": "evt-x", "type": "status_changed", "case": c.ID, "status": "open"}, 403},
		"unknown type":       {"other-system", now, map[string]any{"id": "evt-y", "type": "deleted", "case": c.ID}, 400},
		"unknown status":     {"other-system", now, map[string]any{"id": "evt-z", "type": "status_changed", "case": c.ID, "status": "resolved"}, 400},
		"no id":              {"other-system", now, map[string]any{"type": "status_changed", "case": c.ID, "status": "open"}, 400},
		"unknown field":      {"other-system", now, map[string]any{"id": "evt-w", "type": "status_changed", "case": c.ID, "status": "open", "priority": "high"}, 400},
		"another system's":   {"other-system", now, map[string]any{"id": "evt-v", "type": "status_changed", "case": "HC-NOTOURS", "status": "open"}, 200},
		"comment, no author": {"other-system", now, map[string]any{"id": "evt-u", "type": "comment_added", "case": c.ID, "comment": map[string]any{"body": "x"}}, 400},
	} {
		if resp, out := signedGeneric(t, f.ts, tc.secret, tc.at, tc.v); resp.StatusCode != tc.code {
			t.Errorf("%s: %d %s, want %d", name, resp.StatusCode, out, tc.code)
		}
	}
	if got, _ := f.store.Case(context.Background(), c.ID); got.Status != StatusHold {
		t.Errorf("refused events changed the status to %s", got.Status)
	}
}

// TestCommentWebhook: a requester's comment goes to the signed webhook as
// a comment_added event, keyed by case and comment.
func TestCommentWebhook(t *testing.T) {
	var mu sync.Mutex
	var got []*http.Request
	var bodies [][]byte
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Helpcenter-Signature") != Sign("key", r.Header.Get("X-Helpcenter-Timestamp"), body) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		got, bodies = append(got, r), append(bodies, body)
		mu.Unlock()
	}))
	defer hook.Close()
	store := openTestSQLite(t)
	f := newRequesterFixture(t, Config{Store: store, RateLimits: RateLimits{Off: true}, Senders: map[string]Sender{KindWebhook: &WebhookSender{URL: hook.URL, Secret: "key", Store: store}}})
	c := f.caseFor(t, "anna@example.se", "Hooked")
	cookie := f.signIn(t, "anna@example.se", "en")
	ct, body := multipartBody(t, url.Values{"comment": {"Another detail"}}, map[string][]byte{"n.txt": []byte("notes")})
	post(t, f.ts, "/api/my/cases/"+c.ID+"/comments", ct, body, withCookie(cookie, nil))
	waitFor(t, "the webhook", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 1 })
	var p commentPayload
	if err := json.Unmarshal(bodies[0], &p); err != nil || p.Type != "comment_added" || p.Case != c.ID || p.Comment.Body != "Another detail" ||
		p.Comment.Email != "anna@example.se" || len(p.Comment.Attachments) != 1 || p.Comment.Attachments[0].Name != "n.txt" {
		t.Errorf("payload %s: %v", bodies[0], err)
	}
	if k := got[0].Header.Get("Idempotency-Key"); k != fmt.Sprintf("%s/%d", c.ID, p.Comment.ID) {
		t.Errorf("Idempotency-Key %q", k)
	}
	_ = caseform.Email
}
