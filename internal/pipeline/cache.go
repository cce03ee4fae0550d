package pipeline

import (
	"bytes"
	"net/url"
	"strings"
	"sync"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/markdown"
)

// docCache remembers each file's rendered Markdown with the URLs its
// links resolved to and the files its images and downloads resolved to,
// and hands it back while the body, the Markdown configuration
// (markdown.Config.Key), the link targets and the referenced files stay
// the same. It implements site.Options.Markdown.
type docCache struct {
	mu sync.Mutex
	m  map[string]*docEntry // by path
	// renderers and resolve are how the graph being built, or the last
	// one built, renders Markdown: its renderers by Config.Key and its
	// link resolver.
	renderers map[string]*markdown.Renderer
	resolve   markdown.Resolver
}

func newDocCache() *docCache { return &docCache{m: map[string]*docEntry{}} }

// docEntry is one file's last rendering.
type docEntry struct {
	key  string // the renderer's markdown.Config.Key
	body []byte
	doc  *markdown.Doc
	urls []string // what each link's target resolved to
	// files resolved the body's images and downloads; refs is what each
	// reference resolved to (refResult).
	files markdown.FileResolver
	refs  []string
}

// begin forgets how the previous graph rendered Markdown: a new one is
// being built.
func (c *docCache) begin() {
	c.mu.Lock()
	c.renderers, c.resolve = map[string]*markdown.Renderer{}, nil
	c.mu.Unlock()
}

// render implements site.Options.Markdown.
func (c *docCache) render(r *markdown.Renderer, f *content.File, resolve markdown.Resolver, files markdown.FileResolver) (*markdown.Doc, error) {
	key := r.Key()
	c.mu.Lock()
	e := c.m[f.Path]
	c.renderers[key], c.resolve = r, resolve
	c.mu.Unlock()
	if e != nil && e.key == key && bytes.Equal(e.body, f.Body) && e.valid(resolve, files) {
		c.mu.Lock()
		e.files = files
		c.mu.Unlock()
		return e.doc, nil
	}
	d, err := r.Render(f.Body, f.Rel, resolve, files)
	if err != nil {
		return nil, err
	}
	c.put(f, key, d, resolve, files)
	return d, nil
}

// put records d as the rendering of f's body by the renderer with key.
func (c *docCache) put(f *content.File, key string, d *markdown.Doc, resolve markdown.Resolver, files markdown.FileResolver) {
	e := &docEntry{key: key, body: f.Body, doc: d, files: files}
	for _, l := range d.Links {
		e.urls = append(e.urls, resolved(resolve, l.Target))
	}
	for _, r := range d.Refs {
		e.refs = append(e.refs, refResult(r.Resolved, r.Err))
	}
	c.mu.Lock()
	c.m[f.Path] = e
	c.mu.Unlock()
}

// resolved is what a link's target resolves to: "" for a same-page
// anchor, NUL for a missing page.
func resolved(resolve markdown.Resolver, target string) string {
	if target == "" {
		return ""
	}
	u, ok := resolve(target)
	if !ok {
		return "\x00"
	}
	return u
}

// refResult names what a file reference resolved to: its output, whose
// name carries the content hash, or the error.
func refResult(r markdown.Resolved, err error) string {
	switch {
	case err != nil:
		return "\x00" + err.Error()
	case r.Image != nil:
		return r.Image.Full.Name
	case r.File != nil:
		return r.File.Out.Name
	}
	return ""
}

// valid reports whether every link and every image and file reference of
// the entry resolves as it did.
func (e *docEntry) valid(resolve markdown.Resolver, files markdown.FileResolver) bool {
	if len(e.urls) != len(e.doc.Links) || len(e.refs) != len(e.doc.Refs) {
		return false
	}
	for i, l := range e.doc.Links {
		if resolved(resolve, l.Target) != e.urls[i] {
			return false
		}
	}
	for i, r := range e.doc.Refs {
		if r.Remote || strings.HasPrefix(r.Dest, "data:") {
			continue
		}
		if files == nil {
			return false
		}
		p := r.Dest
		if u, err := url.Parse(r.Dest); err == nil {
			p = u.Path
		}
		got, err := files(p, r.IsImage)
		if refResult(got, err) != e.refs[i] {
			return false
		}
	}
	return true
}

// rerender renders f's body as the last graph did (the same renderer and
// resolver), records the result and returns the previous document too,
// with undo, which puts the previous entry back.
func (c *docCache) rerender(f *content.File) (old, doc *markdown.Doc, undo func(), ok bool) {
	c.mu.Lock()
	e := c.m[f.Path]
	var r *markdown.Renderer
	if e != nil {
		r = c.renderers[e.key]
	}
	resolve := c.resolve
	c.mu.Unlock()
	if r == nil || resolve == nil {
		return nil, nil, nil, false
	}
	d, err := r.Render(f.Body, f.Rel, resolve, e.files)
	if err != nil {
		return nil, nil, nil, false
	}
	c.put(f, e.key, d, resolve, e.files)
	return e.doc, d, func() {
		c.mu.Lock()
		c.m[f.Path] = e
		c.mu.Unlock()
	}, true
}
