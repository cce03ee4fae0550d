package site_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/markdown"
	"github.com/inexchange/helpcenter/internal/site"
)

// now is the clock of every build in these tests.
var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// base is a two-locale site with one category and two sections per
// locale; tests add articles.
func base() map[string]string {
	return map[string]string{
		"content/_index.md":                       "---\ntitle: Help\nbase_url: https://help.example.com/\nlocales: [en, sv]\n---\n",
		"content/en/_index.md":                    "---\ntitle: Help Center\n---\n",
		"content/sv/_index.md":                    "---\ntitle: Hjälpcenter\n---\n",
		"content/en/cases/_index.md":              "---\ntitle: Cases\n---\n",
		"content/sv/cases/_index.md":              "---\ntitle: Ärenden\nslug: arenden\n---\n",
		"content/en/cases/submit/_index.md":       "---\ntitle: Submitting\nweight: 1\n---\n",
		"content/en/cases/follow/_index.md":       "---\ntitle: Following up\nweight: 2\n---\n",
		"content/sv/cases/submit/_index.md":       "---\ntitle: Skicka\n---\n",
		"content/sv/cases/follow/_index.md":       "---\ntitle: Följ upp\n---\n",
		"content/en/cases/submit/create.md":       "---\ntitle: Create a case\nupdated: 2026-10-01\nlabels: [cases]\n---\n\n## Before you start\n\n## Steps\n",
		"content/sv/cases/submit/create.md":       "---\ntitle: Skapa ett ärende\nupdated: 2026-10-02\n---\n\n## Innan du börjar\n",
		"content/en/cases/follow/case-history.md": "---\ntitle: Case history\nupdated: 2026-09-01\n---\n\nSee [creating](../submit/create.md#before-you-start).\n",
	}
}

// build loads files and builds the site graph with opts (Now defaults to now).
func build(t *testing.T, files map[string]string, opts site.Options) (*site.Site, content.List) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	tree, errs := content.Load(fsys)
	if len(errs.Errors()) > 0 {
		t.Fatalf("loading content: %v", errs)
	}
	if opts.Now.IsZero() {
		opts.Now = now
	}
	s, serrs := site.New(tree, opts)
	return s, append(errs, serrs...)
}

// with returns base() plus the given files.
func with(kv ...string) map[string]string {
	m := base()
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// mustBuild builds and fails on any error.
func mustBuild(t *testing.T, files map[string]string, opts site.Options) *site.Site {
	t.Helper()
	s, errs := build(t, files, opts)
	if len(errs.Errors()) > 0 {
		t.Fatalf("unexpected errors:\n%v", errs.Errors())
	}
	return s
}

func TestGraph(t *testing.T) {
	s := mustBuild(t, base(), site.Options{})
	if s.BaseURL != "https://help.example.com" || s.API != "/api" {
		t.Errorf("BaseURL %q API %q", s.BaseURL, s.API)
	}
	en, sv := s.Locale("en"), s.Locale("sv")
	if en == nil || sv == nil || s.DefaultLocale() != en || !en.Default || sv.Default {
		t.Fatalf("locales %+v", s.Locales)
	}
	if en.URL != "/en/" || en.Title != "Help Center" {
		t.Errorf("en home %q %q", en.URL, en.Title)
	}
	if got := urls(en.Categories); got != "/en/categories/cases/" {
		t.Errorf("en categories %s", got)
	}
	if got := urls(sv.Categories); got != "/sv/categories/arenden/" {
		t.Errorf("sv categories %s", got)
	}
	// Sections in weight order.
	if got := urls(en.Sections); got != "/en/sections/submit/ /en/sections/follow/" {
		t.Errorf("en sections %s", got)
	}
	if sec := en.Sections[0]; sec.FeedURL != "/en/sections/submit/feed.xml" || sec.Category != en.Categories[0] {
		t.Errorf("section %+v", sec)
	}
	a := s.Articles["en/cases/submit/create.md"]
	if a == nil || a.URL != "/en/articles/create/" || a.Slug != "create" || a.Section.Slug != "submit" {
		t.Fatalf("article %+v", a)
	}
	if len(a.Translations) != 1 || a.Translations[0].URL != "/sv/articles/create/" {
		t.Errorf("translations of %s: %v", a.URL, urls(a.Translations))
	}
	if len(en.Categories[0].Translations) != 1 || en.Categories[0].Translations[0] != sv.Categories[0] {
		t.Errorf("category translations %v", en.Categories[0].Translations)
	}
	if got := fmt.Sprint(a.TOC); got != "[{2 before-you-start Before you start} {2 steps Steps}]" {
		t.Errorf("TOC %s", got)
	}
	h := s.Articles["en/cases/follow/case-history.md"]
	if !strings.Contains(string(h.HTML), `href="/en/articles/create/#before-you-start"`) {
		t.Errorf("link not rewritten: %s", h.HTML)
	}
	if got := urls(en.Articles); got != "/en/articles/create/ /en/articles/case-history/" {
		t.Errorf("reading order %s", got)
	}
}

func urls[T interface {
	*site.Article | *site.Category | *site.Section | *site.Label
}](list []T) string {
	var out []string
	for _, x := range list {
		switch v := any(x).(type) {
		case *site.Article:
			out = append(out, v.URL)
		case *site.Category:
			out = append(out, v.URL)
		case *site.Section:
			out = append(out, v.URL)
		case *site.Label:
			out = append(out, v.URL)
		}
	}
	return strings.Join(out, " ")
}

// TestErrors holds each cross-page rule to its sentinel and position.
func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		kind  error
		at    string // "path:line:col" prefix of the error
		hint  string
		msg   string
	}{
		{
			name:  "article slug clash",
			files: []string{"content/en/cases/follow/create.md", "---\ntitle: Another create\n---\n"},
			kind:  content.ErrDuplicateSlug, at: "content/en/cases/follow/create.md:2:1", msg: "content/en/cases/submit/create.md",
			hint: "another slug:",
		},
		{
			name:  "explicit slug clash",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\ndescription: d\nslug: create\n---\n"},
			kind:  content.ErrDuplicateSlug, at: "content/en/cases/follow/x.md:4:1", msg: `"create"`,
		},
		{
			name:  "section slug clash",
			files: []string{"content/en/cases/follow/_index.md", "---\ntitle: Following up\nslug: submit\n---\n"},
			kind:  content.ErrDuplicateSlug, at: "content/en/cases/", msg: `section slug "submit"`,
		},
		{
			name:  "broken link",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\n---\n\nIntro.\n\nSee [this](../submit/nothing.md) now.\n"},
			kind:  content.ErrBrokenLink, at: "content/en/cases/follow/x.md:7:5", msg: "content/en/cases/submit/nothing.md",
			hint: "relative to this file",
		},
		{
			name:  "broken link in a table",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\n---\n| a | b |\n|---|---|\n| 1 | [x](gone.md) |\n"},
			kind:  content.ErrBrokenLink, at: "content/en/cases/follow/x.md:6:7",
		},
		{
			name:  "broken link in a callout",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\n---\n> [!NOTE]\n> Read [x](gone.md).\n"},
			kind:  content.ErrBrokenLink, at: "content/en/cases/follow/x.md:5:8",
		},
		{
			name:  "broken link from a section intro",
			files: []string{"content/en/cases/follow/_index.md", "---\ntitle: Following up\n---\nSee [x](gone.md).\n"},
			kind:  content.ErrBrokenLink, at: "content/en/cases/follow/_index.md:4:5",
		},
		{
			name:  "broken link with CRLF and BOM",
			files: []string{"content/en/cases/follow/x.md", "\xef\xbb\xbf---\r\ntitle: X\r\n---\r\n\r\nSee [x](gone.md).\r\n"},
			kind:  content.ErrBrokenLink, at: "content/en/cases/follow/x.md:5:5",
		},
		{
			name:  "broken anchor",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\n---\n\nSee [x](../submit/create.md#after-you-finish).\n"},
			kind:  content.ErrBrokenAnchor, at: "content/en/cases/follow/x.md:5:5", msg: `"after-you-finish"`,
			hint: "#before-you-start, #steps",
		},
		{
			name:  "broken same-page anchor",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\n---\n## Intro\n\nBack to [top](#top).\n"},
			kind:  content.ErrBrokenAnchor, at: "content/en/cases/follow/x.md:6:9", hint: "#intro",
		},
		{
			name:  "link to a draft",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\n---\nSee [d](d.md).\n", "content/en/cases/follow/d.md", "---\ntitle: D\ndraft: true\n---\n"},
			kind:  content.ErrUnpublishedRef, at: "content/en/cases/follow/x.md:4:5", msg: "draft",
		},
		{
			name:  "link to a scheduled article",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\n---\nSee [d](d.md).\n", "content/en/cases/follow/d.md", "---\ntitle: D\npublish_at: 2027-01-01\n---\n"},
			kind:  content.ErrUnpublishedRef, at: "content/en/cases/follow/x.md:4:5", msg: "scheduled for 2027-01-01",
		},
		{
			name:  "link to an expired article",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\n---\nSee [d](d.md).\n", "content/en/cases/follow/d.md", "---\ntitle: D\nexpires_at: 2026-01-01\n---\n"},
			kind:  content.ErrUnpublishedRef, at: "content/en/cases/follow/x.md:4:5", msg: "expired on 2026-01-01",
		},
		{
			name:  "alias clashes with an article",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\naliases:\n  - /hc/old\n  - /en/articles/create/\n---\n"},
			kind:  content.ErrAliasClash, at: "content/en/cases/follow/x.md:3:1", msg: `"/en/articles/create/"`,
		},
		{
			name:  "alias clashes with a page without its slash",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\naliases: [/sv/categories/arenden]\n---\n"},
			kind:  content.ErrAliasClash, at: "content/en/cases/follow/x.md:3:1",
		},
		{
			name:  "alias clashes with a locale home",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\naliases: [/sv/]\n---\n"},
			kind:  content.ErrAliasClash, at: "content/en/cases/follow/x.md:3:1",
		},
		{
			name: "alias claimed by two articles",
			files: []string{
				"content/en/cases/follow/x.md", "---\ntitle: X\naliases: [/hc/articles/1]\n---\n",
				"content/sv/cases/follow/y.md", "---\ntitle: Y\n\naliases: [/hc/articles/1]\n---\n",
			},
			kind: content.ErrAliasClash, at: "content/sv/cases/follow/y.md:4:1", msg: "content/en/cases/follow/x.md",
		},
		{
			name:  "translation key pointing at nothing",
			files: []string{"content/en/cases/follow/x.md", "---\ntitle: X\ntranslation_key: nothing-here\n---\n"},
			kind:  content.ErrTranslation, at: "content/en/cases/follow/x.md:3:1", msg: `"nothing-here"`,
		},
		{
			name: "translation key whose other member is in the same locale",
			files: []string{
				"content/en/cases/follow/x.md", "---\ntitle: X\ntranslation_key: k\n---\n",
				"content/en/cases/follow/y.md", "---\ntitle: Y\ntranslation_key: k\ndraft: true\n---\n",
			},
			kind: content.ErrTranslation, at: "content/en/cases/follow/x.md:3:1", msg: `"k" points at nothing`,
		},
		{
			name: "translation key used twice in a locale",
			files: []string{
				"content/en/cases/follow/x.md", "---\ntitle: X\ntranslation_key: k\n---\n",
				"content/en/cases/follow/y.md", "---\ntitle: Y\ntranslation_key: k\n---\n",
				"content/sv/cases/follow/z.md", "---\ntitle: Z\ntranslation_key: k\n---\n",
			},
			kind: content.ErrTranslation, at: "content/en/cases/follow/y.md:3:1",
		},
		{
			name:  "promoted path missing",
			files: []string{"content/en/_index.md", "---\ntitle: Help Center\npromoted:\n  - cases/submit/create.md\n  - cases/submit/gone.md\n---\n"},
			kind:  content.ErrBrokenLink, at: "content/en/_index.md:3:1", msg: `"cases/submit/gone.md"`, hint: "relative to content/en/",
		},
		{
			name: "promoted draft",
			files: []string{
				"content/en/_index.md", "---\ntitle: Help Center\npromoted: [cases/submit/d.md]\n---\n",
				"content/en/cases/submit/d.md", "---\ntitle: D\ndraft: true\n---\n",
			},
			kind: content.ErrBrokenLink, at: "content/en/_index.md:3:1", hint: "draft",
		},
		{
			name: "second system-requirements article",
			files: []string{
				"content/en/cases/follow/r1.md", "---\ntitle: R1\nlayout: case-form\n---\n",
				"content/en/cases/follow/r2.md", "---\ntitle: R2\nlayout: case-form\n---\n",
			},
			kind: content.ErrLayout, at: "content/en/cases/follow/r2.md:3:1", msg: "content/en/cases/follow/r1.md",
		},
		{
			name:  "folder that is not a locale",
			files: []string{"content/de/_index.md", "---\ntitle: Hilfe\n---\n"},
			kind:  content.ErrStructure, at: "content/de/_index.md", hint: `add "de" to locales:`,
		},
		{
			name:  "section without _index.md",
			files: []string{"content/en/cases/orphans/x.md", "---\ntitle: X\n---\n"},
			kind:  content.ErrStructure, at: "content/en/cases/orphans/x.md", hint: "content/en/cases/orphans/_index.md",
		},
		{
			name:  "category without _index.md",
			files: []string{"content/en/misc/general/_index.md", "---\ntitle: General\n---\n"},
			kind:  content.ErrStructure, at: "content/en/misc/general/_index.md", hint: "content/en/misc/_index.md",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := build(t, with(tt.files...), site.Options{})
			var err error = errs.Errors()
			if !errors.Is(err, tt.kind) {
				t.Fatalf("no %v error in:\n%v", tt.kind, errs)
			}
			var match *content.Error
			for _, e := range errs.Errors() {
				if errors.Is(e, tt.kind) && strings.HasPrefix(e.Error(), tt.at) {
					match = e
				}
			}
			if match == nil {
				t.Fatalf("no %v error at %s in:\n%v", tt.kind, tt.at, errs)
			}
			if !strings.Contains(match.Hint, tt.hint) || !strings.Contains(match.Error(), tt.msg) {
				t.Errorf("error %q: want hint with %q and message with %q", match, tt.hint, tt.msg)
			}
		})
	}
}

// TestTranslationKeyWithUnpublishedMembers: a translation_key whose
// other members are drafts, scheduled or expired is not an error; the
// published article simply has no translations yet.
func TestTranslationKeyWithUnpublishedMembers(t *testing.T) {
	for name, sv := range map[string]string{
		"draft":     "---\ntitle: Y\ntranslation_key: zendesk-1\ndraft: true\n---\n",
		"scheduled": "---\ntitle: Y\ntranslation_key: zendesk-1\npublish_at: 2027-01-01\n---\n",
		"expired":   "---\ntitle: Y\ntranslation_key: zendesk-1\nexpires_at: 2026-01-01\n---\n",
	} {
		t.Run(name, func(t *testing.T) {
			files := with(
				"content/en/cases/follow/x.md", "---\ntitle: X\ntranslation_key: zendesk-1\n---\n",
				"content/sv/cases/follow/y.md", sv,
			)
			s := mustBuild(t, files, site.Options{})
			x := s.Articles["en/cases/follow/x.md"]
			if x == nil || len(x.Translations) != 0 {
				t.Fatalf("x = %+v", x)
			}
			// Shown with --drafts and --future, the two are translations.
			s = mustBuild(t, files, site.Options{Drafts: true, Future: true})
			if x := s.Articles["en/cases/follow/x.md"]; len(x.Translations) != 1 || x.Translations[0].File.Rel != "sv/cases/follow/y.md" {
				t.Errorf("with drafts and future: translations %v", x.Translations)
			}
		})
	}
}

// TestAliasPrefixes: an alias ending in * is written after every exact
// alias, longer prefixes first, so that the first rule that matches in
// _redirects is the most specific one.
func TestAliasPrefixes(t *testing.T) {
	s := mustBuild(t, with(
		"content/en/cases/follow/x.md", "---\ntitle: X\naliases: [/hc/en-us/articles/1-*, /hc/en-us/articles/1, /hc/*]\n---\n",
		"content/en/cases/follow/y.md", "---\ntitle: Y\naliases: [/hc/en-us/articles/12-*, /hc/en-us/articles/1-old-title]\n---\n",
	), site.Options{})
	var got []string
	for _, a := range s.Aliases {
		got = append(got, a.From+" "+a.To)
	}
	want := []string{
		"/hc/en-us/articles/1 /en/articles/x/",
		"/hc/en-us/articles/1-old-title /en/articles/y/",
		"/hc/en-us/articles/12-* /en/articles/y/",
		"/hc/en-us/articles/1-* /en/articles/x/",
		"/hc/* /en/articles/x/",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("aliases:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAllErrorsInOneRun: a build reports every problem, not the first.
func TestAllErrorsInOneRun(t *testing.T) {
	_, errs := build(t, with(
		"content/en/cases/follow/x.md", "---\ntitle: X\naliases: [/en/articles/create/]\n---\n[a](gone.md) [b](../submit/create.md#nope)\n",
		"content/en/cases/follow/create.md", "---\ntitle: Dup\n---\n",
		"content/en/cases/follow/y.md", "---\ntitle: Y\ntranslation_key: nothing\n---\n",
	), site.Options{})
	for _, kind := range []error{content.ErrBrokenLink, content.ErrBrokenAnchor, content.ErrAliasClash, content.ErrDuplicateSlug, content.ErrTranslation} {
		if !errors.Is(errs, kind) {
			t.Errorf("missing %v in:\n%v", kind, errs)
		}
	}
}

// TestColumnsCountCharacters: columns count characters, as editors show
// them, not bytes.
func TestColumnsCountCharacters(t *testing.T) {
	_, errs := build(t, with("content/en/cases/follow/x.md", "---\ntitle: X\n---\nÅäö – se [x](gone.md).\n"), site.Options{})
	var found bool
	for _, e := range errs.Errors() {
		if errors.Is(e, content.ErrBrokenLink) {
			found = true
			if e.Line != 4 || e.Col != 10 {
				t.Errorf("position %d:%d, want 4:10 (characters): %v", e.Line, e.Col, e)
			}
		}
	}
	if !found {
		t.Fatalf("no broken link in %v", errs)
	}
}

func TestPublishing(t *testing.T) {
	files := with(
		"content/en/cases/follow/draft.md", "---\ntitle: Draft\ndraft: true\n---\n",
		"content/en/cases/follow/later.md", "---\ntitle: Later\npublish_at: 2026-12-01\n---\n",
		"content/en/cases/follow/gone.md", "---\ntitle: Gone\nexpires_at: 2026-11-01\n---\n",
		"content/en/cases/follow/live.md", "---\ntitle: Live\npublish_at: 2026-11-01\nexpires_at: 2027-01-01\n---\n",
		"content/en/cases/follow/edge.md", "---\ntitle: Edge\npublish_at: 2026-11-26T12:00:00Z\n---\n",
	)
	tests := []struct {
		name string
		opts site.Options
		want []string
	}{
		{"default", site.Options{}, []string{"live", "edge"}},
		{"drafts", site.Options{Drafts: true}, []string{"draft", "live", "edge"}},
		{"future", site.Options{Future: true}, []string{"later", "gone", "live", "edge"}},
		{"both", site.Options{Drafts: true, Future: true}, []string{"draft", "later", "gone", "live", "edge"}},
		{"later clock", site.Options{Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)}, []string{"later", "live", "edge"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustBuild(t, files, tt.opts)
			got := map[string]*site.Article{}
			for rel, a := range s.Articles {
				if strings.HasPrefix(rel, "en/cases/follow/") && rel != "en/cases/follow/case-history.md" {
					got[a.Slug] = a
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("published %v, want %v", keys(got), tt.want)
			}
			for _, slug := range tt.want {
				a := got[slug]
				if a == nil {
					t.Errorf("%s not published (have %v)", slug, keys(got))
					continue
				}
				if a.Draft != (slug == "draft") {
					t.Errorf("%s: Draft = %v", slug, a.Draft)
				}
				clock := tt.opts.Now
				if clock.IsZero() {
					clock = now
				}
				if wantSched := slug == "later" && clock.Before(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)); a.Scheduled != wantSched {
					t.Errorf("%s: Scheduled = %v, want %v", slug, a.Scheduled, wantSched)
				}
			}
			// Left-out articles appear nowhere: not in a section, a label or a feed list.
			for _, sec := range s.Locale("en").Sections {
				for _, a := range sec.Articles {
					if got[a.Slug] == nil && a.Section.Slug == "follow" && a.Slug != "case-history" {
						t.Errorf("%s listed in section %s", a.Slug, sec.Slug)
					}
				}
			}
		})
	}
}

func keys(m map[string]*site.Article) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestLabelsAndRelated(t *testing.T) {
	art := func(title, updated, labels string) string {
		return fmt.Sprintf("---\ntitle: %s\nupdated: %s\nlabels: [%s]\n---\n", title, updated, labels)
	}
	s := mustBuild(t, with(
		"content/sv/cases/follow/a.md", art("A", "2026-01-01", "Säkerhet, Lösenord, inloggning"),
		"content/sv/cases/follow/b.md", art("B", "2026-02-01", "säkerhet, lösenord"),
		"content/sv/cases/follow/c.md", art("C", "2026-03-01", "Säkerhet"),
		"content/sv/cases/follow/d.md", art("D", "2026-04-01", "inloggning"),
		"content/sv/cases/follow/e.md", art("E", "2026-05-01", "Öppettider"),
		"content/sv/cases/follow/f.md", art("F", "2026-06-01", "Säkerhet, SÄKERHET"),
	), site.Options{})
	sv := s.Locale("sv")
	var labels []string
	for _, lb := range sv.Labels {
		labels = append(labels, fmt.Sprintf("%s=%s(%d)", lb.Slug, lb.URL, len(lb.Articles)))
	}
	want := "inloggning=/sv/labels/inloggning/(2) losenord=/sv/labels/losenord/(2) oppettider=/sv/labels/oppettider/(1) sakerhet=/sv/labels/sakerhet/(4)"
	if got := strings.Join(labels, " "); got != want {
		t.Errorf("labels:\n got %s\nwant %s", got, want)
	}
	if lb := sv.Labels[3]; lb.Name != "Säkerhet" || urls(lb.Articles) != "/sv/articles/f/ /sv/articles/c/ /sv/articles/b/ /sv/articles/a/" {
		t.Errorf("label %q lists %s (want newest first)", lb.Name, urls(lb.Articles))
	}
	a := s.Articles["sv/cases/follow/a.md"]
	// b shares two labels; f, c share one (newest first), d shares one.
	if got := urls(a.Related); got != "/sv/articles/b/ /sv/articles/f/ /sv/articles/d/ /sv/articles/c/" {
		t.Errorf("related of a: %s", got)
	}
	if e := s.Articles["sv/cases/follow/e.md"]; len(e.Related) != 0 {
		t.Errorf("related of e: %s", urls(e.Related))
	}
	if f := s.Articles["sv/cases/follow/f.md"]; len(f.Labels) != 1 {
		t.Errorf("f has duplicate labels: %d", len(f.Labels))
	}
	// Labels stay within their locale.
	if en := s.Articles["en/cases/submit/create.md"]; len(en.Related) != 0 {
		t.Errorf("en article related to sv: %s", urls(en.Related))
	}
}

func TestRelatedCapped(t *testing.T) {
	files := base()
	for i := 0; i < 9; i++ {
		files[fmt.Sprintf("content/en/cases/follow/r%d.md", i)] = fmt.Sprintf("---\ntitle: R%d\nupdated: 2026-01-0%d\nlabels: [shared]\n---\n", i, i+1)
	}
	s := mustBuild(t, files, site.Options{})
	r := s.Articles["en/cases/follow/r0.md"]
	if got := urls(r.Related); len(r.Related) != site.RelatedMax || got != "/en/articles/r8/ /en/articles/r7/ /en/articles/r6/ /en/articles/r5/ /en/articles/r4/" {
		t.Errorf("related: %s", got)
	}
}

func TestPromoted(t *testing.T) {
	s := mustBuild(t, with(
		"content/en/_index.md", "---\ntitle: Help Center\npromoted:\n  - cases/follow/case-history.md\n  - /cases/submit/create.md\n---\n",
		"content/en/cases/follow/flag.md", "---\ntitle: Flagged\npromoted: true\n---\n",
		"content/en/cases/submit/both.md", "---\ntitle: Both\npromoted: true\n---\n",
	), site.Options{})
	if got := urls(s.Locale("en").Promoted); got != "/en/articles/case-history/ /en/articles/create/ /en/articles/both/ /en/articles/flag/" {
		t.Errorf("promoted: %s", got)
	}
}

func TestWarnings(t *testing.T) {
	s, errs := build(t, with(
		"content/en/cases/submit/create.md", "---\ntitle: Create a case\nupdated: 2026-10-05\nreview_by: 2026-11-01\n---\n## Before you start\n",
		"content/sv/cases/submit/create.md", "---\ntitle: Skapa ett ärende\nupdated: 2026-10-02\n---\n",
		"content/sv/cases/follow/case-history.md", "---\ntitle: Ärendehistorik\nupdated: 2026-09-05\n---\n",
	), site.Options{})
	if len(errs.Errors()) > 0 || s == nil {
		t.Fatalf("errors: %v", errs)
	}
	warns := errs.Warnings()
	var got []string
	for _, w := range warns {
		if !errors.Is(w, content.ErrStale) {
			t.Errorf("warning not ErrStale: %v", w)
		}
		got = append(got, w.Error())
	}
	want := []string{
		"content/en/cases/submit/create.md:4: warning: review was due on 2026-11-01",
		"content/sv/cases/submit/create.md:3: warning: translation is older than its source content/en/cases/submit/create.md",
	}
	if len(got) != len(want) {
		t.Fatalf("warnings:\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) && !strings.HasPrefix(got[1-i], want[i]) {
			t.Errorf("no warning starting %q in:\n%s", want[i], strings.Join(got, "\n"))
		}
	}
}

func TestMissingLocaleHome(t *testing.T) {
	files := base()
	delete(files, "content/sv/_index.md")
	s := mustBuild(t, files, site.Options{})
	if sv := s.Locale("sv"); sv.Title != "Help" || sv.Home != nil {
		t.Errorf("sv home without _index.md: title %q", sv.Title)
	}
}

func TestBaseURLOverride(t *testing.T) {
	s := mustBuild(t, base(), site.Options{BaseURL: "https://preview--help.netlify.app/"})
	if s.BaseURL != "https://preview--help.netlify.app" {
		t.Errorf("BaseURL %q", s.BaseURL)
	}
}

func TestNilTree(t *testing.T) {
	if _, errs := site.New(nil, site.Options{}); !errors.Is(errs, content.ErrStructure) {
		t.Errorf("errors %v", errs)
	}
}

// TestMarkdownFailureKind: a body that cannot be rendered is reported as
// a Markdown failure at the body's first line, not as front matter.
func TestMarkdownFailureKind(t *testing.T) {
	failing := errors.New("the renderer broke")
	_, errs := build(t, base(), site.Options{Markdown: func(r *markdown.Renderer, f *content.File, resolve markdown.Resolver, files markdown.FileResolver) (*markdown.Doc, error) {
		if f.Rel == "en/cases/submit/create.md" {
			return nil, failing
		}
		return r.Render(f.Body, f.Rel, resolve, files)
	}})
	list := errs.Errors()
	if len(list) != 1 || !errors.Is(list[0], content.ErrMarkdown) || errors.Is(list[0], content.ErrFrontMatter) {
		t.Fatalf("errors %v, want one Markdown error", list)
	}
	if e := list[0]; e.Path != "content/en/cases/submit/create.md" || e.Line != 6 || !strings.Contains(e.Error(), "the renderer broke") {
		t.Errorf("error %v, want it at content/en/cases/submit/create.md:6 (where the body starts) with the renderer's message", e)
	}
}

// TestNoLocales: an empty content folder is an error that says what to
// add, not a graph with nothing in it.
func TestNoLocales(t *testing.T) {
	tree, errs := content.Load(fstest.MapFS{"content/.keep": &fstest.MapFile{}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	s, errs := site.New(tree, site.Options{Now: now})
	if s != nil || len(errs.Errors()) != 1 || !errors.Is(errs[0], content.ErrStructure) {
		t.Fatalf("site %v, errors %v: want no site and one structure error", s, errs)
	}
	if !strings.Contains(errs[0].Hint, "content/en/") {
		t.Errorf("hint %q does not say what to add", errs[0].Hint)
	}
}
