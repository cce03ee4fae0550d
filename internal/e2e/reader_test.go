package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestReaderNavigates walks home → category → section → article by
// clicking links, in both languages and without JavaScript, and checks
// each page is the one clicked.
func TestReaderNavigates(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	for _, c := range []struct {
		locale  string
		scripts bool
	}{{"en", true}, {"sv", true}, {"en", false}} {
		locale := c.locale
		name := locale
		if !c.scripts {
			name += " without JavaScript"
		}
		t.Run(name, func(t *testing.T) {
			tb.setScripts(t, c.scripts)
			defer tb.setScripts(t, true)
			a := f.plainArticle(t, locale)
			sec, cat := a.Section, a.Section.Category
			tb.open(t, f.locale(t, locale).URL)
			steps := []struct {
				link, wantPath, wantH1 string
			}{
				{`main .tiles a[href="` + cat.URL + `"]`, cat.URL, cat.Title},
				{`main a[href="` + sec.URL + `"]`, sec.URL, sec.Title},
				{`main .article-list a[href="` + a.URL + `"]`, a.URL, a.Title},
			}
			for _, s := range steps {
				resp := tb.follow(t, s.link)
				if resp.Status != 200 {
					t.Fatalf("%s: status %d", s.link, resp.Status)
				}
				if got := tb.path(t); got != s.wantPath {
					t.Fatalf("after clicking %s the page is %s, want %s", s.link, got, s.wantPath)
				}
				if h1 := js[string](t, tb, `document.querySelector("h1").textContent.trim()`); h1 != s.wantH1 {
					t.Errorf("%s: h1 %q, want %q", s.wantPath, h1, s.wantH1)
				}
			}
			crumbs := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll(".breadcrumbs a"), function (a) { return a.getAttribute("href"); })`)
			if want := []string{f.locale(t, locale).URL, cat.URL, sec.URL, a.URL}; !slices.Equal(crumbs, want) {
				t.Errorf("breadcrumbs %q, want %q", crumbs, want)
			}
			if lang := js[string](t, tb, `document.documentElement.lang`); lang != locale {
				t.Errorf("html lang %q, want %q", lang, locale)
			}
			tb.checkClean(t)
		})
	}
}

// TestLanguageSwitch switches an English article to Swedish with the
// header's language link.
func TestLanguageSwitch(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	a := f.plainArticle(t, "en")
	var sv string
	for _, tr := range a.Translations {
		if tr.Locale.Code == "sv" {
			sv = tr.URL
		}
	}
	if sv == "" {
		t.Fatalf("%s has no Swedish translation", a.URL)
	}
	tb.open(t, a.URL)
	links := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll(".lang-link"), function (a) { return a.getAttribute("href") + " " + a.getAttribute("lang"); })`)
	if want := []string{sv + " sv"}; !slices.Equal(links, want) {
		t.Fatalf("language links %q, want %q", links, want)
	}
	tb.follow(t, `.lang-link[lang="sv"]`)
	if got := tb.path(t); got != sv {
		t.Fatalf("the language link led to %s, want %s", got, sv)
	}
	if lang := js[string](t, tb, `document.documentElement.lang`); lang != "sv" {
		t.Errorf("the Swedish page has lang=%q", lang)
	}
	back := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll(".lang-link"), function (a) { return a.getAttribute("href"); })`)
	if !slices.Equal(back, []string{a.URL}) {
		t.Errorf("the Swedish page links back to %q, want %q", back, a.URL)
	}
	tb.checkClean(t)
}

// TestLanguageLinksListOnlyTranslations checks every article page of the
// build: the language switcher lists exactly the article's translations.
func TestLanguageLinksListOnlyTranslations(t *testing.T) {
	f := sampleSite(t)
	checked, without := 0, 0
	for _, l := range f.site.Locales {
		for _, a := range l.Articles {
			b, err := os.ReadFile(filepath.Join(f.public, filepath.FromSlash(strings.Trim(a.URL, "/")), "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			var got, want []string
			for _, el := range elements(b) {
				if slices.Contains(strings.Fields(el.attrs["class"]), "lang-link") {
					got = append(got, el.attrs["href"])
				}
			}
			for _, tr := range a.Translations {
				want = append(want, tr.URL)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: language links %q, want the translations %q", a.URL, got, want)
			}
			checked++
			if len(want) == 0 {
				without++
			}
		}
	}
	t.Logf("%d articles checked, %d without translations", checked, without)
}

// TestSkipLink: the first Tab reaches the skip link, visibly, and Enter
// moves focus to the main content.
func TestSkipLink(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	for _, locale := range []string{"en", "sv"} {
		t.Run(locale, func(t *testing.T) {
			tb.open(t, f.plainArticle(t, locale).URL)
			tb.do(t, chromedp.KeyEvent(kb.Tab))
			if cls := js[string](t, tb, `document.activeElement.className`); cls != "skip-link" {
				t.Fatalf("the first Tab focuses %q, want the skip link", cls)
			}
			if !js[bool](t, tb, `(function (r) { return r.top >= 0 && r.bottom <= innerHeight && r.width > 1 && r.height > 1; })(document.activeElement.getBoundingClientRect())`) {
				t.Error("the focused skip link is not visible in the viewport")
			}
			checkFocusVisible(t, tb)
			tb.do(t, enterKey)
			waitFor(t, tb, `document.activeElement && document.activeElement.id === "main"`, "focus on <main>")
			if h := js[string](t, tb, `location.hash`); h != "#main" {
				t.Errorf("location.hash %q after the skip link, want #main", h)
			}
			// The next Tab continues inside main, not at the top of the page.
			tb.do(t, chromedp.KeyEvent(kb.Tab))
			if !js[bool](t, tb, `document.getElementById("main").contains(document.activeElement)`) {
				t.Errorf("Tab after the skip link focuses %s, outside main", js[string](t, tb, `document.activeElement.outerHTML.slice(0, 120)`))
			}
			tb.checkClean(t)
		})
	}
}

// checkFocusVisible fails unless the focused element shows a focus
// indicator: an outline of at least 2px, or a box shadow.
func checkFocusVisible(t testing.TB, tb *tab) {
	t.Helper()
	style := js[map[string]string](t, tb, `(function (s) { return {style: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow, what: document.activeElement.outerHTML.slice(0, 100)}; })(getComputedStyle(document.activeElement))`)
	width := strings.TrimSuffix(style["width"], "px")
	if (style["style"] == "none" || width == "0" || width == "1") && (style["shadow"] == "" || style["shadow"] == "none") {
		t.Errorf("no visible focus on %s: outline %s %s, box-shadow %s", style["what"], style["style"], style["width"], style["shadow"])
	}
}

// TestKeyboardTabbing tabs through a whole article page: every focus stop
// shows a visible focus style, and Tab reaches the header, the article's
// links and the footer.
func TestKeyboardTabbing(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	for _, kind := range []string{"home", "article", "article (case-form)", "search"} {
		t.Run(kind, func(t *testing.T) {
			var path string
			for _, p := range pageKinds(t, f, "en") {
				if p.Name == kind {
					path = p.Path
				}
			}
			tb.open(t, path)
			settle(t, tb)
			seen := map[string]bool{}
			links := 0
			for i := 0; i < 300; i++ {
				tb.do(t, chromedp.KeyEvent(kb.Tab))
				at := js[map[string]string](t, tb, `(function (e) { var p = e.closest("header, main, footer, aside"); return {tag: e.tagName, where: p ? p.tagName : "", href: e.getAttribute("href") || "", id: e.id || ""}; })(document.activeElement)`)
				if at["tag"] == "BODY" {
					break
				}
				key := at["tag"] + " " + at["href"] + " " + at["id"]
				if seen[key] && at["tag"] == "A" && at["href"] == js[string](t, tb, `document.querySelector(".skip-link").getAttribute("href")`) {
					break // wrapped around to the skip link
				}
				seen[key] = true
				seen["in "+at["where"]] = true
				if at["tag"] == "A" {
					links++
				}
				checkFocusVisible(t, tb)
			}
			for _, region := range []string{"HEADER", "MAIN", "FOOTER"} {
				if !seen["in "+region] {
					t.Errorf("Tab never reached the %s", strings.ToLower(region))
				}
			}
			if links < 5 {
				t.Errorf("Tab reached only %d links", links)
			}
			tb.checkClean(t)
		})
	}
}

// TestTableOfContents: articles with three or more headings show a table
// of contents whose links point at the headings; shorter ones show none.
func TestTableOfContents(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	for _, locale := range []string{"en", "sv"} {
		t.Run(locale+" long", func(t *testing.T) {
			a := f.plainArticle(t, locale)
			tb.open(t, a.URL)
			targets := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll("nav.toc a"), function (a) { return a.getAttribute("href"); })`)
			if len(targets) != len(a.TOC) {
				t.Fatalf("the table of contents has %d links, want %d", len(targets), len(a.TOC))
			}
			for _, h := range targets {
				id, _ := url.PathUnescape(strings.TrimPrefix(h, "#"))
				if !jsf[bool](t, tb, `!!document.getElementById(%s) && /^H[2-4]$/.test(document.getElementById(%s).tagName)`, quote(id), quote(id)) {
					t.Errorf("table of contents link %s points at no heading", h)
				}
			}
			tb.do(t, chromedp.Click(chromedp.CSS("nav.toc li:last-child a")))
			waitFor(t, tb, `location.hash === `+quote(targets[len(targets)-1]), "the last entry's heading")
			tb.checkClean(t)
		})
	}
	t.Run("short", func(t *testing.T) {
		v := variantSite(t)
		vt := openTab(t, v)
		vt.open(t, "/en/articles/"+variantShortSlug+"/")
		if vt.path(t) != "/en/articles/"+variantShortSlug+"/" || js[int](t, vt, `document.querySelectorAll("h2").length`) < 2 {
			t.Fatal("the short article of the variant site is not there")
		}
		if js[bool](t, vt, `!!document.querySelector("nav.toc")`) {
			t.Error("an article with two headings has a table of contents")
		}
		if n := js[int](t, vt, `document.querySelectorAll(".lang-link").length`); n != 0 {
			t.Errorf("an article without translations lists %d languages", n)
		}
		vt.checkClean(t)
	})
}

// TestTableOfContentsEveryArticle checks every article page of the build:
// a table of contents exactly when the article has three or more headings,
// with one link per heading.
func TestTableOfContentsEveryArticle(t *testing.T) {
	for _, f := range []*fixture{sampleSite(t), variantSite(t)} {
		short := 0
		for _, l := range f.site.Locales {
			for _, a := range l.Articles {
				b, err := os.ReadFile(filepath.Join(f.public, filepath.FromSlash(strings.Trim(a.URL, "/")), "index.html"))
				if err != nil {
					t.Fatal(err)
				}
				toc, links := false, 0
				for _, el := range elements(b) {
					cls := strings.Fields(el.attrs["class"])
					if el.tag == "nav" && slices.Contains(cls, "toc") {
						toc = true
					}
					if el.tag == "li" && len(cls) > 0 && strings.HasPrefix(cls[0], "toc__l") {
						links++
					}
				}
				if want := len(a.TOC) >= 3; toc != want || (want && links != len(a.TOC)) {
					t.Errorf("%s: table of contents %v with %d entries, want %v with %d (the article has %d headings)", a.URL, toc, links, want, len(a.TOC), len(a.TOC))
				}
				if len(a.TOC) < 3 {
					short++
				}
			}
		}
		if f == variantFix && short == 0 {
			t.Error("the variant site has no short article: the check above proved nothing for it")
		}
	}
}

// TestArticleAside: "Articles in this section" marks the current article,
// and "Still need help?" links to the case form with ?article=, which the
// form keeps in its article field; also without JavaScript.
func TestArticleAside(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	for _, c := range []struct {
		locale  string
		scripts bool
	}{{"en", true}, {"sv", true}, {"en", false}} {
		locale := c.locale
		name := locale
		if !c.scripts {
			name += " without JavaScript"
		}
		t.Run(name, func(t *testing.T) {
			tb.setScripts(t, c.scripts)
			defer tb.setScripts(t, true)
			a := f.plainArticle(t, locale)
			tb.open(t, a.URL)
			current := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll('[aria-labelledby="in-section-heading"] a[aria-current="page"]'), function (a) { return a.getAttribute("href"); })`)
			if !slices.Equal(current, []string{a.URL}) {
				t.Errorf("articles in this section mark %q as current, want %q", current, a.URL)
			}
			others := js[int](t, tb, `document.querySelectorAll('[aria-labelledby="in-section-heading"] li a:not([aria-current])').length`)
			if others < 1 {
				t.Error("articles in this section lists no other article")
			}
			if fw := js[string](t, tb, `getComputedStyle(document.querySelector('[aria-labelledby="in-section-heading"] a[aria-current="page"]')).fontWeight`); fw != "700" {
				t.Errorf("the current article is not shown in bold (font-weight %s)", fw)
			}
			help := js[string](t, tb, `document.querySelector(".still-need-help a").getAttribute("href")`)
			u, err := url.Parse(help)
			if err != nil {
				t.Fatal(err)
			}
			caseForm := f.article(t, locale, "case-form").URL
			if u.Path != caseForm || u.Query().Get("article") != a.URL {
				t.Fatalf("still need help links to %q, want %s?article=%s", help, caseForm, a.URL)
			}
			tb.follow(t, ".still-need-help a")
			// caseform.js copies ?article= into the form; without
			// JavaScript the form handler reads it from the Referer.
			want := a.URL
			if !c.scripts {
				want = ""
			}
			if got := js[string](t, tb, `document.getElementById("case-article").value`); got != want {
				t.Errorf("the case form's article field is %q, want %q", got, want)
			}
			tb.checkClean(t)
		})
	}
}
