package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/cases/casestest"
)

// casesSite is the sample site served with a form handler that delivers
// for real: SMTP to a server in the test, tickets to a fake Zendesk whose
// ticket events come back to /api/hooks/zendesk.
type casesSite struct {
	*fixture
	smtp    *casestest.SMTP
	zendesk *casestest.Zendesk
	store   cases.Store
}

// lateHandler is a handler set after the server that uses it starts: the
// form handler needs the site's address, which is known only then.
type lateHandler struct{ h atomic.Pointer[http.Handler] }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*l.h.Load()).ServeHTTP(w, r)
}

func startCasesSite(t *testing.T) *casesSite {
	t.Helper()
	base := sampleSite(t)
	late := &lateHandler{}
	srv, err := startSiteServer(base.public, filepath.Join(base.root, "netlify.toml"), late)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cs := &casesSite{smtp: casestest.StartSMTP(t), zendesk: casestest.StartZendesk(t, "agent@example.com", "zd-token")}
	cs.store, err = cases.OpenSQLite(filepath.Join(t.TempDir(), "cases.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.store.Close() })
	msgs, err := cases.LoadMessages()
	if err != nil {
		t.Fatal(err)
	}
	mc := cases.MailConfig{Host: "127.0.0.1", Port: cs.smtp.Port(), TLS: "none", From: "InExchange Help Center <noreply@example.com>", Support: "support@example.com"}
	mail := func(notify bool) *cases.MailSender {
		return &cases.MailSender{Config: mc, Notify: notify, Messages: msgs, Store: cs.store, SiteURL: srv.URL}
	}
	zd := &cases.ZendeskSender{BaseURL: cs.zendesk.URL, Email: "agent@example.com", Token: "zd-token", Store: cs.store, Messages: msgs}
	api, err := cases.NewServer(cases.Config{
		Store: cs.store, SiteURL: srv.URL, Frames: publishedFrames(base.public), TimeZone: time.UTC,
		Senders: map[string]cases.Sender{cases.KindSupportMail: mail(false), cases.KindNotify: mail(true),
			cases.KindZendesk: zd, cases.KindZendeskFiles: zd},
		SignInMail: mail(false), Zendesk: zd, ZendeskWebhookSecret: "zd-signing-secret",
		RateLimits: cases.RateLimits{Off: true},
		Outbox:     cases.OutboxConfig{Poll: 20 * time.Millisecond, BaseDelay: 20 * time.Millisecond, MaxDelay: 200 * time.Millisecond},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = api
	late.h.Store(&h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = api.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; api.Close() })
	cs.zendesk.WebhookURL, cs.zendesk.WebhookSecret = srv.URL+"/api/hooks/zendesk", "zd-signing-secret"
	f := *base
	f.srv, f.api = srv, api
	cs.fixture = &f
	return cs
}

// submitCase posts a case to the site as its form does and waits for the
// ticket in Zendesk.
func (cs *casesSite) submitCase(t *testing.T, email, subject, locale string) string {
	t.Helper()
	form := url.Values{"name": {"Ada Lovelace"}, "email": {email}, "category": {"technical"}, "subject": {subject},
		"description": {"Invoice 1843 to Analytical Engines AB is stuck.\n\nIt says <undelivered>."}, "locale": {locale}}
	req, _ := http.NewRequest(http.MethodPost, cs.srv.URL+"/api/cases", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`"id":"([^"]+)"`).FindSubmatch(body)
	if resp.StatusCode != 201 || m == nil {
		t.Fatalf("submit a case: %d %s", resp.StatusCode, body)
	}
	id := string(m[1])
	deadline := time.Now().Add(30 * time.Second)
	for cs.zendesk.TicketOf(id) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("no Zendesk ticket for %s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return id
}

var mailedLink = regexp.MustCompile(`https?://\S+/api/signin/[A-Za-z0-9_-]{43}`)

// yourCasesText is what the pages say, per locale.
var yourCasesText = map[string]struct {
	nav, sent, added, pending, reply, closed string
}{
	"en": {"Your cases", "Check your email", "Your comment has been added to the case.", "Waiting for you", "New answer", "Closed"},
	"sv": {"Dina ärenden", "Titta i din e-post", "Din kommentar har lagts till i ärendet.", "Väntar på dig", "Nytt svar", "Avslutat"},
}

// TestYourCases is the whole requester flow in Chromium, in both
// languages, with and without JavaScript: the header's "Your cases",
// sign-in by the link mailed to a real SMTP server, the list, the case,
// a comment with a file (to Zendesk as the requester's public comment),
// the agent's reply and new status coming back by Zendesk's signed
// webhook, and sign-out.
func TestYourCases(t *testing.T) {
	cs := startCasesSite(t)
	upload := filepath.Join(t.TempDir(), "skärmbild.png")
	if err := os.WriteFile(upload, append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 256)...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, locale := range []string{"en", "sv"} {
		for _, scripts := range []bool{true, false} {
			name := locale + " with JavaScript"
			if !scripts {
				name = locale + " without JavaScript"
			}
			t.Run(name, func(t *testing.T) {
				text := yourCasesText[locale]
				email := fmt.Sprintf("ada.%s.%v@example.com", locale, scripts)
				subject := "Invoice stuck <" + name + ">"
				id := cs.submitCase(t, email, subject, locale)
				tb := openTab(t, cs.fixture)
				tb.setScripts(t, scripts)

				// The header leads to the sign-in page.
				tb.open(t, "/"+locale+"/")
				if got := js[string](t, tb, `document.querySelector('.site-header__nav a[href$="/cases/"]').textContent`); got != text.nav {
					t.Errorf("the header link says %q, want %q", got, text.nav)
				}
				tb.follow(t, `.site-header__nav a[href="/`+locale+`/cases/"]`)
				if p := tb.path(t); p != "/"+locale+"/cases/" {
					t.Fatalf("the header link went to %s", p)
				}
				// axe runs in the page: it checks the pages with scripts on
				// (the markup is the same without).
				audit := func(where string) {
					if scripts {
						axeCheck(t, tb, where)
					}
				}
				// At 320 CSS pixels too: one column, no sideways scrolling.
				narrow := func(where string) {
					tb.setScreen(t, 320, 800)
					defer tb.setScreen(t, 1280, 1024)
					checkReflow(t, tb)
					audit(where + " (320 px)")
				}
				audit("/" + locale + "/cases/")
				if scripts {
					// An address that cannot be one is caught in the page.
					mark := tb.mark()
					tb.do(t, chromedp.SendKeys(chromedp.CSS("#signin-email"), "ada@"))
					tb.do(t, chromedp.Click(chromedp.CSS("#signin-form .case-form__submit")))
					waitFor(t, tb, `!document.getElementById("signin-email-error").hidden`, "the inline error")
					for _, r := range tb.requestsSince(mark) {
						if strings.Contains(r.URL, "/api/signin") {
							t.Errorf("an invalid address was sent: %s", r.URL)
						}
					}
					js[string](t, tb, `document.getElementById("signin-email").value = ""`)
				}
				before := len(cs.smtp.Mails())
				tb.do(t, chromedp.SendKeys(chromedp.CSS("#signin-email"), email))
				resp := tb.follow(t, "#signin-form .case-form__submit")
				if resp.Status != 200 || !strings.HasPrefix(tb.path(t), "/api/signin/sent") {
					t.Fatalf("after asking for a link: %d at %s", resp.Status, tb.path(t))
				}
				if h1 := js[string](t, tb, `document.querySelector("main h1").textContent`); h1 != text.sent {
					t.Errorf("the check-your-email page says %q", h1)
				}
				audit("the check-your-email page")

				m := cs.smtp.WaitForAfter(t, before, "with the sign-in link", func(m casestest.Mail) bool {
					return m.To[0] == email && mailedLink.MatchString(m.Text())
				})
				link := mailedLink.FindString(m.Text())
				if !strings.HasPrefix(link, cs.srv.URL+"/api/signin/") {
					t.Fatalf("the mailed link %q is not on the site", link)
				}
				tb.open(t, strings.TrimPrefix(link, cs.srv.URL))
				if p := tb.path(t); p != "/api/my/cases?locale="+locale {
					t.Fatalf("the link led to %s", p)
				}
				var cookies []*network.Cookie
				tb.call(t, func(ctx context.Context) error {
					res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
					cookies = res.Cookies
					return err
				})
				var session *network.Cookie
				for _, c := range cookies {
					if strings.Contains(c.Name, "helpcenter_session") {
						session = c
					}
				}
				if session == nil || !session.HTTPOnly || session.SameSite != network.CookieSameSiteLax {
					t.Fatalf("the session cookie: %+v", session)
				}
				// The list: the site's look, this reader's case.
				if js[int](t, tb, `document.querySelectorAll('link[rel=stylesheet][href^="/assets/app."]').length`) != 1 ||
					js[string](t, tb, `getComputedStyle(document.querySelector(".site-header")).borderBottomStyle`) != "solid" {
					t.Error("the list is not styled by the site's stylesheet")
				}
				if got := js[string](t, tb, `document.documentElement.lang`); got != locale {
					t.Errorf("the list's language is %q", got)
				}
				row := js[string](t, tb, `document.querySelector(".my-cases__table tbody tr").textContent`)
				if !strings.Contains(row, subject) || !strings.Contains(row, id) {
					t.Errorf("the list's row %q lacks the case", row)
				}
				audit("the list of cases")
				narrow("the list of cases")

				tb.follow(t, ".my-cases__table tbody a")
				if p := tb.path(t); !strings.HasPrefix(p, "/api/my/cases/"+id) {
					t.Fatalf("the case link went to %s", p)
				}
				if h1 := js[string](t, tb, `document.querySelector("main h1").textContent`); h1 != subject {
					t.Errorf("the case page's heading %q, want the subject, escaped and whole", h1)
				}
				if got := js[string](t, tb, `document.querySelector(".message__body").textContent`); !strings.Contains(got, "It says <undelivered>.") {
					t.Errorf("the description shows as %q", got)
				}
				audit("the case page")
				narrow("the case page")

				if scripts {
					mark := tb.mark()
					tb.do(t, chromedp.Click(chromedp.CSS("#comment-form .case-form__submit")))
					waitFor(t, tb, `!document.getElementById("comment-body-error").hidden`, "the inline error")
					for _, r := range tb.requestsSince(mark) {
						if strings.Contains(r.URL, "/comments") {
							t.Errorf("an empty comment was sent: %s", r.URL)
						}
					}
				}
				tb.do(t, chromedp.SendKeys(chromedp.CSS("#comment-body"), "Here is a screenshot of the error."))
				tb.do(t, chromedp.SetUploadFiles(chromedp.CSS("#comment-files"), []string{upload}))
				resp = tb.follow(t, "#comment-form .case-form__submit")
				if resp.Status != 200 {
					t.Fatalf("after the comment: %d", resp.Status)
				}
				if got := js[string](t, tb, `(document.querySelector(".case-form__done") || {}).textContent || ""`); got != text.added {
					t.Errorf("the notice after the comment: %q", got)
				}
				files := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll(".message__files a"), function (a) { return a.textContent + " " + a.getAttribute("href"); })`)
				if len(files) != 1 || !strings.HasPrefix(files[0], "skärmbild.png /api/my/cases/"+id+"/files/") {
					t.Errorf("the comment's file on the page: %q", files)
				}

				// Zendesk: a public comment by the requester, with the file.
				var tk *casestest.Ticket
				deadline := time.Now().Add(30 * time.Second)
				for tk = cs.zendesk.TicketOf(id); len(tk.Comments) < 2; tk = cs.zendesk.TicketOf(id) {
					if time.Now().After(deadline) {
						t.Fatal("the comment did not reach Zendesk")
					}
					time.Sleep(20 * time.Millisecond)
				}
				c := tk.Comments[1]
				if c.AuthorID != tk.RequesterID || !c.Public || c.Body != "Here is a screenshot of the error." || len(c.Attachments) != 1 || c.Attachments[0].FileName != "skärmbild.png" {
					t.Errorf("the comment in Zendesk: %+v", c)
				}

				// The agent answers and waits for the requester; the page
				// shows it after a reload, and the requester is mailed.
				for _, a := range cs.zendesk.Reply(t, id, "Thank you. Which date was it sent?", nil, "pending") {
					if a.Status != 200 {
						t.Fatalf("the hook answered %s with %d", a.Type, a.Status)
					}
				}
				tb.open(t, "/api/my/cases/"+id+"?locale="+locale)
				if got := js[string](t, tb, `document.querySelector(".case-meta .case-status").textContent`); got != text.pending {
					t.Errorf("the status after the webhook: %q, want %q", got, text.pending)
				}
				msgs := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll(".message"), function (m) { return m.className + ": " + m.querySelector(".message__body").textContent; })`)
				if len(msgs) != 3 || !strings.Contains(msgs[2], "message--support") || !strings.Contains(msgs[2], "Which date was it sent?") {
					t.Errorf("the conversation: %q", msgs)
				}
				reply := cs.smtp.WaitFor(t, "with the reply", func(m casestest.Mail) bool {
					return m.To[0] == email && strings.Contains(m.Header("Subject"), text.reply)
				})
				if !strings.Contains(reply.Text(), cs.srv.URL+"/api/my/cases/"+id) {
					t.Errorf("the reply mail has no link back:\n%s", reply.Text())
				}
				tb.setColorScheme(t, "dark")
				audit("the case page with a reply (dark)")
				tb.setColorScheme(t, "")

				// Closed: no comment form, a follow-up instead.
				if a := cs.zendesk.SetStatus(t, id, "closed"); a.Status != 200 {
					t.Fatalf("closing: %d", a.Status)
				}
				tb.open(t, "/api/my/cases/"+id+"?locale="+locale)
				if js[bool](t, tb, `!!document.getElementById("comment-form")`) {
					t.Error("a closed case offers the comment form")
				}
				follow := js[string](t, tb, `(document.querySelector('.cta a.button') || {}).getAttribute ? document.querySelector('.cta a.button').getAttribute("href") : ""`)
				if !strings.HasSuffix(follow, "?follow_up="+id) {
					t.Errorf("the follow-up link: %q", follow)
				}
				if scripts {
					// The case form takes the number along and says so; without
					// JavaScript the handler reads it from the Referer.
					tb.follow(t, ".cta a.button")
					if got := js[string](t, tb, `document.querySelector('#case-form [name="follow_up"]').value`); got != id {
						t.Errorf("the case form's follow_up is %q, want %s", got, id)
					}
					if note := js[string](t, tb, `(document.querySelector(".case-form__follow-up") || {}).textContent || ""`); !strings.Contains(note, id) {
						t.Errorf("the case form does not say it follows up %s: %q", id, note)
					}
					tb.open(t, "/api/my/cases/"+id+"?locale="+locale)
				}

				// Sign out: back to the sign-in page, the session gone.
				tb.follow(t, ".signout button")
				if p := tb.path(t); p != "/"+locale+"/cases/" {
					t.Errorf("after signing out: %s", p)
				}
				tb.open(t, "/api/my/cases?locale="+locale)
				if p := tb.path(t); p != "/"+locale+"/cases/" {
					t.Errorf("the list after signing out is at %s, want the sign-in page", p)
				}

				// A link to the case (as in the reply mail) when not signed
				// in: sign in, and the mailed link comes back to the case
				// (the sign-in page's address, ?next=, rides on the Referer).
				tb.open(t, "/api/my/cases/"+id+"?locale="+locale)
				if p := tb.path(t); !strings.HasPrefix(p, "/"+locale+"/cases/?next=") {
					t.Fatalf("the case without a session is at %s", p)
				}
				before = len(cs.smtp.Mails())
				tb.do(t, chromedp.SendKeys(chromedp.CSS("#signin-email"), email))
				tb.follow(t, "#signin-form .case-form__submit")
				m = cs.smtp.WaitForAfter(t, before, "with the second link", func(m casestest.Mail) bool {
					return m.To[0] == email && mailedLink.MatchString(m.Text())
				})
				tb.open(t, strings.TrimPrefix(mailedLink.FindString(m.Text()), cs.srv.URL))
				if p := tb.path(t); !strings.HasPrefix(p, "/api/my/cases/"+id) {
					t.Errorf("signing in from the case's link ended at %s, want the case", p)
				}
				tb.checkClean(t)
			})
		}
	}
}

// TestYourCasesCrossOrigin: a page on another site that posts a comment
// and a sign-out to the help center gets 403, and nothing happens.
func TestYourCasesCrossOrigin(t *testing.T) {
	cs := startCasesSite(t)
	id := cs.submitCase(t, "grace@example.com", "Cross-origin", "en")
	tb := openTab(t, cs.fixture)
	// Sign in through the page, as a reader does.
	tb.open(t, "/en/cases/")
	before := len(cs.smtp.Mails())
	tb.do(t, chromedp.SendKeys(chromedp.CSS("#signin-email"), "grace@example.com"))
	tb.follow(t, "#signin-form .case-form__submit")
	m := cs.smtp.WaitForAfter(t, before, "with the link", func(m casestest.Mail) bool { return mailedLink.MatchString(m.Text()) })
	tb.open(t, strings.TrimPrefix(mailedLink.FindString(m.Text()), cs.srv.URL))

	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><title>Win a prize</title>
<form id="c" method="post" action="%[1]s/api/my/cases/%[2]s/comments" enctype="multipart/form-data"><input name="comment" value="forged"><button>Go</button></form>
<form id="o" method="post" action="%[1]s/api/signout"><button>Out</button></form>`, cs.srv.URL, id)
	}))
	defer evil.Close()
	eu, _ := url.Parse(evil.URL)
	tb.hosts[eu.Host] = true
	for _, form := range []string{"#c button", "#o button"} {
		tb.expectError("/api/my/cases/" + id + "/comments")
		tb.expectError("/api/signout")
		tb.do(t, chromedp.Navigate(evil.URL))
		resp := tb.follow(t, form)
		if resp.Status != http.StatusForbidden {
			t.Errorf("a cross-origin post (%s): %d, want 403", form, resp.Status)
		}
	}
	tb.open(t, "/api/my/cases/"+id)
	if js[int](t, tb, `document.querySelectorAll(".message").length`) != 1 {
		t.Error("the cross-origin comment reached the case")
	}
	if !strings.HasPrefix(tb.path(t), "/api/my/cases/") {
		t.Errorf("the cross-origin sign-out ended the session: at %s", tb.path(t))
	}
	tb.checkClean(t)
}
