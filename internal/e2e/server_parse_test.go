package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestPreferredLanguage covers the Accept-Language reading of the test
// server's Language= redirects.
func TestPreferredLanguage(t *testing.T) {
	tests := []struct{ header, want string }{
		{"", ""},
		{"sv", "sv"},
		{"sv-SE,sv;q=0.9,en;q=0.8", "sv"},
		{"en;q=0.5, sv;q=0.9", "sv"},
		{"EN-gb", "en"},
		{"de;q=0, en;q=0.1", "en"},
	}
	for _, tc := range tests {
		t.Run(tc.header, func(t *testing.T) {
			if got := preferredLanguage(tc.header); got != tc.want {
				t.Errorf("preferredLanguage(%q) = %q, want %q", tc.header, got, tc.want)
			}
		})
	}
}

// TestParseRedirects covers the _redirects lines the build writes.
func TestParseRedirects(t *testing.T) {
	rules, err := parseRedirects("# comment\n/old  /new/  301\n/  /sv/  302!  Language=sv\n/en/*  /en/404.html  404\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []redirectRule{
		{From: "/old", To: "/new/", Status: 301},
		{From: "/", To: "/sv/", Status: 302, Force: true, Language: []string{"sv"}},
		{From: "/en/*", To: "/en/404.html", Status: 404},
	}
	if len(rules) != len(want) {
		t.Fatalf("%d rules, want %d: %+v", len(rules), len(want), rules)
	}
	for i := range want {
		g, w := rules[i], want[i]
		if g.From != w.From || g.To != w.To || g.Status != w.Status || g.Force != w.Force || strings.Join(g.Language, ",") != strings.Join(w.Language, ",") {
			t.Errorf("rule %d = %+v, want %+v", i, g, w)
		}
	}
	req, _ := http.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Language", "sv-SE")
	if _, ok := rules[1].match("/", req); !ok {
		t.Error("the Swedish rule does not match a Swedish reader at /")
	}
	if splat, ok := rules[2].match("/en/a/b", req); !ok || splat != "a/b" {
		t.Errorf("the 404 rule matches /en/a/b: %v with splat %q", ok, splat)
	}
	for _, bad := range []string{"/only-one-field", "/a /b three", "/a /b 301 Country=se"} {
		if _, err := parseRedirects(bad); err == nil {
			t.Errorf("parseRedirects(%q) accepted a malformed line", bad)
		}
	}
}

// FuzzRedirects feeds arbitrary _redirects text and Accept-Language
// headers to the test server's parsers: they must not panic, and a parsed
// rule always has a source and a target.
func FuzzRedirects(f *testing.F) {
	f.Add("/  /en/  302!  Language=en\n/en/*  /en/404.html  404", "en-GB,en;q=0.9")
	f.Add("/a /b\n# x\n\n/c/* /d/:splat 200", ";q=,")
	f.Fuzz(func(t *testing.T, text, accept string) {
		_ = preferredLanguage(accept)
		rules, err := parseRedirects(text)
		if err != nil {
			return
		}
		req, _ := http.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Language", accept)
		for _, r := range rules {
			if r.From == "" || r.To == "" {
				t.Fatalf("rule without source or target from %q: %+v", text, r)
			}
			_, _ = r.match("/en/x", req)
		}
	})
}
