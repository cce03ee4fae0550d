package pipeline_test

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/pipeline"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of testdata/*.txtar with the current output")

// goldenNow is the clock of every golden build.
var goldenNow = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// wantPrefix marks the sections of an archive that hold expected output;
// every other section is a file of the site root.
const wantPrefix = "want/"

// filesSection lists the output files (assets and the search index
// left out: other packages own their names and content; hashes in names
// are replaced by HASH).
const filesSection = "want/files"

// defaultWants are the outputs every archive compares; an archive adds
// HTML pages by holding a want/<page> section (empty is fine with -update).
func defaultWants(locales []string) []string {
	w := []string{filesSection, "want/_redirects", "want/_headers", "want/robots.txt", "want/sitemap.xml"}
	for _, l := range locales {
		w = append(w, "want/"+l+"/feed.xml")
	}
	return w
}

var hashRe = regexp.MustCompile(`\.[0-9a-f]{8}\.`)

// TestGolden builds every testdata/*.txtar site with the real pipeline
// (built-in layouts from the embedded defaults, overridden by the
// archive's layouts/) and compares the outputs named in its want/
// sections. Run with -update to rewrite them.
func TestGolden(t *testing.T) {
	archives, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(archives) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	for _, file := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			var wants []string
			var locales []string
			for _, f := range ar.Files {
				if strings.HasPrefix(f.Name, wantPrefix) {
					wants = append(wants, f.Name)
					continue
				}
				if m := regexp.MustCompile(`^content/([a-z-]+)/_index\.md$`).FindStringSubmatch(f.Name); m != nil {
					locales = append(locales, m[1])
				}
				name, data := f.Name, f.Data
				if strings.HasSuffix(name, ".base64") {
					// A binary file, such as a PNG screenshot.
					name = strings.TrimSuffix(name, ".base64")
					if data, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), "")); err != nil {
						t.Fatalf("%s: %v", f.Name, err)
					}
				}
				p := filepath.Join(root, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, w := range defaultWants(locales) {
				if !contains(wants, w) {
					wants = append(wants, w)
				}
			}
			dest := filepath.Join(root, "public")
			res, err := pipeline.Build(pipeline.Options{Source: root, Dest: dest, Now: goldenNow})
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			out := readTree(t, dest)
			checkAssets(t, out)
			got := map[string][]byte{filesSection: fileList(out)}
			for _, w := range wants {
				if w != filesSection {
					data, ok := out[strings.TrimPrefix(w, wantPrefix)]
					if !ok {
						t.Errorf("no output file %s", strings.TrimPrefix(w, wantPrefix))
					}
					got[w] = withNewline(data)
				}
			}
			if *update {
				rewrite(t, file, ar, wants, got)
				return
			}
			byName := map[string][]byte{}
			for _, f := range ar.Files {
				byName[f.Name] = f.Data
			}
			for _, w := range wants {
				want, ok := byName[w]
				if !ok {
					t.Errorf("%s: no section %s: run go test ./internal/pipeline -run TestGolden -update", file, w)
					continue
				}
				if g := got[w]; !bytes.Equal(g, want) {
					t.Errorf("%s differs from %s:\n%s", strings.TrimPrefix(w, wantPrefix), file, diff(string(want), string(g)))
				}
			}
			if res.Pages == 0 || res.Files != len(out) {
				t.Errorf("result says %d pages, %d files; %d files on disk", res.Pages, res.Files, len(out))
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// readTree reads every file below dir, by slash path.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fileList is the sorted output file names, assets and search index left out.
func fileList(out map[string][]byte) []byte {
	var names []string
	for n := range out {
		if strings.HasPrefix(n, "assets/") || strings.HasPrefix(n, "search/") {
			continue
		}
		names = append(names, hashRe.ReplaceAllString(n, ".HASH."))
	}
	sort.Strings(names)
	return []byte(strings.Join(names, "\n") + "\n")
}

// checkAssets holds every asset to the fingerprinted naming scheme.
func checkAssets(t *testing.T, out map[string][]byte) {
	t.Helper()
	n := 0
	for name := range out {
		if !strings.HasPrefix(name, "assets/") {
			continue
		}
		n++
		// Static assets carry the hash in the name; images and downloads
		// in the folder, which keeps the file's own name.
		if !regexp.MustCompile(`^assets/[^/]+\.[0-9a-f]{8}\.[a-z0-9]+$|^assets/(img|files)/[0-9a-f]{12}/[a-z0-9-]+\.[a-z0-9]+$`).MatchString(name) {
			t.Errorf("asset %s lacks a content hash in its name", name)
		}
	}
	if n == 0 {
		t.Error("no assets written")
	}
}

// withNewline ends data with a newline, as a txtar section always does
// (minified HTML has none).
func withNewline(data []byte) []byte {
	if len(data) == 0 || data[len(data)-1] == '\n' {
		return data
	}
	return append(append([]byte(nil), data...), '\n')
}

// rewrite replaces the archive's want/ sections with got, keeping the
// site files as they are.
func rewrite(t *testing.T, file string, ar *txtar.Archive, wants []string, got map[string][]byte) {
	t.Helper()
	var files []txtar.File
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, wantPrefix) {
			files = append(files, f)
		}
	}
	sort.SliceStable(wants, func(i, j int) bool {
		if (wants[i] == filesSection) != (wants[j] == filesSection) {
			return wants[i] == filesSection
		}
		return wants[i] < wants[j]
	})
	for _, w := range wants {
		files = append(files, txtar.File{Name: w, Data: got[w]})
	}
	ar.Files = files
	if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

// diff shows the first differing line of want and got, with context.
func diff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n want %q\n  got %q\n(%d lines wanted, %d got)", i+1, w, g, len(wl), len(gl))
		}
	}
	return "(same lines; the bytes differ)"
}

// TestManualExample: the example override that both manuals for layout
// authors print (README.md "Layouts", the doc of internal/render) is the
// partial the golden site testdata/override.txtar builds with, so the
// example stays one that works and renders as its golden pages show.
func TestManualExample(t *testing.T) {
	const name = "layouts/partials/article-list.html"
	ar, err := txtar.ParseFile("testdata/override.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var tested string
	for _, f := range ar.Files {
		if f.Name == name {
			tested = string(f.Data)
		}
	}
	if tested == "" {
		t.Fatalf("testdata/override.txtar has no %s", name)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- example override: " + regexp.QuoteMeta(name) + " -->\n```html\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatalf("README.md has no example override of %s", name)
	}
	if string(m[1]) != tested {
		t.Errorf("README.md's example differs from the tested one:\n%s", diff(tested, string(m[1])))
	}
	doc, err := os.ReadFile("../render/doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(doc), "// # Example: an override\n")
	if !ok {
		t.Fatal("internal/render/doc.go has no example override")
	}
	var b strings.Builder
	for _, line := range strings.Split(after, "\n") {
		if code, ok := strings.CutPrefix(line, "//\t"); ok {
			b.WriteString(code + "\n")
		} else if b.Len() > 0 {
			break
		}
	}
	if b.String() != tested {
		t.Errorf("internal/render's example differs from the tested one:\n%s", diff(tested, b.String()))
	}
}
