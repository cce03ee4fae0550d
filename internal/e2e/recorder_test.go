package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inexchange/helpcenter/internal/render"
)

// TestTabCatchesProblems shows that a tab records what the suite forbids
// (a suite that cannot fail proves nothing): an inline script and a style
// attribute under the site's CSP, an uncaught exception, console.error,
// and a request to another host.
func TestTabCatchesProblems(t *testing.T) {
	pages := map[string]string{
		"/csp":     `<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p style="color:red">x</p><script>document.title = "inline ran";</script><script src="/boom.js"></script></body></html>`,
		"/other":   `<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><img src="http://127.0.0.2:9/pixel.png" alt=""></body></html>`,
		"/boom.js": `console.error("logged on purpose"); null.boom();`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/csp" {
			w.Header().Set("Content-Security-Policy", render.ContentSecurityPolicy)
		}
		if strings.HasSuffix(r.URL.Path, ".js") {
			w.Header().Set("Content-Type", "text/javascript")
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	f := &fixture{srv: &siteServer{URL: srv.URL, Host: strings.TrimPrefix(srv.URL, "http://")}}
	tb := openTab(t, f)
	tests := []struct {
		path string
		want []string
	}{
		{"/csp", []string{"CSP violation: script-src", "CSP violation: style-src", "logged on purpose", "uncaught exception"}},
		{"/other", []string{"request to another host: GET http://127.0.0.2:9/pixel.png"}},
	}
	for _, tc := range tests {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			tb.open(t, tc.path)
			waitFor(t, tb, `document.readyState === "complete"`, "the page")
			if js[string](t, tb, `document.title`) == "inline ran" {
				t.Error("the inline script ran despite the CSP")
			}
			tb.mu.Lock()
			got := strings.Join(tb.problems, "\n")
			tb.problems = nil
			tb.mu.Unlock()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("the tab did not record %q; it recorded:\n%s", w, got)
				}
			}
		})
	}
}
