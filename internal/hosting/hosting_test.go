package hosting_test

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/hosting"
	"github.com/inexchange/helpcenter/internal/pipeline"
	"github.com/inexchange/helpcenter/internal/render"
)

func mustParse(t *testing.T, toml, redirects, headers string) *hosting.Rules {
	t.Helper()
	src := func(name, s string) hosting.Source {
		if s == "" {
			return hosting.Source{Name: name}
		}
		return hosting.Source{Name: name, Data: []byte(s)}
	}
	rs, err := hosting.Parse(src("netlify.toml", toml), src("_redirects", redirects), src("_headers", headers))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return rs
}

func request(target string, hdr ...string) hosting.Request {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	return hosting.NewRequest(r)
}

// site is a small published folder.
var site = hosting.FileSet{
	"index.html": true, "404.html": true, "en/index.html": true, "en/404.html": true,
	"sv/index.html": true, "en/articles/a/index.html": true, "assets/app.1234abcd.css": true,
	"about.html": true, "spa/index.html": true,
}

func TestResolve(t *testing.T) {
	rules := mustParse(t, `
[[redirects]]
  from = "/api/*"
  to = "https://forms.example.com/api/:splat"
  status = 200
  force = true
`, `
/old/:slug  /en/articles/:slug/  301
/en/articles/a/  /elsewhere/  301
/forced/*  /en/  302!
/  /sv/  302!  Language=sv
/loop  /loop  301
/loop  /en/  302
/spa/*  /spa/index.html  200
/gone/*  /nothing-here.html  200
/members/*  /members/:splat  200  Role=member
/en/*  /en/404.html  404
`, "")
	tests := []struct {
		name, target string
		hdr          []string
		status       int
		file, loc    string
		proxy        string
	}{
		{"a file", "/en/articles/a/", nil, 200, "en/articles/a/index.html", "", ""},
		{"a rule that is not forced yields to the file", "/en/articles/a", nil, 301, "", "/en/articles/a/", ""},
		{"a folder without its slash", "/en", nil, 301, "", "/en/", ""},
		{"query kept on the slash redirect", "/en?x=1", nil, 301, "", "/en/?x=1", ""},
		{"extensionless path to name.html", "/about", nil, 200, "about.html", "", ""},
		{"placeholder", "/old/a", nil, 301, "", "/en/articles/a/", ""},
		{"query passed on", "/old/a?utm=x", nil, 301, "", "/en/articles/a/?utm=x", ""},
		{"forced rule over a file", "/forced/en/", nil, 302, "", "/en/", ""},
		{"language: first tag, not the highest q", "/", []string{"Accept-Language", "sv;q=0.1, en"}, 302, "", "/sv/", ""},
		{"language: other readers get the file", "/", []string{"Accept-Language", "en-US,sv;q=0.9"}, 200, "index.html", "", ""},
		{"language from nf_lang", "/", []string{"Accept-Language", "de", "Cookie", "nf_lang=sv"}, 302, "", "/sv/", ""},
		{"no language header", "/", nil, 200, "index.html", "", ""},
		{"a redirect to itself is ignored", "/loop", nil, 302, "", "/en/", ""},
		{"rewrite", "/spa/deep/link", nil, 200, "spa/index.html", "", ""},
		{"rewrite to nothing is a 404", "/gone/x", nil, 404, "404.html", "", ""},
		{"role rule answers 404 without Identity", "/members/x", nil, 404, "404.html", "", ""},
		{"404 rule", "/en/nothing/", nil, 404, "en/404.html", "", ""},
		{"site 404", "/nothing", nil, 404, "404.html", "", ""},
		{"proxy keeps path and query", "/api/cases?locale=sv", nil, 200, "", "", "https://forms.example.com/api/cases?locale=sv"},
		{"_redirects is never served", "/_redirects", nil, 404, "404.html", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := rules.Resolve(request(tt.target, tt.hdr...), site)
			if a.Status != tt.status || a.File != tt.file || a.Location != tt.loc || a.Proxy != tt.proxy {
				t.Errorf("Resolve(%s) = %d file %q location %q proxy %q; want %d %q %q %q", tt.target, a.Status, a.File, a.Location, a.Proxy, tt.status, tt.file, tt.loc, tt.proxy)
			}
		})
	}
}

func TestHeadersFor(t *testing.T) {
	rules := mustParse(t, `
[[headers]]
  for = "/assets/*"
  [headers.values]
    Cache-Control = "no-cache"
[[headers]]
  for = "/*"
  [headers.values]
    X-Frame-Options = "DENY"
`, "", `
/*
  Cache-Control: public, max-age=0, must-revalidate
  X-Frame-Options: SAMEORIGIN
/assets/*
  Cache-Control: public, max-age=31536000, immutable
/blog/:slug
  X-Robots-Tag: noindex
  X-Robots-Tag: nofollow
`)
	tests := []struct{ path, name, want string }{
		// Different patterns join, in rule order: the file's rules first.
		{"/assets/app.css", "Cache-Control", "public, max-age=0, must-revalidate, no-cache"},
		// The same pattern again (netlify.toml after _headers) replaces.
		{"/en/", "X-Frame-Options", "DENY"},
		{"/ASSETS/x", "Cache-Control", "public, max-age=0, must-revalidate, no-cache"},
		{"/blog/post", "X-Robots-Tag", "noindex, nofollow"},
		{"/blog/post/more", "X-Robots-Tag", ""},
	}
	for _, tt := range tests {
		if got := rules.HeadersFor(tt.path).Get(tt.name); got != tt.want {
			t.Errorf("HeadersFor(%s) %s = %q, want %q", tt.path, tt.name, got, tt.want)
		}
	}
	a := mustParse(t, "", "", "").Resolve(request("/en/"), site)
	if got := a.Header.Get("Cache-Control"); got != hosting.DefaultCacheControl {
		t.Errorf("without rules Cache-Control = %q, want Netlify's default %q", got, hosting.DefaultCacheControl)
	}
}

func TestParseErrorsNamePlace(t *testing.T) {
	_, err := hosting.Parse(hosting.Source{Name: "netlify.toml", Data: []byte("[[redirects]]\n  to = \"/x\"\n")},
		hosting.Source{Name: "public/_redirects", Data: []byte("/ok /fine\n/bad /x moved\n")},
		hosting.Source{Name: "public/_headers", Data: []byte("/x\n  X-Empty:\n")})
	var list content.List
	if !errors.As(err, &list) || len(list) != 3 {
		t.Fatalf("err = %v, want 3 problems", err)
	}
	want := []string{"netlify.toml:1:", "public/_headers:2:", "public/_redirects:2:"}
	for i, e := range list.Sorted() {
		if !strings.HasPrefix(e.Error(), want[i]) || !errors.Is(e, hosting.ErrSyntax) {
			t.Errorf("problem %d = %q, want it at %s wrapping ErrSyntax", i, e, want[i])
		}
	}
}

func readLines(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(data))
}

// TestCheckBeforeIssue16 runs the check on netlify.toml, _redirects and the
// published files as they were before issue 16: it reports the assets'
// Cache-Control joined with the pages' (the year-long caching lost), and
// the language rules written twice.
func TestCheckBeforeIssue16(t *testing.T) {
	toml, _ := os.ReadFile("testdata/before-issue-16/netlify.toml")
	red, _ := os.ReadFile("testdata/before-issue-16/_redirects")
	rules, err := hosting.Parse(hosting.Source{Name: "netlify.toml", Data: toml}, hosting.Source{Name: "public/_redirects", Data: red}, hosting.Source{Name: "public/_headers"})
	if err != nil {
		t.Fatal(err)
	}
	problems := rules.Check(readLines(t, "testdata/before-issue-16/files"))
	errs := problems.Errors()
	if len(errs) != 1 || !errors.Is(errs[0], hosting.ErrConflict) ||
		!strings.Contains(errs[0].Error(), `"public, max-age=31536000, immutable, public, max-age=0, must-revalidate" for /assets/`) {
		t.Errorf("errors = %v, want the one Cache-Control join on the assets", errs)
	}
	if errs[0].Path != "netlify.toml" || errs[0].Line != 55 {
		t.Errorf("reported at %s:%d, want the /* rule at netlify.toml:55", errs[0].Path, errs[0].Line)
	}
	dups := 0
	for _, w := range problems {
		if w.Warning && strings.Contains(w.Error(), "is repeated at netlify.toml") {
			dups++
		}
	}
	if dups != 2 {
		t.Errorf("warnings %v: want the two language rules reported as repeated", problems)
	}
}

func TestCheckFindings(t *testing.T) {
	files := []string{"index.html", "en/index.html", "en/old/index.html", "assets/a.css"}
	tests := []struct {
		name, toml, redirects, headers string
		warning                        bool
		want                           string
	}{
		{"headers joined across patterns", "", "", "/*\n  Content-Security-Policy: default-src 'self'\n/en/*\n  content-security-policy: script-src 'self'\n", false, `Content-Security-Policy: "default-src 'self', script-src 'self'" for /en/`},
		{"one header in two cases", "", "", "/en/\n  X-A: 1\n/assets/*\n  x-a: 2\n", true, `"x-a" is also written "X-A"`},
		{"a header rule for nothing", "", "", "/static/*\n  X-A: 1\n", true, `matches nothing the site publishes`},
		{"a rule after a broader one", "", "/en/*  /sv/  301!\n/en/old  /x  301!\n", "", false, `never applies: the rule /en/* /sv/ 301! at _redirects:1`},
		{"a placeholder covers a literal", "", "/p/:a  /x  301\n/p/b  /y  301\n", "", false, `never applies`},
		{"a broader language covers a narrower one", "", "/  /sv/  302!  Language=sv\n/  /sv-se/  302!  Language=sv-se\n", "", false, `never applies`},
		{"a file shadows a rule that is not forced", "", "/en/old/  /x  301\n", "", false, `en/old/index.html`},
		{"a redirect to itself", "", "/a  /a/  301\n", "", false, `redirects to itself`},
		{"an unknown condition", "", "/a  /b  302  Flavour=x\n", "", false, `knows no condition Flavour`},
		{"a rewrite to nothing", "", "/x/*  /missing.html  200\n", "", false, `/missing.html, which is not in the published site`},
		{"a role rule", "", "/x/*  /x/:splat  200!  Role=admin\n", "", true, `Netlify Identity`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := mustParse(t, tt.toml, tt.redirects, tt.headers)
			problems := rules.Check(files)
			found := false
			for _, p := range problems {
				if strings.Contains(p.Error(), tt.want) && p.Warning == tt.warning && errors.Is(p, hosting.ErrConflict) {
					found = true
				}
			}
			if !found {
				t.Errorf("problems %v lack %q (warning %v)", problems, tt.want, tt.warning)
			}
		})
	}
	// Disjoint rules and a forced rule over a file are fine.
	rules := mustParse(t, "", "/  /sv/  302!  Language=sv\n/en/*  /en/404.html  404\n", "/*\n  X-A: 1\n/assets/*\n  Cache-Control: immutable\n/en/*\n  Cache-Control: no-cache\n")
	if problems := rules.Check(append(files, "en/404.html")); len(problems) > 0 {
		t.Errorf("problems in good rules: %v", problems)
	}
}

var (
	sampleOnce  sync.Once
	sampleDir   string
	sampleErr   error
	sampleRules *hosting.Rules
	sampleNames []string
)

// builtSample builds the repository's sample site once and reads its
// deploy rules.
func builtSample(t *testing.T) (dir string, rules *hosting.Rules, names []string) {
	t.Helper()
	sampleOnce.Do(func() {
		sampleDir, sampleErr = os.MkdirTemp("", "hosting-sample-")
		if sampleErr != nil {
			return
		}
		public := filepath.Join(sampleDir, "public")
		if _, sampleErr = pipeline.Build(pipeline.Options{Source: "../..", Dest: public, Now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}); sampleErr != nil {
			return
		}
		read := func(p string) []byte { b, _ := os.ReadFile(p); return b }
		sampleRules, sampleErr = hosting.Parse(hosting.Source{Name: "netlify.toml", Data: read("../../netlify.toml")},
			hosting.Source{Name: "public/_redirects", Data: read(filepath.Join(public, "_redirects"))},
			hosting.Source{Name: "public/_headers", Data: read(filepath.Join(public, "_headers"))})
		_ = fs.WalkDir(os.DirFS(public), ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				sampleNames = append(sampleNames, p)
			}
			return nil
		})
		sort.Strings(sampleNames)
	})
	if sampleErr != nil {
		t.Fatalf("sample site: %v", sampleErr)
	}
	return filepath.Join(sampleDir, "public"), sampleRules, sampleNames
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sampleDir != "" {
		_ = os.RemoveAll(sampleDir)
	}
	os.Exit(code)
}

// TestSampleSiteHeaders holds the published site to its cache policy: the
// check finds nothing, fingerprinted assets are cached for exactly a year,
// every other file revalidates, every file gets the one CSP, and no
// header is joined from two rules.
func TestSampleSiteHeaders(t *testing.T) {
	_, rules, names := builtSample(t)
	if problems := rules.Check(names); len(problems) > 0 {
		t.Errorf("the check reports on the sample site:\n%v", problems)
	}
	for _, n := range names {
		if n == "_redirects" || n == "_headers" {
			continue
		}
		a := rules.Resolve(request("/"+n), hosting.FileSet{n: true})
		cc := a.Header.Get("Cache-Control")
		want := render.CacheRevalidate
		if strings.HasPrefix(n, "assets/") {
			want = render.CacheImmutable
		}
		if cc != want {
			t.Errorf("/%s: Cache-Control %q, want %q", n, cc, want)
		}
		if csp := a.Header.Get("Content-Security-Policy"); csp != render.ContentSecurityPolicy {
			t.Errorf("/%s: Content-Security-Policy %q", n, csp)
		}
		for k, v := range a.Header {
			if len(v) != 1 {
				t.Errorf("/%s: %d %s headers", n, len(v), k)
			}
		}
	}
}

// TestServer serves the built sample site through Server and checks what
// a reader gets, as Netlify would answer.
func TestServer(t *testing.T) {
	dir, rules, names := builtSample(t)
	files := hosting.FileSet{}
	for _, n := range names {
		files[n] = true
	}
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "api "+r.URL.RequestURI()+" "+r.Header.Get("X-Forwarded-Host"))
	})
	srv := httptest.NewServer(&hosting.Server{Rules: rules, Files: files, Proxy: hosting.ProxyTo(api),
		File: func(w http.ResponseWriter, r *http.Request, name string, status int) {
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			w.WriteHeader(status)
			_, _ = w.Write(data)
		}})
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(method, path string, hdr ...string) (*http.Response, string) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(body)
	}
	if resp, _ := get("GET", "/", "Accept-Language", "sv"); resp.StatusCode != 302 || resp.Header.Get("Location") != "/sv/" {
		t.Errorf("/ in Swedish: %d %s, want 302 /sv/", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, body := get("GET", "/", "Accept-Language", "fi"); resp.StatusCode != 200 || !strings.Contains(body, `hreflang="sv"`) {
		t.Errorf("/ in Finnish: %d, want the language chooser", resp.StatusCode)
	}
	if resp, body := get("GET", "/en/no-such-page/"); resp.StatusCode != 404 || !strings.Contains(body, `lang="en"`) {
		t.Errorf("missing English page: %d, want the English 404", resp.StatusCode)
	}
	if resp, body := get("POST", "/api/cases?locale=sv"); resp.StatusCode != 200 || !strings.HasPrefix(body, "api /api/cases?locale=sv ") {
		t.Errorf("/api/cases: %d %q, want the handler with the path kept", resp.StatusCode, body)
	}
	if resp, _ := get("POST", "/en/"); resp.StatusCode != 405 || resp.Header.Get("Allow") == "" {
		t.Errorf("POST to a page: %d, want 405", resp.StatusCode)
	}
	u, _ := url.Parse("/" + names[0])
	if resp, _ := get("HEAD", u.Path); resp.StatusCode != 200 {
		t.Errorf("HEAD /%s: %d", names[0], resp.StatusCode)
	}
}

func FuzzParseRedirects(f *testing.F) {
	f.Add("/a  /b  301!  Language=sv,en\n/q id=:id  /x/:id\n/*  /index.html  200\n", "/q?id=1")
	f.Add("https://old.example.com/*  https://new.example.com/:splat  301!\n/mid/*/end  /m/:splat\n", "/mid/x/y/end")
	f.Fuzz(func(t *testing.T, text, target string) {
		rules, _ := hosting.ParseRedirectsFile("_redirects", []byte(text))
		u, err := url.Parse(target)
		if err != nil {
			return
		}
		req := hosting.Request{Path: "/" + strings.TrimPrefix(u.Path, "/"), EscapedPath: "/" + strings.TrimPrefix(u.EscapedPath(), "/"), RawQuery: u.RawQuery}
		rs := &hosting.Rules{Redirects: rules}
		_ = rs.Resolve(req, hosting.FileSet{"index.html": true})
		_ = rs.Check([]string{"index.html"})
	})
}

func FuzzParseHeaders(f *testing.F) {
	f.Add("/*\n  X-A: 1\n  X-A: 2\n/assets/*\n  Cache-Control: immutable\n", "/assets/x")
	f.Add("/:p/*.pdf\n  Content-Disposition: attachment\n", "/a/b.pdf")
	f.Fuzz(func(t *testing.T, text, p string) {
		rules, _ := hosting.ParseHeadersFile("_headers", []byte(text))
		rs := &hosting.Rules{Headers: rules}
		_ = rs.HeadersFor(p)
		_ = rs.Check([]string{"index.html", strings.TrimPrefix(p, "/")})
	})
}

func FuzzParseConfig(f *testing.F) {
	data, _ := os.ReadFile("testdata/before-issue-16/netlify.toml")
	f.Add(string(data))
	f.Add("[[redirects]]\nfrom = \"/a\"\nstatus = \"200!\"\nconditions = {language = [\"sv\"]}\n")
	f.Fuzz(func(t *testing.T, text string) {
		red, hdr, _ := hosting.ParseConfig("netlify.toml", []byte(text))
		rs := &hosting.Rules{Redirects: red, Headers: hdr}
		_ = rs.Resolve(hosting.Request{Path: "/a", EscapedPath: "/a"}, hosting.FileSet{})
		_ = rs.HeadersFor("/a")
	})
}

// BenchmarkCheck checks the sample site's rules over the files of a
// 100,000-article site in two locales, as a build of that size does.
func BenchmarkCheck(b *testing.B) {
	t := &testing.T{}
	_, rules, names := builtSample(t)
	if rules == nil {
		b.Fatal("sample site did not build")
	}
	big := append([]string(nil), names...)
	for i := range 100000 {
		for _, l := range []string{"en", "sv"} {
			big = append(big, l+"/articles/article-"+strconv.Itoa(i)+"/index.html")
		}
	}
	sort.Strings(big)
	b.ResetTimer()
	for range b.N {
		if problems := rules.Check(big); len(problems) > 0 {
			b.Fatal(problems)
		}
	}
}
