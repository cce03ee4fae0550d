package site

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/images"
	"github.com/inexchange/helpcenter/internal/markdown"
)

// Where the files that Markdown shows and links to are, as on GitHub:
//
//   - a relative path starts at the Markdown file's folder
//     (![…](shot.png) beside an article, ![…](../images/menu.png));
//   - a path starting with / is a site-wide file in static/
//     (![…](/img/logo.png) is static/img/logo.png);
//   - a translation may use its source's files: a relative path that
//     names nothing beside the translation is looked up beside the
//     article of the default locale it translates.

// StaticDir is the folder of site-wide files below the site root.
const StaticDir = "static"

// imageExts are the extensions of files that links treat as images: the
// link goes to the full-size file, metadata stripped.
var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".svg": true}

// fileResolver returns the resolver of f's Markdown; a is f's article,
// or nil for the other pages.
func (g *graph) fileResolver(f *content.File, a *Article) markdown.FileResolver {
	p := g.opts.Images
	if p == nil {
		return nil
	}
	var source *content.File // the article a translates
	if a != nil && !a.Locale.Default {
		for _, t := range a.Translations {
			if t.Locale.Default {
				source = t.File
			}
		}
	}
	return func(dest string, image bool) (markdown.Resolved, error) {
		site := strings.HasPrefix(dest, "/")
		var name string
		if site {
			name = StaticDir + path.Clean(dest)
		} else {
			name = path.Join(f.Dir(), dest)
			if name == ".." || strings.HasPrefix(name, "../") {
				return markdown.Resolved{}, fmt.Errorf("%w: %q leads out of the site folder", fs.ErrNotExist, dest)
			}
		}
		res, err := probe(p, name, image)
		if errors.Is(err, fs.ErrNotExist) && !site && source != nil {
			if alt := path.Join(source.Dir(), dest); !strings.HasPrefix(alt, "../") {
				if r, e := probe(p, alt, image); e == nil {
					return r, nil
				}
			}
		}
		if errors.Is(err, fs.ErrNotExist) {
			if site && !image {
				return markdown.Resolved{}, nil // a page or a generated file, not a static one
			}
			return markdown.Resolved{}, &missingError{name: name}
		}
		return res, err
	}
}

func probe(p *images.Processor, name string, image bool) (markdown.Resolved, error) {
	if image || imageExts[strings.ToLower(path.Ext(name))] {
		im, err := p.Image(name)
		return markdown.Resolved{Image: im}, err
	}
	f, err := p.File(name)
	return markdown.Resolved{File: f}, err
}

// missingError is a reference to a file that is not there.
type missingError struct{ name string }

func (e *missingError) Error() string { return "no file at " + e.name }
func (e *missingError) Unwrap() error { return fs.ErrNotExist }

// checkRefs reports broken image and file references, images without
// alt text, and images from other hosts.
func (g *graph) checkRefs(f *content.File, d *markdown.Doc) {
	for _, r := range d.Refs {
		line, col := position(f, r.Offset)
		what := "link"
		if r.IsImage {
			what = "image"
		}
		var missing *missingError
		switch {
		case errors.As(r.Err, &missing):
			hint := "a relative path starts at this file's folder, as on GitHub; a path starting with / is a file in static/"
			if f.Kind == content.KindArticle && !f.Bundle {
				hint += "; to keep an article's files beside it, make it a folder: " + path.Base(f.Dir()) + "/" + f.Name + "/index.md"
			}
			g.errorf(f, line, col, content.ErrMissingFile, hint, "%s %q: %s", what, r.Dest, missing.Error())
		case errors.Is(r.Err, images.ErrTooLarge):
			g.errorf(f, line, col, content.ErrFile, "make it smaller (a screenshot of one window, compressed), or link to it where it is kept", "%s %q: %v", what, r.Dest, r.Err)
		case r.Err != nil:
			g.errorf(f, line, col, content.ErrFile, "use a PNG, JPEG, GIF, WebP or SVG image", "%s %q: %v", what, r.Dest, r.Err)
		}
		if r.Remote && r.IsImage {
			e := content.Errorf(f.Path, line, col, content.ErrRemoteImage, "save the image beside the article and refer to it by its file name: the site makes no requests to other hosts, and its Content-Security-Policy blocks them", "image %q is loaded from another host", r.Dest)
			e.Warning = true
			g.errs = append(g.errs, e)
		}
		if r.IsImage && !r.Decorative && strings.TrimSpace(r.Alt) == "" {
			g.errorf(f, line, col, content.ErrAltText, "say what the image shows for readers who cannot see it: ![The upload dialog](upload.png); mark an image that only decorates with ![](divider.png){.decorative}", "image %q has no alt text", r.Dest)
		}
	}
}
