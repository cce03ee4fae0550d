package cases

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseFrame(t *testing.T) {
	src, _ := testFrame(context.Background(), "en")
	f, err := parseFrame([]byte(strings.Replace(string(src), "<nav><ul>", `<nav><ul><li><a href=/en/cases/ aria-current=page>Your cases</a>`, 1)), "/api/my/cases?locale=en")
	if err != nil {
		t.Fatal(err)
	}
	if f.Home != "/en/" || f.HomeTitle != "Acme Help" || f.CaseFormURL != "/en/articles/submit-a-case/" {
		t.Errorf("frame data %+v", f)
	}
	var b strings.Builder
	if err := f.write(&b, `A <title> & more`, []byte(`<p id="mine">handler's</p>`), func(l string) string { return "/api/my/cases?locale=" + l + `&x="y"` }); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`<title>A &lt;title&gt; &amp; more</title>`,
		`<main id="main" tabindex="-1"><p id="mine">handler's</p></main>`,
		`href="/api/my/cases?locale=sv&amp;x=&#34;y&#34;"`,
		`<link rel="stylesheet" href="/assets/app.12345678.css"/>`,
		`<footer class="site-footer">© Acme</footer>`,
		`<a aria-current="page" href="/api/my/cases?locale=en">Your cases</a>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("framed page lacks %s:\n%s", want, out)
		}
	}
	for _, gone := range []string{"canonical", "hreflang=\"sv\" href=\"https", "og:title", "signin-form", "Your cases – Acme Help"} {
		if strings.Contains(out, gone) {
			t.Errorf("framed page keeps %q:\n%s", gone, out)
		}
	}
	if _, err := parseFrame([]byte(`<!doctype html><title>x</title><p>no main`), ""); err == nil {
		t.Error("a page without <main> made a frame")
	}
}

// TestFramesFromSite: the frame is fetched from the site, kept for the
// TTL, revalidated with If-None-Match, and a plain one serves when the
// site cannot be had.
func TestFramesFromSite(t *testing.T) {
	var hits, notModified atomic.Int32
	var down atomic.Bool
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		hits.Add(1)
		if r.URL.Path != "/sv/cases/" && r.URL.Path != "/en/cases/" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		src, _ := testFrame(r.Context(), strings.Split(r.URL.Path, "/")[1])
		w.Header().Set("ETag", `"v1"`)
		_, _ = w.Write(src)
	}))
	defer site.Close()
	msgs, _ := LoadMessages()
	fs := newFrames(site.URL+"/", "/api", nil, 50*time.Millisecond, msgs, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	if f := fs.get(ctx, "sv"); f.HomeTitle != "Acme Help" {
		t.Fatalf("the site's frame was not used: %+v", f)
	}
	fs.get(ctx, "sv")
	if hits.Load() != 1 {
		t.Errorf("%d fetches within the TTL, want 1", hits.Load())
	}
	time.Sleep(80 * time.Millisecond)
	fs.get(ctx, "sv") // stale: served, and revalidated in the background
	waitFor(t, "the revalidation", func() bool { return notModified.Load() == 1 })
	down.Store(true)
	if f := fs.get(ctx, "en"); f.HomeTitle != "" || f.Home != "/en/" {
		t.Errorf("with the site down and nothing cached, the plain frame: %+v", f)
	}
	if f := fs.get(ctx, "sv"); f.HomeTitle != "Acme Help" {
		t.Errorf("with the site down, the cached frame stays: %+v", f)
	}
}

// TestPagesWithoutSite: with no site to frame them, the handler's pages
// are plain, valid pages that still link home.
func TestPagesWithoutSite(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	resp, body := do(t, ts, http.MethodGet, "/api/signin/sent?locale=sv", "", "", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `<html lang="sv">`) || !strings.Contains(body, `href="/sv/"`) ||
		!strings.Contains(body, "<title>Titta i din e-post</title>") || resp.Header.Get("Content-Security-Policy") != pageCSP {
		t.Errorf("plain page: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
}

func FuzzBodyHTML(f *testing.F) {
	for _, s := range []string{"plain", "<script>alert(1)</script>", "a\n\nb\nc", "see https://x.example/a?b=<c>&d=\"e\".", "https://\"onmouseover=", "\r\n\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(bodyHTML(s))
		// Only the markup bodyHTML writes itself may appear.
		rest := out
		for _, tag := range []string{"<p>", "</p>", "<br>", "</a>"} {
			rest = strings.ReplaceAll(rest, tag, "")
		}
		for strings.Contains(rest, `<a href="`) {
			i := strings.Index(rest, `<a href="`)
			j := strings.Index(rest[i:], `" rel="nofollow noopener noreferrer">`)
			if j < 0 {
				t.Fatalf("a link without its attributes in %q", out)
			}
			href := rest[i+len(`<a href="`) : i+j]
			if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") || strings.ContainsAny(href, "<>\" ") {
				t.Fatalf("link %q in %q", href, out)
			}
			rest = rest[:i] + rest[i+j+len(`" rel="nofollow noopener noreferrer">`):]
		}
		if strings.ContainsAny(rest, "<>") {
			t.Fatalf("markup from the text reached the page: %q → %q", s, out)
		}
	})
}

func FuzzParseZendesk(f *testing.F) {
	f.Add([]byte(`{"type":"zen:event-type:ticket.comment_added","id":"e1","subject":"zen:ticket:5","detail":{"id":"5","external_id":"HC-1"},"event":{"comment":{"id":9,"body":"x","is_public":true,"author":{"id":1,"is_staff":true,"name":"E"}}}}`))
	f.Add([]byte(`{"type":"zen:event-type:ticket.status_changed","id":1,"detail":{"id":5,"status":"OPEN"},"event":{"current":{"status":"Solved"}}}`))
	f.Add([]byte(`{"type":"zen:event-type:ticket.status_changed","event":{"current":"CUSTOM"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		he, err := parseZendesk(body, "inv")
		if err != nil || he == nil {
			return
		}
		if !strings.HasPrefix(he.delivery, "zendesk:") || he.delivery == "zendesk:" {
			t.Fatalf("delivery %q", he.delivery)
		}
		if he.comment == nil && !ValidStatus(he.status) {
			t.Fatalf("status %q applied", he.status)
		}
	})
}

func FuzzParseGeneric(f *testing.F) {
	f.Add([]byte(`{"id":"e","type":"comment_added","case":"HC-1","comment":{"body":"x","author":"support","attachments":[{"name":"a","data":"aGk="}]}}`))
	f.Add([]byte(`{"id":"e","type":"status_changed","ticket":"7","status":"HOLD"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		he, err := parseGeneric(body, "")
		if err != nil {
			return
		}
		if he.caseID == "" && he.ticketID == "" || he.status != "" && !ValidStatus(he.status) || he.comment != nil && strings.TrimSpace(he.comment.body) == "" {
			t.Fatalf("accepted %s as %+v", body, he)
		}
		if he.comment != nil {
			for _, a := range he.comment.files {
				if len(a.Data) > hookFileMax || strings.ContainsAny(a.Name, "/\\\"") {
					t.Fatalf("file %+v", a.Name)
				}
			}
		}
	})
}
