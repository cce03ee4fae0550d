package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
	msgs := runVNU(t, java, jar, files)
	for _, m := range msgs {
		if m.Type != "error" && !(m.Type == "non-document-error") {
			continue
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(m.URL, "file:"), f.public)
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
