// Package assets turns the files of static/ (and assets the build
// generates, such as the compatibility script) into fingerprinted,
// minified files under public/assets/: "css/app.css" becomes
// "/assets/app.3f9a1c2e.css". Templates ask for an asset by its path below
// static/ and get the fingerprinted URL.
package assets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"
)

// Minifier returns the site's minifier for HTML, CSS, JavaScript, SVG,
// JSON and XML. It is safe for concurrent use.
func Minifier() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepSpecialComments: false})
	m.AddFunc("text/css", css.Minify)
	// Version 2009 (ES5): IE 11 must run the result.
	m.AddRegexp(regexp.MustCompile(`^(application|text)/(x-)?(java|ecma)script$`), &js.Minifier{Version: 2009})
	m.AddFunc("image/svg+xml", svg.Minify)
	// KeepNumbers: 1763593200000 must not become 17635932e5, which
	// strict JSON readers (Go's int64) refuse.
	m.AddRegexp(regexp.MustCompile(`[/+]json$`), &json.Minifier{KeepNumbers: true})
	m.AddFuncRegexp(regexp.MustCompile(`[/+]xml$`), xml.Minify)
	return m
}

// Set is the site's assets: output files and the URL of each logical name.
type Set struct {
	m     *minify.M
	urls  map[string]string // "css/app.css" -> "/assets/app.3f9a1c2e.css"
	files map[string][]byte // "assets/app.3f9a1c2e.css" -> content
	from  map[string]string // output name -> logical name, for clash errors
}

// NewSet returns an empty set that minifies with m.
func NewSet(m *minify.M) *Set {
	return &Set{m: m, urls: map[string]string{}, files: map[string][]byte{}, from: map[string]string{}}
}

// AddFS adds every file below static/ of fsys (hidden files skipped).
func (s *Set) AddFS(fsys fs.FS, root string) error {
	return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return nil // no static folder: nothing to add
			}
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != root {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("reading %s: %w", p, err)
		}
		return s.Add(strings.TrimPrefix(p, root+"/"), data)
	})
}

// Add fingerprints one asset under its logical name (its path below
// static/, e.g. "js/site.js"), minifying text formats.
func (s *Set) Add(name string, data []byte) error {
	ext := path.Ext(name)
	if ext == ".css" {
		data = cssVarFallbacks(data)
	}
	if mt := mime.TypeByExtension(ext); mt != "" {
		mt, _, _ = strings.Cut(mt, ";")
		if ext == ".js" {
			mt = "application/javascript"
		}
		var buf bytes.Buffer
		if _, ok := minifiable[ext]; ok {
			if err := s.m.Minify(mt, &buf, bytes.NewReader(data)); err != nil {
				return fmt.Errorf("static/%s: minifying: %w", name, err)
			}
			data = buf.Bytes()
		}
	}
	sum := sha256.Sum256(data)
	base := strings.TrimSuffix(path.Base(name), ext)
	out := "assets/" + base + "." + hex.EncodeToString(sum[:4]) + ext
	if prev, ok := s.from[out]; ok && prev != name {
		return fmt.Errorf("static/%s and static/%s would both become %s: rename one", prev, name, out)
	}
	if old, ok := s.urls[name]; ok {
		delete(s.files, strings.TrimPrefix(old, "/"))
	}
	s.from[out] = name
	s.urls[name] = "/" + out
	s.files[out] = data
	return nil
}

var minifiable = map[string]struct{}{".css": {}, ".js": {}, ".svg": {}, ".json": {}, ".xml": {}}

// Minifier returns the minifier the set uses, for the pages to share.
func (s *Set) Minifier() *minify.M { return s.m }

// URL returns the fingerprinted URL of a logical asset name.
func (s *Set) URL(name string) (string, bool) {
	u, ok := s.urls[name]
	return u, ok
}

// Names lists the logical names, sorted.
func (s *Set) Names() []string {
	out := make([]string, 0, len(s.urls))
	for n := range s.urls {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Files returns the output files (path below public/ → content), sorted by path.
func (s *Set) Files() []File {
	out := make([]File, 0, len(s.files))
	for n, d := range s.files {
		out = append(out, File{Name: n, Data: d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// File is one output file.
type File struct {
	Name string
	Data []byte
}
