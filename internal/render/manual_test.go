package render

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/inexchange/helpcenter/internal/site"
)

// manuals returns the two manuals for layout authors: this package's doc
// comment and README.md's "Layouts" section.
func manuals(t *testing.T) map[string]string {
	t.Helper()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	r := string(readme)
	start := strings.Index(r, "\n## Layouts\n")
	if start < 0 {
		t.Fatal(`README.md has no "## Layouts" section`)
	}
	end := strings.Index(r[start+1:], "\n## ")
	if end < 0 {
		end = len(r) - start - 1
	}
	return map[string]string{"doc.go": string(doc), "README.md": r[start : start+1+end]}
}

// TestManualCoversLayouts: both manuals name every built-in template and
// partial, every template function and every field of the page data and
// of the graph types it leads to, so that a template, function or field
// added without a word for layout authors fails here.
func TestManualCoversLayouts(t *testing.T) {
	ms := manuals(t)
	layouts := filepath.Join("..", "..", "layouts")
	kinds, _ := filepath.Glob(filepath.Join(layouts, "*.html"))
	partials, _ := filepath.Glob(filepath.Join(layouts, "partials", "*.html"))
	if len(kinds) != len(Kinds)+1 || len(partials) == 0 {
		t.Fatalf("%d page templates (want base.html and one per kind, %d), %d partials", len(kinds), len(Kinds)+1, len(partials))
	}
	var funcs []string
	for name := range baseFuncs(Funcs{}, nil) {
		funcs = append(funcs, name)
	}
	for name, text := range ms {
		for _, f := range kinds {
			if !strings.Contains(text, filepath.Base(f)) {
				t.Errorf("%s does not name the template %s", name, filepath.Base(f))
			}
		}
		for _, f := range partials {
			if n := strings.TrimSuffix(filepath.Base(f), ".html"); !word(text, n) {
				t.Errorf("%s does not name the partial %s", name, n)
			}
		}
		for _, k := range Kinds {
			if !strings.Contains(text, k) {
				t.Errorf("%s does not name the page kind %q", name, k)
			}
		}
		for _, f := range funcs {
			if !regexp.MustCompile("(?m)(^//\t" + f + " |`" + f + "[ `])").MatchString(text) {
				t.Errorf("%s does not describe the template function %s", name, f)
			}
		}
		for _, f := range fields[Page]() {
			if !regexp.MustCompile("(?m)(^//\t" + f + " |`" + f + "`)").MatchString(text) {
				t.Errorf("%s does not describe the page field %s", name, f)
			}
		}
		lines := []struct {
			prefix string // how the line that lists a type's fields starts
			fields []string
		}{
			{"Site ", fields[SiteData]()},
			{"Breadcrumbs ", fields[Link]()},
			{"Alternates ", fields[Alternate]()},
			{"site.Locale", fields[site.Locale]()},
			{"site.Category", fields[site.Category]()},
			{"site.Section", fields[site.Section]()},
			{"site.Article", fields[site.Article]()},
			{"site.Label", fields[site.Label]()},
		}
		for _, l := range lines {
			line := lineOf(text, l.prefix)
			if line == "" {
				t.Errorf("%s has no line for %s", name, strings.TrimSpace(l.prefix))
				continue
			}
			for _, f := range l.fields {
				if !word(line, f) {
					t.Errorf("%s: the line for %s lacks %s: %q", name, strings.TrimSpace(l.prefix), f, line)
				}
			}
		}
	}
}

// fields lists the exported fields of T.
func fields[T any]() []string {
	var out []string
	for _, f := range reflect.VisibleFields(reflect.TypeFor[T]()) {
		if f.IsExported() && len(f.Index) == 1 {
			out = append(out, f.Name)
		}
	}
	return out
}

// word reports whether w stands in text as a whole word.
func word(text, w string) bool {
	return regexp.MustCompile(`(^|[^A-Za-z0-9-])` + regexp.QuoteMeta(w) + `($|[^A-Za-z0-9-])`).MatchString(text)
}

// lineOf returns the first line of text that starts, after comment
// markers, table pipes, list dashes and backquotes, with prefix.
func lineOf(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		trimmed := strings.TrimLeft(l, "/\t |-`")
		if strings.HasPrefix(trimmed, prefix) || strings.HasPrefix(trimmed, strings.TrimSpace(prefix)+"`") {
			return l
		}
	}
	return ""
}
