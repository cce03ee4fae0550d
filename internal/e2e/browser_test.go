package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// actionTimeout bounds one browser step (a navigation, a script, a wait).
const actionTimeout = 30 * time.Second

var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error
)

// browser returns the suite's one headless chromium, starting it on first
// use. A missing chromium fails the test: the suite is not optional.
func browser(t testing.TB) context.Context {
	t.Helper()
	browserOnce.Do(func() { browserCtx, browserErr = startBrowser() })
	if browserErr != nil {
		t.Fatal(browserErr)
	}
	return browserCtx
}

func startBrowser() (context.Context, error) {
	if _, err := os.Stat(chromiumPath); err != nil {
		return nil, fmt.Errorf("no chromium at %s (%v): install Debian's chromium with apt-get install -y chromium (.ci/run does)", chromiumPath, err)
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		return nil, fmt.Errorf("chromium is not on PATH: apt-get install -y chromium")
	}
	tmp, err := suiteTemp()
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp(tmp, "chromium-profile-")
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1024),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		return nil, fmt.Errorf("starting %s: %w (apt-get install -y chromium)", chromiumPath, err)
	}
	atExit(func() {
		cancelBrowser()
		cancelAlloc()
	})
	return bctx, nil
}

// cspReporter runs in every document before the page's own scripts and
// turns Content-Security-Policy violations into console errors, which the
// tab records. (Chromium also logs them; this makes sure none is missed.)
const cspReporter = `document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline code") + " in " + e.sourceFile + ":" + e.lineNumber);
});`

// tab is one browser tab of the suite's chromium. It records every request
// and every console error, uncaught exception and CSP violation; problems
// fails the test on any of them.
type tab struct {
	ctx   context.Context
	site  *fixture
	hosts map[string]bool // hosts the page may talk to

	mu       sync.Mutex
	requests []request
	problems []string
	expected map[string]bool                 // URLs whose error status the test expects
	paused   func(*fetch.EventRequestPaused) // see delayRequests
}

// openTab opens a tab on the suite's browser that may talk to f's server
// and to the hosts of the extra fixtures.
func openTab(t testing.TB, f *fixture, extra ...*fixture) *tab {
	t.Helper()
	b := browser(t)
	tb := &tab{site: f, hosts: map[string]bool{f.srv.Host: true}, expected: map[string]bool{}}
	for _, x := range extra {
		tb.hosts[x.srv.Host] = true
	}
	ctx, cancel := chromedp.NewContext(b, chromedp.WithListener(tb.record))
	t.Cleanup(cancel)
	// Whatever the test did not check yet (it may have stopped early) is
	// reported when it ends.
	t.Cleanup(func() { tb.checkClean(t) })
	tb.ctx = ctx
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspReporter}); err != nil {
		t.Fatalf("installing the CSP reporter: %v", err)
	}
	return tb
}

// record runs in the tab's event loop for every event: it must not block
// or send commands.
func (tb *tab) record(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *fetch.EventRequestPaused:
		if tb.paused != nil {
			go tb.paused(ev)
		}
	case *network.EventRequestWillBeSent:
		r := request{Method: ev.Request.Method, URL: ev.Request.URL}
		if ev.RedirectResponse != nil {
			r.RedirectedBy = ev.RedirectResponse.Status
		}
		tb.requests = append(tb.requests, r)
		u, err := url.Parse(ev.Request.URL)
		if err != nil {
			tb.problems = append(tb.problems, fmt.Sprintf("request to an unparsable URL %q", ev.Request.URL))
			return
		}
		switch u.Scheme {
		case "data", "blob", "about":
			return
		}
		if !tb.hosts[u.Host] {
			tb.problems = append(tb.problems, fmt.Sprintf("request to another host: %s %s (from %s)", ev.Request.Method, ev.Request.URL, ev.DocumentURL))
		}
	case *cdpruntime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		tb.problems = append(tb.problems, fmt.Sprintf("uncaught exception at %s:%d:%d: %s", d.URL, d.LineNumber+1, d.ColumnNumber+1, msg))
	case *cdpruntime.EventConsoleAPICalled:
		if ev.Type != cdpruntime.ConsoleAPICalledTypeError && ev.Type != cdpruntime.ConsoleAPICalledTypeAssert {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				var s string
				if json.Unmarshal(a.Value, &s) == nil {
					parts = append(parts, s)
					continue
				}
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		tb.problems = append(tb.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
	case *log.EventEntryAdded:
		e := ev.Entry
		if e.Level != log.EntryLevelError && e.Source != log.EntrySourceSecurity {
			return
		}
		if e.Source == log.EntrySourceNetwork && tb.expected[e.URL] {
			return
		}
		tb.problems = append(tb.problems, fmt.Sprintf("browser log (%s, %s): %s [%s]", e.Level, e.Source, e.Text, e.URL))
	}
}

// expectError tells the tab that a network error status for path is what
// the test wants (a 404 page, the handler's 422 page), not a problem.
func (tb *tab) expectError(path string) {
	tb.mu.Lock()
	tb.expected[tb.site.srv.URL+path] = true
	tb.mu.Unlock()
}

// checkClean fails the test for every problem recorded since the last
// check, and forgets them.
func (tb *tab) checkClean(t testing.TB) {
	t.Helper()
	tb.mu.Lock()
	probs := tb.problems
	tb.problems = nil
	tb.mu.Unlock()
	for _, p := range probs {
		t.Error(p)
	}
}

// mark returns the number of requests so far; requestsSince lists the
// requests made after a mark.
func (tb *tab) mark() int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return len(tb.requests)
}

func (tb *tab) requestsSince(n int) []request {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]request(nil), tb.requests[n:]...)
}

// request is one request a tab made.
type request struct {
	Method, URL string
	// RedirectedBy is the status of the redirect that led to this
	// request, 0 if none.
	RedirectedBy int64
}

// enterKey presses Enter as a keyboard does: one keyDown that carries the
// text "\r" and a keyUp, so a page that cancels the keydown also cancels
// the keypress, as in a real browser. (chromedp.KeyEvent sends a separate
// char event, which would submit a form even after the keydown was
// cancelled.)
var enterKey = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
		p := input.DispatchKeyEventParams{Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
		if typ == input.DispatchKeyEventTypeKeyDown {
			p.Text, p.UnmodifiedText = "\r", "\r"
		}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
			return err
		}
	}
	return nil
})

// timeout returns a context for one browser step.
func (tb *tab) timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.ctx, actionTimeout)
}

// do runs browser steps, failing the test on error.
func (tb *tab) do(t testing.TB, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := tb.timeout()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// run runs one browser action and returns its value.
func run[T any](t testing.TB, tb *tab, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := tb.timeout()
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// js evaluates a JavaScript expression in the page and returns its value.
func js[T any](t testing.TB, tb *tab, expr string) T {
	t.Helper()
	return run(t, tb, chromedp.Evaluate[T](expr))
}

// jsf is js with fmt.Sprintf; string arguments should be passed through
// quote.
func jsf[T any](t testing.TB, tb *tab, format string, args ...any) T {
	t.Helper()
	return js[T](t, tb, fmt.Sprintf(format, args...))
}

// quote makes s a JavaScript string literal.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitFor polls a JavaScript condition until it is true. It polls from Go
// (not with chromedp.Poll, whose page function uses new Function, which the
// site's CSP rightly forbids).
func waitFor(t testing.TB, tb *tab, cond, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok := js[bool](t, tb, "!!("+cond+")")
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 20s for %s (%s)", what, cond)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// open navigates to a site path and waits for the load event. Any status
// but 200 fails the test unless the path was expected with expectError.
func (tb *tab) open(t testing.TB, path string) *network.Response {
	t.Helper()
	resp := run(t, tb, chromedp.NavigateResponse(tb.site.srv.URL+path))
	tb.mu.Lock()
	expected := tb.expected[tb.site.srv.URL+path]
	tb.mu.Unlock()
	if resp == nil {
		t.Fatalf("%s: no response", path)
	}
	if resp.Status != 200 && !expected {
		t.Fatalf("%s: status %d, want 200", path, resp.Status)
	}
	return resp
}

// follow clicks the element matching the CSS selector and waits for the
// page it leads to.
func (tb *tab) follow(t testing.TB, selector string) *network.Response {
	t.Helper()
	ctx, cancel := tb.timeout()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(selector)))
	if err != nil {
		t.Fatalf("clicking %s: %v", selector, err)
	}
	if resp == nil {
		t.Fatalf("clicking %s loaded no page", selector)
	}
	return resp
}

// path is the current page's path and query.
func (tb *tab) path(t testing.TB) string {
	t.Helper()
	return js[string](t, tb, "location.pathname + location.search")
}

// setUserAgent overrides the User-Agent ("" restores chromium's own).
func (tb *tab) setUserAgent(t testing.TB, ua string) {
	t.Helper()
	if ua == "" {
		ua = js[string](t, tb, "navigator.userAgent")
	}
	tb.call(t, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua})
		return err
	})
}

// setScreen emulates a window of 1280x900 on a screen of w x h pixels.
func (tb *tab) setScreen(t testing.TB, w, h int64) {
	t.Helper()
	tb.call(t, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: min(w, 1280), Height: min(h, 900), DeviceScaleFactor: 1, ScreenWidth: w, ScreenHeight: h,
		})
		return err
	})
}

// setTimezone emulates the reader's time zone ("" restores the machine's).
func (tb *tab) setTimezone(t testing.TB, zone string) {
	t.Helper()
	tb.call(t, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
		return err
	})
}

// setLanguage sends Accept-Language with every request ("" restores
// chromium's own).
func (tb *tab) setLanguage(t testing.TB, accept string) {
	t.Helper()
	tb.call(t, func(ctx context.Context) error {
		h := network.Headers{}
		if accept != "" {
			h["Accept-Language"] = accept
		}
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h})
		return err
	})
}

// setScripts turns JavaScript on or off for the next navigations.
func (tb *tab) setScripts(t testing.TB, on bool) {
	t.Helper()
	tb.call(t, func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// setColorScheme emulates prefers-color-scheme ("" resets it).
func (tb *tab) setColorScheme(t testing.TB, scheme string) {
	t.Helper()
	tb.call(t, func(ctx context.Context) error {
		var features []*emulation.MediaFeature
		if scheme != "" {
			features = append(features, &emulation.MediaFeature{Name: "prefers-color-scheme", Value: scheme})
		}
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: features})
		return err
	})
}

// call runs a protocol command with a step timeout.
func (tb *tab) call(t testing.TB, f func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := tb.timeout()
	defer cancel()
	if err := f(ctx); err != nil {
		t.Fatalf("browser: %v", err)
	}
}
