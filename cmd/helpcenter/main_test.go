package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/content"
)

// runCLI runs the command in-process and returns its exit status and output.
// A panic fails the test instead of killing the test binary.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("helpcenter %s panicked: %v", strings.Join(args, " "), r)
				code = -1
			}
		}()
		code = program.Run(context.Background(), args, &out, &errb)
	}()
	return code, out.String(), errb.String()
}

// site writes a site root with the given files.
func site(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func goodSite() map[string]string {
	return map[string]string{
		"content/_index.md":                 "---\ntitle: Help\nbase_url: https://help.example.com\nlocales: [en]\n---\n",
		"content/en/_index.md":              "---\ntitle: Help Center\n---\n",
		"content/en/cases/_index.md":        "---\ntitle: Cases\n---\n",
		"content/en/cases/submit/_index.md": "---\ntitle: Submitting\n---\n",
		"content/en/cases/submit/create.md": "---\ntitle: Create a case\nupdated: 2026-10-01\n---\n\n## Steps\n",
		"content/en/cases/submit/attach.md": "---\ntitle: Attach files\n---\n\nFirst [create a case](create.md#steps).\n",
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		// out is "stdout" or "stderr": where the usage text must appear.
		out string
	}{
		{"no arguments", nil, 2, "stdout"},
		{"--help", []string{"--help"}, 0, "stdout"},
		{"-h", []string{"-h"}, 0, "stdout"},
		{"help", []string{"help"}, 0, "stdout"},
		{"unknown command", []string{"publish"}, 2, "stderr"},
		{"build --help", []string{"build", "--help"}, 0, "stderr"},
		{"check --help", []string{"check", "--help"}, 0, "stderr"},
		{"new --help", []string{"new", "--help"}, 0, "stderr"},
		{"build bad flag", []string{"build", "--nope"}, 2, "stderr"},
		{"check bad flag", []string{"check", "--drafts=maybe"}, 2, "stderr"},
		{"build extra argument", []string{"build", "public"}, 2, "stderr"},
		{"new without path", []string{"new"}, 2, "stderr"},
		{"new with short path", []string{"new", "en/cases/x"}, 2, "stderr"},
		{"new with bad slug", []string{"new", "en/cases/submit/Bad Slug"}, 2, "stderr"},
		{"new with unknown layout", []string{"new", "--source", "ROOT", "--layout", "fancy", "en/cases/submit/x"}, 2, "stderr"},
	}
	root := site(t, goodSite())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, a := range tt.args {
				if a == "ROOT" {
					tt.args[i] = root
				}
			}
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			text := stdout
			if tt.out == "stderr" {
				text = stderr
			}
			if strings.TrimSpace(text) == "" {
				t.Errorf("nothing on %s", tt.out)
			}
			if n := strings.Count(strings.TrimRight(text, "\n"), "\n") + 1; n > 24 {
				t.Errorf("%d lines on %s: help must fit a 24-line screen:\n%s", n, tt.out, text)
			}
		})
	}
}

func TestHelpNamesCommandsAndExitCodes(t *testing.T) {
	_, stdout, _ := runCLI(t, "--help")
	for _, want := range []string{"build", "serve", "check", "new", "--source", "--dest", "--base-url", "--drafts", "--future", "0", "1", "2"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--help does not mention %q", want)
		}
	}
}

func TestBuildAndCheck(t *testing.T) {
	root := site(t, goodSite())
	dest := filepath.Join(t.TempDir(), "public")
	code, stdout, stderr := runCLI(t, "check", "--source", root, "--dest", dest)
	if code != 0 || !strings.Contains(stdout, "no errors") {
		t.Fatalf("check: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(dest); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("check wrote %s", dest)
	}
	code, stdout, stderr = runCLI(t, "build", "--source", root, "--dest", dest)
	if code != 0 {
		t.Fatalf("build: exit %d\n%s%s", code, stdout, stderr)
	}
	if !regexp.MustCompile(`^built 2 articles in 1 locales \(en\): \d+ pages, \d+ files into `).MatchString(stdout) {
		t.Errorf("summary line: %q", stdout)
	}
	page, err := os.ReadFile(filepath.Join(dest, "en/articles/attach/index.html"))
	if err != nil || !bytes.Contains(page, []byte(`href="/en/articles/create/#steps"`)) {
		t.Errorf("built page lacks the rewritten link: %v", err)
	}
}

func TestBaseURL(t *testing.T) {
	root := site(t, goodSite())
	tests := []struct {
		name, env string
		args      []string
		want      string
	}{
		{"settings", "", nil, "https://help.example.com/en/"},
		{"netlify $URL", "https://deploy-preview-1--help.netlify.app", nil, "https://deploy-preview-1--help.netlify.app/en/"},
		{"flag beats $URL", "https://ignored.example", []string{"--base-url", "https://flag.example/"}, "https://flag.example/en/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("URL", tt.env)
			dest := filepath.Join(t.TempDir(), "public")
			code, _, stderr := runCLI(t, append([]string{"build", "--source", root, "--dest", dest}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			sm, err := os.ReadFile(filepath.Join(dest, "sitemap.xml"))
			if err != nil || !bytes.Contains(sm, []byte("<loc>"+tt.want+"</loc>")) {
				t.Errorf("sitemap lacks <loc>%s</loc>: %v\n%s", tt.want, err, sm)
			}
		})
	}
}

var posRe = regexp.MustCompile(`(?m)^(content/\S+?\.md):(\d+):(\d+): `)

// TestContentErrorsExitOne is the acceptance check: a broken link,
// malformed front matter and a duplicate slug give exit status 1, all
// three are reported with file:line:col in one run, and the public/ of the
// previous build is left untouched.
func TestContentErrorsExitOne(t *testing.T) {
	files := goodSite()
	root := site(t, files)
	dest := filepath.Join(t.TempDir(), "public")
	if code, _, stderr := runCLI(t, "build", "--source", root, "--dest", dest); code != 0 {
		t.Fatalf("first build: exit %d: %s", code, stderr)
	}
	sentinel := filepath.Join(dest, "sentinel.txt")
	if err := os.WriteFile(sentinel, []byte("from before"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dest)

	bad := map[string]string{
		"content/en/cases/submit/attach.md":    "---\ntitle: Attach files\n---\n\nFirst [create a case](creat.md).\n",
		"content/en/cases/submit/broken-fm.md": "---\ntitle: Broken\ndescription: Note: colons need quotes\n---\n",
		"content/en/cases/_index.md":           "---\ntitle: Cases\n---\n",
		"content/en/cases/follow/_index.md":    "---\ntitle: Following up\n---\n",
		"content/en/cases/follow/create.md":    "---\ntitle: Create again\n---\n",
	}
	for name, data := range bad {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(name)), []byte(data), 0o644); err != nil {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(root, filepath.FromSlash(name))), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(name)), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, cmd := range []string{"build", "check"} {
		t.Run(cmd, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, cmd, "--source", root, "--dest", dest)
			if code != 1 {
				t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			want := map[string]string{
				`content/en/cases/submit/attach\.md:5:7: link "creat\.md"`:               "broken link",
				`content/en/cases/submit/broken-fm\.md:3:1: mapping values`:              "malformed front matter",
				`content/en/cases/(submit|follow)/create\.md:2:1: article slug "create"`: "duplicate slug",
			}
			for re, what := range want {
				if !regexp.MustCompile(`(?m)^` + re).MatchString(stderr) {
					t.Errorf("%s not reported as %s:\n%s", what, re, stderr)
				}
			}
			for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
				if strings.HasPrefix(line, "content/") && !posRe.MatchString(line) {
					t.Errorf("error without line:col: %s", line)
				}
			}
			if !strings.Contains(stderr, "nothing was written") {
				t.Errorf("stderr does not say nothing was written:\n%s", stderr)
			}
			after := snapshot(t, dest)
			if len(after) != len(before) {
				t.Errorf("public/ has %d files, had %d", len(after), len(before))
			}
			for name, b := range before {
				if !bytes.Equal(after[name], b) {
					t.Errorf("%s changed", name)
				}
			}
			if b, err := os.ReadFile(sentinel); err != nil || string(b) != "from before" {
				t.Errorf("sentinel: %q, %v", b, err)
			}
			entries, _ := os.ReadDir(filepath.Dir(dest))
			for _, e := range entries {
				if e.Name() != "public" {
					t.Errorf("left behind next to public/: %s", e.Name())
				}
			}
		})
	}
}

func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNew(t *testing.T) {
	root := site(t, goodSite())
	code, stdout, stderr := runCLI(t, "new", "--source", root, "en/cases/submit/close-a-case")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	p := filepath.Join(root, "content/en/cases/submit/close-a-case.md")
	if !strings.Contains(stdout, p) {
		t.Errorf("stdout does not name the file: %q", stdout)
	}
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	f, errs := content.ParseFile("content/en/cases/submit/close-a-case.md", src)
	if len(errs) > 0 {
		t.Fatalf("the new article does not parse:\n%v\n%s", errs, src)
	}
	a := f.Article
	today := time.Now().Format("2006-01-02")
	if a.Title != "Close a case" || !a.Draft || a.Date.Format("2006-01-02") != today || a.Updated.Format("2006-01-02") != today {
		t.Errorf("front matter %+v", a)
	}

	t.Run("drafts stay out of the build", func(t *testing.T) {
		dest := filepath.Join(t.TempDir(), "public")
		if code, _, stderr := runCLI(t, "build", "--source", root, "--dest", dest); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(dest, "en/articles/close-a-case/index.html")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("draft published: %v", err)
		}
		if code, _, stderr := runCLI(t, "build", "--drafts", "--source", root, "--dest", dest); code != 0 {
			t.Fatalf("--drafts: exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(dest, "en/articles/close-a-case/index.html")); err != nil {
			t.Errorf("--drafts left the draft out: %v", err)
		}
	})

	t.Run("refuses to overwrite", func(t *testing.T) {
		if err := os.WriteFile(p, []byte("my work"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCLI(t, "new", "--source", root, "en/cases/submit/close-a-case")
		if code != 1 || !strings.Contains(stderr, "already exists") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
		if b, _ := os.ReadFile(p); string(b) != "my work" {
			t.Errorf("file overwritten: %q", b)
		}
	})

	t.Run("title and layout flags", func(t *testing.T) {
		code, _, stderr := runCLI(t, "new", "--source", root, "--title", "Öppettider för support", "--layout", "how-to", "content/en/cases/submit/oppettider.md")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		src, _ := os.ReadFile(filepath.Join(root, "content/en/cases/submit/oppettider.md"))
		f, errs := content.ParseFile("content/en/cases/submit/oppettider.md", src)
		if len(errs) > 0 || f.Article.Title != "Öppettider för support" || f.Article.Layout != "how-to" {
			t.Errorf("errors %v, front matter %+v", errs, f.Article)
		}
	})

	for _, tt := range []struct{ name, path, want string }{
		{"missing section", "en/cases/nowhere/x", "content/en/cases/nowhere/_index.md"},
		{"missing category", "en/nowhere/submit/x", "content/en/nowhere/_index.md"},
		{"missing locale", "de/cases/submit/x", "content/de/cases/_index.md"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "new", "--source", root, tt.path)
			if code != 1 || !strings.Contains(stderr, filepath.FromSlash(tt.want)) {
				t.Errorf("exit %d, stderr %q: want 1 and a message naming %s", code, stderr, tt.want)
			}
			if _, err := os.Stat(filepath.Join(root, "content", filepath.FromSlash(tt.path)+".md")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("file created anyway")
			}
		})
	}
}

// TestNewRejectsEmptyParts: paths with an empty part are usage errors, not
// a crash or a file in the wrong folder.
func TestNewRejectsEmptyParts(t *testing.T) {
	root := site(t, goodSite())
	for _, p := range []string{"en/cases/submit/.md", "en/cases//submit"} {
		t.Run(p, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "new", "--source", root, p)
			if code != 2 {
				t.Errorf("exit %d, want 2\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			var created []string
			_ = filepath.WalkDir(filepath.Join(root, "content"), func(q string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(root, q)
					if _, ok := goodSite()[filepath.ToSlash(rel)]; !ok {
						created = append(created, rel)
					}
				}
				return nil
			})
			if len(created) > 0 {
				t.Errorf("created %v", created)
			}
		})
	}
}

func TestMissingContentFolder(t *testing.T) {
	root := t.TempDir()
	code, _, stderr := runCLI(t, "build", "--source", root, "--dest", filepath.Join(root, "public"))
	if code != 1 {
		t.Errorf("exit %d, want 1: %s", code, stderr)
	}
	if !strings.Contains(stderr, "--source") {
		t.Errorf("stderr does not point at --source: %q", stderr)
	}
}

// TestFlagsAfterArguments runs the commands as README.md writes them,
// flags after the article path: Go's flag package alone would stop at the
// path and report "give the article's path".
func TestFlagsAfterArguments(t *testing.T) {
	root := site(t, goodSite())
	code, stdout, stderr := runCLI(t, "new", "en/cases/submit/my-article", "--title", "My article", "--source", root, "--layout", "how-to")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	src, err := os.ReadFile(filepath.Join(root, "content/en/cases/submit/my-article.md"))
	if err != nil {
		t.Fatal(err)
	}
	f, errs := content.ParseFile("content/en/cases/submit/my-article.md", src)
	if len(errs) > 0 || f.Article.Title != "My article" || f.Article.Layout != "how-to" {
		t.Errorf("front matter %+v, errors %v", f.Article, errs)
	}
	dest := filepath.Join(t.TempDir(), "public")
	if code, stdout, stderr := runCLI(t, "build", "--drafts", "--dest", dest, "--source", root); code != 0 {
		t.Fatalf("build: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dest, "en/articles/my-article/index.html")); err != nil {
		t.Errorf("the new draft was not built with --drafts: %v", err)
	}
	// A flag's missing value is still a usage error, wherever it stands.
	if code, _, stderr := runCLI(t, "new", "en/cases/submit/other", "--title"); code != 2 || !strings.Contains(stderr, "flag needs an argument") {
		t.Errorf("exit %d, stderr %q: want 2 and the flag package's message", code, stderr)
	}
}
