package e2e

import (
	"fmt"
	stdhtml "html"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/inexchange/helpcenter/internal/render"
	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/html"
)

// noRedirect is an HTTP client that shows redirects instead of following.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t testing.TB, f *fixture, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestNetlifyHeaders checks that the published site gives every response
// the Content-Security-Policy of issue 3 (no 'unsafe-inline', no
// 'unsafe-eval') and the cache policy of issue 16 (hashed assets exactly a
// year and immutable, everything else revalidated, no header joined from
// two rules), and what the test server answers as Netlify does (package
// hosting): the language at /, the localized 404 pages, aliases and
// folder redirects, the form handler behind /api/ with its own headers.
func TestNetlifyHeaders(t *testing.T) {
	f := sampleSite(t)
	asset := ""
	entries, err := os.ReadDir(filepath.Join(f.public, "assets"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "app.") && strings.HasSuffix(e.Name(), ".css") {
			asset = "/assets/" + e.Name()
		}
	}
	if asset == "" {
		t.Fatal("no /assets/app.<hash>.css in the build")
	}
	tests := []struct {
		name, path   string
		language     string // Accept-Language
		status       int
		lang         string // the page's lang attribute, for HTML
		location     string
		cacheControl string
	}{
		{"home", "/en/", "", 200, "en", "", render.CacheRevalidate},
		{"article", f.plainArticle(t, "sv").URL, "", 200, "sv", "", render.CacheRevalidate},
		{"asset", asset, "", 200, "", "", render.CacheImmutable},
		{"feed", "/en/feed.xml", "", 200, "", "", render.CacheRevalidate},
		{"sitemap", "/sitemap.xml", "", 200, "", "", render.CacheRevalidate},
		{"search index", "/search/en/manifest.json", "", 200, "", "", render.CacheRevalidate},
		{"root chooser", "/", "", 200, "en", "", render.CacheRevalidate},
		{"folder without slash", strings.TrimSuffix(f.plainArticle(t, "en").URL, "/"), "", 301, "", f.plainArticle(t, "en").URL, render.CacheRevalidate},
		{"English 404", "/en/no-such-page/", "", 404, "en", "", render.CacheRevalidate},
		{"Swedish 404", "/sv/finns-inte/", "", 404, "sv", "", render.CacheRevalidate},
		{"404 elsewhere", "/no-such-page", "", 404, "", "", render.CacheRevalidate},
		{"alias", f.site.Aliases[0].From, "", 301, "", f.site.Aliases[0].To, ""},
		{"form handler", "/api/feedback?article=" + f.plainArticle(t, "en").URL, "", 200, "", "", "no-store"},
		{"no _redirects", "/_redirects", "", 404, "", "", ""},
		{"no _headers", "/_headers", "", 404, "", "", ""},
		{"Swedish reader at /", "/", "sv-SE,sv;q=0.9,en;q=0.5", 302, "", "/sv/", ""},
		{"English reader at /", "/", "en-GB,en;q=0.9", 302, "", "/en/", ""},
		{"German reader at /", "/", "de-DE,de;q=0.9", 200, "en", "", ""},
		{"first language counts, not the highest q", "/", "sv;q=0.1, en", 302, "", "/sv/", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, f, tc.path, "Accept-Language", tc.language)
			if resp.StatusCode != tc.status {
				t.Fatalf("GET %s: %d, want %d", tc.path, resp.StatusCode, tc.status)
			}
			if tc.location != "" && resp.Header.Get("Location") != tc.location {
				t.Errorf("Location %q, want %q", resp.Header.Get("Location"), tc.location)
			}
			if tc.cacheControl != "" && resp.Header.Get("Cache-Control") != tc.cacheControl {
				t.Errorf("Cache-Control %q, want exactly %q", resp.Header.Get("Cache-Control"), tc.cacheControl)
			}
			if strings.HasPrefix(tc.path, "/api/") {
				// Proxied: the form handler's own headers, not the site's.
				if resp.Header.Get("Strict-Transport-Security") != "" {
					t.Errorf("the site's headers on a proxied answer: %v", resp.Header)
				}
				return
			}
			for k, v := range resp.Header {
				if len(v) > 1 {
					t.Errorf("%d %s headers: %q", len(v), k, v)
				}
			}
			csp := resp.Header.Get("Content-Security-Policy")
			if csp == "" {
				t.Fatalf("GET %s: no Content-Security-Policy", tc.path)
			}
			checkCSP(t, csp)
			if tc.lang != "" && !strings.Contains(body, `<html lang="`+tc.lang+`"`) && !strings.Contains(body, `<html lang=`+tc.lang) {
				t.Errorf("the page is not lang=%q: %s", tc.lang, truncate(body, 200))
			}
			for _, h := range []string{"X-Content-Type-Options", "Referrer-Policy"} {
				if resp.Header.Get(h) == "" {
					t.Errorf("no %s header", h)
				}
			}
		})
	}
}

// checkCSP fails unless policy has every directive of requiredCSP with its
// sources and allows no inline code or eval anywhere.
func checkCSP(t testing.TB, policy string) {
	t.Helper()
	got := parseCSP(policy)
	for d, want := range requiredCSP {
		if got[d] != want {
			t.Errorf("Content-Security-Policy %s is %q, want %q (policy: %s)", d, got[d], want, policy)
		}
	}
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"} {
		for d, v := range got {
			for _, src := range strings.Fields(v) {
				if src == bad {
					t.Errorf("Content-Security-Policy %s allows %s", d, bad)
				}
			}
		}
	}
}

// TestNoInlineCode scans every HTML page of the build for what the CSP
// forbids: inline scripts (only JSON data blocks are allowed), event
// handler attributes, javascript: URLs, style attributes and <style>
// elements, and references to other hosts in src/href of loaded resources.
func TestNoInlineCode(t *testing.T) {
	f := sampleSite(t)
	n := 0
	err := filepath.WalkDir(f.public, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		n++
		rel, _ := filepath.Rel(f.public, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, p := range inlineProblems(b) {
			t.Errorf("%s: %s", rel, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("only %d HTML files checked", n)
	}
}

// element is a start tag with its attributes (values unquoted).
type element struct {
	tag   string
	attrs map[string]string
}

// elements lists the start tags of an HTML document, with the tokenizer
// the minifier uses.
func elements(doc []byte) []element {
	var out []element
	l := html.NewLexer(parse.NewInputBytes(doc))
	var cur *element
	for {
		tt, data := l.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken:
			out = append(out, element{tag: strings.ToLower(string(data[1:])), attrs: map[string]string{}})
			cur = &out[len(out)-1]
		case html.AttributeToken:
			if cur != nil {
				v := string(l.AttrVal())
				if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
					v = v[1 : len(v)-1]
				}
				cur.attrs[strings.ToLower(string(l.AttrKey()))] = stdhtml.UnescapeString(v)
			}
		case html.StartTagCloseToken, html.StartTagVoidToken:
			cur = nil
		}
	}
}

// inlineProblems lists what the site's CSP forbids in one HTML document.
func inlineProblems(doc []byte) []string {
	handler := regexp.MustCompile(`^on[a-z]+$`)
	var probs []string
	for _, el := range elements(doc) {
		for key, val := range el.attrs {
			switch {
			case handler.MatchString(key):
				probs = append(probs, fmt.Sprintf("<%s %s=…>: event handler attributes are inline script", el.tag, key))
			case key == "style":
				probs = append(probs, fmt.Sprintf("<%s style=%q>: inline styles break style-src 'self'", el.tag, val))
			case (key == "href" || key == "src" || key == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(val)), "javascript:"):
				probs = append(probs, fmt.Sprintf("<%s %s=%q>: javascript: URL", el.tag, key, val))
			}
		}
		src, hasSrc := el.attrs["src"]
		switch el.tag {
		case "script":
			typ := el.attrs["type"]
			if !hasSrc && typ != "application/json" && typ != "application/ld+json" {
				probs = append(probs, fmt.Sprintf("inline <script type=%q>: scripts must be files (CSP script-src 'self')", typ))
			}
			if hasSrc && !onSite(src) {
				probs = append(probs, fmt.Sprintf("<script src=%q> is not on the site", src))
			}
		case "style":
			probs = append(probs, "<style> element: styles must be in the stylesheet (CSP style-src 'self')")
		case "link":
			switch el.attrs["rel"] {
			case "stylesheet", "icon", "preload", "modulepreload", "manifest":
				if href := el.attrs["href"]; !onSite(href) {
					probs = append(probs, fmt.Sprintf("<link rel=%q href=%q> is not on the site", el.attrs["rel"], href))
				}
			}
		case "img", "iframe", "video", "audio", "source", "embed", "object", "input":
			if hasSrc && !onSite(src) && !strings.HasPrefix(src, "data:") {
				probs = append(probs, fmt.Sprintf("<%s src=%q> loads from another host", el.tag, src))
			}
		}
	}
	return probs
}

// onSite reports whether a URL in a page points at the site itself.
func onSite(u string) bool {
	return strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//")
}

// TestInlineProblems shows that the scan of TestNoInlineCode catches each
// thing it looks for, and passes what the site may do.
func TestInlineProblems(t *testing.T) {
	tests := []struct {
		name, doc string
		bad       bool
	}{
		{"script file", `<script src="/assets/a.js" defer></script>`, false},
		{"JSON data", `<script type="application/json">{"a":1}</script><script type="application/ld+json">{}</script>`, false},
		{"inline script", `<script>alert(1)</script>`, true},
		{"module script", `<script type=module>import x from "/x.js"</script>`, true},
		{"handler", `<button onclick="go()">x</button>`, true},
		{"style attribute", `<p style="color:red">x</p>`, true},
		{"style element", `<style>p{}</style>`, true},
		{"javascript URL", `<a href=" JavaScript:void(0)">x</a>`, true},
		{"other host script", `<script src="https://cdn.example.com/x.js"></script>`, true},
		{"protocol-relative stylesheet", `<link rel="stylesheet" href="//cdn.example.com/x.css">`, true},
		{"other host image", `<img src="https://example.com/x.png" alt="">`, true},
		{"data image", `<img src="data:image/png;base64,AAAA" alt="">`, false},
		{"link to another site", `<a href="https://example.com/">x</a><link rel="canonical" href="https://help.example.com/">`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			probs := inlineProblems([]byte("<!DOCTYPE html><html><body>" + tc.doc + "</body></html>"))
			if (len(probs) > 0) != tc.bad {
				t.Errorf("problems %q, want bad=%v", probs, tc.bad)
			}
		})
	}
}
