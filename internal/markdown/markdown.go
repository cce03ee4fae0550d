// Package markdown turns an article's Markdown into HTML, configured in one
// place (New) for the whole site: GitHub-flavoured tables, strikethrough,
// autolinks and task lists, footnotes, definition lists, typography in the
// locale's style, unicode-aware heading ids ("Öppettider för support" →
// "oppettider-for-support"), callouts ("> [!NOTE]") and links written as
// relative .md file paths, rewritten to the target article's URL.
//
// Rendering also collects what the site needs from the document: headings
// (for the table of contents and anchor checks), every rewritten link with
// its position (the site graph checks targets and anchors), the plain text
// (for search and descriptions) and the steps of the first ordered list
// (for schema.org HowTo).
package markdown

import (
	"bytes"
	"encoding/json"
	"html"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/images"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Config is the Markdown configuration of one locale. The zero value
// renders English-style typography with safe HTML.
type Config struct {
	// UnsafeHTML lets raw HTML in Markdown through; off by default.
	UnsafeHTML bool
	// Locale selects typographic quotes ("sv" uses ”…”).
	Locale string
	// Words are the localized words the output itself writes: each
	// callout variant's title ("note", "tip", "warning", "important",
	// "caution") and "table", the name of the scrolling box around each
	// table ("Table 2").
	Words map[string]string
	// StepIDs gives the items of the first ordered list the ids step-1,
	// step-2, …, which schema.org HowTo steps link to.
	StepIDs bool
}

// Key identifies the configuration: two configurations render every body
// alike exactly when their keys are equal. Caches of rendered documents
// key on it. It covers every field (encoding/json writes them all, map
// keys sorted), so a field added to Config is part of the key.
func (c Config) Key() string {
	b, err := json.Marshal(c)
	if err != nil {
		panic("markdown: Config cannot be a key: " + err.Error()) // only for a field JSON cannot write
	}
	return string(b)
}

// Heading is one heading of a document.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Link is a link to another content file found in a document.
type Link struct {
	Dest   string // as written
	Target string // content-relative path of the target file ("en/a/b/c.md"); "" for a same-page anchor
	Anchor string // fragment without '#', or ""
	Offset int    // byte offset in the Markdown body
	Found  bool   // whether the resolver knew the target
}

// Doc is a rendered document and what was collected from it.
type Doc struct {
	HTML     string
	Headings []Heading
	Links    []Link
	IDs      map[string]bool // every element id in the document, for anchor checks
	Text     string          // plain text, blocks separated by newlines
	Steps    []string        // plain text of the first ordered list's items
	// Refs are the document's images and links to files, in order, with
	// what they resolved to; Images and Files list what resolved (an
	// image shown twice appears twice).
	Refs   []Ref
	Images []*images.Image
	Files  []*images.File
}

// Resolver maps a content-relative path of a file ("en/a/b/c.md") to its
// URL path, reporting whether such a page exists.
type Resolver func(target string) (url string, ok bool)

// Renderer converts Markdown for one locale. It is safe for concurrent use.
type Renderer struct {
	md      goldmark.Markdown
	stepIDs bool
	key     string
}

// Key is the Key of the Config the renderer was made with.
func (r *Renderer) Key() string { return r.key }

var stateKey = parser.NewContextKey()

// state is the per-document data shared by the transformers.
type state struct {
	rel     string
	resolve Resolver
	doc     *Doc
	stepIDs bool
	ids     *ids
	files   FileResolver
	// sawImage is set once the first image that is not decorative is seen.
	sawImage bool
	// decorative marks the images followed by Decorative.
	decorative map[*ast.Image]bool
}

// New builds the site's one goldmark configuration for a locale.
func New(c Config) *Renderer {
	subs := extension.TypographicSubstitutions{}
	if c.Locale == "sv" || c.Locale == "fi" {
		subs[extension.LeftDoubleQuote] = []byte("&rdquo;")
		subs[extension.LeftSingleQuote] = []byte("&rsquo;")
	}
	var rOpts []renderer.Option
	if c.UnsafeHTML {
		rOpts = append(rOpts, gmhtml.WithUnsafe())
	}
	rOpts = append(rOpts, renderer.WithNodeRenderers(util.Prioritized(&calloutRenderer{words: c.Words}, 500), util.Prioritized(&mediaRenderer{locale: c.Locale}, 500)))
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			extension.Footnote,
			extension.DefinitionList,
			extension.NewTypographer(extension.WithTypographicSubstitutions(subs)),
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithAttribute(),
			parser.WithASTTransformers(util.Prioritized(transformer{}, 100)),
		),
		goldmark.WithRendererOptions(rOpts...),
	)
	return &Renderer{md: md, stepIDs: c.StepIDs, key: c.Key()}
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render converts body, the Markdown of the file at rel (content-relative
// path), resolving .md links with resolve and images and links to files
// with files (either may be nil).
func (r *Renderer) Render(body []byte, rel string, resolve Resolver, files FileResolver) (*Doc, error) {
	doc := &Doc{IDs: map[string]bool{}}
	gen := &ids{used: doc.IDs}
	ctx := parser.NewContext(parser.WithIDs(gen))
	ctx.Set(stateKey, &state{rel: rel, resolve: resolve, doc: doc, stepIDs: r.stepIDs, ids: gen, files: files})
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := r.md.Convert(body, buf, parser.WithContext(ctx)); err != nil {
		return nil, err
	}
	doc.HTML = buf.String()
	return doc, nil
}

// ids generates unique, unicode-folded heading ids.
type ids struct{ used map[string]bool }

func (s *ids) Generate(value []byte, _ ast.NodeKind) []byte {
	base := content.Slugify(string(value))
	if base == "" {
		base = "section"
	}
	id := base
	for i := 1; s.used[id]; i++ {
		id = base + "-" + itoa(i)
	}
	s.used[id] = true
	return []byte(id)
}

func (s *ids) Put(value []byte) { s.used[string(value)] = true }

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// transformer rewrites links, turns callout blockquotes into callouts and
// collects headings, text and steps.
type transformer struct{}

func (transformer) Transform(node *ast.Document, reader text.Reader, pc parser.Context) {
	st, _ := pc.Get(stateKey).(*state)
	if st == nil {
		return
	}
	src := reader.Source()
	doc := st.doc
	var callouts []*ast.Blockquote
	var tables []ast.Node
	var pics []*ast.Image
	_ = ast.Walk(node, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if bq, ok := n.(*ast.Blockquote); ok && entering && calloutKind(bq, src) != "" {
			callouts = append(callouts, bq)
		}
		if entering && n.Kind() == extast.KindTable {
			tables = append(tables, n)
		}
		if im, ok := n.(*ast.Image); ok && entering {
			pics = append(pics, im)
		}
		return ast.WalkContinue, nil
	})
	for _, bq := range callouts {
		makeCallout(bq, src)
	}
	// The {.decorative} marker goes before the text is collected.
	st.decorative = map[*ast.Image]bool{}
	for _, im := range pics {
		st.decorative[im] = takeMarker(im, src)
	}
	for i, t := range tables {
		wrapTable(t, i+1)
	}
	var txt strings.Builder
	var imgs []*ast.Image
	stepsDone := false
	headingIDs := map[string]bool{}
	_ = ast.Walk(node, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock && txt.Len() > 0 && !strings.HasSuffix(txt.String(), "\n") {
				txt.WriteByte('\n')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			id, _ := n.AttributeString("id")
			idb, _ := id.([]byte)
			text := plainText(n, src)
			// Hand-written ids ({#id}) may repeat an earlier id or be
			// empty: make every id unique and non-empty.
			if len(idb) == 0 || headingIDs[string(idb)] {
				idb = st.ids.Generate([]byte(text), ast.KindHeading) // unique among all ids so far
				n.SetAttributeString("id", idb)
			}
			headingIDs[string(idb)] = true
			doc.Headings = append(doc.Headings, Heading{Level: n.Level, ID: string(idb), Text: text})
		case *ast.Link:
			st.rewrite(n, src)
		case *ast.Image:
			// Alt text describes a picture for those who cannot see
			// it; it is not the article's text (search, descriptions).
			imgs = append(imgs, n)
			return ast.WalkSkipChildren, nil
		case *ast.List:
			if n.IsOrdered() && !stepsDone {
				stepsDone = true
				for it := n.FirstChild(); it != nil; it = it.NextSibling() {
					doc.Steps = append(doc.Steps, strings.TrimSpace(plainText(it, src)))
					if st.stepIDs {
						it.SetAttributeString("id", []byte("step-"+itoa(len(doc.Steps))))
						doc.IDs["step-"+itoa(len(doc.Steps))] = true
					}
				}
			}
		case *ast.Text:
			txt.Write(n.Segment.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				txt.WriteByte(' ')
			}
		case *ast.CodeSpan:
			txt.WriteString(plainText(n, src))
			return ast.WalkSkipChildren, nil
		case *ast.String:
			txt.WriteString(html.UnescapeString(string(n.Value)))
		}
		return ast.WalkContinue, nil
	})
	doc.Text = txt.String()
	for _, n := range imgs {
		st.image(n, src)
	}
}

// rewrite turns a link to a .md file into the page's URL.
func (st *state) rewrite(n *ast.Link, src []byte) {
	dest := string(n.Destination)
	off := n.Pos()
	if off < 0 {
		off = 0
	}
	if strings.HasPrefix(dest, "#") {
		st.doc.Links = append(st.doc.Links, Link{Dest: dest, Anchor: dest[1:], Offset: off, Found: true})
		return
	}
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" {
		return
	}
	if strings.HasPrefix(u.Path, "/") || fileExt(u.Path) {
		st.fileLink(n, dest, u.Path, src)
		return
	}
	if !strings.HasSuffix(strings.ToLower(u.Path), ".md") {
		return
	}
	target := path.Clean(path.Join(path.Dir(st.rel), u.Path))
	l := Link{Dest: dest, Target: target, Anchor: u.Fragment, Offset: off}
	if st.resolve != nil {
		if to, ok := st.resolve(target); ok {
			l.Found = true
			if u.Fragment != "" {
				to += "#" + u.Fragment
			}
			n.Destination = []byte(to)
		}
	}
	st.doc.Links = append(st.doc.Links, l)
}

// plainText returns the text below n.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.WriteString(html.UnescapeString(string(c.Value)))
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if tx, ok := t.(*ast.Text); ok {
					b.Write(tx.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		if c.Type() == ast.TypeBlock && c != n && b.Len() > 0 {
			b.WriteByte(' ')
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}
