package overlay_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/inexchange/helpcenter/internal/overlay"
)

func layers() overlay.FS {
	upper := fstest.MapFS{
		"layouts/base.html":          {Data: []byte("site base")},
		"layouts/partials/mine.html": {Data: []byte("site partial")},
		"static/css/app.css":         {Data: []byte("site css")},
		"content/_index.md":          {Data: []byte("content")},
	}
	lower := fstest.MapFS{
		"layouts/base.html":             {Data: []byte("built-in base")},
		"layouts/article.html":          {Data: []byte("built-in article")},
		"layouts/partials/header.html":  {Data: []byte("built-in header")},
		"static/js/site.js":             {Data: []byte("built-in js")},
		"static/css/app.css":            {Data: []byte("built-in css")},
		"layouts/i18n/en/site.toml":     {Data: []byte("x = \"y\"")},
		"layouts/partials/.hidden.html": {Data: []byte("hidden")},
	}
	return overlay.FS{Upper: upper, Lower: lower}
}

func TestReadFile(t *testing.T) {
	o := layers()
	tests := []struct{ name, want string }{
		{"layouts/base.html", "site base"},
		{"layouts/article.html", "built-in article"},
		{"static/css/app.css", "site css"},
		{"layouts/partials/mine.html", "site partial"},
		{"content/_index.md", "content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := fs.ReadFile(o, tt.name)
			if err != nil || string(b) != tt.want {
				t.Errorf("ReadFile = %q, %v; want %q", b, err, tt.want)
			}
			f, err := o.Open(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			buf := make([]byte, 64)
			n, _ := f.Read(buf)
			if string(buf[:n]) != tt.want {
				t.Errorf("Open+Read = %q, want %q", buf[:n], tt.want)
			}
		})
	}
	if _, err := fs.ReadFile(o, "layouts/nothing.html"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := o.Open("layouts/nothing.html"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadDirMerges(t *testing.T) {
	o := layers()
	tests := []struct{ dir, want string }{
		{"layouts", "article.html base.html i18n partials"},
		{"layouts/partials", ".hidden.html header.html mine.html"},
		{"static/css", "app.css"},
		{"content", "_index.md"},
		{".", "content layouts static"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			entries, err := fs.ReadDir(o, tt.dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if got := strings.Join(names, " "); got != tt.want {
				t.Errorf("ReadDir = %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := fs.ReadDir(o, "nowhere"); err == nil {
		t.Error("ReadDir of a missing folder succeeded")
	}
}

func TestGlobAndWalk(t *testing.T) {
	o := layers()
	got, err := fs.Glob(o, "layouts/partials/*.html")
	if err != nil || strings.Join(got, " ") != "layouts/partials/.hidden.html layouts/partials/header.html layouts/partials/mine.html" {
		t.Errorf("Glob = %v, %v", got, err)
	}
	var files []string
	err = fs.WalkDir(o, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil || strings.Join(files, " ") != "static/css/app.css static/js/site.js" {
		t.Errorf("WalkDir = %v, %v", files, err)
	}
}

// TestFS runs the standard fs.FS conformance checks: a folder opened with
// Open must list what ReadDir lists.
func TestFS(t *testing.T) {
	if err := fstest.TestFS(layers(), "layouts/base.html", "layouts/article.html", "layouts/partials/mine.html", "static/js/site.js", "content/_index.md"); err != nil {
		t.Error(err)
	}
}
