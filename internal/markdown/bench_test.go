package markdown_test

import (
	"os"
	"path"
	"strings"
	"testing"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/markdown"
)

// BenchmarkMarkdown renders a typical article of the sample content (a
// how-to with headings, a list and links to other articles), resolving its
// links as the site does.
func BenchmarkMarkdown(b *testing.B) {
	const rel = "en/invoices/sending/how-to-correct-an-undelivered-invoice.md"
	src, err := os.ReadFile("../../content/" + rel)
	if err != nil {
		b.Fatal(err)
	}
	f, errs := content.ParseFile("content/"+rel, src)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	resolve := func(target string) (string, bool) {
		return "/en/articles/" + strings.TrimSuffix(path.Base(target), ".md") + "/", true
	}
	r := markdown.New(markdown.Config{Locale: "en"})
	b.SetBytes(int64(len(f.Body)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := r.Render(f.Body, rel, resolve, nil)
		if err != nil || len(d.Headings) == 0 {
			b.Fatal(err, d)
		}
	}
}
