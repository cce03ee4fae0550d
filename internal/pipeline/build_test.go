package pipeline_test

import (
	"bytes"
	"errors"
	"html"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/pipeline"
)

// repoRoot is the repository's own site root, with the sample content.
const repoRoot = "../.."

var (
	sampleOnce sync.Once
	sampleOut  map[string][]byte
	sampleErr  error
)

// sample builds the repository's sample site once for the tests that only
// read its output.
func sample(t *testing.T) map[string][]byte {
	t.Helper()
	sampleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "helpcenter-sample-")
		if err != nil {
			sampleErr = err
			return
		}
		defer os.RemoveAll(dir)
		dest := filepath.Join(dir, "public")
		if _, sampleErr = pipeline.Build(pipeline.Options{Source: repoRoot, Dest: dest, Now: goldenNow}); sampleErr != nil {
			return
		}
		sampleOut = readTree(t, dest)
	})
	if sampleErr != nil {
		t.Fatalf("building the sample site: %v", sampleErr)
	}
	return sampleOut
}

// TestReproducible builds the repository's sample site twice, the second
// time on one core (so that nothing depends on goroutine scheduling), and
// requires byte-identical output.
func TestReproducible(t *testing.T) {
	first := sample(t)
	dest := filepath.Join(t.TempDir(), "public")
	prev := runtime.GOMAXPROCS(1)
	_, err := pipeline.Build(pipeline.Options{Source: repoRoot, Dest: dest, Now: goldenNow})
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	second := readTree(t, dest)
	var names []string
	for n := range first {
		names = append(names, n)
	}
	for n := range second {
		if _, ok := first[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	bad := 0
	for _, n := range names {
		a, aok := first[n]
		b, bok := second[n]
		switch {
		case !aok || !bok:
			t.Errorf("%s is in only one of the builds (first %v, second %v)", n, aok, bok)
		case !bytes.Equal(a, b):
			t.Errorf("%s differs between builds:\n%s", n, diff(string(a), string(b)))
		default:
			continue
		}
		if bad++; bad > 10 {
			t.Fatal("more differences left out")
		}
	}
	if len(first) < 100 {
		t.Errorf("only %d files built from the sample site", len(first))
	}
}

var (
	hrefRe = regexp.MustCompile(`(?:href|src|action)="?(/[^"\s>]*)`)
	idRe   = regexp.MustCompile(`\sid="?([^"\s>]+)`)
)

// TestSampleSiteLinks follows every site-relative link, script and form of
// every page of the sample site: the target must be in the output and its
// #fragment an id on the target page.
func TestSampleSiteLinks(t *testing.T) {
	out := sample(t)
	ids := map[string]map[string]bool{}
	idsOf := func(page string) map[string]bool {
		if m, ok := ids[page]; ok {
			return m
		}
		m := map[string]bool{}
		for _, sm := range idRe.FindAllStringSubmatch(string(out[page]), -1) {
			m[html.UnescapeString(sm[1])] = true
		}
		ids[page] = m
		return m
	}
	var pages []string
	for n := range out {
		if strings.HasSuffix(n, ".html") {
			pages = append(pages, n)
		}
	}
	sort.Strings(pages)
	broken := map[string][]string{}
	checked, anchors := 0, 0
	for _, p := range pages {
		for _, m := range hrefRe.FindAllStringSubmatch(string(out[p]), -1) {
			checked++
			u := html.UnescapeString(m[1])
			if strings.HasPrefix(u, "/api/") || u == "/api" || strings.HasPrefix(u, "//") {
				continue // the form handler, proxied by Netlify
			}
			u, frag, _ := strings.Cut(u, "#")
			u, _, _ = strings.Cut(u, "?")
			target := strings.TrimPrefix(u, "/")
			if target == "" || strings.HasSuffix(target, "/") {
				target += "index.html"
			}
			if _, ok := out[target]; !ok {
				broken[m[1]] = append(broken[m[1]], p)
				continue
			}
			if frag != "" && strings.HasSuffix(target, ".html") {
				anchors++
				if !idsOf(target)[frag] {
					broken[m[1]] = append(broken[m[1]], p)
				}
			}
		}
	}
	if checked < 1000 || anchors < 10 {
		t.Errorf("checked only %d links, %d with anchors", checked, anchors)
	}
	for _, link := range sortedKeys(broken) {
		from := broken[link]
		t.Errorf("broken link %s on %d pages, e.g. %s", link, len(from), from[0])
	}
}

// jsonLDURLRe finds the URLs in JSON-LD blocks.
var jsonLDRe = regexp.MustCompile(`<script type="?application/ld\+json"?>(.*?)</script>`)

// TestJSONLDAnchors: every #fragment that JSON-LD gives (HowTo steps)
// exists on its page.
func TestJSONLDAnchors(t *testing.T) {
	out := sample(t)
	urlRe := regexp.MustCompile(`"(https?://[^"#]+)#([^"]+)"`)
	checked := 0
	for _, name := range sortedKeys(out) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		page := string(out[name])
		var missing []string
		for _, block := range jsonLDRe.FindAllStringSubmatch(page, -1) {
			for _, m := range urlRe.FindAllStringSubmatch(block[1], -1) {
				checked++
				if !regexp.MustCompile(`\sid="?` + regexp.QuoteMeta(m[2]) + `[">\s]`).MatchString(page) {
					missing = append(missing, "#"+m[2])
				}
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s: JSON-LD points at %s, no ids on the page", name, strings.Join(missing, ", "))
		}
	}
	if checked == 0 {
		t.Fatal("no JSON-LD anchors in the sample site (its how-to articles have steps)")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// writeSite writes files (slash paths) below a new site root.
func writeSite(t *testing.T, files map[string]string) string {
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

var smallSite = map[string]string{
	"content/_index.md":           "---\ntitle: Help\nlocales: [en]\n---\n",
	"content/en/_index.md":        "---\ntitle: Help Center\n---\n",
	"content/en/a/_index.md":      "---\ntitle: A\n---\n",
	"content/en/a/b/_index.md":    "---\ntitle: B\n---\n",
	"content/en/a/b/one.md":       "---\ntitle: One\n---\n\n## Part\n",
	"content/en/a/b/two.md":       "---\ntitle: Two\n---\n\nSee [one](one.md#part).\n",
	"content/en/a/b/x/ignored":    "not content",
	"content/en/a/b/.#scratch.md": "editor lock file",
}

// TestFailedBuildKeepsOutput: a build that fails leaves the previous
// output exactly as it was, and no temporary folder behind.
func TestFailedBuildKeepsOutput(t *testing.T) {
	root := writeSite(t, smallSite)
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	if _, err := pipeline.Build(pipeline.Options{Source: root, Dest: dest, Now: goldenNow}); err != nil {
		t.Fatal(err)
	}
	sentinel := filepath.Join(dest, "sentinel.txt")
	if err := os.WriteFile(sentinel, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, dest)

	broken := filepath.Join(root, "content/en/a/b/two.md")
	if err := os.WriteFile(broken, []byte("---\ntitle: Two\n---\n\nSee [one](one.md#nowhere) and [x](gone.md).\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := pipeline.Build(pipeline.Options{Source: root, Dest: dest, Now: goldenNow})
	var list content.List
	if !errors.As(err, &list) || !errors.Is(err, content.ErrBrokenAnchor) || !errors.Is(err, content.ErrBrokenLink) {
		t.Fatalf("err = %v, want a content.List with the broken anchor and link", err)
	}
	after := readTree(t, dest)
	if len(after) != len(before) {
		t.Errorf("output has %d files after the failed build, %d before", len(after), len(before))
	}
	for name, b := range before {
		if !bytes.Equal(after[name], b) {
			t.Errorf("%s changed by the failed build", name)
		}
	}
	leftovers(t, parent, "public")

	// A good build replaces the whole folder: the sentinel goes.
	if err := os.WriteFile(broken, []byte("---\ntitle: Two again\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.Build(pipeline.Options{Source: root, Dest: dest, Now: goldenNow}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sentinel); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("sentinel survived a successful build: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dest, "en/articles/two/index.html")); err != nil || !bytes.Contains(b, []byte("Two again")) {
		t.Errorf("new output not in place: %v", err)
	}
	leftovers(t, parent, "public")
}

// leftovers fails when dir holds anything but keep.
func leftovers(t *testing.T, dir, keep string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != keep {
			t.Errorf("left behind in %s: %s", dir, e.Name())
		}
	}
}

// TestCheckWritesNothing: Check runs the templates but writes no file.
func TestCheckWritesNothing(t *testing.T) {
	root := writeSite(t, smallSite)
	dest := filepath.Join(t.TempDir(), "public")
	res, err := pipeline.Check(pipeline.Options{Source: root, Dest: dest, Now: goldenNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages == 0 || res.Files == 0 {
		t.Errorf("check counted %d pages, %d files", res.Pages, res.Files)
	}
	if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("check created %s: %v", dest, err)
	}
}

// TestTemplateErrorsOnce: a broken layout is reported once, naming a page
// it broke and how many others, not once per page.
func TestTemplateErrorsOnce(t *testing.T) {
	files := map[string]string{"layouts/article.html": `{{define "main"}}{{.Article.Nope}}{{end}}`}
	for k, v := range smallSite {
		files[k] = v
	}
	root := writeSite(t, files)
	dest := filepath.Join(t.TempDir(), "public")
	_, err := pipeline.Build(pipeline.Options{Source: root, Dest: dest, Now: goldenNow})
	var list content.List
	if !errors.As(err, &list) || !errors.Is(err, content.ErrTemplate) {
		t.Fatalf("err = %v, want a template error", err)
	}
	if len(list) != 1 || !strings.Contains(list[0].Hint, "and 1 other pages") {
		t.Errorf("want one error for both article pages, got:\n%v", err)
	}
	if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("failed build created %s", dest)
	}
}

func TestLayoutParseError(t *testing.T) {
	files := map[string]string{"layouts/partials/broken.html": `{{define "broken"}}{{if}}{{end}}`}
	for k, v := range smallSite {
		files[k] = v
	}
	_, err := pipeline.Build(pipeline.Options{Source: writeSite(t, files), Dest: filepath.Join(t.TempDir(), "public"), Now: goldenNow})
	if err == nil || !strings.Contains(err.Error(), "broken.html") {
		t.Errorf("err = %v, want one naming broken.html", err)
	}
}

func TestSourceDateEpoch(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1764147600")
	if got := pipeline.Now().Format("2006-01-02T15:04:05Z07:00"); got != "2025-11-26T09:00:00Z" {
		t.Errorf("Now() = %s", got)
	}
}

func TestDirOutputRefusesEscapes(t *testing.T) {
	out, err := pipeline.NewDirOutput(filepath.Join(t.TempDir(), "public"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Discard()
	for _, name := range []string{"../evil.html", "/etc/passwd", "a/../../b"} {
		if err := out.WriteFile(name, []byte("x")); err == nil {
			t.Errorf("WriteFile(%q) succeeded", name)
		}
	}
	if err := out.WriteFile("ok/fine.html", []byte("x")); err != nil {
		t.Errorf("WriteFile(ok/fine.html): %v", err)
	}
}

// TestSearchMissesSetting: the search page reports missed searches to the
// form handler unless the settings say search_misses: false.
func TestSearchMissesSetting(t *testing.T) {
	for _, tc := range []struct {
		settings string
		want     bool
	}{
		{"---\ntitle: Help\nlocales: [en]\n---\n", true},
		{"---\ntitle: Help\nlocales: [en]\nsearch_misses: true\napi: https://forms.example.com/api\n---\n", true},
		{"---\ntitle: Help\nlocales: [en]\nsearch_misses: false\n---\n", false},
	} {
		files := maps.Clone(smallSite)
		files["content/_index.md"] = tc.settings
		root := writeSite(t, files)
		dest := filepath.Join(t.TempDir(), "public")
		if _, err := pipeline.Build(pipeline.Options{Source: root, Dest: dest, Now: goldenNow}); err != nil {
			t.Fatal(err)
		}
		page, err := os.ReadFile(filepath.Join(dest, "en", "search", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(page), "data-misses="); got != tc.want {
			t.Errorf("settings %q: search page has data-misses %v, want %v", tc.settings, got, tc.want)
		}
		if tc.want && strings.Contains(tc.settings, "forms.example.com") && !strings.Contains(string(page), `data-misses="https://forms.example.com/api/searches"`) {
			t.Errorf("the reports do not go to the settings' api")
		}
	}
}
