package hours

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowser renders the partial into a page served on loopback with the
// site's CSP (script-src 'self'), loads it in Debian's chromium, and checks
// that hours.js fills the "open now" line. The clock is fixed through the
// script's own hook, HelpcenterHours.refresh(ms), which renders any instant
// without test-only markup in real pages; the reader's zone is set with
// Emulation.setTimezoneOverride.
func TestBrowser(t *testing.T) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Fatal("no chromium on PATH: install Debian's chromium (apt-get install chromium), as .ci/run does")
	}

	v := fixtureView(t)
	body := renderPartial(t, page{Locale: "en", Hours: v})
	body = strings.ReplaceAll(body, "/assets/hours.0123abcd.js", "/assets/hours.js")
	script, err := os.ReadFile(filepath.Join("..", "..", "static", "js", "hours.js"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'")
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Phone hours</title></head><body><main>%s</main></body></html>", body)
		case "/assets/hours.js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Write(script)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", browser, err)
	}

	tests := []struct {
		name, readerZone, instant string
		wantHidden                bool
		wantText, wantState       string
	}{
		{"reader in Stockholm after the autumn change", "Europe/Stockholm", "2026-10-26T07:00:00Z", false, "Open now · closes 12:00", "open"},
		{"reader in New York gets the zone label", "America/New_York", "2026-10-26T07:00:00Z", false, "Open now · closes 12:00 (Stockholm time)", "open"},
		{"reader in Stockholm on Christmas Eve", "Europe/Stockholm", "2026-12-24T10:00:00+01:00", false, "Closed · opens Monday at 08:00", "closed"},
		{"before effective_from the line stays hidden", "Europe/Stockholm", "2026-09-29T10:00:00+02:00", true, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := chromedp.NewContext(bctx)
			defer cancel()
			ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			at, err := time.Parse(time.RFC3339, tc.instant)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: tc.readerZone}); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx,
				chromedp.Navigate(srv.URL+"/"),
				chromedp.WaitReady("body"),
			); err != nil {
				t.Fatal(err)
			}
			// The script exists once it has run under the page's CSP.
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`typeof HelpcenterHours === "object"`)); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`HelpcenterHours.refresh(%d)`, at.UnixMilli()))); err != nil {
				t.Fatal(err)
			}
			text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("[data-hours-now]").textContent`))
			if err != nil {
				t.Fatal(err)
			}
			hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("[data-hours-now]").hasAttribute("hidden")`))
			if err != nil {
				t.Fatal(err)
			}
			state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("[data-hours-now]").getAttribute("data-state") || ""`))
			if err != nil {
				t.Fatal(err)
			}
			if hidden != tc.wantHidden {
				t.Errorf("hidden = %v, want %v", hidden, tc.wantHidden)
			}
			if !tc.wantHidden && (text != tc.wantText || state != tc.wantState) {
				t.Errorf("line = %q (data-state %q), want %q (%q)", text, state, tc.wantText, tc.wantState)
			}
		})
	}
}
