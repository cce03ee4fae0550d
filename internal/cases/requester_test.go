package cases

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
	"github.com/inexchange/helpcenter/internal/cases/casestest"
)

// requesterFixture is a handler with real SMTP delivery (sign-in links,
// support mail, replies to the requester) on loopback.
type requesterFixture struct {
	srv   *Server
	ts    *httptest.Server
	smtp  *casestest.SMTP
	store Store
}

func newRequesterFixture(t *testing.T, cfg Config) *requesterFixture {
	t.Helper()
	f := &requesterFixture{smtp: startSMTP(t), store: cfg.Store}
	if f.store == nil {
		f.store = openTestSQLite(t)
	}
	msgs, _ := LoadMessages()
	mc := MailConfig{Host: "127.0.0.1", Port: f.smtp.Port(), TLS: "none", From: "Help center <noreply@example.com>", Support: "support@example.com"}
	support := &MailSender{Config: mc, Messages: msgs, Store: f.store}
	cfg.Store = f.store
	if cfg.Senders == nil {
		cfg.Senders = map[string]Sender{}
	}
	cfg.Senders[KindSupportMail] = support
	cfg.Senders[KindNotify] = &MailSender{Config: mc, Notify: true, Messages: msgs, Store: f.store}
	cfg.SignInMail = support
	cfg.Outbox = fastRetries
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Frames == nil {
		cfg.Frames = testFrame
	}
	// The site's address is the test server's, known once it listens.
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	t.Cleanup(ts.Close)
	if cfg.SiteURL == "" {
		cfg.SiteURL = ts.URL
	}
	srv, err := NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ts.Config.Handler = srv
	for k := range cfg.Senders {
		if ms, ok := cfg.Senders[k].(*MailSender); ok {
			ms.SiteURL = cfg.SiteURL
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	f.srv, f.ts = srv, ts
	return f
}

// caseFor stores a case from email with the given subject and returns it.
func (f *requesterFixture) caseFor(t *testing.T, email, subject string) *Case {
	t.Helper()
	c := newCase(subject, "")
	c.Fields[caseform.Email] = email
	c.Fields[caseform.Description] = "The description of " + subject
	c.Attachments = []Attachment{{Name: "screen.png", ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n own file")}}
	if _, _, err := f.store.CreateCase(context.Background(), c, nil); err != nil {
		t.Fatal(err)
	}
	return c
}

// testFrame is a site's "Your cases" page as the build writes it,
// minified.
func testFrame(_ context.Context, locale string) ([]byte, error) {
	return []byte(`<!doctype html><html lang=` + locale + `><head><meta charset=utf-8><title>Your cases – Acme Help</title>` +
		`<link rel=canonical href=https://help.example.com/` + locale + `/cases/><link rel=alternate hreflang=sv href=https://help.example.com/sv/cases/>` +
		`<meta property=og:title content="Your cases"><link rel=stylesheet href=/assets/app.12345678.css><script src=/assets/cases.12345678.js defer></script></head>` +
		`<body class=kind-cases><header class=site-header><nav><ul><li><a class=lang-link href=/sv/cases/ hreflang=sv lang=sv>Svenska</a></ul></nav></header>` +
		`<main id=main tabindex=-1><div class="wrap cases-page" data-cases-frame data-home-url=/` + locale + `/ data-home-title="Acme Help" data-cases-url=/` + locale + `/cases/ ` +
		`data-case-form-url=/` + locale + `/articles/submit-a-case/><h1>Your cases</h1><form id=signin-form></form></div></main>` +
		`<footer class=site-footer>© Acme</footer></body></html>`), nil
}

var signinLink = regexp.MustCompile(`https?://\S+/api/signin/[A-Za-z0-9_-]{43}`)

// signIn asks for a link for email, takes it from the mail and follows
// it; it returns the session cookie.
func (f *requesterFixture) signIn(t *testing.T, email, locale string) *http.Cookie {
	t.Helper()
	before := len(f.smtp.Mails())
	resp, _ := post(t, f.ts, "/api/signin", formType, url.Values{"email": {email}, "locale": {locale}}.Encode(), nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /api/signin: %d", resp.StatusCode)
	}
	m := f.smtp.WaitForAfter(t, before, "with a sign-in link for "+email, func(m casestest.Mail) bool {
		return strings.EqualFold(m.To[0], email) && signinLink.MatchString(m.Text())
	})
	link := signinLink.FindString(m.Text())
	got, err := noRedirect.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
	if got.StatusCode != http.StatusSeeOther || len(got.Cookies()) != 1 {
		t.Fatalf("following the sign-in link: %d, cookies %v", got.StatusCode, got.Cookies())
	}
	return got.Cookies()[0]
}

// get fetches path with a cookie (nil for none) and headers.
func (f *requesterFixture) get(t *testing.T, path string, cookie *http.Cookie, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.ts.URL+path, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func withCookie(c *http.Cookie, hdr map[string]string) map[string]string {
	out := map[string]string{"Cookie": c.Name + "=" + c.Value}
	for k, v := range hdr {
		out[k] = v
	}
	return out
}

func TestSignInFlow(t *testing.T) {
	f := newRequesterFixture(t, Config{RateLimits: RateLimits{Off: true}})
	mine := f.caseFor(t, "Anna@Example.se", "Invoice 1843 undelivered")
	newer := f.caseFor(t, "anna@example.se", "Newer case")
	_ = f.caseFor(t, "bob@example.se", "Bob's own case")

	cookie := f.signIn(t, "anna@example.SE", "sv")
	if cookie.Name != sessionCookieLoopback || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.MaxAge != 0 || !cookie.Expires.IsZero() {
		t.Errorf("session cookie on a loopback site: %+v", cookie)
	}

	resp, body := f.get(t, "/api/my/cases", cookie, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `lang="sv"`) || !strings.Contains(body, "Invoice 1843 undelivered") ||
		!strings.Contains(body, "Newer case") || strings.Contains(body, "Bob") || !strings.Contains(body, "Ny") {
		t.Fatalf("the list in Swedish: %d\n%s", resp.StatusCode, body)
	}
	if strings.Index(body, "Newer case") > strings.Index(body, "Invoice 1843") {
		t.Error("the list is not newest first")
	}
	resp, body = f.get(t, "/api/my/cases?locale=en", cookie, jsonAccept)
	var list struct {
		Email string
		Cases []caseJSON
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil || resp.StatusCode != 200 || len(list.Cases) != 2 ||
		list.Cases[0].ID != newer.ID || list.Cases[0].StatusText != "New" || list.Cases[1].Subject != "Invoice 1843 undelivered" {
		t.Fatalf("JSON list: %d %s (%v)", resp.StatusCode, body, err)
	}

	resp, body = f.get(t, "/api/my/cases/"+mine.ID+"?locale=en", cookie, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "The description of Invoice 1843 undelivered") || !strings.Contains(body, "screen.png") ||
		!strings.Contains(body, `action="/api/my/cases/`+mine.ID+`/comments"`) {
		t.Fatalf("the case page: %d\n%s", resp.StatusCode, body)
	}
	resp, body = f.get(t, "/api/my/cases/"+mine.ID+"/files/0", cookie, nil)
	if resp.StatusCode != 200 || body != "\x89PNG\r\n\x1a\n own file" || resp.Header.Get("Content-Type") != "image/png" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the case's own file: %d %q %v", resp.StatusCode, body, resp.Header)
	}

	// Sign out ends the session on the server: the cookie no longer works.
	resp, _ = post(t, f.ts, "/api/signout", formType, "locale=sv", withCookie(cookie, nil))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sv/cases/" {
		t.Errorf("sign out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if c := resp.Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Errorf("sign out does not clear the cookie: %v", c)
	}
	if resp, _ := f.get(t, "/api/my/cases", cookie, jsonAccept); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the cookie after sign-out: %d, want 401", resp.StatusCode)
	}
	resp, _ = f.get(t, "/api/my/cases/"+mine.ID+"?locale=sv", cookie, nil)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/sv/cases/?next=%2Fapi%2Fmy%2Fcases%2F"+mine.ID {
		t.Errorf("a case page without a session: %d %s; want 303 to the sign-in page with next", resp.StatusCode, loc)
	}

	// Signing in from there comes back to the case: next rides on the
	// Referer of the sign-in form's post.
	before := len(f.smtp.Mails())
	post(t, f.ts, "/api/signin", formType, "email=anna%40example.se&locale=en", map[string]string{"Referer": f.ts.URL + "/en/cases/?next=%2Fapi%2Fmy%2Fcases%2F" + mine.ID})
	m := f.smtp.WaitForAfter(t, before, "with the second link", func(m casestest.Mail) bool { return signinLink.MatchString(m.Text()) })
	if m.Header("Subject") != "Your sign-in link" || !strings.Contains(m.Text(), "works once, for 30 minutes") {
		t.Errorf("sign-in mail in English: subject %q\n%s", m.Header("Subject"), m.Text())
	}
	got, err := noRedirect.Get(signinLink.FindString(m.Text()))
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
	if loc := got.Header.Get("Location"); loc != "/api/my/cases/"+mine.ID+"?locale=en" {
		t.Errorf("after signing in from a case's page: Location %q", loc)
	}
}

func TestSessionCookieOnHTTPS(t *testing.T) {
	f := newRequesterFixture(t, Config{RateLimits: RateLimits{Off: true}, SiteURL: "https://help.example.com"})
	f.caseFor(t, "anna@example.se", "x")
	post(t, f.ts, "/api/signin", formType, "email=anna%40example.se", nil)
	m := f.smtp.WaitFor(t, "with a link", func(m casestest.Mail) bool { return signinLink.MatchString(m.Text()) })
	link := signinLink.FindString(m.Text())
	if !strings.HasPrefix(link, "https://help.example.com/api/signin/") {
		t.Fatalf("the mailed link %q is not on the site", link)
	}
	resp, _ := f.get(t, strings.TrimPrefix(link, "https://help.example.com"), nil, nil)
	raw := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"__Host-helpcenter_session=", "Path=/", "HttpOnly", "Secure", "SameSite=Lax"} {
		if !strings.Contains(raw, want) {
			t.Errorf("Set-Cookie %q lacks %s", raw, want)
		}
	}
	for _, not := range []string{"Domain=", "Max-Age", "Expires"} {
		if strings.Contains(raw, not) {
			t.Errorf("Set-Cookie %q has %s: the session cookie goes with the browser, a __Host- cookie has no Domain", raw, not)
		}
	}
	if resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("the sign-in link's answer lets the token leak in Referer: %q", resp.Header.Get("Referrer-Policy"))
	}
	// The plain cookie name means nothing on an HTTPS site.
	id := resp.Cookies()[0].Value
	if r, _ := f.get(t, "/api/my/cases", &http.Cookie{Name: sessionCookieLoopback, Value: id}, jsonAccept); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("the loopback cookie name was accepted on an HTTPS site: %d", r.StatusCode)
	}
	if r, _ := f.get(t, "/api/my/cases", &http.Cookie{Name: sessionCookie, Value: id}, jsonAccept); r.StatusCode != 200 {
		t.Errorf("the session cookie: %d", r.StatusCode)
	}
}

// TestSignInNoEnumeration: an address with cases and one without get the
// same answer; only the first gets mail; the stored link is a hash.
func TestSignInNoEnumeration(t *testing.T) {
	f := newRequesterFixture(t, Config{RateLimits: RateLimits{Off: true}})
	f.caseFor(t, "known@example.se", "x")
	answer := func(email string, hdr map[string]string) (int, string, http.Header) {
		resp, body := post(t, f.ts, "/api/signin", formType, url.Values{"email": {email}, "locale": {"en"}}.Encode(), hdr)
		resp.Header.Del("Date")
		return resp.StatusCode, body, resp.Header
	}
	for _, hdr := range []map[string]string{nil, jsonAccept} {
		c1, b1, h1 := answer("unknown@example.se", hdr)
		c2, b2, h2 := answer("known@example.se", hdr)
		if c1 != c2 || b1 != b2 || fmt.Sprint(h1) != fmt.Sprint(h2) {
			t.Errorf("answers differ (Accept %v):\n%d %v %q\n%d %v %q", hdr, c1, h1, b1, c2, h2, b2)
		}
		if hdr == nil && (c1 != http.StatusSeeOther || h1.Get("Location") != "/api/signin/sent?locale=en") {
			t.Errorf("form answer: %d %v", c1, h1)
		}
		if hdr != nil && (c1 != http.StatusAccepted || !strings.Contains(b1, `"sent"`)) {
			t.Errorf("JSON answer: %d %s", c1, b1)
		}
	}
	f.smtp.WaitFor(t, "to the known address", func(m casestest.Mail) bool { return len(f.smtp.Mails()) >= 2 })
	time.Sleep(200 * time.Millisecond)
	for _, m := range f.smtp.Mails() {
		if m.To[0] != "known@example.se" {
			t.Errorf("a mail went to %v, an address without cases", m.To)
		}
		token := signinLink.FindString(m.Text())
		token = token[strings.LastIndexByte(token, '/')+1:]
		if _, err := f.store.Redeem(context.Background(), token, &Session{Hash: "x", Created: time.Now(), Expires: time.Now().Add(time.Hour)}, time.Now()); !errors.Is(err, ErrNotFound) {
			t.Errorf("the store takes the token itself as its key: %v", err)
		}
	}
	resp, body := f.get(t, "/api/signin/sent?locale=sv", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "Titta i din e-post") {
		t.Errorf("check-your-email page: %d %s", resp.StatusCode, body)
	}
	resp, body = post(t, f.ts, "/api/signin", formType, "email=not-an-address&locale=en", nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter an email address") {
		t.Errorf("a malformed address: %d %s", resp.StatusCode, body)
	}
}

func TestSignInRateLimits(t *testing.T) {
	f := newRequesterFixture(t, Config{TrustedProxyHeader: "X-Nf-Client-Connection-Ip", RateLimits: RateLimits{
		SignInsPerClient: Limit{Every: time.Hour, Burst: 3}, SignInsPerEmail: Limit{Every: time.Hour, Burst: 2}}})
	ask := func(email, ip string) *http.Response {
		resp, _ := post(t, f.ts, "/api/signin", formType, "email="+url.QueryEscape(email), map[string]string{"X-Nf-Client-Connection-Ip": ip, "Accept": "application/json"})
		return resp
	}
	// Per address, whoever asks: the third link for one address waits.
	for i, want := range []int{202, 202, 429} {
		if got := ask("victim@example.se", fmt.Sprintf("192.0.2.%d", i+1)); got.StatusCode != want {
			t.Errorf("link %d for one address from different clients: %d, want %d", i+1, got.StatusCode, want)
		} else if want == 429 && got.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	// Per client, whatever the address.
	for i, want := range []int{202, 202, 202, 429} {
		if got := ask(fmt.Sprintf("a%d@example.se", i), "198.51.100.7"); got.StatusCode != want {
			t.Errorf("request %d from one client: %d, want %d", i+1, got.StatusCode, want)
		}
	}
}

func TestRequesterSecurity(t *testing.T) {
	f := newRequesterFixture(t, Config{RateLimits: RateLimits{Off: true}, AllowedOrigins: []string{"https://help.example.com"}})
	mine := f.caseFor(t, "anna@example.se", "Mine")
	theirs := f.caseFor(t, "bob@example.se", "Theirs")
	spam := newCase("spam", "")
	spam.Spam = true
	_, _, _ = f.store.CreateCase(context.Background(), spam, nil)
	cookie := f.signIn(t, "anna@example.se", "en")
	ctx := context.Background()
	if _, err := f.store.AddEvent(ctx, &Event{CaseID: theirs.ID, Kind: EventComment, Author: AuthorRequester, Body: "x", Source: SourceWeb,
		Attachments: []Attachment{{Name: "b.txt", ContentType: "text/plain", Data: []byte("bob's")}}}, nil); err != nil {
		t.Fatal(err)
	}

	t.Run("another's case answers as no case at all", func(t *testing.T) {
		for _, hdr := range []map[string]string{nil, jsonAccept} {
			r1, b1 := f.get(t, "/api/my/cases/"+theirs.ID, cookie, hdr)
			r2, b2 := f.get(t, "/api/my/cases/HC-NOSUCHCASE", cookie, hdr)
			r3, b3 := f.get(t, "/api/my/cases/"+spam.ID, cookie, hdr)
			if r1.StatusCode != 404 || r1.StatusCode != r2.StatusCode || b1 != b2 || r3.StatusCode != 404 || b3 != b2 {
				t.Errorf("another's case %d vs none %d vs spam %d:\n%s\n%s", r1.StatusCode, r2.StatusCode, r3.StatusCode, b1, b2)
			}
			if strings.Contains(b1, "Theirs") || strings.Contains(b1, "bob") {
				t.Errorf("the answer shows the other case: %s", b1)
			}
		}
	})
	t.Run("another's files answer as no file at all", func(t *testing.T) {
		r1, b1 := f.get(t, "/api/my/cases/"+theirs.ID+"/files/1", cookie, nil)
		r2, b2 := f.get(t, "/api/my/cases/"+mine.ID+"/files/9", cookie, nil)
		r3, b3 := f.get(t, "/api/my/cases/HC-NOSUCHCASE/files/0", cookie, nil)
		r4, _ := f.get(t, "/api/my/cases/"+mine.ID+"/files/-1", cookie, nil)
		if r1.StatusCode != 404 || r2.StatusCode != 404 || r3.StatusCode != 404 || r4.StatusCode != 404 || b1 != b2 || b2 != b3 {
			t.Errorf("files: %d %d %d %d\n%s\n%s", r1.StatusCode, r2.StatusCode, r3.StatusCode, r4.StatusCode, b1, b2)
		}
		// Bob's file 1 exists; Anna's case has no file 1: it must not be
		// found through her case either.
		if r, _ := f.get(t, "/api/my/cases/"+mine.ID+"/files/1", cookie, nil); r.StatusCode != 404 {
			t.Errorf("another case's file number through one's own case: %d", r.StatusCode)
		}
	})
	t.Run("comments on another's case", func(t *testing.T) {
		ct, body := multipartBody(t, url.Values{"comment": {"sneaky"}}, nil)
		r1, b1 := post(t, f.ts, "/api/my/cases/"+theirs.ID+"/comments", ct, body, withCookie(cookie, nil))
		r2, b2 := post(t, f.ts, "/api/my/cases/HC-NOSUCHCASE/comments", ct, body, withCookie(cookie, nil))
		if r1.StatusCode != 404 || r2.StatusCode != 404 || b1 != b2 {
			t.Errorf("comment on another's case: %d vs %d", r1.StatusCode, r2.StatusCode)
		}
		conv, _ := f.store.Conversation(ctx, theirs.ID)
		if len(conv) != 1 {
			t.Errorf("the other case got the comment: %+v", conv)
		}
	})
	t.Run("replayed, expired, unknown and malformed links", func(t *testing.T) {
		token, hash := newSecret()
		now := time.Now()
		_ = f.store.CreateSignIn(ctx, &SignIn{Hash: hash, Email: "anna@example.se", Locale: "en", Created: now.Add(-31 * time.Minute), Expires: now.Add(-time.Minute)})
		fresh, freshHash := newSecret()
		_ = f.store.CreateSignIn(ctx, &SignIn{Hash: freshHash, Email: "anna@example.se", Locale: "en", Created: now, Expires: now.Add(SignInLifetime)})
		if r, _ := f.get(t, "/api/signin/"+fresh, nil, nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("a fresh link: %d", r.StatusCode)
		}
		var bodies []string
		for name, tok := range map[string]string{"replayed": fresh, "expired": token, "unknown": strings.Repeat("A", 43), "malformed": "x'<script>"} {
			r, b := f.get(t, "/api/signin/"+url.PathEscape(tok), nil, nil)
			if r.StatusCode != http.StatusForbidden || len(r.Cookies()) != 0 || !strings.Contains(b, "no longer works") {
				t.Errorf("%s link: %d cookies %v", name, r.StatusCode, r.Cookies())
			}
			bodies = append(bodies, b)
		}
		for _, b := range bodies[1:] {
			if b != bodies[0] {
				t.Error("the refused links' answers differ")
			}
		}
	})
	t.Run("cross-origin posts", func(t *testing.T) {
		evil := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
		ct, body := multipartBody(t, url.Values{"comment": {"forged"}}, nil)
		for path, req := range map[string][2]string{
			"/api/my/cases/" + mine.ID + "/comments": {ct, body},
			"/api/signout":                           {formType, ""},
			"/api/signin":                            {formType, "email=anna%40example.se"},
		} {
			r, _ := post(t, f.ts, path, req[0], req[1], withCookie(cookie, evil))
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("cross-origin POST %s: %d, want 403", path, r.StatusCode)
			}
		}
		if conv, _ := f.store.Conversation(ctx, mine.ID); len(conv) != 0 {
			t.Error("a cross-origin comment was stored")
		}
		if r, _ := f.get(t, "/api/my/cases", cookie, jsonAccept); r.StatusCode != 200 {
			t.Error("a cross-origin sign-out ended the session")
		}
		// The site itself may post.
		ok := map[string]string{"Origin": "https://help.example.com", "Sec-Fetch-Site": "same-origin"}
		if r, _ := post(t, f.ts, "/api/my/cases/"+mine.ID+"/comments", ct, body, withCookie(cookie, ok)); r.StatusCode != http.StatusSeeOther {
			t.Errorf("the site's own post: %d", r.StatusCode)
		}
	})
	t.Run("without a session", func(t *testing.T) {
		for _, p := range []string{"/api/my/cases", "/api/my/cases/" + mine.ID, "/api/my/cases/" + mine.ID + "/files/0"} {
			if r, b := f.get(t, p, nil, jsonAccept); r.StatusCode != http.StatusUnauthorized || strings.Contains(b, "Mine") {
				t.Errorf("GET %s without a session: %d %s", p, r.StatusCode, b)
			}
			if r, _ := f.get(t, p, &http.Cookie{Name: sessionCookieLoopback, Value: strings.Repeat("B", 43)}, nil); r.StatusCode != http.StatusSeeOther {
				t.Errorf("GET %s with a made-up session: %d", p, r.StatusCode)
			}
		}
		ct, body := multipartBody(t, url.Values{"comment": {"anonymous"}}, nil)
		if r, _ := post(t, f.ts, "/api/my/cases/"+mine.ID+"/comments", ct, body, nil); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("a comment without a session: %d", r.StatusCode)
		}
	})
}

func TestComments(t *testing.T) {
	f := newRequesterFixture(t, Config{RateLimits: RateLimits{Off: true}})
	c := f.caseFor(t, "anna@example.se", "Cannot send")
	cookie := f.signIn(t, "anna@example.se", "en")
	ctx := context.Background()

	pdf := []byte("%PDF-1.4\n% a file\n")
	ct, body := multipartBody(t, url.Values{"comment": {"It still fails <script>alert(1)</script>\r\nLine two"}, "locale": {"en"}},
		map[string][]byte{"log é.pdf": pdf})
	resp, _ := post(t, f.ts, "/api/my/cases/"+c.ID+"/comments", ct, body, withCookie(cookie, nil))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/api/my/cases/"+c.ID+"?locale=en&added=1#message-") {
		t.Fatalf("comment: %d %s", resp.StatusCode, loc)
	}
	conv, _ := f.store.Conversation(ctx, c.ID)
	if len(conv) != 1 || conv[0].Body != "It still fails <script>alert(1)</script>\nLine two" || len(conv[0].Attachments) != 1 || conv[0].Attachments[0].Name != "log é.pdf" {
		t.Fatalf("stored comment: %+v", conv)
	}
	// Stored before the answer, then delivered: support gets it by mail
	// with the case number in the subject, threaded under the case, with
	// the file.
	m := f.smtp.WaitFor(t, "to support with the comment", func(m casestest.Mail) bool {
		return m.To[0] == "support@example.com" && strings.Contains(m.Header("Subject"), c.ID)
	})
	if !strings.Contains(m.Header("Subject"), "Cannot send") || m.Header("In-Reply-To") != "<mail."+c.ID+"@example.com>" ||
		!strings.Contains(m.Text(), "It still fails") || !bytes.Contains(m.Data, []byte("log")) || m.Header("Reply-To") == "" {
		t.Errorf("support mail of the comment: subject %q in-reply-to %q\n%s", m.Header("Subject"), m.Header("In-Reply-To"), m.Data)
	}
	_, page := f.get(t, loc[:strings.IndexByte(loc, '#')], cookie, nil)
	for _, want := range []string{"Your comment has been added to the case.", "It still fails &lt;script&gt;alert(1)&lt;/script&gt;<br>Line two",
		"log é.pdf</a>", "(PDF, 1 KB)", `href="/api/my/cases/` + c.ID + `/files/1"`} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("the comment's markup reached the page unescaped")
	}
	r, data := f.get(t, "/api/my/cases/"+c.ID+"/files/1", cookie, nil)
	if r.StatusCode != 200 || data != string(pdf) || !strings.Contains(r.Header.Get("Content-Disposition"), "filename*=utf-8''log%20%C3%A9.pdf") {
		t.Errorf("comment file: %d %v", r.StatusCode, r.Header)
	}

	t.Run("invalid: kept and listed", func(t *testing.T) {
		ct, body := multipartBody(t, url.Values{"comment": {"   "}, "locale": {"sv"}}, map[string][]byte{"a.exe": []byte("MZ\x90\x00binary")})
		resp, page := post(t, f.ts, "/api/my/cases/"+c.ID+"/comments", ct, body, withCookie(cookie, nil))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#comment-body"`) || !strings.Contains(page, `href="#comment-files"`) ||
			!strings.Contains(page, "Fältet är obligatoriskt") && !strings.Contains(page, "obligatoriskt") {
			t.Errorf("invalid comment page: %d\n%s", resp.StatusCode, page)
		}
		long := strings.Repeat("å", commentMaxLen+1)
		resp, out := post(t, f.ts, "/api/my/cases/"+c.ID+"/comments", formType, url.Values{"comment": {long}}.Encode(), withCookie(cookie, jsonAccept))
		var got struct{ Errors map[string]fieldError }
		_ = json.Unmarshal([]byte(out), &got)
		if resp.StatusCode != 422 || got.Errors["comment"].Key != caseform.ErrTooLong {
			t.Errorf("a comment too long: %d %s", resp.StatusCode, out)
		}
		if conv, _ := f.store.Conversation(ctx, c.ID); len(conv) != 1 {
			t.Errorf("%d events; only the valid comment posts count", len(conv))
		}
	})
	t.Run("JSON and urlencoded", func(t *testing.T) {
		resp, out := post(t, f.ts, "/api/my/cases/"+c.ID+"/comments", "application/json", `{"comment":"From a script"}`, withCookie(cookie, jsonAccept))
		if resp.StatusCode != http.StatusCreated || !strings.Contains(out, `"case":"`+c.ID+`"`) {
			t.Errorf("JSON comment: %d %s", resp.StatusCode, out)
		}
	})
	t.Run("a requester's answer reopens, a closed case refuses", func(t *testing.T) {
		_, _ = f.store.AddEvent(ctx, &Event{CaseID: c.ID, Kind: EventStatus, Author: AuthorSupport, Status: StatusPending, Source: SourceCLI}, nil)
		post(t, f.ts, "/api/my/cases/"+c.ID+"/comments", formType, "comment=Answer", withCookie(cookie, nil))
		if got, _ := f.store.Case(ctx, c.ID); got.Status != StatusOpen {
			t.Errorf("after answering a pending case: %s", got.Status)
		}
		_, _ = f.store.AddEvent(ctx, &Event{CaseID: c.ID, Kind: EventStatus, Author: AuthorSupport, Status: StatusClosed, Source: SourceCLI}, nil)
		resp, out := post(t, f.ts, "/api/my/cases/"+c.ID+"/comments", formType, "comment=Too+late", withCookie(cookie, jsonAccept))
		if resp.StatusCode != http.StatusConflict || !strings.Contains(out, msgCommentClosed) {
			t.Errorf("comment on a closed case: %d %s", resp.StatusCode, out)
		}
		_, page := f.get(t, "/api/my/cases/"+c.ID, cookie, nil)
		if strings.Contains(page, `id="comment-form"`) || !strings.Contains(page, "Create a follow-up case") || !strings.Contains(page, "Closed") {
			t.Errorf("a closed case's page offers a comment form or no follow-up:\n%s", page)
		}
	})
}

// TestFollowUp: a case created from a closed case's "follow-up" link
// carries its number when it is the same requester's.
func TestFollowUp(t *testing.T) {
	f := newRequesterFixture(t, Config{RateLimits: RateLimits{Off: true}})
	old := f.caseFor(t, "anna@example.se", "Old")
	other := f.caseFor(t, "bob@example.se", "Bob's")
	form := validForm()
	form.Set("email", "anna@example.se")
	resp, out := post(t, f.ts, "/api/cases", formType, form.Encode(), map[string]string{"Accept": "application/json", "Referer": f.ts.URL + "/en/articles/create/?follow_up=" + old.ID})
	var got struct{ ID string }
	_ = json.Unmarshal([]byte(out), &got)
	c, err := f.store.Case(context.Background(), got.ID)
	if resp.StatusCode != 201 || err != nil || c.Fields[caseform.FollowUp] != old.ID {
		t.Fatalf("follow-up case: %d %s %+v", resp.StatusCode, out, c)
	}
	form.Set(caseform.FollowUp, other.ID)
	_, out = post(t, f.ts, "/api/cases", formType, form.Encode(), jsonAccept)
	_ = json.Unmarshal([]byte(out), &got)
	if c, _ := f.store.Case(context.Background(), got.ID); c.Fields[caseform.FollowUp] != "" {
		t.Errorf("a follow-up of another requester's case kept its number: %+v", c.Fields)
	}
}

// TestRouteOf: /metrics labels name routes, never a case number, token or
// file number (which would leak them and grow the label set forever).
func TestRouteOf(t *testing.T) {
	for p, want := range map[string]string{
		"/cases": "/cases", "/cases/HC-1": "/cases/{id}", "/signin": "/signin", "/signin/sent": "/signin/sent",
		"/signin/AbC_-" + strings.Repeat("x", 38): "/signin/{token}", "/my/cases": "/my/cases", "/my/cases/HC-1": "/my/cases/{id}",
		"/my/cases/HC-1/comments": "/my/cases/{id}/comments", "/my/cases/HC-1/files/3": "/my/cases/{id}/files/{n}",
		"/my/cases/HC-1/x/y/z": "other", "/hooks/zendesk": "/hooks/zendesk", "/hooks/generic": "/hooks/generic", "/secret-probe": "other",
	} {
		if got := routeOf(p); got != want {
			t.Errorf("routeOf(%q) = %q, want %q", p, got, want)
		}
	}
}
