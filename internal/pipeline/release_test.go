package pipeline

import (
	"testing"
)

// TestReleaseAfterUse: a Plan that lets bodies go once used writes what a
// Plan that keeps them writes, and afterwards holds no article's source,
// HTML or plain text (the memory a one-off build of a large site saves).
func TestReleaseAfterUse(t *testing.T) {
	root := copySite(t, false)
	write := func(release bool) (*Plan, map[string][]byte) {
		p, err := Load(Options{Source: root, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if release {
			p.releaseAfterUse()
		}
		out := newMemOutput()
		if err := p.WriteTo(out); err != nil {
			t.Fatal(err)
		}
		return p, out.files
	}
	_, kept := write(false)
	p, released := write(true)
	sameOutput(t, released, kept)
	if len(p.Site.Articles) == 0 {
		t.Fatal("no articles")
	}
	for rel, a := range p.Site.Articles {
		if a.File.Body != nil || a.HTML != "" || a.Text != "" {
			t.Errorf("%s keeps %d bytes of source, %d of HTML, %d of text after the build", rel, len(a.File.Body), len(a.HTML), len(a.Text))
		}
		if a.Summary == "" && a.Description == "" {
			t.Errorf("%s lost its summary: descriptions and feeds need it", rel)
		}
	}
}
