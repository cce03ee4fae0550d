package serve

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const chromium = "/usr/bin/chromium"

// browser starts Debian's chromium, headless, with a throwaway profile.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s not found: install it with apt-get install -y chromium", chromium)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	return ctx
}

// poll waits until the JavaScript expression is true in the page.
func poll(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		_, err := chromedp.Run(pctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond)))
		if err == nil {
			return
		}
		// A reload ends a poll running in the old document ("navigated
		// or closed", "cannot find context"): poll the new one.
		if pctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 400) : ""`))
		t.Fatalf("%s: %v (page text: %q)", what, err, text)
	}
}

// TestBrowserReloadsAndShowsErrors opens an article in chromium (under
// the site's Content-Security-Policy, as the preview serves it), edits it
// and waits for the tab to reload by itself; then breaks it and waits for
// the overlay naming the place; then fixes it and waits for the overlay
// to go and the new text to show; then changes the stylesheet and waits
// for the new rule to apply without a reload.
func TestBrowserReloadsAndShowsErrors(t *testing.T) {
	h := start(t, nil)
	ctx := browser(t)
	orig := h.read(statuses)
	if err := chromedp.Do(ctx, chromedp.Navigate(h.base+statusesPage), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	// The page's own stream plus the harness's.
	deadline := time.Now().Add(30 * time.Second)
	for h.srv.Clients() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the page never opened /_helpcenter/events")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`)); err != nil {
		t.Fatal(err)
	}

	t.Run("reloads after an edit", func(t *testing.T) {
		h.save(statuses, strings.Replace(orig, "within minutes.", "within a heartbeat.", 1))
		poll(t, ctx, "the page did not reload with the new text",
			`!window.notReloaded && document.body.innerText.indexOf("within a heartbeat") >= 0`)
	})
	t.Run("shows the overlay after a broken edit", func(t *testing.T) {
		h.save(statuses, strings.Replace(orig, "weight: 3", "weight: 3\ntittle: oops", 1))
		poll(t, ctx, "no overlay",
			`(function(){var o=document.getElementById("hc-live-overlay");return !!o && o.offsetHeight>0 && o.innerText.indexOf("`+statuses+`:8:1")>=0 && o.innerText.indexOf("tittle: oops")>=0})()`)
		poll(t, ctx, "the last good page should stay under the overlay", `document.body.innerText.indexOf("within a heartbeat") >= 0`)
	})
	t.Run("fixing the file removes the overlay", func(t *testing.T) {
		h.save(statuses, strings.Replace(orig, "within minutes.", "within two heartbeats.", 1))
		poll(t, ctx, "overlay stayed or the text did not change",
			`!document.getElementById("hc-live-overlay") && document.body.innerText.indexOf("within two heartbeats") >= 0`)
	})
	t.Run("a stylesheet change swaps the stylesheet without a reload", func(t *testing.T) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded = true`)); err != nil {
			t.Fatal(err)
		}
		h.save("static/css/app.css", h.read("static/css/app.css")+"\nbody{outline:3px solid rgb(1, 2, 3)}\n")
		poll(t, ctx, "the new rule did not apply, or the page reloaded",
			`window.notReloaded === true && getComputedStyle(document.body).outlineColor === "rgb(1, 2, 3)"`)
	})
}
