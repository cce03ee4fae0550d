package pipeline_test

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/pipeline"
)

// TestErrorKinds feeds each kind of broken site through every way of
// running the pipeline (Load, Build, Check, a Session) and checks that the
// error is a content.List that is not empty, whose entries say what
// failed (errors.Is a content.Err… sentinel) and where, and that a good
// site gives no error at all (no typed nil).
func TestErrorKinds(t *testing.T) {
	with := func(files map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range smallSite {
			out[k] = v
		}
		for k, v := range files {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name  string
		files map[string]string
		kind  error
		path  string
		also  error // what the failure itself wraps, when it is known
		// rendering says the failure shows only once pages or the index
		// are made: Load succeeds.
		rendering bool
	}{
		{"layout that does not parse", with(map[string]string{"layouts/partials/broken.html": `{{define "broken"}}{{if}}{{end}}`}),
			content.ErrTemplate, "layouts", nil, false},
		{"layout that fails to execute", with(map[string]string{"layouts/article.html": `{{define "main"}}{{.Article.Nope}}{{end}}`}),
			content.ErrTemplate, "layouts", nil, true},
		{"a locale without UI strings", with(map[string]string{"content/_index.md": "---\ntitle: Help\nlocales: [en, de]\n---\n"}),
			content.ErrTemplate, "layouts", nil, false},
		{"static script that does not minify", with(map[string]string{"static/js/broken.js": "var a = ;"}),
			content.ErrAsset, "static", nil, false},
		{"synonyms the index refuses", with(map[string]string{"content/en/_index.md": "---\ntitle: Help Center\nsynonyms: [[login]]\n---\n"}),
			content.ErrSearchIndex, "content/en/_index.md", nil, true},
		{"malformed front matter", with(map[string]string{"content/en/a/b/three.md": "---\ntitle: [unclosed\n---\n"}),
			content.ErrFrontMatter, "content/en/a/b/three.md", nil, false},
		{"broken link", with(map[string]string{"content/en/a/b/three.md": "---\ntitle: Three\n---\n\n[x](nowhere.md)\n"}),
			content.ErrBrokenLink, "content/en/a/b/three.md", nil, false},
		{"an empty content folder", map[string]string{"content/.keep": ""},
			content.ErrStructure, "content/_index.md", nil, false},
		{"no content folder", map[string]string{"README.md": "not a site"},
			content.ErrRead, "content", fs.ErrNotExist, false},
	}
	runs := []struct {
		name string
		run  func(opts pipeline.Options) error
	}{
		{"Load", func(opts pipeline.Options) error { _, err := pipeline.Load(opts); return err }},
		{"Build", func(opts pipeline.Options) error { _, err := pipeline.Build(opts); return err }},
		{"Check", func(opts pipeline.Options) error { _, err := pipeline.Check(opts); return err }},
		{"Session", func(opts pipeline.Options) error { _, err := pipeline.NewSession(opts).Reload(discard{}); return err }},
	}
	for _, tt := range tests {
		root := writeSite(t, tt.files)
		for _, r := range runs {
			t.Run(tt.name+"/"+r.name, func(t *testing.T) {
				err := r.run(pipeline.Options{Source: root, Dest: filepath.Join(t.TempDir(), "public"), Now: goldenNow})
				if tt.rendering && r.name == "Load" {
					// Load renders nothing: the failure comes later.
					if err != nil {
						t.Fatalf("Load: %v", err)
					}
					return
				}
				var list content.List
				if !errors.As(err, &list) || len(list.Errors()) == 0 {
					t.Fatalf("err = %#v, want a content.List holding errors", err)
				}
				for _, e := range list.Errors() {
					if errors.Is(e, tt.kind) && e.Path == tt.path && (tt.also == nil || errors.Is(e, tt.also)) {
						return
					}
				}
				t.Errorf("no error of kind %q at %s (wrapping %v) in:\n%v", tt.kind, tt.path, tt.also, err)
			})
		}
	}
	root := writeSite(t, smallSite)
	for _, r := range runs {
		if err := r.run(pipeline.Options{Source: root, Dest: filepath.Join(t.TempDir(), "public"), Now: goldenNow}); err != nil {
			t.Errorf("%s of a good site: %#v, want nil", r.name, err)
		}
	}
}

type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }
