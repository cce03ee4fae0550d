package pipeline_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/inexchange/helpcenter/internal/pipeline"
)

// genCorpus finds the shared corpus generator: $HELPCENTER_SHARED/bench,
// else ../shared/bench beside the repository (as bench/compare-hugo does).
func genCorpus() string {
	dirs := []string{filepath.Join(repoRoot, "..", "shared")}
	if d := os.Getenv("HELPCENTER_SHARED"); d != "" {
		dirs = append([]string{d}, dirs...)
	}
	for _, d := range dirs {
		p := filepath.Join(d, "bench", "gen-corpus")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// BenchmarkBuild10k builds the 10,000-article corpus of
// bench/compare-hugo: the generator's articles as content/, the repository's
// site settings with locales [en] (the generator writes none), and the
// built-in layouts and static files. One op is one whole build, swap of
// public/ included. It is skipped only when the generator is not found.
func BenchmarkBuild10k(b *testing.B) {
	gen := genCorpus()
	if gen == "" {
		b.Skip("gen-corpus not found: set HELPCENTER_SHARED to the folder holding bench/gen-corpus")
	}
	root := b.TempDir()
	contentDir := filepath.Join(root, "content")
	cmd := exec.Command(gen, "10000", contentDir)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", gen, err, out)
	}
	settings, err := os.ReadFile(filepath.Join(repoRoot, "content", "_index.md"))
	if err != nil {
		b.Fatal(err)
	}
	settings = regexp.MustCompile(`(?m)^locales:.*$`).ReplaceAll(settings, []byte("locales: [en]"))
	if !regexp.MustCompile(`(?m)^locales: \[en\]$`).Match(settings) {
		b.Fatalf("no locales: line in the repository's content/_index.md:\n%s", settings)
	}
	if err := os.WriteFile(filepath.Join(contentDir, "_index.md"), settings, 0o644); err != nil {
		b.Fatal(err)
	}
	dest := filepath.Join(root, "public")
	b.ReportAllocs()
	b.ResetTimer()
	var pages, files int
	for b.Loop() {
		res, err := pipeline.Build(pipeline.Options{Source: root, Dest: dest, Now: goldenNow})
		if err != nil {
			b.Fatal(err)
		}
		pages, files = res.Pages, res.Files
	}
	b.ReportMetric(float64(pages), "pages/op")
	b.ReportMetric(float64(files), "files/op")
}
