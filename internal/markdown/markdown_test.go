package markdown_test

import (
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inexchange/helpcenter/internal/markdown"
)

// pages is the resolver of these tests: content-relative paths of the
// files that exist and their URLs.
var pages = map[string]string{
	"en/privacy/cookies/cookie-policy.md": "/en/articles/cookie-policy/",
	"en/a/b/other.md":                     "/en/articles/other/",
	"en/a/c/öppettider.md":                "/en/articles/oppettider/",
	"en/a/b/_index.md":                    "/en/sections/b/",
}

func resolve(target string) (string, bool) {
	u, ok := pages[target]
	return u, ok
}

// render converts src as the file en/a/b/this.md.
func render(t testing.TB, c markdown.Config, src string) *markdown.Doc {
	t.Helper()
	d, err := markdown.New(c).Render([]byte(src), "en/a/b/this.md", resolve, nil)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return d
}

func TestHeadingIDs(t *testing.T) {
	tests := []struct {
		name, src string
		ids       []string
	}{
		{"unicode folded", "## Öppettider för support\n", []string{"oppettider-for-support"}},
		{"german and danish", "## Straße\n\n## Ærø\n", []string{"strasse", "aero"}},
		{"duplicates numbered", "## Intro\n\n## Intro\n\n### Intro\n", []string{"intro", "intro-1", "intro-2"}},
		{"explicit id kept", "## Intro {#start}\n\n## Intro\n", []string{"start", "intro"}},
		{"explicit id reserves its name", "## Intro {#intro}\n\n## Intro\n", []string{"intro", "intro-1"}},
		{"punctuation only", "## !!!\n\n## ???\n", []string{"section", "section-1"}},
		{"inline markup", "## Use `helpcenter new` *now*\n", []string{"use-helpcenter-new-now"}},
		{"setext", "Title\n=====\n\nSub\n---\n", []string{"title", "sub"}},
		{"number suffix clash", "## Intro 1\n\n## Intro\n\n## Intro\n", []string{"intro-1", "intro", "intro-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := render(t, markdown.Config{}, tt.src)
			var got []string
			for _, h := range d.Headings {
				got = append(got, h.ID)
				if !d.IDs[h.ID] {
					t.Errorf("heading id %q missing from IDs", h.ID)
				}
				if !strings.Contains(string(d.HTML), fmt.Sprintf(`id="%s"`, h.ID)) {
					t.Errorf("id %q not in HTML:\n%s", h.ID, d.HTML)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.ids, " ") {
				t.Errorf("ids = %q, want %q", got, tt.ids)
			}
		})
	}
}

// TestExplicitHeadingIDs: ids written by hand ({#id}) must still leave
// every id of the page unique and non-empty (valid HTML, unambiguous
// anchors).
func TestExplicitHeadingIDs(t *testing.T) {
	tests := []struct{ name, src string }{
		{"explicit after automatic", "## A\n\n## B {#a}\n"},
		{"same explicit twice", "## X {#a}\n\n## Y {#a}\n"},
		{"empty explicit id", "## Title {#}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := render(t, markdown.Config{}, tt.src)
			seen := map[string]bool{}
			for _, h := range d.Headings {
				if h.ID == "" || seen[h.ID] {
					t.Errorf("heading %q has id %q, empty or already used: %s", h.Text, h.ID, d.HTML)
				}
				seen[h.ID] = true
			}
		})
	}
}

func TestHeadings(t *testing.T) {
	d := render(t, markdown.Config{}, "# Top\n\n## Second *level*\n\n### Third `code`\n\n#### Fourth\n")
	want := []markdown.Heading{{1, "top", "Top"}, {2, "second-level", "Second level"}, {3, "third-code", "Third code"}, {4, "fourth", "Fourth"}}
	if fmt.Sprint(d.Headings) != fmt.Sprint(want) {
		t.Errorf("headings = %+v, want %+v", d.Headings, want)
	}
}

func TestCallouts(t *testing.T) {
	titles := map[string]string{"note": "Obs", "tip": "Tips", "important": "Viktigt", "warning": "Varning", "caution": "Se upp"}
	tests := []struct {
		name, src string
		want      string // HTML, exactly
	}{
		{"note", "> [!NOTE]\n> Remember this.\n", "<div class=\"callout callout-note\" role=\"note\"><p class=\"callout-title\">Obs</p>\n<p>Remember this.</p>\n</div>\n"},
		{"tip lower case", "> [!tip]\n> A tip\n> on two lines.\n", "<div class=\"callout callout-tip\" role=\"note\"><p class=\"callout-title\">Tips</p>\n<p>A tip\non two lines.</p>\n</div>\n"},
		{"important", "> [!IMPORTANT]\n> Do it.\n", "<div class=\"callout callout-important\" role=\"note\"><p class=\"callout-title\">Viktigt</p>\n<p>Do it.</p>\n</div>\n"},
		{"warning", "> [!WARNING]\n> Careful.\n", "<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Varning</p>\n<p>Careful.</p>\n</div>\n"},
		{"caution", "> [!CAUTION]\n> Stop.\n", "<div class=\"callout callout-caution\" role=\"note\"><p class=\"callout-title\">Se upp</p>\n<p>Stop.</p>\n</div>\n"},
		{"marker only", "> [!WARNING]\n", "<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Varning</p>\n</div>\n"},
		{"marker with spaces", ">   [!NOTE]  \n> Spaced.\n", "<div class=\"callout callout-note\" role=\"note\"><p class=\"callout-title\">Obs</p>\n<p>Spaced.</p>\n</div>\n"},
		{"several blocks", "> [!NOTE]\n> First.\n>\n> - a\n> - b\n", "<div class=\"callout callout-note\" role=\"note\"><p class=\"callout-title\">Obs</p>\n<p>First.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n</div>\n"},
		{"inline markup kept", "> [!NOTE]\n> Use **bold** and [a link](other.md).\n", "<div class=\"callout callout-note\" role=\"note\"><p class=\"callout-title\">Obs</p>\n<p>Use <strong>bold</strong> and <a href=\"/en/articles/other/\">a link</a>.</p>\n</div>\n"},
		{"marker not on first line", "> Quote\n> [!NOTE]\n", "<blockquote>\n<p>Quote\n[!NOTE]</p>\n</blockquote>\n"},
		{"unknown variant", "> [!DANGER]\n> x\n", "<blockquote>\n<p>[!DANGER]\nx</p>\n</blockquote>\n"},
		{"marker with text after it", "> [!NOTE] Remember\n", "<blockquote>\n<p>[!NOTE] Remember</p>\n</blockquote>\n"},
		{"plain blockquote", "> Just a quote.\n", "<blockquote>\n<p>Just a quote.</p>\n</blockquote>\n"},
		{"nested in list", "- item\n\n  > [!TIP]\n  > Nested.\n", "<ul>\n<li>\n<p>item</p>\n<div class=\"callout callout-tip\" role=\"note\"><p class=\"callout-title\">Tips</p>\n<p>Nested.</p>\n</div>\n</li>\n</ul>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := render(t, markdown.Config{Words: titles}, tt.src)
			if string(d.HTML) != tt.want {
				t.Errorf("HTML:\n%s\nwant:\n%s", d.HTML, tt.want)
			}
		})
	}
	t.Run("default english titles", func(t *testing.T) {
		d := render(t, markdown.Config{}, "> [!IMPORTANT]\n> x\n")
		if !strings.Contains(string(d.HTML), `<p class="callout-title">Important</p>`) {
			t.Errorf("HTML:\n%s", d.HTML)
		}
	})
	t.Run("marker not in text", func(t *testing.T) {
		d := render(t, markdown.Config{}, "> [!NOTE]\n> Remember this.\n")
		if strings.Contains(d.Text, "[!NOTE]") || !strings.Contains(d.Text, "Remember this.") {
			t.Errorf("text = %q", d.Text)
		}
	})
}

func TestLinks(t *testing.T) {
	src := "See [cookies](../../privacy/cookies/cookie-policy.md#session-cookies).\n" +
		"Also [other](other.md) and [upper](OTHER.MD) and [ext](https://example.com/a.md).\n" +
		"[abs](/en/x.md), [same page](#intro), [missing](missing.md#x), [mail](mailto:a@b.c),\n" +
		"[accents](../c/öppettider.md), [encoded](../c/%C3%B6ppettider.md#h), [section](_index.md), [ref][r].\n" +
		"\n[r]: ./other.md#top\n"
	d := render(t, markdown.Config{}, src)
	html := string(d.HTML)
	for _, want := range []string{
		`<a href="/en/articles/cookie-policy/#session-cookies">cookies</a>`,
		`<a href="/en/articles/other/">other</a>`,
		`<a href="https://example.com/a.md">ext</a>`,
		`<a href="/en/x.md">abs</a>`,
		`<a href="#intro">same page</a>`,
		`<a href="missing.md#x">missing</a>`,
		`<a href="mailto:a@b.c">mail</a>`,
		`<a href="/en/articles/oppettider/">accents</a>`,
		`<a href="/en/articles/oppettider/#h">encoded</a>`,
		`<a href="/en/sections/b/">section</a>`,
		`<a href="/en/articles/other/#top">ref</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %s:\n%s", want, html)
		}
	}
	type link struct {
		dest, target, anchor string
		found                bool
	}
	want := []link{
		{"../../privacy/cookies/cookie-policy.md#session-cookies", "en/privacy/cookies/cookie-policy.md", "session-cookies", true},
		{"other.md", "en/a/b/other.md", "", true},
		{"OTHER.MD", "en/a/b/OTHER.MD", "", false},
		{"#intro", "", "intro", true},
		{"missing.md#x", "en/a/b/missing.md", "x", false},
		{"../c/öppettider.md", "en/a/c/öppettider.md", "", true},
		{"../c/%C3%B6ppettider.md#h", "en/a/c/öppettider.md", "h", true},
		{"_index.md", "en/a/b/_index.md", "", true},
		{"./other.md#top", "en/a/b/other.md", "top", true},
	}
	var got []link
	for _, l := range d.Links {
		got = append(got, link{l.Dest, l.Target, l.Anchor, l.Found})
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("links:\n got %+v\nwant %+v", got, want)
	}
	// Offsets point at the link's "[" in the source, so that the site can
	// report line:col.
	for _, l := range d.Links {
		if l.Dest == "./other.md#top" {
			continue // a reference link: the text is elsewhere
		}
		if l.Offset < 0 || l.Offset >= len(src) || src[l.Offset] != '[' {
			t.Errorf("link %q: offset %d does not point at '['", l.Dest, l.Offset)
			continue
		}
		if end := strings.Index(src[l.Offset:], "("+l.Dest+")"); end < 0 || strings.Contains(src[l.Offset:l.Offset+end], "\n") {
			t.Errorf("link %q: offset %d points at another link: %q", l.Dest, l.Offset, src[l.Offset:min(len(src), l.Offset+30)])
		}
	}
}

func TestLinkWithoutResolver(t *testing.T) {
	d, err := markdown.New(markdown.Config{}).Render([]byte("[x](other.md#a)\n"), "en/a/b/this.md", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Links) != 1 || d.Links[0].Found || !strings.Contains(string(d.HTML), `href="other.md#a"`) {
		t.Errorf("links %+v, HTML %s", d.Links, d.HTML)
	}
}

func TestSteps(t *testing.T) {
	tests := []struct {
		name, src string
		steps     []string
	}{
		{"first ordered list", "Intro.\n\n- bullet\n\n1. Open the *portal*.\n2. Click `New case`.\n3. Fill in the form\n   on two lines.\n\nDone.\n\n1. Not a step.\n", []string{"Open the portal.", "Click New case.", "Fill in the form on two lines."}},
		{"loose list with paragraphs", "1. First\n\n   More about first.\n\n2. Second\n", []string{"First More about first.", "Second"}},
		{"none", "- a\n- b\n", nil},
		{"starting at 3", "3. Three\n4. Four\n", []string{"Three", "Four"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := render(t, markdown.Config{}, tt.src)
			if fmt.Sprintf("%q", d.Steps) != fmt.Sprintf("%q", tt.steps) {
				t.Errorf("steps = %q, want %q", d.Steps, tt.steps)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	src := "# Title\n\nA *paragraph* with `code`, a [link](other.md) and\na soft break.\n\n- one\n- two\n\n```\nfenced code\n```\n\n| a | b |\n|---|---|\n| c | d |\n"
	d := render(t, markdown.Config{}, src)
	for _, want := range []string{"Title\n", "A paragraph with code, a link and a soft break.\n", "one\n", "two\n"} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("text lacks %q:\n%q", want, d.Text)
		}
	}
	for _, bad := range []string{"*", "`", "](", "#"} {
		if strings.Contains(d.Text, bad) {
			t.Errorf("text keeps Markdown syntax %q:\n%q", bad, d.Text)
		}
	}
}

func TestRawHTML(t *testing.T) {
	src := "Raw <b>bold</b> and <script>alert(1)</script>\n\n<div class=\"x\">block</div>\n\n<img src=x onerror=alert(1)>\n"
	t.Run("off by default", func(t *testing.T) {
		d := render(t, markdown.Config{}, src)
		for _, bad := range []string{"<b>", "<script", "<div", "<img", "onerror"} {
			if strings.Contains(string(d.HTML), bad) {
				t.Errorf("raw HTML %q passed through:\n%s", bad, d.HTML)
			}
		}
		if !strings.Contains(string(d.HTML), "bold") {
			t.Errorf("text around raw HTML lost:\n%s", d.HTML)
		}
	})
	t.Run("on with UnsafeHTML", func(t *testing.T) {
		d := render(t, markdown.Config{UnsafeHTML: true}, src)
		for _, want := range []string{"<b>bold</b>", `<div class="x">block</div>`} {
			if !strings.Contains(string(d.HTML), want) {
				t.Errorf("HTML lacks %q:\n%s", want, d.HTML)
			}
		}
	})
	t.Run("javascript links", func(t *testing.T) {
		d := render(t, markdown.Config{}, "[x](javascript:alert(1))\n")
		if strings.Contains(string(d.HTML), "javascript:") {
			t.Errorf("javascript: URL kept:\n%s", d.HTML)
		}
	})
}

func TestTypography(t *testing.T) {
	tests := []struct {
		locale, src, want string
	}{
		{"sv", `Han sa "hej" och 'hej då' -- sedan...`, "<p>Han sa &rdquo;hej&rdquo; och &rsquo;hej då&rsquo; &ndash; sedan&hellip;</p>\n"},
		{"fi", `"moi"`, "<p>&rdquo;moi&rdquo;</p>\n"},
		{"en", `He said "hi" and 'bye' -- then...`, "<p>He said &ldquo;hi&rdquo; and &lsquo;bye&rsquo; &ndash; then&hellip;</p>\n"},
		{"", `"hi"`, "<p>&ldquo;hi&rdquo;</p>\n"},
		{"sv", "`\"kod\"`", "<p><code>&quot;kod&quot;</code></p>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.locale+"/"+tt.src, func(t *testing.T) {
			d := render(t, markdown.Config{Locale: tt.locale}, tt.src)
			if string(d.HTML) != tt.want {
				t.Errorf("HTML = %q, want %q", d.HTML, tt.want)
			}
		})
	}
	d := render(t, markdown.Config{Locale: "sv"}, `Han sa "hej".`)
	if d.Text != "Han sa ”hej”.\n" {
		t.Errorf("sv text = %q", d.Text)
	}
}

func TestGFM(t *testing.T) {
	d := render(t, markdown.Config{}, "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ https://example.com\n\n- [x] done\n\nTerm\n: Definition\n\nNote[^1].\n\n[^1]: The footnote.\n")
	for _, want := range []string{"<table>", "<del>old</del>", `<a href="https://example.com">`, `type="checkbox"`, "<dl>", `id="fn:1"`} {
		if !strings.Contains(string(d.HTML), want) {
			t.Errorf("HTML lacks %s:\n%s", want, d.HTML)
		}
	}
}

// TestConcurrentRender: one Renderer serves every goroutine of a build.
func TestConcurrentRender(t *testing.T) {
	r := markdown.New(markdown.Config{})
	done := make(chan string)
	for i := 0; i < 8; i++ {
		go func(i int) {
			src := fmt.Sprintf("## Heading %d\n\n[x](other.md)\n", i)
			d, err := r.Render([]byte(src), "en/a/b/this.md", resolve, nil)
			if err != nil || len(d.Headings) != 1 || d.Headings[0].ID != fmt.Sprintf("heading-%d", i) || len(d.Links) != 1 {
				done <- fmt.Sprintf("goroutine %d: %v %+v", i, err, d)
				return
			}
			done <- ""
		}(i)
	}
	for i := 0; i < 8; i++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"# Öppettider\n\n## Intro\n\n## Intro\n",
		"> [!NOTE]\n> x\n\n> [!WARNING]\n",
		"> a\n> [!NOTE]\n",
		"[a](../../privacy/cookies/cookie-policy.md#s) [b](#x) [c](other.md) [d](http://x/y.md)\n",
		"1. a\n2. b\n",
		"<script>alert(1)</script>\n\n<b>x</b>",
		"| a |\n|---|\n| [x](other.md) |\n",
		"[x]: other.md\n\n[x]\n",
		"- > [!TIP]\n  > y\n",
		"\"quotes\" 'single' -- ...",
		"## {#}\n",
		"> [!NOTE]\n[x](other.md)\n",
	} {
		f.Add(s, false)
	}
	safe := markdown.New(markdown.Config{Locale: "sv", Words: map[string]string{"note": "Obs"}})
	unsafe := markdown.New(markdown.Config{UnsafeHTML: true})
	f.Fuzz(func(t *testing.T, src string, allowHTML bool) {
		r := safe
		if allowHTML {
			r = unsafe
		}
		d, err := r.Render([]byte(src), "en/a/b/this.md", resolve, nil)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		seen := map[string]bool{}
		explicit := strings.Contains(src, "{") // {#id}: see TestExplicitHeadingIDs
		for _, h := range d.Headings {
			if (h.ID == "" && !explicit) || !d.IDs[h.ID] {
				t.Fatalf("heading %+v: id missing", h)
			}
			if seen[h.ID] && !explicit {
				t.Fatalf("duplicate heading id %q without explicit ids", h.ID)
			}
			seen[h.ID] = true
		}
		for _, l := range d.Links {
			if l.Offset < 0 || l.Offset > len(src) {
				t.Fatalf("link %+v: offset outside the %d-byte source", l, len(src))
			}
			if l.Target != "" {
				_, ok := pages[l.Target]
				if ok != l.Found {
					t.Fatalf("link %+v: Found %v, resolver says %v", l, l.Found, ok)
				}
			}
		}
		if !allowHTML && utf8.ValidString(src) {
			if strings.Contains(strings.ToLower(string(d.HTML)), "<script") {
				t.Fatalf("raw <script> in safe output:\n%s", d.HTML)
			}
		}
	})
}

// TestConfigKey: the cache key of a configuration tells every field
// apart, map entries included, and equal configurations share it.
func TestConfigKey(t *testing.T) {
	base := markdown.Config{Locale: "en", Words: map[string]string{"note": "Note", "table": "Table"}}
	same := markdown.Config{Locale: "en", Words: map[string]string{"table": "Table", "note": "Note"}}
	if base.Key() != same.Key() {
		t.Errorf("equal configurations, keys %q and %q", base.Key(), same.Key())
	}
	if markdown.New(base).Key() != base.Key() {
		t.Error("a renderer's key is not its configuration's")
	}
	typ := reflect.TypeFor[markdown.Config]()
	for i := range typ.NumField() {
		c := base
		c.Words = maps.Clone(base.Words)
		f := reflect.ValueOf(&c).Elem().Field(i)
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Map:
			c.Words["note"] = "Observera"
		default:
			t.Fatalf("Config.%s: teach this test to change a %s", typ.Field(i).Name, f.Kind())
		}
		if c.Key() == base.Key() {
			t.Errorf("a change to Config.%s keeps the key %q", typ.Field(i).Name, c.Key())
		}
	}
	// A word that looks like the next field must not make two
	// configurations one.
	a := markdown.Config{Locale: "en", Words: map[string]string{"note": `Note","StepIDs":true`}}
	b := markdown.Config{Locale: "en", Words: map[string]string{"note": "Note"}, StepIDs: true}
	if a.Key() == b.Key() {
		t.Error("distinct configurations share a key")
	}
}
