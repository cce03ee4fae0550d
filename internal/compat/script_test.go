package compat

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/js"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ (the Node tests read them)")

// maxGzip is the limit for the built script.
const maxGzip = 2048

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/compat -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date; run go test ./internal/compat -update and review the diff", path)
	}
}

func chrome60() Requirements {
	r := readme()
	r.Browsers.Supported = map[string]Version{"chrome": "60", "firefox": "38.5", "safari": "9", "ie": "11"}
	r.Browsers.Recommended = map[string]Version{"chrome": "60", "firefox": "43", "safari": "9", "ie": "11"}
	return r
}

func mustScript(t *testing.T, r Requirements) []byte {
	t.Helper()
	out, err := Script(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestScriptGolden(t *testing.T) {
	golden(t, "compat.golden.js", mustScript(t, readme()))
	golden(t, "compat.chrome60.golden.js", mustScript(t, chrome60()))
}

func TestScriptEmbedsRules(t *testing.T) {
	cases := []struct {
		name string
		r    Requirements
		want []string
		not  []string
	}{
		{"readme", readme(), []string{
			`supported:{chrome:"47",firefox:"38.5",ie:"11",safari:"9"}`,
			`recommended:{chrome:"47",firefox:"43",ie:"11",safari:"9"}`,
			`screen:[1024,768]`, `cookies:!0`,
		}, []string{"/*RULES*/"}},
		{"no screen, no cookies", Requirements{Cookies: CookiesNone, Browsers: Browsers{Supported: map[string]Version{"ios": "12.4.1"}}},
			[]string{`supported:{ios:"12.4.1"}`, `recommended:{}`}, []string{"screen:[", "cookies:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := string(mustScript(t, c.r))
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("script lacks %s", w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(out, n) {
					t.Errorf("script holds %s", n)
				}
			}
		})
	}
}

func TestScriptDeterministicAndFollowsTheRules(t *testing.T) {
	a, b := mustScript(t, readme()), mustScript(t, readme())
	if !bytes.Equal(a, b) {
		t.Error("two builds of the same requirements differ")
	}
	if bytes.Equal(a, mustScript(t, chrome60())) {
		t.Error("raising chrome to 60 did not change the script")
	}
	r := readme()
	r.Screen.MinWidth = 1280
	if bytes.Equal(a, mustScript(t, r)) {
		t.Error("raising the screen minimum did not change the script")
	}
}

func TestScriptRefusesInvalidRequirements(t *testing.T) {
	r := readme()
	r.Browsers.Supported["opera"] = "50"
	_, err := Script(r)
	if !errors.Is(err, ErrUnknownBrowser) || !strings.Contains(err.Error(), "requirements.browsers.supported.opera") {
		t.Errorf("Script() error = %v, want ErrUnknownBrowser naming the field", err)
	}
}

// TestScriptSize holds the built script to the limit.
func TestScriptSize(t *testing.T) {
	out := mustScript(t, readme())
	var z bytes.Buffer
	w, err := gzip.NewWriterLevel(&z, gzip.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(out); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("compat.js: %d bytes minified, %d bytes gzipped (limit %d)", len(out), z.Len(), maxGzip)
	if z.Len() >= maxGzip {
		t.Errorf("compat.js is %d bytes gzipped; the limit is %d", z.Len(), maxGzip)
	}
}

// es5Violations lists syntax after ES5 and anything that could make a
// request. The script holds no strings or comments where these could
// legitimately appear (comments are stripped from the source first).
var es5Violations = []struct {
	what string
	re   *regexp.Regexp
}{
	{"arrow function", regexp.MustCompile(`=>`)},
	{"let", regexp.MustCompile(`\blet\s`)},
	{"const", regexp.MustCompile(`\bconst\s`)},
	{"template literal", regexp.MustCompile("`")},
	{"class", regexp.MustCompile(`\bclass\s`)},
	{"spread or rest", regexp.MustCompile(`\.\.\.`)},
	{"nullish coalescing", regexp.MustCompile(`\?\?`)},
	{"optional chaining", regexp.MustCompile(`\?\.\D`)},
	{"optional catch binding", regexp.MustCompile(`catch\s*\{`)},
	{"fetch", regexp.MustCompile(`\bfetch\s*\(`)},
	{"XMLHttpRequest", regexp.MustCompile(`XMLHttpRequest`)},
	{"sendBeacon", regexp.MustCompile(`sendBeacon`)},
	{"dynamic import", regexp.MustCompile(`\bimport\s*\(`)},
	{"image request", regexp.MustCompile(`new Image`)},
	{"cookie write", regexp.MustCompile(`document\.cookie`)},
	// The minifier turns [\/ ] into [/ ], which IE's legacy JScript (run by
	// IE 11 in Compatibility View document modes) reads as the regex's end.
	{"slash in a regex character class", regexp.MustCompile(`\[\^?/`)},
}

var comments = regexp.MustCompile(`(?s)/\*.*?\*/|(?m)^\s*//.*$`)

func TestScriptIsES5(t *testing.T) {
	built := mustScript(t, readme())
	// The site's asset pipeline minifies JavaScript again; whatever its
	// settings, the result must stay ES5 (the script avoids the patterns a
	// newer-target minifier rewrites, such as an unused catch binding).
	var again bytes.Buffer
	if err := js.Minify(minify.New(), &again, bytes.NewReader(built), nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		code []byte
	}{
		{"source compat.js", comments.ReplaceAll(source, nil)},
		{"Script output", built},
		{"Script output minified again at the latest ECMAScript", again.Bytes()},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range es5Violations {
				if loc := v.re.FindIndex(c.code); loc != nil {
					t.Errorf("%s at byte %d: %q", v.what, loc[0], c.code[max(0, loc[0]-30):min(len(c.code), loc[1]+30)])
				}
			}
		})
	}
}

// The partial and its strings.

// loadStrings reads layouts/i18n/<locale>/compat.toml.
func loadStrings(t *testing.T, locale string) map[string]string {
	t.Helper()
	var m map[string]string
	if _, err := toml.DecodeFile(filepath.Join("..", "..", "layouts", "i18n", locale, "compat.toml"), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

var partialKeys = regexp.MustCompile(`\{\{t "([^"]+)"`)

func TestStringsBothLocales(t *testing.T) {
	en, sv := loadStrings(t, "en"), loadStrings(t, "sv")
	keys := func(m map[string]string) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	if !slices.Equal(keys(en), keys(sv)) {
		t.Errorf("en and sv keys differ:\nen %v\nsv %v", keys(en), keys(sv))
	}
	partial, err := os.ReadFile(filepath.Join("..", "..", "layouts", "partials", "compat-banner.html"))
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, m := range partialKeys.FindAllSubmatch(partial, -1) {
		used[string(m[1])] = true
	}
	for _, k := range keys(en) {
		if !used[k] {
			t.Errorf("%s is in compat.toml but not in the partial", k)
		}
	}
	for k := range used {
		if _, ok := en[k]; !ok {
			t.Errorf("the partial uses %s, which compat.toml lacks", k)
		}
	}
	for _, b := range BrowserKeys() {
		if !used["compat.browser."+b] {
			t.Errorf("no name for browser key %s", b)
		}
	}
	placeholders := map[string][]string{
		"compat.unsupported": {"{browser}"},
		"compat.supported":   {"{browser}"},
		"compat.screen":      {"{width}", "{height}"},
	}
	for _, m := range []map[string]string{en, sv} {
		for key, value := range m {
			for _, p := range placeholders[key] {
				if !strings.Contains(value, p) {
					t.Errorf("%s = %q lacks %s, which the script fills in", key, value, p)
				}
			}
			if strings.Contains(value, "%") {
				t.Errorf("%s = %q holds %%, which the t function would format", key, value)
			}
		}
	}
}

// renderBanner renders the partial as the site does, with t reading the
// real strings and asset giving a fingerprinted name.
func renderBanner(t *testing.T, locale, requirementsURL string) string {
	t.Helper()
	strs := loadStrings(t, locale)
	funcs := template.FuncMap{
		"t": func(key string, args ...any) (string, error) {
			s, ok := strs[key]
			if !ok {
				return "", fmt.Errorf("no string %q", key)
			}
			if len(args) > 0 {
				s = fmt.Sprintf(s, args...)
			}
			return s, nil
		},
		"asset": func(name string) (string, error) {
			if name != AssetName {
				return "", fmt.Errorf("no asset %q", name)
			}
			return "/assets/compat.0123abcd.js", nil
		},
	}
	tmpl, err := template.New("page").Funcs(funcs).ParseFiles(filepath.Join("..", "..", "layouts", "partials", "compat-banner.html"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	page := struct{ Locale, RequirementsURL string }{locale, requirementsURL}
	if err := tmpl.ExecuteTemplate(&b, "compat-banner", page); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPartial(t *testing.T) {
	for _, c := range []struct{ locale, url string }{
		{"en", "/en/articles/system-requirements/"},
		{"sv", "/sv/articles/systemkrav/"},
	} {
		t.Run(c.locale, func(t *testing.T) {
			html := renderBanner(t, c.locale, c.url)
			golden(t, "banner."+c.locale+".golden.html", []byte(html))
			for _, want := range []string{
				`<div class="compat-banner" role="status" aria-live="polite">`,
				`<div class="compat-banner__box" id="compat-banner" hidden`,
				`<p class="compat-banner__message"></p>`,
				`<a class="compat-banner__link" href="` + c.url + `">`,
				`<button type="button" class="compat-banner__dismiss">`,
				`<script src="/assets/compat.0123abcd.js" defer></script>`,
			} {
				if !strings.Contains(html, want) {
					t.Errorf("banner lacks %s", want)
				}
			}
			if strings.Contains(html, "style=") || strings.Contains(html, "<style") {
				t.Error("banner has inline styles")
			}
			// The script finds the message as the box's first <p>.
			box := html[strings.Index(html, `id="compat-banner"`):]
			if i := strings.Index(box, "<p"); i < 0 || !strings.HasPrefix(box[i:], `<p class="compat-banner__message">`) {
				t.Error("the box's first <p> is not the message")
			}
		})
	}
}

func TestPartialWithoutRequirementsArticle(t *testing.T) {
	if html := strings.TrimSpace(renderBanner(t, "en", "")); html != "" {
		t.Errorf("banner without a requirements article = %q, want nothing", html)
	}
}
