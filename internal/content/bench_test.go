package content_test

import (
	"os"
	"testing"

	"github.com/inexchange/helpcenter/internal/content"
)

// typicalArticle is a how-to article of the repository's sample content:
// YAML front matter with labels and aliases, headings, a list and links.
const typicalArticle = "content/en/invoices/sending/how-to-correct-an-undelivered-invoice.md"

func BenchmarkParseFile(b *testing.B) {
	src, err := os.ReadFile("../../" + typicalArticle)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := content.ParseFile(typicalArticle, src); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkSlugify(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		content.Slugify("Öppettider för support och ärenden")
	}
}
