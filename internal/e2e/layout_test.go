package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// setPhone emulates a 412x823 phone (Lighthouse's mobile viewport): a
// mobile viewport of that size on a screen of that size, 2.625 device
// pixels per CSS pixel.
func (tb *tab) setPhone(t testing.TB) {
	t.Helper()
	tb.call(t, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: 412, Height: 823, DeviceScaleFactor: 2.625, Mobile: true, ScreenWidth: 412, ScreenHeight: 823,
		})
		return err
	})
}

// shift is one layout-shift entry the page reported.
type shift struct {
	Value    float64  `json:"value"`
	Input    bool     `json:"input"`   // hadRecentInput: not counted in CLS
	Sources  []string `json:"sources"` // the moved elements, as tag.class
	StartsAt float64  `json:"start"`
}

// layoutShifts waits until the page has settled (loaded, its scripts run,
// the feedback count asked for and answered, fonts in) and returns every
// layout-shift entry since navigation, through a buffered
// PerformanceObserver.
func layoutShifts(t testing.TB, tb *tab) []shift {
	t.Helper()
	waitFor(t, tb, `document.readyState === "complete" && (!document.getElementById("feedback") ||
		performance.getEntriesByType("resource").some(function (e) { return e.name.indexOf("/api/feedback") >= 0 && e.responseEnd > 0; }))`,
		"the page and its feedback count")
	// Two animation frames and a pause: whatever the scripts changed is laid out.
	time.Sleep(300 * time.Millisecond)
	out := run(t, tb, chromedp.Evaluate[string](`new Promise(function (resolve) {
  var got = [];
  function name(n) { return n ? (n.nodeName || "").toLowerCase() + (n.className ? "." + String(n.className).split(" ").join(".") : "") : ""; }
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) {
      got.push({value: e.value, input: e.hadRecentInput, start: e.startTime,
        sources: (e.sources || []).map(function (s) { return name(s.node); })});
    });
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(function () { requestAnimationFrame(function () { setTimeout(function () { resolve(JSON.stringify(got)); }, 50); }); });
})`, chromedp.EvalAwaitPromise))
	var shifts []shift
	if err := json.Unmarshal([]byte(out), &shifts); err != nil {
		t.Fatalf("reading the layout shifts: %v", err)
	}
	return shifts
}

// delayRequests holds every request whose URL matches pattern (a
// Fetch.enable urlPattern: * and ? wildcards) for d before letting it go,
// as a slow phone network would: with the page's scripts held back, the
// page paints before they run, so whatever they reveal is measured against
// a page already on screen.
func (tb *tab) delayRequests(t testing.TB, pattern string, d time.Duration) {
	t.Helper()
	tb.mu.Lock()
	tb.paused = func(ev *fetch.EventRequestPaused) {
		time.Sleep(d)
		// The tab may be gone when the test ended meanwhile: nothing to continue then.
		_, _ = chromedp.Call(tb.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	}
	tb.mu.Unlock()
	tb.call(t, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}})
		return err
	})
}

// vote records a "yes" for the open article through the page's own form
// handler, so that its "N out of M found this helpful" line appears after
// load on the next visit, as on a live site.
func vote(t testing.TB, tb *tab) {
	t.Helper()
	if st := js[float64](t, tb, `(function () {
  var box = document.getElementById("feedback"), x = new XMLHttpRequest();
  x.open("POST", box.getAttribute("data-api") + "/feedback", false);
  x.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
  x.setRequestHeader("Accept", "application/json");
  x.send("article=" + encodeURIComponent(box.getAttribute("data-article")) + "&helpful=yes");
  return x.status;
})()`); st != 200 {
		t.Fatalf("voting: status %v, want 200", st)
	}
}

// TestLayoutShiftTallWindow opens an article with votes in a window tall
// enough to show all of it: the feedback count that arrives after load
// moves nothing (its line is kept while it is hidden).
func TestLayoutShiftTallWindow(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	tb.call(t, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: 1280, Height: 4000, DeviceScaleFactor: 1, ScreenWidth: 1280, ScreenHeight: 4000,
		})
		return err
	})
	defer tb.setScreen(t, 1280, 1024)
	a := f.plainArticle(t, "sv")
	tb.open(t, a.URL)
	vote(t, tb)
	tb.open(t, a.URL)
	waitFor(t, tb, `!document.getElementById("feedback-count").hidden && document.getElementById("feedback-count").textContent !== ""`, "the feedback count")
	if !js[bool](t, tb, `document.querySelector(".site-footer").getBoundingClientRect().bottom <= window.innerHeight`) {
		t.Fatal("the window does not show the whole article: make it taller")
	}
	for _, s := range layoutShifts(t, tb) {
		t.Errorf("layout shift %.4f at %.0f ms (recent input %v), moving %v", s.Value, s.StartsAt, s.Input, s.Sources)
	}
	tb.checkClean(t)
}
