package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
	"github.com/inexchange/helpcenter/internal/cases"
)

// vnuMessage is one message of the Nu Html Checker's JSON output.
type vnuMessage struct {
	Type      string `json:"type"`
	SubType   string `json:"subType"`
	URL       string `json:"url"`
	FirstLine int    `json:"firstLine"`
	LastLine  int    `json:"lastLine"`
	FirstCol  int    `json:"firstColumn"`
	LastCol   int    `json:"lastColumn"`
	Message   string `json:"message"`
	Extract   string `json:"extract"`
}

// TestHTMLValid runs the Nu Html Checker (npm vnu-jar) over every HTML file
// of the built site in one JVM, and fails on any error.
func TestHTMLValid(t *testing.T) {
	f := sampleSite(t)
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatal("no java on PATH: the Nu Html Checker needs a Java runtime: apt-get install -y default-jre-headless")
	}
	jar := filepath.Join(f.root, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the Nu Html Checker is missing (%v): run npm ci in the repository root (package.json pins vnu-jar)", err)
	}
	var files []string
	err = filepath.WalkDir(f.public, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 50 {
		t.Fatalf("only %d HTML files in %s: the build looks incomplete", len(files), f.public)
	}
	files = append(files, handlerPages(t, f)...)
	msgs := runVNU(t, java, jar, files)
	for _, m := range msgs {
		if m.Type != "error" && !(m.Type == "non-document-error") {
			continue
		}
		rel := strings.TrimPrefix(m.URL, "file:")
		rel = strings.TrimPrefix(strings.TrimPrefix(rel, f.public), filepath.Dir(f.public))
		t.Errorf("%s:%d:%d: %s\n    %s", rel, m.LastLine, m.FirstCol, m.Message, strings.ReplaceAll(m.Extract, "\n", "⏎"))
	}
	t.Logf("Nu Html Checker: %d HTML files checked", len(files))
}

// runVNU checks files with vnu.jar and returns its messages.
func runVNU(t testing.TB, java, jar string, files []string) []vnuMessage {
	t.Helper()
	args := append([]string{"-Xss4m", "-jar", jar, "--errors-only", "--format", "json"}, files...)
	cmd := exec.Command(java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	// vnu exits 1 when it finds errors; the report is on stderr.
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("running %s: %v", java, err)
	}
	var out struct {
		Messages []vnuMessage `json:"messages"`
	}
	report := stderr.Bytes()
	if len(bytes.TrimSpace(report)) == 0 {
		report = stdout.Bytes()
	}
	if jerr := json.Unmarshal(report, &out); jerr != nil {
		t.Fatalf("reading the Nu Html Checker's report (%v; exit: %v): %s", jerr, err, truncate(string(report)+stdout.String(), 2000))
	}
	if err != nil && len(out.Messages) == 0 {
		t.Fatalf("the Nu Html Checker failed without a message: %v: %s", err, truncate(stdout.String(), 2000))
	}
	return out.Messages
}

// TestHTMLValidCatchesErrors makes sure the checker, as the suite runs it,
// reports an invalid page: a suite that can never fail proves nothing.
func TestHTMLValidCatchesErrors(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatal("no java on PATH: apt-get install -y default-jre-headless")
	}
	jar := filepath.Join(root, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the Nu Html Checker is missing (%v): run npm ci in the repository root", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.html")
	page := `<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div>block in p</div><a href="/x" href="/y">dup</a></body></html>`
	if err := os.WriteFile(bad, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	msgs := runVNU(t, java, jar, []string{bad})
	errs := 0
	for _, m := range msgs {
		if m.Type == "error" {
			errs++
		}
	}
	if errs == 0 {
		t.Fatalf("the checker found no error in an invalid page: %s", fmt.Sprint(msgs))
	}
}

// handlerPages saves the form handler's own pages (what a reader without
// JavaScript sees after posting) so the checker reads them too: the
// invalid-case page, the confirmation and the feedback thank-you, in both
// languages.
func handlerPages(t testing.TB, f *fixture) []string {
	t.Helper()
	dir := filepath.Join(filepath.Dir(f.public), "handler-pages")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var out []string
	save := func(name string, resp *http.Response) {
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %s is not a page: %s", name, resp.Header.Get("Content-Type"), truncate(string(b), 200))
		}
		p := filepath.Join(dir, name+".html")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	post := func(path string, form url.Values) *http.Response {
		req, err := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", f.srv.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for _, locale := range []string{"en", "sv"} {
		article := f.plainArticle(t, locale).URL
		save(locale+"-invalid-case", post("/api/cases", url.Values{"locale": {locale}, "name": {"Ada"}, "email": {"ada@example"}}))
		resp := post("/api/cases", url.Values{"locale": {locale}, "name": {"Ada"}, "email": {"ada@example.com"}, "category": {"other"},
			"subject": {"Validity"}, "description": {"A case to check the confirmation page."}, "article": {article}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a valid case got %d, want 303", resp.StatusCode)
		}
		conf, err := http.Get(f.srv.URL + resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		save(locale+"-case-confirmation", conf)
		save(locale+"-feedback-thanks", post("/api/feedback", url.Values{"locale": {locale}, "article": {article}, "helpful": {"yes"}}))
	}
	out = append(out, requesterPages(t, f, dir)...)
	return out
}

// requesterPages saves the pages of a signed-in requester for the
// checker: the check-your-email page, a refused link, the list, a case
// with a conversation and files, the same with comment errors, a closed
// case, in both languages.
func requesterPages(t testing.TB, f *fixture, dir string) []string {
	t.Helper()
	ctx := context.Background()
	store := f.api.Store()
	var out []string
	get := func(name, path string, cookie *http.Cookie, want int) {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s, want an HTML page with %d", path, resp.StatusCode, resp.Header.Get("Content-Type"), want)
		}
		p := filepath.Join(dir, name+".html")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	for _, locale := range []string{"en", "sv"} {
		email := "vnu." + locale + "@example.com"
		c := &cases.Case{Locale: locale, Fields: caseform.Values{caseform.Name: "Ada", caseform.Email: email, caseform.Subject: "Valid <markup> & more",
			caseform.Description: "First line\nsecond line\n\nhttps://example.com/a?b=c&d=e.", caseform.Category: "other"},
			Attachments: []cases.Attachment{{Name: "a \"quoted\" name.png", ContentType: "image/png", Data: []byte("\x89PNG\r\n\x1a\n")}}}
		if _, _, err := store.CreateCase(ctx, c, nil); err != nil {
			t.Fatal(err)
		}
		for _, ev := range []*cases.Event{
			{CaseID: c.ID, Kind: cases.EventComment, Author: cases.AuthorRequester, Body: "More <b>detail</b>", Source: cases.SourceWeb,
				Attachments: []cases.Attachment{{Name: "log.txt", ContentType: "text/plain", Data: []byte("log")}}},
			{CaseID: c.ID, Kind: cases.EventComment, Author: cases.AuthorSupport, AuthorName: "Eva", Body: "Which invoice?", Status: cases.StatusPending, Source: cases.SourceCLI},
		} {
			if _, err := store.AddEvent(ctx, ev, nil); err != nil {
				t.Fatal(err)
			}
		}
		token := strings.Repeat(locale, 21) + "x"
		sum := sha256.Sum256([]byte(token))
		now := time.Now()
		if err := store.CreateSignIn(ctx, &cases.SignIn{Hash: hex.EncodeToString(sum[:]), Email: email, Locale: locale, Created: now, Expires: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		resp, err := noRedirect.Get(f.srv.URL + "/api/signin/" + token)
		if err != nil || resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 {
			t.Fatalf("sign in for the checker: %v %v", resp, err)
		}
		resp.Body.Close()
		cookie := resp.Cookies()[0]
		get(locale+"-signin-sent", "/api/signin/sent?locale="+locale, nil, 200)
		get(locale+"-signin-refused", "/api/signin/"+token, nil, 403)
		get(locale+"-my-cases", "/api/my/cases?locale="+locale, cookie, 200)
		get(locale+"-my-cases-none", "/api/my/cases?status=hold&locale="+locale, cookie, 200)
		get(locale+"-my-case", "/api/my/cases/"+c.ID+"?locale="+locale+"&added=1", cookie, 200)
		get(locale+"-no-case", "/api/my/cases/HC-NOSUCHCASE?locale="+locale, cookie, 404)
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/my/cases/"+c.ID+"/comments", strings.NewReader("locale="+locale+"&comment=+"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		resp, err = noRedirect.Do(req)
		if err != nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("an empty comment: %v %v", resp, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		p := filepath.Join(dir, locale+"-comment-invalid.html")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
		if _, err := store.AddEvent(ctx, &cases.Event{CaseID: c.ID, Kind: cases.EventStatus, Author: cases.AuthorSupport, Status: cases.StatusClosed, Source: cases.SourceCLI}, nil); err != nil {
			t.Fatal(err)
		}
		get(locale+"-my-case-closed", "/api/my/cases/"+c.ID+"?locale="+locale, cookie, 200)
	}
	return out
}
