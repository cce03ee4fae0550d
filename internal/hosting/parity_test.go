package hosting_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/hosting"
	"github.com/inexchange/helpcenter/internal/pipeline"
)

// parityCase is one set of rule files both sides read.
type parityCase struct {
	name string
	// Paths of the files (empty: absent) and, for resolve, the folder
	// @netlify/config resolves netlify.toml in (publish = "public" there).
	toml, redirects, headers, resolve string
	rules                             *hosting.Rules
	redirectErrs, headerErrs          int
}

// parityRequest is one request both sides match.
type parityRequest struct {
	Case        int               `json:"case"`
	Path        string            `json:"path"`
	EscapedPath string            `json:"escapedPath"`
	Query       string            `json:"query"`
	Host        string            `json:"host"`
	Language    string            `json:"language"`
	Country     string            `json:"country"`
	Cookies     map[string]string `json:"cookies"`
	req         hosting.Request
}

type jsAnswer struct {
	Cases []struct {
		Redirects      []map[string]any `json:"redirects"`
		Headers        []map[string]any `json:"headers"`
		RedirectErrors []string         `json:"redirectErrors"`
		HeaderErrors   []string         `json:"headerErrors"`
		Config         *struct {
			Error     string           `json:"error"`
			Redirects []map[string]any `json:"redirects"`
			Headers   []map[string]any `json:"headers"`
		} `json:"config"`
	} `json:"cases"`
	Requests []struct {
		Redirect *struct {
			To     string `json:"to"`
			Status int    `json:"status"`
			Force  bool   `json:"force"`
		} `json:"redirect"`
		Headers []int `json:"headers"`
	} `json:"requests"`
}

// TestNetlifyParity holds this package to Netlify's own code. Netlify's
// published parsers, configuration resolver and redirect matcher
// (testdata/netlify.mjs, the packages pinned in package.json) read the
// repository's netlify.toml with the sample site's built _redirects and
// _headers, and a corpus of rule files written to probe their edges
// (testdata/parity/*). Both sides must agree on every rule, on which rules
// are rejected, and, for each request, on the redirect rule that matches
// and the header rules that apply: /, /en/, an article, an asset, an
// alias, /api/cases and a missing page, in several languages.
func TestNetlifyParity(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed to run Netlify's parsers: apt-get install -y nodejs npm (.ci/run does this)")
	}
	root, _ := filepath.Abs("../..")
	if _, err := os.Stat(filepath.Join(root, "node_modules", "netlify-redirector")); err != nil {
		t.Fatalf("Netlify's parsers are not installed: run npm ci --ignore-scripts at the repository root (.ci/run does this)")
	}

	cases, requests := sampleParityCase(t, root)
	corpus, err := filepath.Glob("testdata/parity/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range corpus {
		c, reqs := corpusCase(t, dir, len(cases))
		cases = append(cases, c)
		requests = append(requests, reqs...)
	}

	type jobCase struct {
		Toml      string `json:"toml,omitempty"`
		Redirects string `json:"redirects,omitempty"`
		Headers   string `json:"headers,omitempty"`
		Resolve   string `json:"resolve,omitempty"`
	}
	var job struct {
		Cases    []jobCase       `json:"cases"`
		Requests []parityRequest `json:"requests"`
	}
	for _, c := range cases {
		job.Cases = append(job.Cases, jobCase{c.toml, c.redirects, c.headers, c.resolve})
	}
	job.Requests = requests
	in, _ := json.Marshal(job)
	cmd := exec.Command(node, "testdata/netlify.mjs")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("Netlify's parsers: %v\n%s", err, stderr.String())
	}
	var js jsAnswer
	if err := json.Unmarshal(out, &js); err != nil {
		t.Fatalf("reading what Netlify's parsers said: %v\n%s", err, out)
	}

	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := js.Cases[i]
			if len(got.RedirectErrors) != c.redirectErrs {
				t.Errorf("Netlify's redirect parser rejects %d rules, this package %d:\n%s", len(got.RedirectErrors), c.redirectErrs, strings.Join(got.RedirectErrors, "\n"))
			}
			if len(got.HeaderErrors) != c.headerErrs {
				t.Errorf("Netlify's headers parser rejects %d rules, this package %d:\n%s", len(got.HeaderErrors), c.headerErrs, strings.Join(got.HeaderErrors, "\n"))
			}
			compareRules(t, "parsed", got.Redirects, got.Headers, c.rules)
			if c.resolve != "" {
				// The repository's own rules: Netlify's parsers must accept
				// every one of them.
				if len(got.RedirectErrors)+len(got.HeaderErrors) > 0 {
					t.Errorf("Netlify's parsers reject rules of netlify.toml or the built site:\n%s\n%s", strings.Join(got.RedirectErrors, "\n"), strings.Join(got.HeaderErrors, "\n"))
				}
				if got.Config == nil || got.Config.Error != "" {
					t.Fatalf("@netlify/config rejects netlify.toml: %+v", got.Config)
				}
				compareRules(t, "resolved by @netlify/config", got.Config.Redirects, got.Config.Headers, c.rules)
			}
		})
	}
	for i, r := range requests {
		c := cases[r.Case]
		name := fmt.Sprintf("%s %s?%s lang=%s country=%s cookies=%v", c.name, r.Path, r.Query, r.Language, r.Country, r.Cookies)
		want := js.Requests[i]
		var got *hosting.Redirect
		var to string
		for _, rule := range c.rules.Redirects {
			if caps, ok := rule.Match(r.req); ok {
				got, to = rule, rule.Target(caps, "")
				break
			}
		}
		switch {
		case got != nil && len(got.Conditions.Role) > 0:
			// Netlify's matcher leaves a role rule to the JWT check.
			if want.Redirect == nil || want.Redirect.To != "" {
				t.Errorf("%s: this package matches the role rule %s, Netlify's matcher %+v", name, got, want.Redirect)
			}
		case want.Redirect == nil && got != nil:
			t.Errorf("%s: Netlify's matcher matches no rule, this package %s (%s)", name, got, got.Pos)
		case want.Redirect != nil && got == nil:
			t.Errorf("%s: Netlify's matcher sends it to %s %d, this package matches no rule", name, want.Redirect.To, want.Redirect.Status)
		case want.Redirect != nil && (want.Redirect.To != to || want.Redirect.Status != got.EffectiveStatus() || want.Redirect.Force != got.Force):
			t.Errorf("%s: Netlify's matcher: %+v; this package: to %s, %d, force %v (%s)", name, *want.Redirect, to, got.EffectiveStatus(), got.Force, got)
		}
		var matched []int
		for j, h := range c.rules.Headers {
			if h.Matches(r.EscapedPath) {
				matched = append(matched, j)
			}
		}
		if !slices.Equal(matched, want.Headers) && !(len(matched) == 0 && len(want.Headers) == 0) {
			t.Errorf("%s: Netlify's headers parser applies rules %v, this package %v", name, want.Headers, matched)
		}
	}
}

// sampleParityCase builds the sample site into a folder laid out as
// Netlify sees the repository (netlify.toml beside public/) and lists the
// requests to compare.
func sampleParityCase(t *testing.T, root string) ([]parityCase, []parityRequest) {
	tmp := t.TempDir()
	toml, err := os.ReadFile(filepath.Join(root, "netlify.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "netlify.toml"), toml, 0o644); err != nil {
		t.Fatal(err)
	}
	public := filepath.Join(tmp, "public")
	res, err := pipeline.Build(pipeline.Options{Source: root, Dest: public, Now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatalf("building the sample site: %v", err)
	}
	c := loadCase(t, "sample site", filepath.Join(tmp, "netlify.toml"), filepath.Join(public, "_redirects"), filepath.Join(public, "_headers"))
	c.resolve = tmp
	var names []string
	_ = fs.WalkDir(os.DirFS(public), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	asset := ""
	for _, n := range names {
		if strings.HasPrefix(n, "assets/") {
			asset = "/" + n
			break
		}
	}
	en := res.Site.Locales[0]
	paths := []string{"/", "/en", "/en/", "/sv/", en.Articles[0].URL, asset, res.Site.Aliases[0].From, res.Site.Aliases[0].From + "/",
		"/api/cases", "/api/feedback", "/en/no-such-page/", "/no-such-page", "/search/en/manifest.json", "/sitemap.xml"}
	var reqs []parityRequest
	for _, p := range paths {
		for _, accept := range []string{"", "sv-SE,sv;q=0.9,en;q=0.8", "en-GB,en;q=0.9", "de-DE,de;q=0.9", "sv;q=0.1, en"} {
			reqs = append(reqs, newParityRequest(0, "GET "+p, map[string]string{"Accept-Language": accept}))
		}
		reqs = append(reqs, newParityRequest(0, "GET "+p, map[string]string{"Accept-Language": "de", "Cookie": "nf_lang=sv"}))
	}
	return []parityCase{c}, reqs
}

// corpusCase reads one folder of testdata/parity: any of netlify.toml,
// _redirects and _headers, and requests (one a line: a path with its
// query, then Header: value pairs separated by " | ").
func corpusCase(t *testing.T, dir string, index int) (parityCase, []parityRequest) {
	file := func(name string) string {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		abs, _ := filepath.Abs(p)
		return abs
	}
	c := loadCase(t, filepath.Base(dir), file("netlify.toml"), file("_redirects"), file("_headers"))
	var reqs []parityRequest
	data, err := os.ReadFile(filepath.Join(dir, "requests"))
	if err != nil {
		return c, nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, " | ")
		hdr := map[string]string{}
		for _, h := range parts[1:] {
			k, v, _ := strings.Cut(h, ": ")
			hdr[k] = v
		}
		reqs = append(reqs, newParityRequest(index, "GET "+parts[0], hdr))
	}
	return c, reqs
}

func newParityRequest(c int, line string, hdr map[string]string) parityRequest {
	method, target, _ := strings.Cut(line, " ")
	r, err := http.NewRequest(method, "https://help.example.com"+target, nil)
	if err != nil {
		panic(err)
	}
	for k, v := range hdr {
		if k == "Host" {
			r.Host = v
			continue
		}
		if v != "" {
			r.Header.Set(k, v)
		}
	}
	q := hosting.NewRequest(r)
	cookies := map[string]string{}
	for _, ck := range r.Cookies() {
		cookies[ck.Name] = ck.Value
	}
	return parityRequest{Case: c, Path: q.Path, EscapedPath: q.EscapedPath, Query: q.RawQuery, Host: q.Host, Language: q.Language, Country: q.Country, Cookies: cookies, req: q}
}

// loadCase parses one case's files the way the package's users do, and
// counts the rules each parser rejects.
func loadCase(t *testing.T, name, toml, redirects, headers string) parityCase {
	read := func(p string) []byte {
		if p == "" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		return data
	}
	c := parityCase{name: name, toml: toml, redirects: redirects, headers: headers}
	rules, _ := hosting.Parse(hosting.Source{Name: "netlify.toml", Data: read(toml)},
		hosting.Source{Name: "_redirects", Data: read(redirects)}, hosting.Source{Name: "_headers", Data: read(headers)})
	c.rules = rules
	_, rerrs := hosting.ParseRedirectsFile("_redirects", read(redirects))
	_, herrs := hosting.ParseHeadersFile("_headers", read(headers))
	_, _, cerrs := hosting.ParseConfig("netlify.toml", read(toml))
	c.redirectErrs, c.headerErrs = len(rerrs), len(herrs)
	for _, e := range cerrs {
		msg := e.Error()
		switch {
		case strings.Contains(msg, "could not parse configuration file"):
			c.redirectErrs++ // both of Netlify's parsers read the file
			c.headerErrs++
		case strings.Contains(msg, "redirect"):
			c.redirectErrs++
		default:
			c.headerErrs++
		}
	}
	return c
}

// compareRules compares Netlify's normalized rules (minimal form) with
// the package's.
func compareRules(t *testing.T, what string, jsRedirects, jsHeaders []map[string]any, rules *hosting.Rules) {
	t.Helper()
	var want, got []any
	for _, r := range jsRedirects {
		want = append(want, canonRedirect(r))
	}
	for _, r := range rules.Redirects {
		got = append(got, canonRedirect(goRedirect(r)))
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("redirects %s differ:\nNetlify: %s\nhosting: %s", what, jsonString(want), jsonString(got))
	}
	want, got = nil, nil
	for _, h := range jsHeaders {
		want = append(want, roundTrip(map[string]any{"for": h["for"], "values": h["values"]}))
	}
	for _, h := range rules.Headers {
		vals := map[string]any{}
		for _, v := range h.Values {
			vals[v.Name] = v.Value
		}
		got = append(got, roundTrip(map[string]any{"for": h.For, "values": vals}))
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("headers %s differ:\nNetlify: %s\nhosting: %s", what, jsonString(want), jsonString(got))
	}
}

// goRedirect is a rule in the shape of Netlify's minimal one.
func goRedirect(r *hosting.Redirect) map[string]any {
	m := map[string]any{"from": r.From, "to": r.To, "force": r.Force, "query": r.Query, "headers": r.Headers}
	if r.Headers == nil {
		m["headers"] = map[string]string{}
	}
	if r.Query == nil {
		m["query"] = map[string]string{}
	}
	if r.Status != 0 {
		m["status"] = r.Status
	}
	if r.Signed != "" {
		m["signed"] = r.Signed
	}
	cond := map[string]any{}
	for k, v := range map[string][]string{"Language": r.Conditions.Language, "Country": r.Conditions.Country, "Role": r.Conditions.Role, "Cookie": r.Conditions.Cookie} {
		if len(v) > 0 {
			cond[k] = v
		}
	}
	for k, v := range r.Conditions.Other {
		cond[k] = v
	}
	m["conditions"] = cond
	return m
}

// canonRedirect makes two rules comparable: JSON types, condition values
// as lists (Netlify keeps Cookie and unknown conditions as the written
// string), no rate limits.
func canonRedirect(r map[string]any) any {
	m := roundTrip(r).(map[string]any)
	delete(m, "rate_limit")
	if cond, ok := m["conditions"].(map[string]any); ok {
		for k, v := range cond {
			if s, ok := v.(string); ok {
				var list []any
				for _, x := range strings.Split(s, ",") {
					list = append(list, strings.TrimSpace(x))
				}
				cond[k] = list
			}
		}
	}
	return m
}

func roundTrip(v any) any {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	return out
}

func jsonString(v any) string {
	data, _ := json.MarshalIndent(v, "", " ")
	return string(data)
}
