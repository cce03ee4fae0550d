package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/pipeline"
	"github.com/inexchange/helpcenter/internal/site"
)

// buildTime is the fixed clock of every build in the suite, so that
// scheduled articles, "new hours from" notices and dates do not drift.
var buildTime = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// fixture is the built sample site, served on loopback. Tests get it from
// sampleSite, which builds it once.
type fixture struct {
	root   string     // repository root (content/, layouts/, static/)
	public string     // the build's output folder
	site   *site.Site // the site graph of the build, to find pages by kind
	srv    *siteServer
	db     string        // the form handler's SQLite file
	api    *cases.Server // the form handler under /api/
}

var (
	tmpOnce sync.Once
	tmpDir  string
	tmpErr  error

	siteOnce sync.Once
	siteFix  *fixture
	siteErr  error

	variantOnce sync.Once
	variantFix  *fixture
	variantErr  error

	cleanups []func()
	cleanMu  sync.Mutex
)

// TestMain runs the tests and then stops what they started: the site
// servers, the browser and the temporary folder.
func TestMain(m *testing.M) {
	code := m.Run()
	cleanMu.Lock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	cleanMu.Unlock()
	if tmpDir != "" {
		_ = os.RemoveAll(tmpDir)
	}
	os.Exit(code)
}

// atExit registers f to run after every test has finished.
func atExit(f func()) {
	cleanMu.Lock()
	cleanups = append(cleanups, f)
	cleanMu.Unlock()
}

// suiteTemp returns the suite's temporary folder, shared by all tests and
// removed by TestMain.
func suiteTemp() (string, error) {
	tmpOnce.Do(func() { tmpDir, tmpErr = os.MkdirTemp("", "helpcenter-e2e-") })
	return tmpDir, tmpErr
}

// repoRoot is the repository root: this package lives in internal/e2e.
func repoRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot find the source folder of internal/e2e")
	}
	return filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
}

// sampleSite builds the repository's sample site (once per test binary) and
// serves it with the form handler mounted under /api/.
func sampleSite(t testing.TB) *fixture {
	t.Helper()
	siteOnce.Do(func() { siteFix, siteErr = buildAndServe("sample") })
	if siteErr != nil {
		t.Fatalf("sample site: %v", siteErr)
	}
	return siteFix
}

// buildAndServe builds the site rooted at the repository root into a folder
// of the suite's temporary folder named name and serves it.
func buildAndServe(name string) (*fixture, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	return buildAndServeFrom(root, name)
}

// buildAndServeFrom builds the site rooted at source with the real pipeline
// and serves it on 127.0.0.1 with the form handler in-process.
func buildAndServeFrom(source, name string) (*fixture, error) {
	tmp, err := suiteTemp()
	if err != nil {
		return nil, fmt.Errorf("creating the temporary folder: %w", err)
	}
	public := filepath.Join(tmp, name, "public")
	res, err := pipeline.Build(pipeline.Options{Source: source, Dest: public, Now: buildTime})
	if err != nil {
		return nil, fmt.Errorf("building %s: %w", source, err)
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	api, err := cases.NewServer(cases.Config{
		DB:         filepath.Join(tmp, name, "cases.db"),
		RateLimits: cases.RateLimits{Off: true},
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Frames:     publishedFrames(public),
	})
	if err != nil {
		return nil, fmt.Errorf("starting the form handler: %w", err)
	}
	atExit(func() { _ = api.Close() })
	srv, err := startSiteServer(public, filepath.Join(root, "netlify.toml"), api)
	if err != nil {
		return nil, err
	}
	atExit(srv.Close)
	return &fixture{root: source, public: public, site: res.Site, srv: srv, api: api, db: filepath.Join(tmp, name, "cases.db")}, nil
}

// publishedFrames gives the form handler's pages the built site's "Your
// cases" pages as their frame, as a handler gets them from the site.
func publishedFrames(public string) cases.FrameFunc {
	return func(_ context.Context, locale string) ([]byte, error) {
		return os.ReadFile(filepath.Join(public, locale, "cases", "index.html"))
	}
}

// The variant site is a copy of the sample site with two edits: both
// system-requirements articles ask for Chrome 60 instead of 47 (the
// compatibility banner's acceptance test), and an English-only article with
// only two headings (no table of contents, no translation) is added.
const (
	variantShortSlug = "a-short-note"
	variantShortFile = "content/en/getting-started/before-you-start/a-short-note.md"
	variantShortText = `---
title: A short note
description: An article with two headings and no translation.
date: 2026-11-01
---

A short article.

## First heading

Text.

## Second heading

More text.
`
)

// variantSite builds and serves the variant site (once per test binary).
func variantSite(t testing.TB) *fixture {
	t.Helper()
	variantOnce.Do(func() { variantFix, variantErr = buildVariant() })
	if variantErr != nil {
		t.Fatalf("variant site: %v", variantErr)
	}
	return variantFix
}

func buildVariant() (*fixture, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	tmp, err := suiteTemp()
	if err != nil {
		return nil, err
	}
	src := filepath.Join(tmp, "variant-src")
	for _, dir := range []string{"content", "layouts", "static"} {
		if err := os.CopyFS(filepath.Join(src, dir), os.DirFS(filepath.Join(root, dir))); err != nil {
			return nil, fmt.Errorf("copying %s: %w", dir, err)
		}
	}
	for _, rel := range []string{
		"content/en/getting-started/before-you-start/system-requirements.md",
		"content/sv/getting-started/before-you-start/system-requirements.md",
	} {
		p := filepath.Join(src, filepath.FromSlash(rel))
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		edited := strings.ReplaceAll(string(b), `chrome: "47"`, `chrome: "60"`)
		if strings.Count(edited, `chrome: "60"`) != 2 {
			return nil, fmt.Errorf("%s: expected chrome: \"47\" in supported and recommended; update the variant site of internal/e2e", rel)
		}
		if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(src, filepath.FromSlash(variantShortFile)), []byte(variantShortText), 0o644); err != nil {
		return nil, err
	}
	return buildAndServeFrom(src, "variant")
}
