package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/inexchange/helpcenter/internal/content"
)

// change sorts the changed paths of one Apply.
type change struct {
	content []string // content files and folders
	theme   bool     // layouts/ or static/
	styles  []string // static/ stylesheets, when nothing else changed
	full    bool     // settings, unknown paths
}

func classify(paths []string) change {
	var c change
	others := false
	for _, p := range paths {
		p = path.Clean(strings.TrimPrefix(p, "./"))
		top, _, _ := strings.Cut(p, "/")
		switch {
		case ignored(p):
		case p == content.Dir+"/_index.md" || p == content.Dir:
			c.full = true
		case top == content.Dir:
			c.content = append(c.content, p)
			others = true
		case top == "layouts":
			c.theme, others = true, true
		case top == "static":
			c.theme = true
			if strings.HasSuffix(p, ".css") {
				c.styles = append(c.styles, p)
			} else {
				c.full = true // keep it simple: scripts and images reload pages
			}
		default:
			c.full = true
		}
	}
	if others {
		c.styles = nil
	}
	return c
}

// ignored reports editor and OS droppings, which content.Load skips too.
func ignored(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if content.Ignored(part) {
			return true
		}
	}
	return false
}

// setFile records a parsed file (nil when it could not be used).
func (s *Session) setFile(p string, f *content.File, errs content.List) {
	if f != nil {
		s.files[p] = f
	} else {
		delete(s.files, p)
	}
	if len(errs) > 0 {
		s.problems[p] = errs
	} else {
		delete(s.problems, p)
	}
}

// forget drops a removed file or every file below a removed folder and
// reports whether it knew any, and whether the change goes beyond one
// article.
func (s *Session) forget(p string) (known, structural bool) {
	prefix := p + "/"
	for k, f := range s.files {
		if k == p || strings.HasPrefix(k, prefix) {
			known = true
			structural = structural || k != p || f.Kind != content.KindArticle
			delete(s.files, k)
		}
	}
	for k := range s.problems {
		if k == p || strings.HasPrefix(k, prefix) {
			known = true
			structural = structural || k != p
			delete(s.problems, k)
		}
	}
	return known, structural || known && strings.EqualFold(path.Base(p), "_index.md")
}

// uses reports whether a page of the last good output shows or offers
// one of the files at paths.
func (s *Session) uses(paths []string) bool {
	if s.good == nil {
		return true
	}
	hit := func(name string) bool {
		for _, p := range paths {
			if name == p || strings.HasPrefix(name, p+"/") {
				return true
			}
		}
		return false
	}
	for _, im := range s.good.Site.Images {
		if hit(im.Path) {
			return true
		}
	}
	for _, f := range s.good.Site.Files {
		if hit(f.Path) {
			return true
		}
	}
	return false
}

// loadDir (re)reads every Markdown file below a created or renamed folder.
func (s *Session) loadDir(dir string) error {
	s.forget(dir)
	return fs.WalkDir(s.root, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // gone again while we looked
			}
			return content.List{content.Wrap(p, 0, 0, content.ErrRead, "", fmt.Errorf("reading: %w", err))}
		}
		if ignored(strings.TrimPrefix(p, content.Dir+"/")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.EqualFold(path.Ext(p), ".md") {
			f, errs := content.LoadFile(s.root, p)
			s.setFile(p, f, errs)
		}
		return nil
	})
}
