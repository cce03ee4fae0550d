package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/inexchange/helpcenter/internal/cases"
)

// searchResult is one result of the search page.
type searchResult struct {
	Title   string `json:"title"`
	URL     string `json:"url"`
	Where   string `json:"where"`
	Snippet string `json:"snippet"`
	Marks   int    `json:"marks"`
}

// results waits for the search page's results and returns them.
func results(t testing.TB, tb *tab) []searchResult {
	t.Helper()
	settle(t, tb)
	waitFor(t, tb, `Array.prototype.every.call(document.querySelectorAll(".search-result"), function (li) { var p = li.querySelector(".search-result__snippet"); return p && p.textContent.length > 0; })`, "the snippets")
	return js[[]searchResult](t, tb, `Array.prototype.map.call(document.querySelectorAll(".search-result"), function (li) {
  var a = li.querySelector(".search-result__title a");
  return {title: a.textContent, url: a.getAttribute("href"), where: li.querySelector(".search-result__section").textContent,
    snippet: li.querySelector(".search-result__snippet").textContent, marks: li.querySelectorAll(".search-result__snippet mark").length};
})`)
}

func titles(rs []searchResult) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Title)
	}
	return out
}

// TestSearchBox types in the header search box: suggestions as a
// combobox, the arrow keys, Enter to open one, Escape to close.
func TestSearchBox(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	input := `.site-header .search-box__input`
	open := func(t *testing.T) {
		t.Helper()
		tb.open(t, f.plainArticle(t, "en").URL)
		tb.do(t, chromedp.Click(chromedp.CSS(input)), chromedp.SendKeys(chromedp.CSS(input), "pass"))
		waitFor(t, tb, `document.querySelector(".site-header .search-box__list:not([hidden]) [role=option]")`, "suggestions")
	}
	t.Run("suggest, arrow down, Enter", func(t *testing.T) {
		open(t)
		if v := js[string](t, tb, `document.querySelector(`+quote(input)+`).getAttribute("aria-expanded")`); v != "true" {
			t.Errorf("aria-expanded=%q with suggestions shown", v)
		}
		options := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll(".site-header [role=option]"), function (o) { return o.textContent; })`)
		found := false
		for _, o := range options {
			found = found || strings.Contains(o, "Reset your password")
		}
		if !found {
			t.Errorf("suggestions for \"pass\" %q lack Reset your password", options)
		}
		axeCheck(t, tb, "search box with suggestions")
		tb.do(t, chromedp.KeyEvent(kb.ArrowDown))
		first := js[map[string]string](t, tb, `(function (o) { return {id: o.id, url: o.getAttribute("data-url"), selected: o.getAttribute("aria-selected")}; })(document.querySelector(".site-header [role=option]"))`)
		if ad := js[string](t, tb, `document.querySelector(`+quote(input)+`).getAttribute("aria-activedescendant")`); ad == "" || ad != first["id"] {
			t.Errorf("aria-activedescendant=%q after ArrowDown, want the first option %q", ad, first["id"])
		}
		if first["selected"] != "true" {
			t.Errorf("the first option has aria-selected=%q", first["selected"])
		}
		ctx, cancel := tb.timeout()
		defer cancel()
		if _, err := chromedp.RunResponse(ctx, enterKey); err != nil {
			t.Fatalf("Enter on a suggestion: %v", err)
		}
		if got := tb.path(t); got != first["url"] {
			t.Errorf("Enter opened %s, want the suggestion %s", got, first["url"])
		}
		tb.checkClean(t)
	})
	t.Run("home page, Swedish", func(t *testing.T) {
		mark := tb.mark()
		tb.open(t, "/sv/")
		for _, r := range tb.requestsSince(mark) {
			if strings.Contains(r.URL, "/assets/search-") {
				t.Errorf("the home page loads the search scripts before anyone searches: %s", r.URL)
			}
		}
		tb.do(t, chromedp.Click(chromedp.CSS(".hero .search-box__input")), chromedp.SendKeys(chromedp.CSS(".hero .search-box__input"), "faktura"))
		waitFor(t, tb, `document.querySelector(".hero .search-box__list:not([hidden]) [role=option]")`, "suggestions")
		options := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll(".hero [role=option]"), function (o) { return o.textContent; })`)
		if !strings.Contains(strings.ToLower(strings.Join(options, "|")), "faktura") {
			t.Errorf("suggestions for faktura: %q", options)
		}
		tb.checkClean(t)
	})
	t.Run("Escape closes", func(t *testing.T) {
		open(t)
		tb.do(t, chromedp.KeyEvent(kb.Escape))
		if js[bool](t, tb, `!document.querySelector(".site-header .search-box__list").hidden`) {
			t.Error("the suggestions are still shown after Escape")
		}
		if v := js[string](t, tb, `document.querySelector(`+quote(input)+`).getAttribute("aria-expanded")`); v != "false" {
			t.Errorf("aria-expanded=%q after Escape", v)
		}
		tb.checkClean(t)
	})
}

// TestSearchPage checks the results page: ranking, sections, highlighted
// snippets, the category filter, typos, prefixes while typing, Swedish.
func TestSearchPage(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	t.Run("invoice", func(t *testing.T) {
		tb.open(t, "/en/search/?q=invoice")
		rs := results(t, tb)
		if len(rs) < 3 {
			t.Fatalf("%d results for invoice: %q", len(rs), titles(rs))
		}
		if !strings.Contains(strings.ToLower(rs[0].Title), "invoice") {
			t.Errorf("the first result %q does not name invoices: %q", rs[0].Title, titles(rs))
		}
		for _, r := range rs {
			if !strings.Contains(r.Where, "›") || len(strings.TrimSpace(r.Where)) < 5 {
				t.Errorf("%s: no category › section line (%q)", r.Title, r.Where)
			}
		}
		marked := 0
		for _, r := range rs {
			if r.Marks > 0 {
				marked++
			}
		}
		if marked < len(rs)/2 {
			t.Errorf("only %d of %d snippets highlight the match", marked, len(rs))
		}
		// The filter: pick the first category and every result belongs to it.
		radios := js[int](t, tb, `document.querySelectorAll("[data-search-filter] input[type=radio]").length`)
		if radios < 3 {
			t.Fatalf("the category filter has %d options, want All and at least two categories", radios)
		}
		cat := js[string](t, tb, `document.querySelectorAll("[data-search-filter] label")[1].textContent.replace(/\s*\(\d+\)\s*$/, "").trim()`)
		tb.do(t, chromedp.Click(chromedp.CSS(`[data-search-filter] label:nth-of-type(2) input`)))
		filtered := results(t, tb)
		if len(filtered) == 0 || len(filtered) >= len(rs) {
			t.Fatalf("filtering by %q gives %d results of %d", cat, len(filtered), len(rs))
		}
		for _, r := range filtered {
			if !strings.HasPrefix(strings.TrimSpace(r.Where), cat) {
				t.Errorf("filtered by %q, %s is in %q", cat, r.Title, r.Where)
			}
		}
		axeCheck(t, tb, "filtered search results")
		tb.checkClean(t)
	})
	t.Run("typo", func(t *testing.T) {
		tb.open(t, "/en/search/?q=pasword")
		if rs := results(t, tb); len(rs) == 0 || !strings.Contains(strings.Join(titles(rs), "|"), "Reset your password") {
			t.Errorf("pasword finds %q, want Reset your password", titles(rs))
		}
		tb.checkClean(t)
	})
	t.Run("prefix while typing", func(t *testing.T) {
		tb.open(t, "/en/search/")
		tb.do(t, chromedp.SendKeys(chromedp.ID("search-page-q"), "passw"))
		waitFor(t, tb, `document.querySelector(".search-result__title a")`, "results while typing")
		if rs := results(t, tb); !strings.Contains(strings.Join(titles(rs), "|"), "Reset your password") {
			t.Errorf("passw finds %q, want Reset your password", titles(rs))
		}
		if q := js[string](t, tb, `location.search`); q != "?q=passw" {
			t.Errorf("the address keeps %q, want ?q=passw", q)
		}
		tb.checkClean(t)
	})
	t.Run("Swedish", func(t *testing.T) {
		tb.open(t, "/sv/search/?q=fakturor")
		rs := results(t, tb)
		found := false
		for _, r := range rs {
			found = found || strings.Contains(strings.ToLower(r.Title), "faktura")
		}
		if !found {
			t.Errorf("fakturor finds %q, want a faktura article", titles(rs))
		}
		tb.checkClean(t)
	})
	t.Run("without JavaScript", func(t *testing.T) {
		tb.setScripts(t, false)
		defer tb.setScripts(t, true)
		tb.open(t, "/en/search/?q=invoice")
		nojs := js[map[string]any](t, tb, `(function (n) { return {shown: !n.hidden && n.getBoundingClientRect().height > 0, text: n.textContent, cats: n.querySelectorAll("a").length, results: !document.querySelector("[data-search-js]").hidden}; })(document.querySelector("[data-search-nojs]"))`)
		if nojs["shown"] != true || !strings.Contains(nojs["text"].(string), "Search needs JavaScript") {
			t.Errorf("the needs-JavaScript message is not shown: %v", nojs)
		}
		if n := int(nojs["cats"].(float64)); n != len(f.locale(t, "en").Categories) {
			t.Errorf("the no-JavaScript page lists %d categories, want %d", n, len(f.locale(t, "en").Categories))
		}
		if nojs["results"] == true {
			t.Error("the results area shows without JavaScript")
		}
		tb.checkClean(t)
	})
}

// TestCaseDeflection types a subject on the case form and gets article
// suggestions in #case-suggestions.
func TestCaseDeflection(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	tb.open(t, f.article(t, "en", "case-form").URL)
	tb.do(t, chromedp.SendKeys(chromedp.ID("case-subject"), "undelivered invoice"))
	waitFor(t, tb, `document.querySelector("#case-suggestions li a")`, "suggested articles")
	got := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll("#case-suggestions li a"), function (a) { return a.textContent; })`)
	if !strings.Contains(strings.Join(got, "|"), "How to correct an undelivered invoice") {
		t.Errorf("suggestions %q lack How to correct an undelivered invoice", got)
	}
	axeCheck(t, tb, "case form with suggestions")
	tb.checkClean(t)
}

// TestSearchMissesCounted: a search on the results page that finds nothing
// reaches formhandler searches once the reader stops typing, as the query
// text alone; the words typed on the way are not reported.
func TestSearchMissesCounted(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	q := "zqxv wurbl"
	mark := tb.mark()
	tb.open(t, "/en/search/?q="+url.QueryEscape(q))
	waitFor(t, tb, `/zqxv/.test(document.querySelector("[data-search-results-status]").textContent)`, "the no-results message")
	// Typing on: "zqxv wurblo" is searched, but replaced before it is reported.
	tb.do(t, chromedp.SendKeys(chromedp.CSS("#search-page-q"), "o"))
	deadline := time.Now().Add(10 * time.Second)
	var got []cases.MissedSearch
	for time.Now().Before(deadline) {
		s, err := cases.OpenSQLite(f.db)
		if err != nil {
			t.Fatal(err)
		}
		got, err = s.MissedSearches(context.Background(), time.Now().AddDate(0, 0, -1), 0)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var mine []cases.MissedSearch
	for _, m := range got {
		if strings.HasPrefix(m.Query, "zqxv") {
			mine = append(mine, m)
		}
	}
	if len(mine) != 1 || mine[0].Query != "zqxv wurblo" || mine[0].Locale != "en" || mine[0].Nothing != 1 {
		t.Errorf("counted %+v, want the last query once, found nothing", mine)
	}
	posts := 0
	for _, r := range tb.requestsSince(mark) {
		if r.Method == "POST" && strings.HasSuffix(r.URL, "/api/searches") {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d reports sent, want 1", posts)
	}
	tb.checkClean(t)
}
