package main

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/inexchange/helpcenter/internal/hosting"
	"github.com/inexchange/helpcenter/internal/zendesk/zendesktest"
)

const (
	zdEmail = "admin@acme.example"
	zdToken = "s3cr3t-T0ken-value-9f8e7d"
)

func TestImportUsage(t *testing.T) {
	out := t.TempDir()
	tests := []struct {
		name string
		args []string
		env  string // ZENDESK_TOKEN
		code int
		want string // on stderr
	}{
		{"no source", []string{"import"}, "", 2, "helpcenter import zendesk"},
		{"help", []string{"import", "--help"}, "", 0, "--token-env"},
		{"zendesk help", []string{"import", "zendesk", "--help"}, "", 0, "--locale-map"},
		{"unknown source", []string{"import", "wordpress"}, "", 2, `unknown source "wordpress"`},
		{"nothing to do", []string{"import", "zendesk"}, "", 2, "--url and --out to fetch, or --from"},
		{"url without out", []string{"import", "zendesk", "--url", "https://acme.zendesk.com"}, "", 2, "--out DIR"},
		{"fetch and convert at once", []string{"import", "zendesk", "--url", "https://acme.zendesk.com", "--out", out, "--from", out}, "", 2, "two runs"},
		{"convert flag on a fetch", []string{"import", "zendesk", "--url", "https://acme.zendesk.com", "--out", out, "--force"}, "", 2, "--force belongs to the convert run"},
		{"fetch flag on a convert", []string{"import", "zendesk", "--from", out, "--email", zdEmail}, "", 2, "--email belongs to the fetch run"},
		{"email without token", []string{"import", "zendesk", "--url", "https://acme.zendesk.com", "--out", out, "--email", zdEmail}, "", 2, "$ZENDESK_TOKEN"},
		{"bad locale map", []string{"import", "zendesk", "--from", out, "--locale-map", "en-us"}, "", 2, "zendesk-locale=site-locale"},
		{"from is no folder", []string{"import", "zendesk", "--from", filepath.Join(out, "nope")}, "", 2, "not a folder"},
		{"from is no export", []string{"import", "zendesk", "--from", out}, "", 1, "no locales.json"},
		{"bad url", []string{"import", "zendesk", "--url", "acme", "--out", filepath.Join(out, "x")}, "", 1, "give the help center's address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ZENDESK_TOKEN", tt.env)
			code, _, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want %d; stderr must hold %q:\n%s", code, tt.code, tt.want, stderr)
			}
			if n := strings.Count(strings.TrimRight(stderr, "\n"), "\n") + 1; n > 24 {
				t.Errorf("%d lines on stderr: help must fit a 24-line screen:\n%s", n, stderr)
			}
		})
	}
}

// TestImportZendeskEndToEnd moves the sample help center in as a writer
// would, with the README's commands: fetch it from a fake Zendesk (over
// HTTP, paginated, one request failing once), convert the folder into a
// site, build the site, and serve public/ as Netlify does. Every
// article's page is there, its links between articles land on the
// heading they name, and every old URL answers 301 with the page in its
// locale.
func TestImportZendeskEndToEnd(t *testing.T) {
	zd := zendesktest.New(zendesktest.Sample())
	zd.Email, zd.Token = zdEmail, zdToken
	zd.PageSize = 2
	zd.FailNext("/api/v2/help_center/sv/articles.json?page%5Bsize%5D=100", http.StatusServiceUnavailable)
	t.Cleanup(zd.Close)
	t.Setenv("ZENDESK_TOKEN", zdToken)

	export := filepath.Join(t.TempDir(), "zendesk")
	code, stdout, stderr := runCLI(t, "import", "zendesk", "--url", zd.URL, "--email", zdEmail, "--out", export)
	if code != 0 {
		t.Fatalf("fetch: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "fetched 9 articles, 8 sections and 5 categories in 2 locales (en-us, sv), 7 files") || !strings.Contains(stdout, "--locale-map en-us=en,sv=sv") {
		t.Errorf("fetch summary:\n%s", stdout)
	}
	_ = filepath.WalkDir(export, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(zdToken)) {
				t.Errorf("%s holds the API token", p)
			}
		}
		return nil
	})

	site := t.TempDir()
	code, stdout, stderr = runCLI(t, "import", "zendesk", "--from", export, "--source", site, "--locale-map", "en-us=en")
	if code != 0 {
		t.Fatalf("convert: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"en        6 articles (1 drafts), 5 sections, 3 categories, 5 files", "checked ", ": no errors", "the imported site builds"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("convert output lacks %q:\n%s", want, stdout)
		}
	}

	public := filepath.Join(t.TempDir(), "public")
	t.Setenv("SOURCE_DATE_EPOCH", "1780000000")
	if code, stdout, stderr = runCLI(t, "build", "--source", site, "--dest", public); code != 0 {
		t.Fatalf("build: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stderr, "error") {
		t.Errorf("build reported errors:\n%s", stderr)
	}

	// Netlify in front of public/.
	redirects, err := os.ReadFile(filepath.Join(public, "_redirects"))
	if err != nil {
		t.Fatal(err)
	}
	rules, err := hosting.Parse(hosting.Source{Name: "netlify.toml"}, hosting.Source{Name: "public/_redirects", Data: redirects}, hosting.Source{Name: "public/_headers"})
	if err != nil {
		t.Fatalf("Netlify would reject rules of _redirects: %v", err)
	}
	files := hosting.FileSet{}
	_ = filepath.WalkDir(public, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(public, p)
			files[filepath.ToSlash(rel)] = true
		}
		return err
	})
	srv := httptest.NewServer(&hosting.Server{Rules: rules, Files: files, File: func(w http.ResponseWriter, r *http.Request, name string, status int) {
		b, err := os.ReadFile(filepath.Join(public, filepath.FromSlash(name)))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}})
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(p string) (int, string, string) {
		t.Helper()
		resp, err := client.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), b.String()
	}

	// Every old URL: articles with and without the title after the id,
	// an outdated title, percent-encoded Swedish, no locale; sections,
	// categories, the locale homes and /hc.
	old := map[string]string{
		"/hc/en-us/articles/400001":                                                "/en/articles/how-do-i-reset-my-password/",
		"/hc/en-us/articles/400001-How-do-I-reset-my-password-":                    "/en/articles/how-do-i-reset-my-password/",
		"/hc/en-us/articles/400001-Resetting-your-password":                        "/en/articles/how-do-i-reset-my-password/",
		"/hc/en-us/articles/400001/":                                               "/en/articles/how-do-i-reset-my-password/",
		"/hc/articles/400001":                                                      "/en/articles/how-do-i-reset-my-password/",
		"/hc/articles/400001-How-do-I-reset-my-password-":                          "/en/articles/how-do-i-reset-my-password/",
		"/hc/sv/articles/400001":                                                   "/sv/articles/hur-aterstaller-jag-mitt-losenord/",
		"/hc/sv/articles/400001-Hur-%C3%A5terst%C3%A4ller-jag-mitt-l%C3%B6senord-": "/sv/articles/hur-aterstaller-jag-mitt-losenord/",
		"/hc/en-us/articles/400002-Signing-in-with-single-sign-on-SSO-":            "/en/articles/signing-in-with-single-sign-on-sso/",
		"/hc/sv/articles/400002-Logga-in-med-enkel-inloggning-SSO-":                "/sv/articles/logga-in-med-enkel-inloggning-sso/",
		"/hc/en-us/articles/400003-Supported-file-formats":                         "/en/articles/supported-file-formats/",
		"/hc/en-us/articles/400004":                                                "/en/articles/sending-an-invoice/",
		"/hc/en-us/articles/400006-Error-codes":                                    "/en/articles/error-codes/",
		"/hc/en-us/sections/300002":                                                "/en/sections/signing-in/",
		"/hc/en-us/sections/300002-Signing-in":                                     "/en/sections/signing-in/",
		"/hc/sv/sections/300002-Logga-in":                                          "/sv/sections/logga-in/",
		"/hc/sections/300003":                                                      "/en/sections/sending-invoices/",
		"/hc/en-us/categories/200002-Invoices":                                     "/en/categories/invoices/",
		"/hc/sv/categories/200002":                                                 "/sv/categories/fakturor/",
		"/hc/sv/categories/200001-Kom-ig%C3%A5ng":                                  "/sv/categories/kom-igang/",
		"/hc/en-us": "/en/",
		"/hc/sv/":   "/sv/",
		"/hc":       "/en/",
	}
	for from, to := range old {
		status, loc, _ := get(from)
		if status != http.StatusMovedPermanently || loc != to {
			t.Errorf("GET %s: %d %s, want 301 %s", from, status, loc, to)
			continue
		}
		if status, _, _ := get(to); status != http.StatusOK {
			t.Errorf("GET %s (from %s): %d", to, from, status)
		}
	}
	// A draft (the Swedish invoice article) and a user-segment article
	// are not published: their old URLs lead nowhere yet.
	for _, p := range []string{"/hc/sv/articles/400004", "/hc/en-us/articles/400005-Partner-pricing", "/hc/en-us/articles/4000011"} {
		if status, loc, _ := get(p); status != http.StatusNotFound {
			t.Errorf("GET %s: %d %s, want 404", p, status, loc)
		}
	}

	// Links between articles land on the heading they name; images and
	// downloads are published.
	href := regexp.MustCompile(`(?:href|src)="?(/[^"\s>]*)`)
	id := regexp.MustCompile(`id="?([^"\s>]+)`)
	pages := map[string]string{}
	for _, p := range []string{
		"/en/articles/how-do-i-reset-my-password/", "/sv/articles/hur-aterstaller-jag-mitt-losenord/",
		"/en/articles/signing-in-with-single-sign-on-sso/", "/sv/articles/logga-in-med-enkel-inloggning-sso/",
		"/en/articles/supported-file-formats/", "/en/articles/sending-an-invoice/", "/en/articles/error-codes/",
	} {
		status, _, body := get(p)
		if status != http.StatusOK {
			t.Errorf("GET %s: %d", p, status)
		}
		pages[p] = body
	}
	wantLinks := map[string][]string{
		"/en/articles/how-do-i-reset-my-password/":        {"/en/articles/signing-in-with-single-sign-on-sso/#before-you-start", "#reset-your-password", "/en/articles/sending-an-invoice/#send-it"},
		"/sv/articles/hur-aterstaller-jag-mitt-losenord/": {"/sv/articles/logga-in-med-enkel-inloggning-sso/", "#aterstall-ditt-losenord"},
		"/en/articles/error-codes/":                       {"/en/articles/signing-in-with-single-sign-on-sso/#configure-your-identity-provider"},
		"/sv/articles/logga-in-med-enkel-inloggning-sso/": {"/sv/articles/hur-aterstaller-jag-mitt-losenord/#regler-for-losenord"},
		"/en/articles/sending-an-invoice/":                {"/en/articles/how-do-i-reset-my-password/", "/en/articles/supported-file-formats/", "/en/categories/invoices/", "/en/"},
	}
	for p, links := range wantLinks {
		for _, l := range links {
			if !strings.Contains(pages[p], `href="`+l+`"`) && !strings.Contains(pages[p], "href="+l+">") && !strings.Contains(pages[p], "href="+l+" ") {
				t.Errorf("%s has no link to %s", p, l)
			}
		}
	}
	checked := 0
	for p, body := range pages {
		for _, m := range href.FindAllStringSubmatch(body, -1) {
			checked++
			target, frag, _ := strings.Cut(m[1], "#")
			if strings.HasPrefix(target, "/api/") {
				continue
			}
			if target == "" {
				target = p
			}
			status, loc, tbody := get(target)
			if status != http.StatusOK {
				t.Errorf("%s links %s: %d %s", p, m[1], status, loc)
				continue
			}
			if frag != "" && path.Ext(target) == "" {
				found := false
				for _, im := range id.FindAllStringSubmatch(tbody, -1) {
					found = found || im[1] == frag
				}
				if !found {
					t.Errorf("%s links %s: no element has id %q", p, m[1], frag)
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d links and sources checked", checked)
	}
	// The screenshots are pictures with their alt text, the PDF a download.
	if !strings.Contains(pages["/en/articles/how-do-i-reset-my-password/"], `alt="The Forgot password link below the sign-in button"`) {
		t.Error("the reset-password screenshot is not on its page")
	}
	if !regexp.MustCompile(`format guide \(PDF\)</a>\s*\(PDF, `).MatchString(pages["/en/articles/supported-file-formats/"]) && !strings.Contains(pages["/en/articles/supported-file-formats/"], "(PDF, ") {
		t.Error("the format guide is not a download with its type and size")
	}

	// Importing again changes nothing and still builds.
	code, stdout, _ = runCLI(t, "import", "zendesk", "--from", export, "--source", site, "--locale-map", "en-us=en")
	if code != 0 || !strings.Contains(stdout, "0 written, 0 updated") {
		t.Errorf("second convert: exit %d\n%s", code, stdout)
	}
}

// TestImportNeedsTheWriter: an import whose result does not build, or
// whose report has things only the writer can do, exits 1 and names each.
func TestImportNeedsTheWriter(t *testing.T) {
	hc := zendesktest.Sample()
	for i := range hc.Articles {
		if hc.Articles[i].ID == 400003 {
			// An image without alt text: the build refuses it.
			hc.Articles[i].Body += `<p><img src="/hc/article_attachments/500006"></p>`
		}
	}
	delete(hc.Files, 500005) // formats.csv: the download fails
	zd := zendesktest.New(hc)
	t.Cleanup(zd.Close)
	export := filepath.Join(t.TempDir(), "zendesk")
	code, _, stderr := runCLI(t, "import", "zendesk", "--url", zd.URL, "--out", export)
	if code != 0 || !strings.Contains(stderr, "formats.csv (article 400003) could not be downloaded: 404 Not Found") || !strings.Contains(stderr, "anonymous readers") {
		t.Fatalf("fetch: exit %d\n%s", code, stderr)
	}
	site := t.TempDir()
	code, stdout, stderr := runCLI(t, "import", "zendesk", "--from", export, "--source", site, "--locale-map", "en-us=en")
	if code != 1 {
		t.Fatalf("convert: exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"needs you: content/en/invoices/sending-invoices/supported-file-formats/index.md from " + zd.URL + "/hc/en-us/articles/400003-Supported-file-formats: image format-menu.png has no alt text",
		"supported-file-formats/index.md:", // the build's own error, with its position
		"alt text",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "the imported site needs you: ") || !strings.Contains(stderr, "of helpcenter check") {
		t.Errorf("stderr:\n%s", stderr)
	}
}
