package convert

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/inexchange/helpcenter/internal/zendesk"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenBody converts one fixture as an article of the help center at
// https://acme.zendesk.com (also served as help.acme.example), where
// attachment 700001 and 700002 were downloaded as screenshot.png and
// guide.pdf.
func goldenBody(src string, unsafe bool) string {
	const base = "https://acme.zendesk.com"
	hosts := []string{"acme.zendesk.com", "help.acme.example"}
	local := map[int64]string{700001: "screenshot.png", 700002: "guide.pdf"}
	b := &body{unsafe: unsafe,
		file: func(raw string) string {
			a, ok := zendesk.ParseAttachment(raw)
			if !ok {
				return ""
			}
			return local[a.ID]
		},
		ref:   func(raw string) zendesk.Ref { return zendesk.ParseRef(raw, base, hosts) },
		taken: func(name string) bool { return name == "screenshot.png" || name == "guide.pdf" },
	}
	md, err := b.convert(src)
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	// Links to other pages are resolved once every page is known; here
	// they show what they point at.
	md = tokenRe.ReplaceAllStringFunc(md, func(tok string) string {
		n, _ := strconv.Atoi(tokenRe.FindStringSubmatch(tok)[1])
		r := b.links[n].ref
		kind := map[zendesk.RefKind]string{zendesk.RefArticle: "article", zendesk.RefSection: "section", zendesk.RefCategory: "category", zendesk.RefHome: "home", zendesk.RefFragment: "this page"}[r.Kind]
		s := fmt.Sprintf("<%s %d %s#%s>", kind, r.ID, r.Locale, r.Fragment)
		if r.Kind == zendesk.RefFragment || r.Kind == zendesk.RefHome {
			s = fmt.Sprintf("<%s %s#%s>", kind, r.Locale, r.Fragment)
		}
		return s
	})
	var out strings.Builder
	out.WriteString(md)
	if len(b.headings) > 0 {
		out.WriteString("\n-- headings (text: old ids) --\n")
		for _, h := range b.headings {
			fmt.Fprintf(&out, "%s: %s\n", h.text, strings.Join(h.old, " "))
		}
	}
	if len(b.anchors) > 0 {
		out.WriteString("\n-- anchors (old id: heading index) --\n")
		var keys []string
		for k := range b.anchors {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&out, "%s: %d\n", k, b.anchors[k])
		}
	}
	for _, e := range b.embedded {
		fmt.Fprintf(&out, "\n-- embedded file %s: %d bytes --\n", e.name, len(e.data))
	}
	if len(b.notes) > 0 {
		out.WriteString("\n-- report --\n")
		for _, n := range b.notes {
			fmt.Fprintf(&out, "%s: %s\n", n.level, n.msg)
		}
	}
	return out.String()
}

// TestGolden converts the HTML fixtures in testdata/golden (real-world
// Zendesk markup of our own making: what the editor writes, what writers
// paste) and compares the Markdown and the report with the .md files
// beside them; fixtures named *.unsafe.html convert for a site with
// unsafe_html. go test -run Golden -update rewrites the .md files.
func TestGolden(t *testing.T) {
	fixtures, err := filepath.Glob("testdata/golden/*.html")
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range fixtures {
		name := strings.TrimSuffix(filepath.Base(f), ".html")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := goldenBody(string(src), strings.HasSuffix(name, ".unsafe"))
			want := strings.TrimSuffix(f, ".html") + ".md"
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run go test -run Golden -update)", err)
			}
			if string(b) != got {
				t.Errorf("%s differs from %s (go test -run Golden -update rewrites it):\n%s", f, want, diff(string(b), got))
			}
		})
	}
}

// diff shows the first lines where want and got differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, a, b)
		}
	}
	return ""
}

// TestDeeplyNestedBody: a body nested deeper than the HTML parser allows
// (512 open elements) is converted without its wrappers, or as text,
// never dropped.
func TestDeeplyNestedBody(t *testing.T) {
	for name, tt := range map[string]struct {
		src, want, note string
	}{
		"wrappers": {strings.Repeat("<div><span>", 400) + "<p>Deep <strong>text</strong></p>" + strings.Repeat("</span></div>", 400), "Deep **text**", "wrappers were dropped"},
		"blocks":   {strings.Repeat("<blockquote>", 600) + "Deep<br>text" + strings.Repeat("</blockquote>", 600), "Deep\n\ntext", "only its text was imported"},
	} {
		t.Run(name, func(t *testing.T) {
			b := &body{file: func(string) string { return "" }, ref: func(raw string) zendesk.Ref { return zendesk.ParseRef(raw, "https://acme.zendesk.com", nil) }}
			md, err := b.convertOrFlatten(tt.src)
			if err != nil || !strings.Contains(md, tt.want) {
				t.Fatalf("got %q, %v; want %q", md, err, tt.want)
			}
			if len(b.notes) != 1 || !strings.Contains(b.notes[0].msg, tt.note) {
				t.Errorf("notes %+v", b.notes)
			}
		})
	}
}
