package convert

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inexchange/helpcenter/internal/markdown"
	"github.com/inexchange/helpcenter/internal/zendesk"
)

// FuzzConvertBody feeds article bodies to the HTML pass and
// html-to-markdown, seeded with the golden fixtures: nothing panics, the
// result is UTF-8, every link token names a link the pass recorded, the
// same body gives the same Markdown, and the site's Markdown renderer
// takes the result (without letting a script through).
func FuzzConvertBody(f *testing.F) {
	fixtures, _ := filepath.Glob("testdata/golden/*.html")
	for _, p := range fixtures {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(string(b), strings.Contains(p, ".unsafe"))
		}
	}
	f.Add(`<p>1. a</p><p>2. b</p><table><tr><td><ul><li>x</li></ul></td></tr></table>`, false)
	f.Add(`<a href="javascript:alert(1)">x</a><img src="data:image/png;base64,!!">`, true)
	r := markdown.New(markdown.Config{Locale: "en"})
	f.Fuzz(func(t *testing.T, src string, unsafe bool) {
		if len(src) > 8<<10 {
			return // structure, not size, is what breaks a parser
		}
		conv := func() (string, *body) {
			b := &body{unsafe: unsafe,
				file: func(raw string) string {
					if a, ok := zendesk.ParseAttachment(raw); ok {
						return "file-" + strconv.FormatInt(a.ID, 10) + ".png"
					}
					return ""
				},
				ref: func(raw string) zendesk.Ref {
					return zendesk.ParseRef(raw, "https://acme.zendesk.com", []string{"acme.zendesk.com"})
				},
			}
			md, err := b.convert(src)
			if err != nil {
				t.Fatalf("convert: %v", err)
			}
			return md, b
		}
		md, b := conv()
		if !utf8.ValidString(md) {
			t.Errorf("not UTF-8: %q", md)
		}
		for _, m := range tokenRe.FindAllStringSubmatch(md, -1) {
			if n, err := strconv.Atoi(m[1]); err != nil || n >= len(b.links) {
				t.Errorf("token %s names no link (%d recorded)", m[0], len(b.links))
			}
		}
		if again, _ := conv(); again != md {
			t.Errorf("two conversions differ:\n%s\n---\n%s", md, again)
		}
		if unsafe {
			return
		}
		doc, err := r.Render([]byte(md), "en/a/b/c.md", func(string) (string, bool) { return "", false }, nil)
		if err != nil {
			t.Fatalf("rendering the Markdown: %v", err)
		}
		if strings.Contains(strings.ToLower(doc.HTML), "<script") {
			t.Errorf("a script reached the page:\n%s", doc.HTML)
		}
	})
}
