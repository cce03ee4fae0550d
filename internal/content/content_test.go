package content_test

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/inexchange/helpcenter/internal/content"
)

const articlePath = "content/en/cases/submitting/create-a-case.md"

// crlf turns a file's line endings into CRLF.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

const bom = "\xef\xbb\xbf"

func TestParseFileFormats(t *testing.T) {
	formats := []struct {
		name, src string
		bodyLine  int
	}{
		{"yaml", `---
title: "Öppettider för support"
date: 2026-12-01
updated: 2026-12-02T08:30:00+01:00
labels: [kontakt, telefon]
weight: 3
params: {owner: support}
---

Body with **Markdown**.
`, 10},
		{"yaml-named", `---yaml
title: "Öppettider för support"
date: 2026-12-01
updated: 2026-12-02T08:30:00+01:00
labels: [kontakt, telefon]
weight: 3
params: {owner: support}
---

Body with **Markdown**.
`, 10},
		{"toml", `+++
title = "Öppettider för support"
date = 2026-12-01
updated = 2026-12-02T08:30:00+01:00
labels = ["kontakt", "telefon"]
weight = 3
[params]
owner = "support"
+++

Body with **Markdown**.
`, 11},
		{"toml-quoted-dates", `+++
title = "Öppettider för support"
date = "2026-12-01"
updated = "2026-12-02T08:30:00+01:00"
labels = ["kontakt", "telefon"]
weight = 3
params = {owner = "support"}
+++

Body with **Markdown**.
`, 10},
		{"json", `{
  "title": "Öppettider för support",
  "date": "2026-12-01",
  "updated": "2026-12-02T08:30:00+01:00",
  "labels": ["kontakt", "telefon"],
  "weight": 3,
  "params": {"owner": "support"}
}

Body with **Markdown**.
`, 10},
	}
	variants := []struct {
		name string
		f    func(string) string
	}{
		{"lf", func(s string) string { return s }},
		{"crlf", crlf},
		{"bom", func(s string) string { return bom + s }},
		{"bom+crlf", func(s string) string { return bom + crlf(s) }},
		{"leading blank lines", func(s string) string { return "\n\n" + s }},
	}
	wantUpdated := time.Date(2026, 12, 2, 7, 30, 0, 0, time.UTC)
	for _, fm := range formats {
		for _, v := range variants {
			t.Run(fm.name+"/"+v.name, func(t *testing.T) {
				f, errs := content.ParseFile(articlePath, []byte(v.f(fm.src)))
				if len(errs) > 0 {
					t.Fatalf("unexpected errors:\n%v", errs)
				}
				if f.Kind != content.KindArticle || f.Locale != "en" || f.Category != "cases" || f.Section != "submitting" || f.Name != "create-a-case" {
					t.Errorf("kind/locale/category/section/name = %v/%q/%q/%q/%q", f.Kind, f.Locale, f.Category, f.Section, f.Name)
				}
				a := f.Article
				if a.Title != "Öppettider för support" {
					t.Errorf("title = %q", a.Title)
				}
				if got := a.Date.Format("2006-01-02"); got != "2026-12-01" {
					t.Errorf("date = %s", got)
				}
				if !a.Updated.Equal(wantUpdated) {
					t.Errorf("updated = %v, want %v", a.Updated.Time, wantUpdated)
				}
				if strings.Join(a.Labels, ",") != "kontakt,telefon" || a.Weight != 3 {
					t.Errorf("labels = %q, weight = %d", a.Labels, a.Weight)
				}
				if a.Params["owner"] != "support" {
					t.Errorf("params = %v", a.Params)
				}
				if got := strings.TrimSpace(string(f.Body)); got != "Body with **Markdown**." {
					t.Errorf("body = %q", f.Body)
				}
				if strings.Contains(string(f.Body), "\r") {
					t.Errorf("body keeps CR: %q", f.Body)
				}
				want := fm.bodyLine
				if v.name == "leading blank lines" {
					want += 2
				}
				// The body starts after the closing delimiter; blank lines before
				// the text are part of it.
				if line := f.BodyLine + strings.Count(string(f.Body[:strings.Index(string(f.Body), "Body")]), "\n"); line != want {
					t.Errorf("body text on line %d, want %d (BodyLine %d)", line, want, f.BodyLine)
				}
			})
		}
	}
}

func TestParseFileKinds(t *testing.T) {
	tests := []struct {
		path, src string
		kind      content.Kind
		locale    string
	}{
		{"content/_index.md", "---\ntitle: Help\nlocales: [en, sv]\n---\n", content.KindSettings, ""},
		{"content/sv/_index.md", "---\ntitle: Hjälpcenter\npromoted: [a/b/c.md]\nsynonyms: [[faktura, räkning]]\n---\n", content.KindLocaleHome, "sv"},
		{"content/sv/fakturor/_index.md", "---\ntitle: Fakturor\nweight: 2\n---\n", content.KindCategory, "sv"},
		{"content/sv/fakturor/skicka/_index.md", "---\ntitle: Skicka\nslug: skicka-fakturor\n---\n", content.KindSection, "sv"},
		{"content/sv/fakturor/skicka/öppettider.md", "---\ntitle: Öppettider\n---\n", content.KindArticle, "sv"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, errs := content.ParseFile(tt.path, []byte(tt.src))
			if len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if f.Kind != tt.kind || f.Locale != tt.locale {
				t.Errorf("kind %v locale %q, want %v %q", f.Kind, f.Locale, tt.kind, tt.locale)
			}
			switch tt.kind {
			case content.KindSettings:
				if f.Settings == nil || strings.Join(f.Settings.Locales, ",") != "en,sv" {
					t.Errorf("settings = %+v", f.Settings)
				}
			case content.KindLocaleHome:
				if f.Home == nil || len(f.Home.Synonyms) != 1 || f.Home.Synonyms[0][1] != "räkning" {
					t.Errorf("home = %+v", f.Home)
				}
			case content.KindCategory, content.KindSection:
				if f.Branch == nil || f.Branch.Title == "" {
					t.Errorf("branch = %+v", f.Branch)
				}
			case content.KindArticle:
				if f.Article == nil || f.Article.Title != "Öppettider" || f.Name != "öppettider" {
					t.Errorf("article = %+v, name %q", f.Article, f.Name)
				}
			}
		})
	}
}

// TestParseFileErrors holds every error kind to its sentinel, its exact
// position and its hint.
func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		name string
		path string // default articlePath
		src  string
		kind error
		// alt is another acceptable kind: the decoders classify a value
		// of the wrong type differently (see TestParseFileErrors' report).
		alt  error
		pos  string // "line:col"
		hint string // substring of the hint
		msg  string // substring of the message
		// only: the file must produce exactly this one error.
		only bool
	}{
		{name: "unknown key yaml", src: "---\ntitle: A\ntittle: B\n---\n", kind: content.ErrUnknownKey, pos: "3:1", hint: `did you mean "title"`, msg: `unknown key "tittle"`, only: true},
		{name: "unknown key yaml bom crlf", src: bom + crlf("---\ntitle: Å\ntittle: B\n---\nbody\n"), kind: content.ErrUnknownKey, pos: "3:1", hint: `did you mean "title"`, only: true},
		{name: "unknown key toml", src: "+++\ntitle = \"A\"\n\ntittle = \"B\"\n+++\n", kind: content.ErrUnknownKey, pos: "4:1", hint: `did you mean "title"`, only: true},
		{name: "unknown key json", src: "{\n  \"title\": \"A\",\n  \"tittle\": \"B\"\n}\n", kind: content.ErrUnknownKey, pos: "3:1", hint: `did you mean "title"`, only: true},
		{name: "unknown key without suggestion", src: "---\ntitle: A\ncolour: red\n---\n", kind: content.ErrUnknownKey, pos: "3:1", hint: "put your own data under params:", msg: `"colour"`, only: true},
		{name: "unknown nested key", src: "---\ntitle: A\nlayout: system-requirements\nrequirements:\n  screen: {min_width: 1024, min_hieght: 768}\n  browsers:\n    supported: {chrome: \"47\"}\n---\n", kind: content.ErrUnknownKey, pos: "5:1", hint: `did you mean "min_height"`, only: true},
		{name: "unknown key in settings", path: "content/_index.md", src: "---\ntitle: A\nlocales: [en]\nbaseurl: x\n---\n", kind: content.ErrUnknownKey, pos: "4:1", hint: `did you mean "base_url"`, only: true},
		{name: "article key in section", path: "content/en/a/b/_index.md", src: "---\ntitle: A\nlabels: [x]\n---\n", kind: content.ErrUnknownKey, pos: "3:1", only: true},
		{name: "unclosed yaml", src: "---\ntitle: A\ndescription: B\n\nBody text.\n", kind: content.ErrFrontMatter, pos: "1:1", hint: `add a line "---"`, msg: "never closed"},
		{name: "unclosed toml", src: "\n+++\ntitle = \"A\"\n", kind: content.ErrFrontMatter, pos: "2:1", hint: `add a line "+++"`},
		{name: "unclosed json", src: "{\n  \"title\": \"A\"\n", kind: content.ErrFrontMatter, pos: "1:1", hint: `"}"`},
		{name: "no front matter", src: "# Just Markdown\n", kind: content.ErrFrontMatter, pos: "1:1", hint: "start the file with a line '---'", only: true},
		{name: "empty file", src: "", kind: content.ErrFrontMatter, pos: "1:1", only: true},
		{name: "malformed yaml", src: "---\ntitle: A\ndescription: Note: this breaks\n---\n", kind: content.ErrFrontMatter, pos: "3:1", hint: "must be quoted", msg: "mapping values are not allowed"},
		{name: "malformed toml", src: "+++\ntitle = \"A\"\nweight = = 3\n+++\n", kind: content.ErrFrontMatter, pos: "3:"},
		{name: "malformed json", src: "{\n  \"title\": \"A\",\n  \"weight\": \n}\n", kind: content.ErrFrontMatter, pos: "4:1"},
		{name: "wrong type yaml", src: "---\ntitle: A\nweight: heavy\n---\n", kind: content.ErrFrontMatter, alt: content.ErrInvalidValue, pos: "3:1", hint: "check the type", msg: "heavy", only: true},
		{name: "wrong type yaml list", src: "---\ntitle: A\nlabels: {a: b}\n---\n", kind: content.ErrFrontMatter, alt: content.ErrInvalidValue, pos: "3:1", only: true},
		{name: "wrong type toml", src: "+++\ntitle = \"A\"\nweight = \"heavy\"\n+++\n", kind: content.ErrFrontMatter, alt: content.ErrInvalidValue, pos: "3:1", only: true},
		{name: "wrong type json", src: "{\n  \"title\": \"A\",\n  \"weight\": \"heavy\"\n}\n", kind: content.ErrInvalidValue, alt: content.ErrFrontMatter, pos: "3:1", msg: "weight", only: true},
		{name: "bad date", src: "---\ntitle: A\ndate: 1 December\n---\n", kind: content.ErrFrontMatter, pos: "3:1", msg: "2026-12-01", only: true},
		{name: "missing title yaml", src: "---\ndescription: B\n---\n", kind: content.ErrMissingKey, pos: "1:1", hint: "add title:", msg: `"title"`, only: true},
		{name: "missing title after blank lines", src: "\n\n---\ndescription: B\n---\n", kind: content.ErrMissingKey, pos: "3:1", only: true},
		{name: "blank title", src: "---\ntitle: \"  \"\n---\n", kind: content.ErrMissingKey, pos: "1:1", only: true},
		{name: "missing title toml", src: "+++\ndescription = \"B\"\n+++\n", kind: content.ErrMissingKey, pos: "1:1", only: true},
		{name: "missing title json", src: "{\n  \"description\": \"B\"\n}\n", kind: content.ErrMissingKey, pos: "1:1", only: true},
		{name: "missing title category", path: "content/en/a/_index.md", src: "---\nweight: 1\n---\n", kind: content.ErrMissingKey, pos: "1:1", only: true},
		{name: "missing locales", path: "content/_index.md", src: "---\ntitle: A\n---\n", kind: content.ErrMissingKey, msg: `"locales"`, only: true},
		{name: "bad locale", path: "content/_index.md", src: "---\ntitle: A\nlocales: [en, EN_us]\n---\n", kind: content.ErrInvalidValue, pos: "3:1", msg: `"EN_us"`, only: true},
		{name: "organization url not absolute", path: "content/_index.md", src: "---\ntitle: A\nlocales: [en]\norganization: {name: Acme AB, url: www.acme.example}\n---\n", kind: content.ErrInvalidValue, pos: "4:1", msg: `"www.acme.example"`, hint: "absolute URL", only: true},
		{name: "unknown organization key", path: "content/_index.md", src: "---\ntitle: A\nlocales: [en]\norganization:\n  name: Acme AB\n  logo: x.png\n---\n", kind: content.ErrUnknownKey, msg: `"logo"`, only: true},
		{name: "unknown layout", src: "---\ntitle: A\nlayout: fancy\n---\n", kind: content.ErrUnknownLayout, pos: "3:1", hint: "known layouts: system-requirements", msg: `"fancy"`, only: true},
		{name: "typed key without layout", src: "---\ntitle: A\ncookies:\n  - {name: sid, provider: us, purpose: login, type: session, duration: session}\n---\n", kind: content.ErrLayout, pos: "3:1", hint: "add layout: cookie-policy", only: true},
		{name: "typed key under other layout", src: "---\ntitle: A\nlayout: how-to\nhours:\n  time_zone: Europe/Stockholm\n  weekly: {monday: closed}\n---\n", kind: content.ErrLayout, pos: "4:1", hint: "add layout: phone-hours"},
		{name: "layout without its key", src: "---\ntitle: A\nlayout: cookie-policy\n---\n", kind: content.ErrMissingKey, pos: "3:1", msg: `"cookies"`, only: true},
		{name: "bad cookie type", src: "---\ntitle: A\nlayout: cookie-policy\ncookies:\n  - {name: sid, provider: us, purpose: login, type: forever, duration: x}\n---\n", kind: content.ErrLayout, pos: "4:1", msg: `"forever"`, only: true},
		{name: "bad slug", src: "---\ntitle: A\nslug: Create A Case\n---\n", kind: content.ErrInvalidValue, pos: "3:1", hint: `use "create-a-case"`, only: true},
		{name: "bad slug accents", src: "---\ntitle: A\nslug: öppettider\n---\n", kind: content.ErrInvalidValue, pos: "3:1", hint: `use "oppettider"`, only: true},
		{name: "bad section slug", path: "content/en/a/b/_index.md", src: "---\ntitle: A\nslug: B_C\n---\n", kind: content.ErrInvalidValue, pos: "3:1", hint: `use "b-c"`, only: true},
		{name: "bad alias relative", src: "---\ntitle: A\naliases:\n  - hc/en-us/articles/1\n---\n", kind: content.ErrInvalidValue, pos: "3:1", hint: "site paths", msg: `"hc/en-us/articles/1"`, only: true},
		{name: "bad alias with space", src: "---\ntitle: A\naliases: [\"/old page\"]\n---\n", kind: content.ErrInvalidValue, pos: "3:1", only: true},
		{name: "bad alias with fragment", src: "---\ntitle: A\naliases: [\"/old#x\"]\n---\n", kind: content.ErrInvalidValue, pos: "3:1", only: true},
		{name: "bad alias with * inside", src: "---\ntitle: A\naliases: [\"/hc/*/articles/1\"]\n---\n", kind: content.ErrInvalidValue, pos: "3:1", msg: "* may only end a prefix", only: true},
		{name: "bad alias with placeholder", src: "---\ntitle: A\naliases: [\"/hc/:locale/articles/1\"]\n---\n", kind: content.ErrInvalidValue, pos: "3:1", msg: "placeholder", only: true},
		{name: "bad alias with query", src: "---\ntitle: A\naliases: [\"/store?id=1\"]\n---\n", kind: content.ErrInvalidValue, pos: "3:1", msg: "query", hint: "prefixes ending in *", only: true},
		{name: "empty label", src: "---\ntitle: A\nlabels: [\"!!\"]\n---\n", kind: content.ErrInvalidValue, pos: "3:1", only: true},
		{name: "expiry before publication", src: "---\ntitle: A\npublish_at: 2026-12-01\nexpires_at: 2026-11-01\n---\n", kind: content.ErrInvalidValue, pos: "4:1", only: true},
		{name: "misplaced file", path: "content/en/a/stray.md", src: "---\ntitle: A\n---\n", kind: content.ErrStructure, only: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.path
			if p == "" {
				p = articlePath
			}
			_, errs := content.ParseFile(p, []byte(tt.src))
			if len(errs) == 0 {
				t.Fatalf("no error, want %v", tt.kind)
			}
			for _, e := range errs {
				if e.Path != p {
					t.Errorf("error %q has path %q, want %q", e, e.Path, p)
				}
			}
			var err error = errs
			kind := tt.kind
			if tt.alt != nil && !errors.Is(err, kind) && errors.Is(err, tt.alt) {
				kind = tt.alt
			}
			if !errors.Is(err, kind) {
				t.Fatalf("errors.Is(%v) = false for:\n%v", tt.kind, errs)
			}
			var ce *content.Error
			if !errors.As(err, &ce) {
				t.Fatalf("errors.As(*content.Error) = false")
			}
			var match *content.Error
			for _, e := range errs {
				if errors.Is(e, kind) {
					match = e
					break
				}
			}
			if tt.pos != "" && !strings.HasPrefix(fmt.Sprintf("%d:%d", match.Line, match.Col), tt.pos) {
				t.Errorf("position %d:%d, want %s: %v", match.Line, match.Col, tt.pos, match)
			}
			if tt.pos != "" && !strings.HasPrefix(match.Error(), p+":"+tt.pos) {
				t.Errorf("Error() = %q, want prefix %q", match.Error(), p+":"+tt.pos)
			}
			if !strings.Contains(match.Hint, tt.hint) {
				t.Errorf("hint %q lacks %q", match.Hint, tt.hint)
			}
			if !strings.Contains(match.Error(), tt.msg) {
				t.Errorf("message %q lacks %q", match.Error(), tt.msg)
			}
			if match.Warning {
				t.Errorf("error is marked as a warning: %v", match)
			}
			if tt.only && len(errs) != 1 {
				t.Errorf("got %d errors, want only the one:\n%v", len(errs), errs)
			}
		})
	}
}

// TestMalformedFrontMatterIsOneError: when front matter cannot be read, the
// writer gets that one error, not also "missing required key title" for a
// title the file does have.
func TestMalformedFrontMatterIsOneError(t *testing.T) {
	tests := []struct{ name, src string }{
		{"yaml syntax", "---\ntitle: A\ndescription: Note: this breaks\n---\n"},
		{"yaml unclosed", "---\ntitle: A\n\nBody.\n"},
		{"toml syntax", "+++\ntitle = \"A\"\nweight = = 3\n+++\n"},
		{"json syntax", "{\n  \"title\": \"A\",\n  \"weight\": \n}\n"},
		{"json unknown key before title", "{\n  \"tittle\": \"x\",\n  \"title\": \"A\"\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := content.ParseFile(articlePath, []byte(tt.src))
			if len(errs) != 1 {
				t.Errorf("got %d errors, want 1:\n%v", len(errs), errs)
			}
			if errors.Is(errs, content.ErrMissingKey) {
				t.Errorf("spurious missing-key error:\n%v", errs)
			}
		})
	}
}

// TestJSONBodyRightAfterBrace: JSON front matter ends with a line "}"
// and an empty line (a "}" line followed by more JSON closes a nested
// object). Without the empty line the error says so.
func TestJSONBodyRightAfterBrace(t *testing.T) {
	_, errs := content.ParseFile(articlePath, []byte("{\n  \"title\": \"A\"\n}\nBody.\n"))
	var fm *content.Error
	for _, e := range errs {
		if errors.Is(e, content.ErrFrontMatter) {
			fm = e
		}
	}
	if fm == nil || fm.Line != 1 || !strings.Contains(fm.Hint, "empty line") {
		t.Errorf("want an error at line 1 whose hint asks for the empty line after }, got:\n%v", errs)
	}
	f, errs := content.ParseFile(articlePath, []byte("{\n  \"title\": \"A\",\n  \"params\": {\n    \"x\": 1\n  }\n}\n\nBody.\n"))
	if len(errs) > 0 || f.Article.Title != "A" || strings.TrimSpace(string(f.Body)) != "Body." {
		t.Errorf("nested object: errs %v, file %+v", errs, f)
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		e    *content.Error
		want string
	}{
		{content.Errorf("content/en/a.md", 3, 7, content.ErrBrokenLink, "fix it", "link %q", "x.md"), `content/en/a.md:3:7: link "x.md" (fix it)`},
		{content.Errorf("content/en/a.md", 3, 0, content.ErrStale, "", "old"), `content/en/a.md:3: old`},
		{content.Errorf("content/en/a.md", 0, 0, content.ErrStructure, "", "misplaced"), `content/en/a.md: misplaced`},
		{func() *content.Error {
			e := content.Errorf("content/en/a.md", 2, 1, content.ErrStale, "review", "due")
			e.Warning = true
			return e
		}(), `content/en/a.md:2:1: warning: due (review)`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.e.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestList(t *testing.T) {
	warn := content.Errorf("content/en/b.md", 1, 1, content.ErrStale, "", "w")
	warn.Warning = true
	l := content.List{
		content.Errorf("content/en/b.md", 9, 1, content.ErrBrokenLink, "", "b9"),
		warn,
		content.Errorf("content/en/a.md", 10, 2, content.ErrBrokenAnchor, "", "a10"),
		content.Errorf("content/en/a.md", 2, 5, content.ErrDuplicateSlug, "", "a2"),
	}
	var got []string
	for _, e := range l.Sorted() {
		got = append(got, fmt.Sprintf("%s:%d", e.Path, e.Line))
	}
	if want := "content/en/a.md:2 content/en/a.md:10 content/en/b.md:1 content/en/b.md:9"; strings.Join(got, " ") != want {
		t.Errorf("Sorted = %s, want %s", strings.Join(got, " "), want)
	}
	if len(l.Errors()) != 3 || len(l.Warnings()) != 1 || l.Warnings()[0] != warn {
		t.Errorf("Errors %d Warnings %d", len(l.Errors()), len(l.Warnings()))
	}
	if lines := strings.Split(l.Error(), "\n"); len(lines) != 4 || !strings.HasPrefix(lines[0], "content/en/a.md:2:5:") {
		t.Errorf("Error() = %q", l.Error())
	}
	for _, kind := range []error{content.ErrBrokenLink, content.ErrBrokenAnchor, content.ErrDuplicateSlug, content.ErrStale} {
		if !errors.Is(l, kind) {
			t.Errorf("errors.Is(list, %v) = false", kind)
		}
	}
	if errors.Is(l, content.ErrAliasClash) {
		t.Errorf("errors.Is(list, ErrAliasClash) = true")
	}
	// Wrapped lists still answer errors.As.
	var ce *content.Error
	if !errors.As(fmt.Errorf("building: %w", l), &ce) || ce.Path == "" {
		t.Errorf("errors.As through a wrapped List failed")
	}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"content/_index.md":                   {Data: []byte("---\ntitle: Help\nlocales: [en]\n---\n")},
		"content/en/_index.md":                {Data: []byte("---\ntitle: Help Center\n---\n")},
		"content/en/a/_index.md":              {Data: []byte("---\ntitle: A\n---\n")},
		"content/en/a/b/_index.md":            {Data: []byte("---\ntitle: B\n---\n")},
		"content/en/a/b/good.md":              {Data: []byte("---\ntitle: Good\n---\n")},
		"content/en/a/b/typo.md":              {Data: []byte("---\ntitle: T\ntittle: x\n---\n")},
		"content/en/a/b/broken.md":            {Data: []byte("---\ntitle: [\n---\n")},
		"content/en/a/b/UPPER.MD":             {Data: []byte("---\ntitle: Upper\n---\n")},
		"content/en/a/b/.hidden.md":           {Data: []byte("not front matter")},
		"content/en/a/b/draft.md~":            {Data: []byte("not front matter")},
		"content/en/a/b/#autosave.md":         {Data: []byte("not front matter")},
		"content/en/a/b/.git/x.md":            {Data: []byte("not front matter")},
		"content/en/a/b/notes.txt":            {Data: []byte("not markdown")},
		"content/en/a/b/image.png":            {Data: []byte("\x89PNG")},
		"content/en/a/b/ärenden-och-fakta.md": {Data: []byte("---\ntitle: Ärenden\n---\n")},
	}
	tree, errs := content.Load(fsys)
	if tree == nil {
		t.Fatalf("Load returned no tree: %v", errs)
	}
	var paths []string
	for _, e := range errs {
		paths = append(paths, e.Path)
	}
	for _, p := range paths {
		if p != "content/en/a/b/broken.md" && p != "content/en/a/b/typo.md" {
			t.Errorf("error from %s, want errors from broken.md and typo.md only:\n%v", p, errs)
		}
	}
	if !errors.Is(errs, content.ErrFrontMatter) || !errors.Is(errs, content.ErrUnknownKey) {
		t.Errorf("want both files' errors in one run:\n%v", errs)
	}
	var rels []string
	for _, f := range tree.Files {
		rels = append(rels, f.Rel)
	}
	want := "en/_index.md en/a/_index.md en/a/b/UPPER.MD en/a/b/_index.md en/a/b/broken.md en/a/b/good.md en/a/b/typo.md en/a/b/ärenden-och-fakta.md"
	if got := strings.Join(rels, " "); got != want {
		t.Errorf("files:\n got %s\nwant %s", got, want)
	}
	if tree.Settings == nil || tree.Settings.Settings.Title != "Help" {
		t.Errorf("settings = %+v", tree.Settings)
	}
}

func TestLoadWithoutSettings(t *testing.T) {
	fsys := fstest.MapFS{
		"content/sv/_index.md": {Data: []byte("---\ntitle: Hjälp\n---\n")},
		"content/en/_index.md": {Data: []byte("---\ntitle: Help\n---\n")},
		"content/de/_index.md": {Data: []byte("---\ntitle: Hilfe\n---\n")},
	}
	tree, errs := content.Load(fsys)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if got := strings.Join(tree.Settings.Settings.Locales, ","); got != "en,de,sv" {
		t.Errorf("default locales = %s, want en,de,sv", got)
	}
}

func TestLoadMissingContentFolder(t *testing.T) {
	_, errs := content.Load(fstest.MapFS{"README.md": {Data: []byte("x")}})
	if len(errs) != 1 || !strings.Contains(errs[0].Hint, "--source") {
		t.Errorf("errors = %v, want one naming --source", errs)
	}
}

func TestKeyLine(t *testing.T) {
	src := "---\ntitle: A\nlabels:\n  - x\naliases:\n  - /old\nlayout: system-requirements\nrequirements:\n  browsers:\n    supported: {chrome: \"47\", firefox: \"38.5\"}\n---\n"
	f, _ := content.ParseFile(articlePath, []byte(src))
	for key, want := range map[string]int{"title": 2, "labels": 3, "aliases": 5, "layout": 7, "firefox": 10, "nothing": 2} {
		if got := f.KeyLine(key); got != want {
			t.Errorf("KeyLine(%q) = %d, want %d", key, got, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-12-01", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), true},
		{" 2026-12-01 ", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), true},
		{"2026-12-01T08:00:00+01:00", time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC), true},
		{"2026-12-01T08:00", time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), true},
		{"2026-12-01 08:00", time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), true},
		{"", time.Time{}, true},
		{"01/12/2026", time.Time{}, false},
		{"2026-13-01", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := content.ParseDate(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if !d.Equal(tt.want) {
				t.Errorf("got %v, want %v", d.Time, tt.want)
			}
		})
	}
}

// failingFS is a site root whose named files cannot be read.
type failingFS struct {
	fstest.MapFS
	bad map[string]bool
}

var errDisk = errors.New("input/output error")

func (f failingFS) Open(name string) (fs.File, error) {
	if f.bad[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errDisk}
	}
	return f.MapFS.Open(name)
}

func (f failingFS) ReadFile(name string) ([]byte, error) {
	if f.bad[name] {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errDisk}
	}
	return f.MapFS.ReadFile(name)
}

// TestReadErrorKind: a file that cannot be read is reported as such, at
// its path, wrapping the system's error; the other files still load, and
// Wrap keeps both the kind and the cause.
func TestReadErrorKind(t *testing.T) {
	fsys := failingFS{fstest.MapFS{
		"content/_index.md":      {Data: []byte("---\ntitle: Help\nlocales: [en]\n---\n")},
		"content/en/_index.md":   {Data: []byte("---\ntitle: Help\n---\n")},
		"content/en/a/b/good.md": {Data: []byte("---\ntitle: Good\n---\n")},
		"content/en/a/b/bad.md":  {Data: []byte("---\ntitle: Bad\n---\n")},
	}, map[string]bool{"content/en/a/b/bad.md": true}}
	tree, errs := content.Load(fsys)
	if len(errs) != 1 || errs[0].Path != "content/en/a/b/bad.md" || !errors.Is(errs[0], content.ErrRead) || !errors.Is(errs[0], errDisk) {
		t.Fatalf("errors %v, want one read error at bad.md wrapping the disk's", errs)
	}
	if tree == nil || len(tree.Files) != 2 {
		t.Errorf("the readable files did not load: %+v", tree)
	}
	_, errs = content.Load(fstest.MapFS{"README.md": {Data: []byte("x")}})
	if len(errs) != 1 || !errors.Is(errs[0], content.ErrRead) || !errors.Is(errs[0], fs.ErrNotExist) {
		t.Errorf("missing content folder: %v, want a read error wrapping fs.ErrNotExist", errs)
	}
	e := content.Wrap("content/x.md", 3, 1, content.ErrLayout, "a hint", fmt.Errorf("hours: %w", errDisk))
	if e.Error() != "content/x.md:3:1: hours: input/output error (a hint)" || !errors.Is(e, content.ErrLayout) || !errors.Is(e, errDisk) {
		t.Errorf("Wrap: %q, Is(ErrLayout) %v, Is(cause) %v", e.Error(), errors.Is(e, content.ErrLayout), errors.Is(e, errDisk))
	}
}
