package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeTags are the rule sets of issue 3: WCAG 2.0 and 2.1 A and AA, and
// axe's best practices.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21aa", "best-practice"}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// axeScript returns node_modules/axe-core/axe.min.js.
func axeScript(t testing.TB) string {
	t.Helper()
	axeOnce.Do(func() {
		root, err := repoRoot()
		if err != nil {
			axeErr = err
			return
		}
		b, err := os.ReadFile(filepath.Join(root, "node_modules", "axe-core", "axe.min.js"))
		if err != nil {
			axeErr = fmt.Errorf("axe-core is missing (%v): run npm ci in the repository root (package.json pins it)", err)
			return
		}
		axeSource = string(b)
	})
	if axeErr != nil {
		t.Fatal(axeErr)
	}
	return axeSource
}

// axeViolation is the part of an axe result the report shows.
type axeViolation struct {
	ID          string `json:"id"`
	Impact      string `json:"impact"`
	Help        string `json:"help"`
	HelpURL     string `json:"helpUrl"`
	Description string `json:"description"`
	Nodes       []struct {
		Target         []any  `json:"target"`
		HTML           string `json:"html"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeCheck injects axe-core into the current page through the DevTools
// protocol (it is not a page script, so the CSP does not apply to it), runs
// it with axeTags and fails the test with every violation, readably.
func axeCheck(t testing.TB, tb *tab, where string) {
	t.Helper()
	src := axeScript(t)
	if !js[bool](t, tb, "typeof window.axe === 'object'") {
		run(t, tb, chromedp.Evaluate[chromedp.Void](src))
	}
	tags, _ := json.Marshal(axeTags)
	out := run(t, tb, chromedp.Evaluate[string](fmt.Sprintf(
		`axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(function (r) { return JSON.stringify(r.violations); })`,
		tags), chromedp.EvalAwaitPromise))
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("reading axe's result: %v", err)
	}
	for _, v := range vs {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: axe %s (%s): %s\n    %s", where, v.ID, v.Impact, v.Help, v.HelpURL)
		for i, n := range v.Nodes {
			if i == 5 {
				fmt.Fprintf(&b, "\n    … and %d more elements", len(v.Nodes)-i)
				break
			}
			target, _ := json.Marshal(n.Target)
			fmt.Fprintf(&b, "\n    - %s\n      %s\n      %s", target, truncate(n.HTML, 200),
				strings.ReplaceAll(n.FailureSummary, "\n", "\n      "))
		}
		t.Error(b.String())
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// TestAxe runs axe-core on every page kind in both languages, and on the
// language chooser at /, in light and dark color schemes, with zero
// violations allowed.
func TestAxe(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	for _, scheme := range []string{"light", "dark", "narrow"} {
		t.Run(scheme, func(t *testing.T) {
			switch scheme {
			case "narrow": // 320 CSS pixels: WCAG 1.4.10 reflow (1280 px at 400 %)
				tb.setScreen(t, 320, 800)
				defer tb.setScreen(t, 1280, 1024)
			default:
				tb.setColorScheme(t, scheme)
				defer tb.setColorScheme(t, "")
			}
			t.Run("root chooser", func(t *testing.T) {
				// A reader whose language the site lacks gets the chooser;
				// others are sent on to their language.
				tb.setLanguage(t, "de-DE,de")
				defer tb.setLanguage(t, "")
				tb.open(t, "/")
				if p := tb.path(t); p != "/" {
					t.Fatalf("a German reader at / was sent to %s, want the language chooser", p)
				}
				axeCheck(t, tb, "/ ("+scheme+")")
				tb.checkClean(t)
			})
			for _, locale := range []string{"en", "sv"} {
				for _, p := range pageKinds(t, f, locale) {
					t.Run(locale+" "+p.Name, func(t *testing.T) {
						if p.Status != 200 {
							tb.expectError(p.Path)
						}
						resp := tb.open(t, p.Path)
						if int(resp.Status) != p.Status {
							t.Fatalf("%s: status %d, want %d", p.Path, resp.Status, p.Status)
						}
						settle(t, tb)
						if scheme == "narrow" {
							checkReflow(t, tb)
						}
						axeCheck(t, tb, p.Path+" ("+scheme+")")
						if strings.Contains(p.Name, "phone-hours") {
							// The open-now line in both of its colours.
							for _, at := range []string{"2026-12-02T09:00:00+01:00", "2026-12-24T10:00:00+01:00"} {
								showHoursAt(t, tb, at)
								axeCheck(t, tb, p.Path+" at "+at+" ("+scheme+")")
							}
						}
						tb.checkClean(t)
					})
				}
			}
		})
	}
}

// settle waits for what the page's scripts fill in after load (search
// results, feedback counts), so axe sees the page as a reader does.
func settle(t testing.TB, tb *tab) {
	t.Helper()
	waitFor(t, tb, `!document.querySelector("[data-search-results-status]") || /\d/.test(document.querySelector("[data-search-results-status]").textContent) && !document.querySelector(".search-result:empty")`, "the search results")
}

// checkReflow fails when the page scrolls sideways: at 320 CSS pixels
// everything must reflow into one column (WCAG 1.4.10); wide tables scroll
// inside their own focusable region instead.
func checkReflow(t testing.TB, tb *tab) {
	t.Helper()
	over := js[[]string](t, tb, `(function () {
  var w = document.documentElement.clientWidth, out = [];
  if (document.documentElement.scrollWidth <= w + 1) { return out; }
  Array.prototype.forEach.call(document.querySelectorAll("body *"), function (e) {
    var r = e.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0 && !e.closest(".table-scroll, .visually-hidden, .skip-link, pre, .prose table")) {
      out.push(e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : "") + " right=" + Math.round(r.right));
    }
  });
  return out.length ? out.slice(0, 8) : ["the page is " + document.documentElement.scrollWidth + " px wide"];
})()`)
	if len(over) > 0 {
		t.Errorf("the page scrolls sideways at %d px: %q", js[int](t, tb, "document.documentElement.clientWidth"), over)
	}
}
