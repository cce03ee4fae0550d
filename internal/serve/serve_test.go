package serve

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"

	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/pipeline"
	"github.com/inexchange/helpcenter/internal/render"
	"github.com/inexchange/helpcenter/internal/watch"
)

// harness is a real preview server on loopback over a temporary copy of
// the sample site, with a file watcher and one open event stream.
type harness struct {
	t      *testing.T
	srv    *Server
	root   string
	base   string
	events chan sse
	log    *syncBuffer
}

type sse struct {
	name string
	data map[string]any
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func start(t *testing.T, api http.Handler) *harness {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"content", "static"} {
		if err := os.CopyFS(filepath.Join(root, d), os.DirFS(filepath.Join("..", "..", d))); err != nil {
			t.Fatal(err)
		}
	}
	toml, err := os.ReadFile(filepath.Join("..", "..", "netlify.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "netlify.toml"), toml, 0o644); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, root: root, events: make(chan sse, 64), log: &syncBuffer{}}
	opts := pipeline.Options{Source: root, Preview: true, Now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	srv, _, err := New(opts, Config{Source: root, API: api, Log: h.log})
	if err != nil {
		t.Fatalf("first build: %v", err)
	}
	w, err := watch.New(root, []string{"content", "layouts", "static"}, watch.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Run(ctx, w.Changes())
	}()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv}
	go func() { _ = hs.Serve(ln) }()
	h.base = "http://" + ln.Addr().String()
	h.srv = srv
	t.Cleanup(func() {
		_ = hs.Close()
		cancel()
		<-done
		_ = w.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", h.log.String())
		}
	})
	h.listen(ctx)
	h.wait("hello", nil)
	return h
}

// listen opens the event stream, as live.js does.
func (h *harness) listen(ctx context.Context) {
	req, err := http.NewRequestWithContext(ctx, "GET", h.base+"/_helpcenter/events", nil)
	if err != nil {
		h.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		h.t.Fatalf("events Content-Type %q", ct)
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64*1024), 4<<20)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				var data map[string]any
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &data); err == nil {
					h.events <- sse{name, data}
				}
			}
		}
	}()
}

// wait returns the first event of the name that pred accepts.
func (h *harness) wait(name string, pred func(map[string]any) bool) map[string]any {
	h.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case e := <-h.events:
			if e.name == name && (pred == nil || pred(e.data)) {
				return e.data
			}
		case <-deadline:
			h.t.Fatalf("no %q event came", name)
		}
	}
}

func reloads(page string) func(map[string]any) bool {
	return func(d map[string]any) bool {
		pages, _ := d["pages"].([]any)
		for _, p := range pages {
			if p == page {
				return true
			}
		}
		return false
	}
}

func (h *harness) get(path string) (int, string) {
	h.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(h.base + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// save writes a file the way editors do: a temporary file renamed over it.
func (h *harness) save(rel, text string) {
	h.t.Helper()
	p := filepath.Join(h.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".swp")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		h.t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) read(rel string) string {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.root, filepath.FromSlash(rel)))
	if err != nil {
		h.t.Fatal(err)
	}
	return string(b)
}

const (
	statuses     = "content/en/invoices/sending/invoice-statuses.md"
	statusesPage = "/en/articles/invoice-statuses/"
)

// TestEditsReachTheBrowser edits, renames, creates and deletes files on
// a running server and waits, each time, for the event open tabs get and
// for the new content over HTTP.
func TestEditsReachTheBrowser(t *testing.T) {
	h := start(t, nil)
	orig := h.read(statuses)
	steps := []struct {
		name string
		do   func()
		// event and its check; then a page, its status and text.
		event     string
		pred      func(map[string]any) bool
		page      string
		status    int
		wantText  string
		wantNoTxt string
	}{
		{name: "body edit", event: "reload", pred: reloads(statusesPage), page: statusesPage, status: 200, wantText: "Most invoices pass these statuses within seconds.",
			do: func() {
				h.save(statuses, strings.Replace(orig, "within minutes.", "within seconds.", 1))
			}},
		{name: "title edit shows in the section list", event: "reload", pred: reloads("/en/sections/sending/"), page: "/en/sections/sending/", status: 200, wantText: "Invoice statuses explained",
			do: func() {
				h.save(statuses, strings.Replace(h.read(statuses), "title: What the invoice statuses mean", "title: Invoice statuses explained", 1))
			}},
		{name: "new article", event: "reload", pred: reloads("/en/articles/brand-new/"), page: "/en/articles/brand-new/", status: 200, wantText: "Freshly written",
			do: func() {
				h.save("content/en/invoices/sending/brand-new.md", "---\ntitle: Brand new\ndescription: New.\n---\n\nFreshly written.\n")
			}},
		{name: "renamed article", event: "reload", pred: reloads("/en/articles/renamed/"), page: "/en/articles/renamed/", status: 200, wantText: "Freshly written",
			do: func() {
				if err := os.Rename(filepath.Join(h.root, "content/en/invoices/sending/brand-new.md"), filepath.Join(h.root, "content/en/invoices/sending/renamed.md")); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "old name is gone", event: "", page: "/en/articles/brand-new/", status: 404},
		{name: "deleted article", event: "reload", pred: reloads("/en/articles/renamed/"), page: "/en/articles/renamed/", status: 404,
			do: func() {
				if err := os.Remove(filepath.Join(h.root, "content/en/invoices/sending/renamed.md")); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "burst of new files in a new section", event: "reload", pred: reloads("/en/articles/burst-29/"), page: "/en/articles/burst-29/", status: 200, wantText: "Burst 29",
			do: func() {
				dir := filepath.Join(h.root, "content/en/invoices/burst")
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "_index.md"), []byte("---\ntitle: Burst\n---\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				for i := 0; i < 30; i++ {
					body := fmt.Sprintf("---\ntitle: Burst %d\n---\n\nBurst %d body.\n", i, i)
					if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("burst-%d.md", i)), []byte(body), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}},
		{name: "every burst file is there", page: "/en/articles/burst-0/", status: 200, wantText: "Burst 0 body"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.do != nil {
				st.do()
			}
			if st.event != "" {
				h.wait(st.event, st.pred)
			}
			code, body := h.get(st.page)
			if code != st.status {
				t.Fatalf("GET %s: %d, want %d", st.page, code, st.status)
			}
			if st.wantText != "" && !strings.Contains(body, st.wantText) {
				t.Errorf("GET %s lacks %q", st.page, st.wantText)
			}
		})
	}
}

// TestBrokenEditShowsErrorsAndKeepsTheSite breaks an article, expects the
// errors with their place and source lines while the old page stays,
// then fixes it and expects the errors cleared and the new text.
func TestBrokenEditShowsErrorsAndKeepsTheSite(t *testing.T) {
	h := start(t, nil)
	orig := h.read(statuses)
	_, before := h.get(statusesPage)
	h.save(statuses, strings.Replace(orig, "weight: 3", "weight: 3\ntittle: oops", 1)+"\nBroken version.\n")
	d := h.wait("errors", func(d map[string]any) bool { l, _ := d["errors"].([]any); return len(l) > 0 })
	first := d["errors"].([]any)[0].(map[string]any)
	if first["where"] != statuses+":8:1" {
		t.Errorf("error at %v, want %s:8:1", first["where"], statuses)
	}
	if !strings.Contains(fmt.Sprint(first["message"]), "tittle") {
		t.Errorf("message %v does not name the key", first["message"])
	}
	src, _ := first["source"].([]any)
	if len(src) == 0 || !strings.Contains(fmt.Sprint(src), "tittle: oops") {
		t.Errorf("source lines %v lack the bad line", src)
	}
	if code, body := h.get(statusesPage); code != 200 || body != before {
		t.Errorf("the last good page is no longer served (%d)", code)
	}
	if _, body := h.get("/_helpcenter/errors"); !strings.Contains(body, statuses+":8:1") {
		t.Errorf("/_helpcenter/errors = %s", body)
	}
	if !strings.Contains(h.log.String(), statuses+":8:1: unknown key") {
		t.Errorf("the terminal did not get the error:\n%s", h.log.String())
	}

	h.save(statuses, orig+"\nFixed version.\n")
	h.wait("errors", func(d map[string]any) bool { l, _ := d["errors"].([]any); return len(l) == 0 })
	h.wait("reload", reloads(statusesPage))
	if _, body := h.get(statusesPage); !strings.Contains(body, "Fixed version.") {
		t.Error("the fixed page is not served")
	}
	if _, body := h.get("/_helpcenter/errors"); strings.Contains(body, "tittle") {
		t.Errorf("errors remain after the fix: %s", body)
	}
}

// TestStylesheetSwap edits the stylesheet and expects a "css" event
// mapping the old URL to the new one, and the new file served.
func TestStylesheetSwap(t *testing.T) {
	h := start(t, nil)
	h.save("static/css/app.css", h.read("static/css/app.css")+"\n.swap-test{color:#123456}\n")
	d := h.wait("css", nil)
	styles, _ := d["styles"].(map[string]any)
	if len(styles) != 1 {
		t.Fatalf("styles = %v", styles)
	}
	for _, to := range styles {
		code, body := h.get(fmt.Sprint(to))
		if code != 200 || !strings.Contains(body, "#123456") {
			t.Errorf("GET %v: %d without the new rule", to, code)
		}
	}
	if _, page := h.get(statusesPage); !strings.Contains(page, fmt.Sprint(firstValue(styles))) {
		t.Error("pages do not link the new stylesheet")
	}
}

func firstValue(m map[string]any) any {
	for _, v := range m {
		return v
	}
	return nil
}

// TestHTTP checks what the preview answers, as a static host would.
// TestHTTP checks what the preview answers, by the site's netlify.toml
// and generated _redirects and _headers as Netlify answers them.
func TestHTTP(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "api "+r.URL.RequestURI()) })
	h := start(t, api)
	asset := ""
	for name := range h.srv.state.Load().files {
		if strings.HasPrefix(name, "assets/app.") {
			asset = "/" + name
		}
	}
	tests := []struct {
		path, accept string
		language     string
		status       int
		ctype, text  string
		location     string
		gzipped      bool
		cache        string
	}{
		{path: "/", status: 200, ctype: "text/html; charset=utf-8", text: "<html", cache: render.CacheRevalidate},
		{path: "/", language: "sv", status: 302, location: "/sv/"},
		{path: "/", language: "en-GB,en;q=0.9", status: 302, location: "/en/"},
		{path: "/", language: "de-DE, sv;q=0.8", status: 200, text: `hreflang="sv"`},
		{path: asset, status: 200, ctype: "text/css; charset=utf-8", cache: render.CacheImmutable},
		{path: "/en/", status: 200, ctype: "text/html; charset=utf-8", cache: render.CacheRevalidate},
		{path: statusesPage, status: 200, ctype: "text/html; charset=utf-8", text: `<script src="/_helpcenter/live.js" defer></script>`},
		{path: statusesPage, accept: "gzip", status: 200, ctype: "text/html; charset=utf-8", gzipped: true},
		{path: "/en/articles/invoice-statuses", status: 301, location: statusesPage},
		{path: "/hc/en-us/articles/360001234567", status: 301, location: "/en/articles/create-a-support-case/"},
		{path: "/en/no-such-page/", status: 404, ctype: "text/html; charset=utf-8", text: `lang="en"`},
		{path: "/sv/no-such-page/", status: 404, ctype: "text/html; charset=utf-8", text: `lang="sv"`},
		{path: "/sitemap.xml", status: 200, ctype: "text/xml; charset=utf-8", text: "<urlset"},
		{path: "/_helpcenter/live.js", status: 200, ctype: "text/javascript; charset=utf-8", text: "EventSource"},
		{path: "/api/cases?locale=sv", status: 200, text: "api /api/cases?locale=sv"},
		{path: "/_headers", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.accept, func(t *testing.T) {
			req, _ := http.NewRequest("GET", h.base+tt.path, nil)
			req.Header.Set("Accept-Encoding", tt.accept) // set: the client then inflates nothing itself
			if tt.language != "" {
				req.Header.Set("Accept-Language", tt.language)
			}
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.ctype != "" && resp.Header.Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), tt.ctype)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); strings.HasPrefix(tt.ctype, "text/html") && csp != render.ContentSecurityPolicy {
				t.Errorf("HTML served without the site's policy: %q", csp)
			}
			if tt.cache != "" && resp.Header.Get("Cache-Control") != tt.cache {
				t.Errorf("Cache-Control %q, want %q", resp.Header.Get("Cache-Control"), tt.cache)
			}
			if tt.location != "" && resp.Header.Get("Location") != tt.location {
				t.Errorf("Location %q, want %q", resp.Header.Get("Location"), tt.location)
			}
			if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tt.gzipped {
				t.Errorf("gzip = %v, want %v", got, tt.gzipped)
			}
			if tt.gzipped {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(body, []byte("<html")) {
					t.Error("inflated body is not the page")
				}
			}
			if tt.text != "" && !strings.Contains(string(body), tt.text) {
				t.Errorf("body lacks %q", tt.text)
			}
		})
	}
}

// TestNetlifyTomlChanges edits netlify.toml while the preview runs: the
// next request follows the new rule, and a rule Netlify would reject is
// reported in the log.
func TestNetlifyTomlChanges(t *testing.T) {
	h := start(t, http.NotFoundHandler())
	if code, _ := h.get("/moved"); code != 404 {
		t.Fatalf("/moved before the rule: %d", code)
	}
	toml := h.read("netlify.toml") + "\n[[redirects]]\n  from = \"/moved\"\n  to = \"/en/\"\n\n[[redirects]]\n  to = \"/nowhere\"\n"
	if err := os.WriteFile(filepath.Join(h.root, "netlify.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", h.base+"/moved", nil)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 301 || resp.Header.Get("Location") != "/en/" {
		t.Errorf("/moved after the edit: %d %s, want 301 /en/", resp.StatusCode, resp.Header.Get("Location"))
	}
	if !strings.Contains(h.log.String(), `netlify.toml:`) || !strings.Contains(h.log.String(), `missing "from" field`) {
		t.Errorf("the rejected rule is not in the log:\n%s", h.log.String())
	}
}

// TestFirstBuildFails starts on a broken site: the server answers with
// the errors, then serves the site once the file is fixed.
func TestFirstBuildFails(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "content"), os.DirFS(filepath.Join("..", "..", "content"))); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, filepath.FromSlash(statuses))
	orig, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, bytes.Replace(orig, []byte("title:"), []byte("tittle:"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, _, err := New(pipeline.Options{Source: root, Preview: true}, Config{Source: root})
	if err == nil {
		t.Fatal("the broken site built")
	}
	rec := &recorder{header: http.Header{}}
	srv.ServeHTTP(rec, mustRequest(t, "/en/"))
	if rec.code != 500 || !strings.Contains(rec.body.String(), "tittle") || !strings.Contains(rec.body.String(), "/_helpcenter/live.js") {
		t.Fatalf("broken site answered %d: %s", rec.code, rec.body.String())
	}
	if err := os.WriteFile(p, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	changes := make(chan []string, 1)
	changes <- []string{statuses}
	close(changes)
	if err := srv.Run(context.Background(), changes); err != nil {
		t.Fatal(err)
	}
	rec = &recorder{header: http.Header{}}
	srv.ServeHTTP(rec, mustRequest(t, statusesPage))
	if rec.code != 200 {
		t.Fatalf("fixed site answered %d", rec.code)
	}
}

func mustRequest(t *testing.T, path string) *http.Request {
	req, err := http.NewRequest("GET", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.code = code }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }

// TestDraftsShowWithBadge checks that serve --drafts previews a draft
// with its badge, and that without the flag the draft is not served.
func TestDraftsShowWithBadge(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "content"), os.DirFS(filepath.Join("..", "..", "content"))); err != nil {
		t.Fatal(err)
	}
	draft := "---\ntitle: Work in progress\ndraft: true\n---\n\nNot yet.\n"
	if err := os.WriteFile(filepath.Join(root, "content/en/invoices/sending/work-in-progress.md"), []byte(draft), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		drafts    bool
		status    int
		wantBadge bool
	}{
		{drafts: true, status: 200, wantBadge: true},
		{drafts: false, status: 404},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("drafts=%v", tt.drafts), func(t *testing.T) {
			srv, _, err := New(pipeline.Options{Source: root, Preview: true, Drafts: tt.drafts}, Config{Source: root})
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{header: http.Header{}}
			srv.ServeHTTP(rec, mustRequest(t, "/en/articles/work-in-progress/"))
			if rec.code != tt.status {
				t.Fatalf("status %d, want %d", rec.code, tt.status)
			}
			if got := strings.Contains(rec.body.String(), "badge--draft"); got != tt.wantBadge {
				t.Errorf("badge shown = %v, want %v", got, tt.wantBadge)
			}
		})
	}
}

// FuzzServePath requests arbitrary paths: the server must answer with a
// known status and never serve anything but the site's own files.
func FuzzServePath(f *testing.F) {
	root := f.TempDir()
	if err := os.CopyFS(filepath.Join(root, "content"), os.DirFS(filepath.Join("..", "..", "content"))); err != nil {
		f.Fatal(err)
	}
	srv, _, err := New(pipeline.Options{Source: root, Preview: true}, Config{Source: root})
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range []string{"/", "/api/cases", "/_helpcenter/events", "/en/", "/en", "/../../etc/passwd", "/en/articles/invoice-statuses/index.html", "//x", "/_helpcenter/", "/sv/%2e%2e/", "/assets/"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		req, err := http.NewRequest("GET", "http://x/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Path = p
		rec := &recorder{header: http.Header{}}
		srv.ServeHTTP(rec, req)
		switch rec.code {
		case 0, 200, 301, 404, 503: // 0: the event stream, which needs a flusher; 503: /api/* without a form handler
		default:
			t.Fatalf("GET %q: status %d", p, rec.code)
		}
		if strings.Contains(rec.body.String(), "root:x:") {
			t.Fatalf("GET %q served a file outside the site", p)
		}
	})
}
