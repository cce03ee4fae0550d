package markdown

import (
	"fmt"
	"html"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/inexchange/helpcenter/internal/images"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Images and files in Markdown.
//
//	![The upload dialog](upload.png "Caption")   an image; alone in its paragraph it is a figure
//	![](divider.png){.decorative}                a decorative image: no alt text wanted
//	[Sample invoice](files/sample.pdf)           a download: "Sample invoice (PDF, 120 KB)"
//
// Paths relative to the Markdown file and site-absolute ones (static/)
// are handed to the document's FileResolver; what it returns decides the
// HTML.

// Decorative is the marker that follows an image the reader does not
// need described (a divider, an ornament): ![](line.png){.decorative}.
const Decorative = "{.decorative}"

// Resolved is what a file reference stands for: a processed image, or a
// download. Both nil means the destination is not a file (a link to a
// page, say), which the document leaves alone.
type Resolved struct {
	Image *images.Image
	File  *images.File
}

// FileResolver resolves the destination of an image (image true) or a
// link, a URL path as written, relative to the document's file or
// starting with "/". An error says why the reference is broken.
type FileResolver func(dest string, image bool) (Resolved, error)

// Ref is one image or file reference of a document.
type Ref struct {
	Dest       string // as written
	IsImage    bool   // ![…](…) rather than […](…)
	Alt        string // an image's alt text
	Decorative bool   // marked {.decorative}
	Remote     bool   // on another host
	Offset     int    // byte offset in the Markdown body
	Err        error  // why it could not be resolved, or nil
	Resolved
}

// KindPicture is the node kind of an image the site processed.
var KindPicture = ast.NewNodeKind("Picture")

// Picture is an image: a <picture> with WebP sources and a fallback, or
// an <img> for SVG, animated GIF and images from elsewhere.
type Picture struct {
	ast.BaseInline
	Image      *images.Image // nil: Src as written
	Src        string
	Alt, Title string
	Decorative bool
	// Eager is set on a document's first image: it is loaded at once.
	Eager bool
	// Zoom links the image to its full-size file.
	Zoom bool
}

// Kind implements ast.Node.
func (n *Picture) Kind() ast.NodeKind { return KindPicture }

// Dump implements ast.Node.
func (n *Picture) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Src": n.Src, "Alt": n.Alt}, nil)
}

// KindFigure is the node kind of an image standing alone in its paragraph.
var KindFigure = ast.NewNodeKind("Figure")

// Figure holds a Picture and, from the image's title, its caption.
type Figure struct {
	ast.BaseBlock
	Caption string
}

// Kind implements ast.Node.
func (n *Figure) Kind() ast.NodeKind { return KindFigure }

// Dump implements ast.Node.
func (n *Figure) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Caption": n.Caption}, nil)
}

// KindFileMeta is the node kind of a download's type and size.
var KindFileMeta = ast.NewNodeKind("FileMeta")

// FileMeta follows a link to a download: "(PDF, 120 KB)".
type FileMeta struct {
	ast.BaseInline
	Format string // "PDF"
	Size   int64
}

// Kind implements ast.Node.
func (n *FileMeta) Kind() ast.NodeKind { return KindFileMeta }

// Dump implements ast.Node.
func (n *FileMeta) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Format": n.Format}, nil)
}

// localPath returns the path of a destination that names a file of this
// site, or ok false for other hosts and URLs without a path.
func localPath(dest string) (p string, remote, ok bool) {
	if strings.HasPrefix(dest, "data:") {
		return "", false, false
	}
	u, err := url.Parse(dest)
	if err != nil {
		return "", false, false
	}
	if u.Scheme != "" || u.Host != "" {
		return "", true, false
	}
	if u.Path == "" {
		return "", false, false
	}
	return u.Path, false, true
}

// image turns an image node into a Picture, or a Figure when it stands
// alone in its paragraph.
func (st *state) image(n *ast.Image, src []byte) {
	ref := Ref{Dest: string(n.Destination), IsImage: true, Alt: plainText(n, src), Offset: max(n.Pos(), 0)}
	ref.Decorative = st.decorative[n]
	// With attributes on, goldmark reads {.decorative} as the image's class.
	if c, ok := n.AttributeString("class"); ok {
		if b, ok := c.([]byte); ok && strings.Contains(" "+string(b)+" ", " decorative ") {
			ref.Decorative = true
		}
	}
	pic := &Picture{Src: ref.Dest, Alt: ref.Alt, Title: string(n.Title), Decorative: ref.Decorative}
	if p, remote, ok := localPath(ref.Dest); ok && st.files != nil {
		ref.Resolved, ref.Err = st.files(p, true)
		if ref.Err == nil && ref.Image == nil {
			ref.Err = fmt.Errorf("no image at %s", ref.Dest)
		}
		pic.Image = ref.Resolved.Image
	} else {
		ref.Remote = remote
	}
	if pic.Image != nil {
		st.doc.Images = append(st.doc.Images, pic.Image)
	}
	st.doc.Refs = append(st.doc.Refs, ref)
	// The first image that matters loads at once (it is often the
	// largest thing on the page); decorative ones never do.
	pic.Eager = !st.sawImage && !ref.Decorative
	st.sawImage = st.sawImage || !ref.Decorative
	parent := n.Parent()
	inLink := false
	for a := parent; a != nil; a = a.Parent() {
		if a.Kind() == ast.KindLink {
			inLink = true
		}
	}
	if alone(parent, n, src) && !inLink {
		pic.Zoom = pic.Image != nil && pic.Image.Raster() && !pic.Decorative
		fig := &Figure{Caption: pic.Title}
		fig.AppendChild(fig, pic)
		gp := parent.Parent()
		gp.ReplaceChild(gp, parent, fig)
		return
	}
	parent.ReplaceChild(parent, n, pic)
}

// takeMarker removes the Decorative marker that directly follows n and
// reports whether there was one. Inline parsers may have cut the marker
// into several text nodes ("{", ".decorative}").
func takeMarker(n ast.Node, src []byte) bool {
	var texts []*ast.Text
	var b strings.Builder
	end := -1
	for c := n.NextSibling(); c != nil && b.Len() < len(Decorative); c = c.NextSibling() {
		t, ok := c.(*ast.Text)
		if !ok || end >= 0 && t.Segment.Start != end {
			break
		}
		texts = append(texts, t)
		b.Write(t.Segment.Value(src))
		end = t.Segment.Stop
	}
	if !strings.HasPrefix(b.String(), Decorative) {
		return false
	}
	left := len(Decorative)
	for _, t := range texts {
		take := min(left, t.Segment.Len())
		t.Segment = t.Segment.WithStart(t.Segment.Start + take)
		left -= take
		if t.Segment.Len() == 0 {
			t.Parent().RemoveChild(t.Parent(), t)
		}
	}
	return true
}

// alone reports whether n is the only content of its paragraph.
func alone(parent, n ast.Node, src []byte) bool {
	if parent == nil || parent.Kind() != ast.KindParagraph && parent.Kind() != ast.KindTextBlock {
		return false
	}
	for c := parent.FirstChild(); c != nil; c = c.NextSibling() {
		if c == n {
			continue
		}
		if t, ok := c.(*ast.Text); ok && strings.TrimSpace(string(t.Segment.Value(src))) == "" {
			continue
		}
		return false
	}
	return true
}

// fileLink points a link to a download at its output and adds the
// download's type and size after it; it reports whether dest was a file.
func (st *state) fileLink(n *ast.Link, dest, p string, src []byte) bool {
	if st.files == nil {
		return false
	}
	res, err := st.files(p, false)
	if err == nil && res.Image == nil && res.File == nil {
		return false
	}
	ref := Ref{Dest: dest, Offset: max(n.Pos(), 0), Err: err, Resolved: res}
	st.doc.Refs = append(st.doc.Refs, ref)
	if err != nil {
		return true
	}
	meta := &FileMeta{}
	switch {
	case res.Image != nil:
		n.Destination = []byte(res.Image.Full.URL())
		meta.Format, meta.Size = images.FileType(res.Image.Full.Name), res.Image.Size
		st.doc.Images = append(st.doc.Images, res.Image)
	default:
		n.Destination = []byte(res.File.Out.URL())
		meta.Format, meta.Size = res.File.Type, res.File.Size
		st.doc.Files = append(st.doc.Files, res.File)
	}
	if u, err := url.Parse(dest); err == nil && u.Fragment != "" {
		n.Destination = append(n.Destination, "#"+u.Fragment...)
	}
	n.Parent().InsertAfter(n.Parent(), n, meta)
	return true
}

// fileExt reports whether a relative path names a file rather than a
// page: it has an extension other than Markdown's and HTML's.
func fileExt(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case "", ".md", ".html", ".htm":
		return false
	}
	return true
}

// mediaRenderer writes Pictures, Figures and FileMeta.
type mediaRenderer struct {
	locale string
}

func (r *mediaRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindPicture, r.picture)
	reg.Register(KindFigure, r.figure)
	reg.Register(KindFileMeta, r.fileMeta)
}

// Sizes is the sizes attribute of article images: the article column is
// at most 48rem wide, and on narrow screens the width of the screen less
// the page's padding.
const sizes = "(min-width: 50.5rem) 48rem, calc(100vw - 2.5rem)"

func (r *mediaRenderer) figure(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*Figure)
	if entering {
		w.WriteString(`<figure class="figure">`)
		return ast.WalkContinue, nil
	}
	if n.Caption != "" {
		w.WriteString("<figcaption>")
		w.WriteString(html.EscapeString(n.Caption))
		w.WriteString("</figcaption>")
	}
	w.WriteString("</figure>\n")
	return ast.WalkContinue, nil
}

func attr(w util.BufWriter, name, value string) {
	w.WriteString(" " + name + `="`)
	w.WriteString(html.EscapeString(value))
	w.WriteString(`"`)
}

func (r *mediaRenderer) picture(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*Picture)
	im := n.Image
	alt := n.Alt
	if n.Decorative {
		alt = ""
	}
	img := func(src string, width, height int) {
		w.WriteString("<img")
		attr(w, "src", src)
		if width > 0 && height > 0 {
			w.WriteString(` width="` + strconv.Itoa(width) + `" height="` + strconv.Itoa(height) + `"`)
		}
		attr(w, "alt", alt)
		if n.Title != "" && !n.Zoom && node.Parent().Kind() != KindFigure {
			attr(w, "title", n.Title)
		}
		if !n.Eager {
			w.WriteString(` loading="lazy" decoding="async"`)
		}
		w.WriteString(">")
	}
	switch {
	case im == nil:
		img(n.Src, 0, 0)
	case !im.Raster():
		img(im.Full.URL(), im.Width, im.Height)
	default:
		if n.Zoom {
			w.WriteString(`<a class="figure__zoom"`)
			attr(w, "href", im.Full.URL())
			w.WriteString(">")
		}
		w.WriteString(`<picture><source type="image/webp" srcset="`)
		for i, v := range im.WebP {
			if i > 0 {
				w.WriteString(", ")
			}
			w.WriteString(html.EscapeString(v.URL()) + " " + strconv.Itoa(v.Width) + "w")
		}
		w.WriteString(`" sizes="` + sizes + `">`)
		img(im.Fallback.URL(), im.Width, im.Height)
		w.WriteString("</picture>")
		if n.Zoom {
			w.WriteString("</a>")
		}
	}
	return ast.WalkSkipChildren, nil
}

func (r *mediaRenderer) fileMeta(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*FileMeta)
	w.WriteString(` <span class="file-meta">(`)
	if n.Format != "" {
		w.WriteString(html.EscapeString(n.Format) + ", ")
	}
	w.WriteString(images.FormatSize(n.Size, r.locale))
	w.WriteString(")</span>")
	return ast.WalkContinue, nil
}
