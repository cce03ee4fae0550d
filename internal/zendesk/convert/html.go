package convert

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	h2m "github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/marker"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/inexchange/helpcenter/internal/markdown"
	"github.com/inexchange/helpcenter/internal/zendesk"
)

// body is one article body (or branch description) being converted.
type body struct {
	unsafe bool
	// file maps an attachment URL to the name of its copy beside the
	// Markdown file, or "" when there is none.
	file func(raw string) string
	// ref classifies a link (zendesk.ParseRef with the export's hosts).
	ref func(raw string) zendesk.Ref
	// taken reports whether a file name beside the Markdown file is used.
	taken func(name string) bool

	// embedded are the images the body held as data: URLs, to be written
	// beside the Markdown file.
	embedded []embeddedFile

	links    []bodyLink
	headings []heading // Markdown headings, in order
	// anchors maps an old element id to the index of the heading it
	// belongs to (-1: the top of the page).
	anchors map[string]int
	notes   []bodyNote
	counts  map[string]int // dropped formatting, by kind
}

// embeddedFile is an image decoded from a data: URL.
type embeddedFile struct {
	name string
	data []byte
}

// bodyLink is a link whose target is known only once every page has a
// path and heading ids: written into the Markdown as a token.
type bodyLink struct {
	ref zendesk.Ref
	raw bool // inside raw HTML: needs the page URL, not the .md path
}

// heading is a heading of the converted body and the ids Zendesk gave it.
type heading struct {
	text string
	old  []string
}

// bodyNote is a note about one body.
type bodyNote struct {
	level Level
	msg   string
}

func (b *body) notef(format string, args ...any) {
	b.notes = append(b.notes, bodyNote{Warning, fmt.Sprintf(format, args...)})
}

func (b *body) actionf(format string, args ...any) {
	b.notes = append(b.notes, bodyNote{Action, fmt.Sprintf(format, args...)})
}

const (
	rawAttr = "data-zd-raw"
	linkTok = "zdlink-"
	tokEnd  = "-z"
	callTok = "ZDCALLOUT-"
	// decorativeTok stands in for an empty alt text until the Markdown
	// is written, where the image gets the site's {.decorative} marker.
	decorativeTok = "ZDDECORATIVE"
	headSkip      = "data-zd-noheading"
)

var tokenRe = regexp.MustCompile(linkTok + `([0-9]+)` + tokEnd)

// convertOrFlatten converts src; a body the HTML parser gives up on
// (nesting deeper than it allows) is converted without its wrappers, else
// as plain text, and the report says so.
func (b *body) convertOrFlatten(src string) (string, error) {
	md, err := b.convert(src)
	if err == nil {
		return md, nil
	}
	if md, err = b.convert(flatten(src, false)); err == nil {
		b.notef("the body nests its markup too deeply for an HTML parser: its <div> and <span> wrappers were dropped before converting it")
		return md, nil
	}
	if md, err = b.convert(flatten(src, true)); err == nil {
		b.actionf("the body nests its markup too deeply for an HTML parser: only its text was imported; restore its formatting from the old page")
		return md, nil
	}
	return "", err
}

// flatten rewrites a body whose elements nest too deeply to parse: the
// wrappers that carry no meaning (div, span, font, section) go, and with
// textOnly every tag but paragraph breaks.
func flatten(src string, textOnly bool) string {
	var b strings.Builder
	if textOnly {
		b.WriteString("<p>")
	}
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if textOnly {
				b.WriteString("</p>")
			}
			return b.String()
		case html.TextToken:
			b.WriteString(html.EscapeString(string(z.Text())))
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); {
			case a == atom.Div || a == atom.Span || a == atom.Font || a == atom.Section || a == atom.Article:
			case textOnly && (a == atom.P || a == atom.Br || a == atom.Li || isHeadingAtom(a)):
				if tt != html.StartTagToken || a == atom.Br {
					b.WriteString("</p><p>")
				}
			case !textOnly:
				b.Write(z.Raw())
			}
		}
	}
}

func isHeadingAtom(a atom.Atom) bool {
	return a == atom.H1 || a == atom.H2 || a == atom.H3 || a == atom.H4 || a == atom.H5 || a == atom.H6
}

// convert turns an HTML body into Markdown with link tokens.
func (b *body) convert(src string) (string, error) {
	b.anchors = map[string]int{}
	b.counts = map[string]int{}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(strings.ToValidUTF8(src, "\uFFFD")), ctx)
	if err != nil {
		return "", err
	}
	root := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	b.prepare(root)
	out, err := mdConverter().ConvertNode(root)
	if err != nil {
		return "", err
	}
	md := string(out)
	md = calloutRe.ReplaceAllStringFunc(md, func(m string) string {
		v := calloutRe.FindStringSubmatch(m)[1]
		return "> [!" + v + "]\n"
	})
	md = decorativeRe.ReplaceAllString(md, "![]($1)"+markdown.Decorative)
	md = strings.ReplaceAll(md, "\u00a0", " ")
	md = trailingSpace.ReplaceAllString(md, "")
	md = strings.TrimSpace(md)
	if md != "" {
		md += "\n"
	}
	kinds := make([]string, 0, len(b.counts))
	for k := range b.counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	if len(kinds) > 0 {
		var parts []string
		for _, k := range kinds {
			parts = append(parts, fmt.Sprintf("%s (%d)", k, b.counts[k]))
		}
		how := "dropped, the text kept"
		b.notef("formatting Markdown cannot express was %s: %s", how, strings.Join(parts, ", "))
	}
	return md, nil
}

var (
	decorativeRe  = regexp.MustCompile(`!\[` + decorativeTok + `\]\(([^)\n]*)\)`)
	calloutRe     = regexp.MustCompile(`> ` + callTok + `([A-Z]+)-Z *\n(?:> *\n)?`)
	trailingSpace = regexp.MustCompile(`(?m)^[ \t]+$`)
)

var (
	convOnce sync.Once
	conv     *h2m.Converter
)

// mdConverter is the one html-to-markdown configuration: CommonMark with
// ATX headings and "-" bullets, GFM tables and strikethrough, definition
// lists, and raw HTML for the elements prepare marked.
func mdConverter() *h2m.Converter {
	convOnce.Do(func() {
		conv = h2m.NewConverter(h2m.WithPlugins(
			base.NewBasePlugin(),
			// No "<!--THE END-->" between adjacent lists: a comment is raw
			// HTML, which the site omits (and warns about).
			commonmark.NewCommonmarkPlugin(commonmark.WithHeadingStyle(commonmark.HeadingStyleATX), commonmark.WithBulletListMarker("-"), commonmark.WithCodeBlockFence("```"), commonmark.WithListEndComment(false)),
			strikethrough.NewStrikethroughPlugin(),
			table.NewTablePlugin(table.WithSpanCellBehavior(table.SpanBehaviorMirror), table.WithHeaderPromotion(true), table.WithNewlineBehavior(table.NewlineBehaviorPreserve), table.WithSkipEmptyRows(true)),
		))
		for _, t := range []string{"iframe", "video", "audio", "details", "object", "embed"} {
			conv.Register.TagType(t, h2m.TagTypeBlock, h2m.PriorityEarly)
		}
		conv.Register.Renderer(renderRaw, h2m.PriorityEarly)
		// The base plugin writes every ">" of the text as "&gt;"; only one
		// that would start a blockquote needs escaping, which the
		// commonmark plugin's escaping does when the character is marked.
		conv.Register.TextTransformer(func(_ h2m.Context, content string) string {
			return strings.ReplaceAll(content, "&gt;", string(marker.MarkerEscaping)+">")
		}, h2m.PriorityStandard+1)
		conv.Register.RendererFor("dl", h2m.TagTypeBlock, renderDL, h2m.PriorityEarly)
	})
	return conv
}

// renderRaw writes the elements prepare marked as raw HTML.
func renderRaw(ctx h2m.Context, w h2m.Writer, n *html.Node) h2m.RenderStatus {
	kind := attr(n, rawAttr)
	if n.Type != html.ElementNode || kind == "" {
		return h2m.RenderTryNext
	}
	delAttr(n, rawAttr)
	var buf bytes.Buffer
	_ = html.Render(&buf, n)
	if kind == "block" {
		w.WriteString("\n\n")
		w.Write(buf.Bytes())
		w.WriteString("\n\n")
	} else {
		w.Write(buf.Bytes())
	}
	return h2m.RenderSuccess
}

// renderDL writes a definition list in the syntax goldmark's extension
// reads: the term on a line, each definition after ": ".
func renderDL(ctx h2m.Context, w h2m.Writer, n *html.Node) h2m.RenderStatus {
	w.WriteString("\n\n")
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		var buf bytes.Buffer
		ctx.RenderChildNodes(ctx, &buf, c)
		text := strings.TrimSpace(buf.String())
		switch c.DataAtom {
		case atom.Dt:
			w.WriteString("\n" + strings.Join(strings.Fields(text), " ") + "\n")
		case atom.Dd:
			w.WriteString(": " + strings.ReplaceAll(text, "\n", "\n  ") + "\n")
		}
	}
	w.WriteString("\n\n")
	return h2m.RenderSuccess
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func delAttr(n *html.Node, key string) {
	out := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Key != key {
			out = append(out, a)
		}
	}
	n.Attr = out
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Img {
			b.WriteString(attr(n, "alt"))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(strings.ReplaceAll(b.String(), "\u00a0", " ")), " ")
}

// unwrap replaces n by its children.
func unwrap(n *html.Node) {
	p := n.Parent
	if p == nil {
		return
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		n.RemoveChild(c)
		p.InsertBefore(c, n)
		c = next
	}
	p.RemoveChild(n)
}

func remove(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

func elem(tag atom.Atom, attrs ...string) *html.Node {
	n := &html.Node{Type: html.ElementNode, DataAtom: tag, Data: tag.String()}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.Attr = append(n.Attr, html.Attribute{Key: attrs[i], Val: attrs[i+1]})
	}
	return n
}

func textNode(s string) *html.Node { return &html.Node{Type: html.TextNode, Data: s} }

// elements returns the element nodes below n in document order.
func elements(n *html.Node) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				out = append(out, c)
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

func inside(n *html.Node, tags ...atom.Atom) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		for _, t := range tags {
			if p.DataAtom == t {
				return true
			}
		}
	}
	return false
}

func insideRaw(n *html.Node) bool {
	for p := n; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && hasAttr(p, rawAttr) {
			return true
		}
	}
	return false
}

// prepare rewrites the parsed body so that html-to-markdown writes what
// the site needs, and notes what it cannot keep.
func (b *body) prepare(root *html.Node) {
	b.dropUnsafe(root)
	b.media(root)
	b.tables(root)
	b.styledHeadings(root)
	b.numberedParagraphs(root)
	b.formatting(root)
	b.callouts(root)
	b.headingsAndAnchors(root)
	b.images(root)
	b.hrefs(root)
	b.tidy(root)
}

// dropUnsafe removes what has no place in an article: scripts, styles,
// forms.
func (b *body) dropUnsafe(root *html.Node) {
	var comments []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.CommentNode {
				comments = append(comments, c)
			}
			walk(c)
		}
	}
	walk(root)
	for _, c := range comments {
		// Word's conditional markup ("[if gte mso 9]…") is no writer's note.
		if text := strings.Join(strings.Fields(c.Data), " "); text != "" && !strings.HasPrefix(text, "[if") && !strings.HasPrefix(text, "[endif") {
			b.notef("an HTML comment was left out: %q", clip(text, 80))
		}
		remove(c)
	}
	for _, n := range elements(root) {
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Link, atom.Meta, atom.Form, atom.Input, atom.Button, atom.Select, atom.Textarea, atom.Svg, atom.Canvas, atom.Math:
			if !attached(n, root) {
				continue
			}
			what := n.Data
			if strings.TrimSpace(textOf(n)) != "" && n.DataAtom != atom.Script && n.DataAtom != atom.Style {
				what += fmt.Sprintf(" (%q)", clip(textOf(n), 60))
			}
			b.notef("removed <%s>: Markdown has no place for it", what)
			remove(n)
		}
	}
}

// attached reports whether n is still in root's tree.
func attached(n, root *html.Node) bool {
	for p := n; p != nil; p = p.Parent {
		if p == root {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

var youtubeEmbed = regexp.MustCompile(`^(?:https?:)?//(?:www\.)?(?:youtube\.com|youtube-nocookie\.com)/embed/([A-Za-z0-9_-]+)`)
var vimeoEmbed = regexp.MustCompile(`^(?:https?:)?//player\.vimeo\.com/video/([0-9]+)`)

// watchURL turns a video player's embed URL into the video's page.
func watchURL(src string) string {
	if m := youtubeEmbed.FindStringSubmatch(src); m != nil {
		return "https://www.youtube.com/watch?v=" + m[1]
	}
	if m := vimeoEmbed.FindStringSubmatch(src); m != nil {
		return "https://vimeo.com/" + m[1]
	}
	if strings.HasPrefix(src, "//") {
		return "https:" + src
	}
	return src
}

// media keeps iframes, videos and audio as raw HTML on sites that allow
// it, and otherwise replaces each with a link to what it showed.
func (b *body) media(root *html.Node) {
	for _, n := range elements(root) {
		if n.Parent == nil {
			continue
		}
		switch n.DataAtom {
		case atom.Iframe, atom.Embed, atom.Object:
			src := attr(n, "src")
			if n.DataAtom == atom.Object {
				src = attr(n, "data")
			}
			title := attr(n, "title")
			if src == "" {
				remove(n)
				b.notef("removed an empty <%s>", n.Data)
				continue
			}
			if b.unsafe && n.DataAtom == atom.Iframe {
				setAttr(n, rawAttr, "block")
				b.notef("kept <iframe src=%q> as raw HTML: the site's Content-Security-Policy (netlify.toml, default-src 'self') blocks frames from other hosts; add frame-src with the player's host to it, or the frame stays empty", src)
				continue
			}
			if title == "" {
				title = "Video"
				if !strings.Contains(src, "youtube") && !strings.Contains(src, "vimeo") && !strings.Contains(src, "wistia") {
					title = "Embedded content"
				}
			}
			link := elem(atom.A, "href", watchURL(src))
			link.AppendChild(textNode(title))
			b.replaceBlock(n, link)
			if n.DataAtom == atom.Iframe {
				b.notef("replaced <iframe src=%q> with a link (set unsafe_html: true in content/_index.md to keep it as HTML)", src)
			} else {
				b.notef("replaced <%s data=%q> with a link (browsers no longer run plugins, and the site's Content-Security-Policy has object-src 'none')", n.Data, src)
			}
		case atom.Video, atom.Audio:
			src := attr(n, "src")
			for c := n.FirstChild; c != nil && src == ""; c = c.NextSibling {
				if c.Type == html.ElementNode && c.DataAtom == atom.Source {
					src = attr(c, "src")
				}
			}
			local := b.file(src)
			if b.unsafe && local == "" && src != "" {
				// A file here is a download link instead: raw HTML does not
				// get the paths of the files beside an article rewritten.
				delAttr(n, "poster")
				setAttr(n, rawAttr, "block")
				b.notef("kept <%s src=%q> as raw HTML: the site's Content-Security-Policy (netlify.toml, default-src 'self') blocks media from other hosts unless you add media-src with its host", n.Data, src)
				continue
			}
			name := "Video"
			if n.DataAtom == atom.Audio {
				name = "Audio"
			}
			if src == "" {
				remove(n)
				b.notef("removed a <%s> without a source", n.Data)
				continue
			}
			href := src
			if r := b.ref(src); r.Kind != zendesk.RefNone {
				href = r.Abs
			}
			if local != "" {
				href = local
				name += ": " + local
			}
			link := elem(atom.A, "href", href)
			link.AppendChild(textNode(name))
			b.replaceBlock(n, link)
			b.notef("replaced <%s> with a link to %s", n.Data, href)
		case atom.Details:
			if b.unsafe {
				setAttr(n, rawAttr, "block")
				continue
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.DataAtom == atom.Summary {
					c.DataAtom, c.Data = atom.P, "p"
					strong := elem(atom.Strong)
					for cc := c.FirstChild; cc != nil; {
						next := cc.NextSibling
						c.RemoveChild(cc)
						strong.AppendChild(cc)
						cc = next
					}
					c.AppendChild(strong)
				}
			}
			n.DataAtom, n.Data = atom.Div, "div"
			b.notef("opened a collapsible <details> section: its content now always shows")
		}
	}
}

// replaceBlock puts a paragraph holding inline in n's place (or inline
// itself when n sits in a paragraph).
func (b *body) replaceBlock(n, inline *html.Node) {
	p := n.Parent
	if p.DataAtom == atom.P || p.DataAtom == atom.Span || p.DataAtom == atom.A || p.DataAtom == atom.Li || p.DataAtom == atom.Td || p.DataAtom == atom.Th {
		p.InsertBefore(inline, n)
	} else {
		para := elem(atom.P)
		para.AppendChild(inline)
		p.InsertBefore(para, n)
	}
	p.RemoveChild(n)
}

// tables handles what GFM tables cannot hold: merged cells, block
// content (lists, code blocks, headings, tables) and line breaks in
// cells. With unsafe_html such tables stay HTML; otherwise merged cells
// are split, a table with blocks in its cells becomes a list of its rows,
// and a cell's lines are joined.
func (b *body) tables(root *html.Node) {
	count := 0
	for _, n := range elements(root) {
		if n.DataAtom != atom.Table || insideRaw(n) || n.Parent == nil || inside(n, atom.Table) {
			continue
		}
		count++
		var merged, nested, blocks, lines bool
		for _, c := range elements(n) {
			switch c.DataAtom {
			case atom.Td, atom.Th:
				merged = merged || spans(c, "colspan") || spans(c, "rowspan")
				lines = lines || cellLines(c) > 1
			case atom.Table:
				nested = true
			case atom.Ul, atom.Ol, atom.Pre, atom.Blockquote, atom.Hr, atom.Dl, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				blocks = true
			}
		}
		var what []string
		if merged {
			what = append(what, "merged cells")
		}
		if nested {
			what = append(what, "a table inside a cell")
		}
		if blocks {
			what = append(what, "lists, code or headings in its cells")
		}
		switch {
		case (merged || nested || blocks) && b.unsafe:
			for _, c := range elements(n) {
				keepStyle(c)
			}
			delAttr(n, "style")
			delAttr(n, "border")
			setAttr(n, rawAttr, "block")
			b.notef("kept table %d as raw HTML: it has %s", count, strings.Join(what, " and "))
		case nested || blocks:
			b.rowsToList(n)
			b.notef("table %d has %s, which a Markdown table cannot hold: each row became an item of a list, each cell a paragraph under its column's name (set unsafe_html: true in content/_index.md to keep the table as HTML)", count, strings.Join(what, " and "))
		default:
			if merged {
				b.notef("table %d has merged cells: they were split, each part repeating the merged cell's content (set unsafe_html: true in content/_index.md to keep the table as HTML)", count)
			}
			if lines && b.unsafe {
				for _, c := range elements(n) {
					if (c.DataAtom == atom.Td || c.DataAtom == atom.Th) && cellLines(c) > 1 {
						breakLines(c)
					}
				}
			}
			if lines && !b.unsafe {
				joined := 0
				for _, c := range elements(n) {
					if (c.DataAtom == atom.Td || c.DataAtom == atom.Th) && cellLines(c) > 1 {
						joinLines(c)
						joined++
					}
				}
				b.notef("table %d: the lines of %d %s were joined into one (a Markdown table cell holds one line)", count, joined, plural(joined, "cell", "cells"))
			}
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// cellLines counts the lines a cell shows: its paragraphs and blocks, and
// the line breaks in them.
func cellLines(cell *html.Node) int {
	n := 1
	blocks := 0
	for _, c := range elements(cell) {
		switch c.DataAtom {
		case atom.Br:
			if !isTrailingBreak(c) {
				n++
			}
		case atom.P, atom.Div:
			if strings.TrimSpace(textOf(c)) != "" || hasChild(c, atom.Img) {
				blocks++
			}
		}
	}
	if blocks > 1 {
		n += blocks - 1
	}
	return n
}

// isTrailingBreak reports whether a <br> ends its block with nothing
// after it, as editors leave them.
func isTrailingBreak(br *html.Node) bool {
	for s := br.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode || strings.TrimSpace(strings.ReplaceAll(s.Data, "\u00a0", "")) != "" {
			return false
		}
	}
	return true
}

// joinLines puts a cell's content on one line: breaks and block
// boundaries become spaces.
func joinLines(cell *html.Node) {
	for _, c := range elements(cell) {
		switch c.DataAtom {
		case atom.Br:
			c.Parent.InsertBefore(textNode(" "), c)
			remove(c)
		case atom.P, atom.Div:
			c.Parent.InsertBefore(textNode(" "), c)
			unwrap(c)
		}
	}
}

// breakLines writes a cell's paragraphs as lines with a <br> between
// them, which a table cell in Markdown can hold as raw HTML.
func breakLines(cell *html.Node) {
	first := true
	for _, c := range elements(cell) {
		if c.DataAtom != atom.P && c.DataAtom != atom.Div || c.Parent == nil {
			continue
		}
		if strings.TrimSpace(textOf(c)) == "" && !hasChild(c, atom.Img) {
			remove(c)
			continue
		}
		if !first {
			c.Parent.InsertBefore(elem(atom.Br), c)
		}
		first = false
		unwrap(c)
	}
	for _, c := range elements(cell) {
		if c.DataAtom == atom.Br && isTrailingBreak(c) {
			remove(c)
		}
	}
}

// rowsToList replaces a table by a list of its rows, each cell a
// paragraph headed by its column's name when the table has a header row.
func (b *body) rowsToList(table *html.Node) {
	var rows []*html.Node
	for _, c := range elements(table) {
		if c.DataAtom == atom.Tr && !inside(c, atom.Td, atom.Th) {
			rows = append(rows, c)
		}
	}
	cells := func(tr *html.Node) []*html.Node {
		var out []*html.Node
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Td || c.DataAtom == atom.Th {
				out = append(out, c)
			}
		}
		return out
	}
	var header []string
	if len(rows) > 1 {
		first := cells(rows[0])
		allTH := len(first) > 0
		for _, c := range first {
			allTH = allTH && c.DataAtom == atom.Th
		}
		if allTH || rows[0].Parent != nil && rows[0].Parent.DataAtom == atom.Thead {
			for _, c := range first {
				header = append(header, textOf(c))
			}
			rows = rows[1:]
		}
	}
	list := elem(atom.Ul)
	for _, tr := range rows {
		li := elem(atom.Li)
		for i, cell := range cells(tr) {
			if strings.TrimSpace(textOf(cell)) == "" && !hasChild(cell, atom.Img) && !hasChild(cell, atom.Table) {
				continue
			}
			label := ""
			if i < len(header) && header[i] != "" {
				label = header[i]
			}
			inline := true
			for c := cell.FirstChild; c != nil && inline; c = c.NextSibling {
				inline = c.Type != html.ElementNode || !isBlock(c)
			}
			p := elem(atom.P)
			if label != "" {
				strong := elem(atom.Strong)
				strong.AppendChild(textNode(label + ":"))
				p.AppendChild(strong)
				p.AppendChild(textNode(" "))
			}
			if inline {
				moveChildren(cell, p)
				li.AppendChild(p)
				continue
			}
			if label != "" {
				li.AppendChild(p)
			}
			moveChildren(cell, li)
		}
		if li.FirstChild != nil {
			list.AppendChild(li)
		}
	}
	table.Parent.InsertBefore(list, table)
	remove(table)
	// Tables that were inside its cells get the same treatment.
	for _, c := range elements(list) {
		if c.DataAtom == atom.Table && c.Parent != nil {
			b.rowsToList(c)
		}
	}
}

func isBlock(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Div, atom.Ul, atom.Ol, atom.Pre, atom.Blockquote, atom.Hr, atom.Dl, atom.Table, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Figure, atom.Section, atom.Aside:
		return true
	}
	return false
}

// moveChildren moves every child of from to the end of to.
func moveChildren(from, to *html.Node) {
	for c := from.FirstChild; c != nil; {
		next := c.NextSibling
		from.RemoveChild(c)
		to.AppendChild(c)
		c = next
	}
}

func spans(n *html.Node, key string) bool {
	v, err := strconv.Atoi(strings.TrimSpace(attr(n, key)))
	return err == nil && v > 1
}

var superscripts = map[rune]rune{'0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '+': '⁺', '-': '⁻', 'n': 'ⁿ', 'i': 'ⁱ'}
var subscripts = map[rune]rune{'0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉', '+': '₊', '-': '₋'}

// formatting drops (or, on sites with unsafe_html, keeps as HTML) what
// Markdown has no syntax for: colours, underline, alignment, super- and
// subscripts (as Unicode where it has the characters).
func (b *body) formatting(root *html.Node) {
	for _, n := range elements(root) {
		if n.Parent == nil || insideRaw(n) {
			continue
		}
		style := strings.ToLower(attr(n, "style"))
		class := attr(n, "class")
		colour := strings.Contains(style, "color") || strings.Contains(class, "wysiwyg-color") || n.DataAtom == atom.Font && attr(n, "color") != ""
		if colour {
			if b.unsafe && !strings.Contains(class, "wysiwyg-color") && (n.DataAtom == atom.Span || n.DataAtom == atom.Font) {
				keepStyle(n)
				setAttr(n, rawAttr, "inline")
				continue
			}
			b.counts["colour"]++
		}
		if strings.Contains(style, "text-align") || strings.Contains(class, "wysiwyg-text-align") || attr(n, "align") != "" && n.DataAtom != atom.Img {
			// A centred screenshot is how the editor places images; the
			// site lays images out itself.
			if !strings.Contains(style, "text-align: left") && !strings.Contains(class, "align-left") && (textOf(n) != "" && textOf(n) != imageAlts(n) || !hasChild(n, atom.Img)) {
				b.counts["text alignment"]++
			}
		}
		if strings.Contains(style, "font-size") || strings.Contains(class, "wysiwyg-font-size") || n.DataAtom == atom.Font && attr(n, "size") != "" {
			b.counts["font size"]++
		}
		delAttr(n, "style")
		switch n.DataAtom {
		case atom.U, atom.Ins, atom.Mark:
			if b.unsafe {
				setAttr(n, rawAttr, "inline")
				continue
			}
			b.counts[map[atom.Atom]string{atom.U: "underline", atom.Ins: "underline", atom.Mark: "highlight"}[n.DataAtom]]++
			unwrap(n)
		case atom.Font, atom.Span, atom.Small, atom.Big, atom.Center:
			if n.DataAtom == atom.Center {
				b.counts["text alignment"]++
			}
			if n.DataAtom == atom.Span && hasAttr(n, "id") {
				continue // an anchor: headingsAndAnchors needs it
			}
			unwrap(n)
		case atom.Sup, atom.Sub:
			table := superscripts
			if n.DataAtom == atom.Sub {
				table = subscripts
			}
			t := textOf(n)
			var conv strings.Builder
			ok := t != ""
			for _, r := range t {
				c, found := table[r]
				ok = ok && found
				conv.WriteRune(c)
			}
			switch {
			case ok:
				for c := n.FirstChild; c != nil; c = n.FirstChild {
					n.RemoveChild(c)
				}
				n.Parent.InsertBefore(textNode(conv.String()), n)
				remove(n)
			case b.unsafe:
				setAttr(n, rawAttr, "inline")
			default:
				b.counts[n.Data]++
				unwrap(n)
			}
		}
	}
}

// keepStyle reduces a style attribute to colours.
func keepStyle(n *html.Node) {
	var keep []string
	for _, decl := range strings.Split(attr(n, "style"), ";") {
		k, v, ok := strings.Cut(decl, ":")
		k = strings.ToLower(strings.TrimSpace(k))
		if ok && (k == "color" || k == "background-color") {
			keep = append(keep, k+": "+strings.TrimSpace(v))
		}
	}
	if len(keep) > 0 {
		setAttr(n, "style", strings.Join(keep, "; "))
	} else {
		delAttr(n, "style")
	}
}

// calloutClass maps class words to callout variants.
var calloutClass = []struct{ word, variant string }{
	{"important", "IMPORTANT"}, {"caution", "CAUTION"}, {"danger", "CAUTION"}, {"error", "CAUTION"},
	{"warning", "WARNING"}, {"warn", "WARNING"}, {"tip", "TIP"}, {"hint", "TIP"}, {"success", "TIP"},
	{"note", "NOTE"}, {"info", "NOTE"}, {"notice", "NOTE"}, {"alert", "NOTE"}, {"callout", "NOTE"},
}

// calloutLabel matches a label that opens a callout: "Note:", "Obs!", …
var calloutLabel = regexp.MustCompile(`(?i)^\s*(note|notera|obs|observera|hinweis|remarque|nota|tip|tips|tipp|hint|astuce|consejo|warning|varning|warnung|attention|achtung|avertissement|advertencia|important|viktigt|wichtig|importante|caution|danger|vorsicht|se upp)\s*[:!.]?\s*$`)

var labelVariant = map[string]string{
	"note": "NOTE", "notera": "NOTE", "obs": "NOTE", "observera": "NOTE", "hinweis": "NOTE", "remarque": "NOTE", "nota": "NOTE",
	"tip": "TIP", "tips": "TIP", "tipp": "TIP", "hint": "TIP", "astuce": "TIP", "consejo": "TIP",
	"warning": "WARNING", "varning": "WARNING", "warnung": "WARNING", "attention": "WARNING", "achtung": "WARNING", "avertissement": "WARNING", "advertencia": "WARNING",
	"important": "IMPORTANT", "viktigt": "IMPORTANT", "wichtig": "IMPORTANT", "importante": "IMPORTANT",
	"caution": "CAUTION", "danger": "CAUTION", "vorsicht": "CAUTION", "se upp": "CAUTION",
}

// callouts turns note, tip and warning boxes into the site's callouts
// ("> [!WARNING]"): boxes with such a class, and blockquotes or
// paragraphs that open with a bold label such as "Note:".
func (b *body) callouts(root *html.Node) {
	for _, n := range elements(root) {
		if n.Parent == nil || insideRaw(n) || inside(n, atom.Table, atom.Li, atom.Blockquote) {
			continue
		}
		switch n.DataAtom {
		case atom.Div, atom.Aside, atom.Section, atom.Blockquote, atom.P:
		default:
			continue
		}
		variant := ""
		words := strings.FieldsFunc(strings.ToLower(attr(n, "class")), func(r rune) bool { return r == ' ' || r == '-' || r == '_' })
		for _, c := range calloutClass { // most specific first: "callout callout--warning" is a warning
			if variant == "" && slices.Contains(words, c.word) {
				variant = c.variant
			}
		}
		// A box's title paragraph ("callout__title") stays its first line, in bold.
		if first := firstElement(n); first != nil && first.DataAtom == atom.P && strings.Contains(attr(first, "class"), "title") && variant != "" {
			strong := elem(atom.Strong)
			moveChildren(first, strong)
			first.AppendChild(strong)
		}
		if v := b.takeLabel(n, n.DataAtom != atom.P); v != "" {
			variant = v
		} else if variant == "" {
			continue
		}
		quote := elem(atom.Blockquote)
		marker := elem(atom.P)
		marker.AppendChild(textNode(callTok + variant + "-Z"))
		quote.AppendChild(marker)
		if n.DataAtom == atom.P {
			p := elem(atom.P)
			for c := n.FirstChild; c != nil; {
				next := c.NextSibling
				n.RemoveChild(c)
				p.AppendChild(c)
				c = next
			}
			quote.AppendChild(p)
		} else {
			for c := n.FirstChild; c != nil; {
				next := c.NextSibling
				n.RemoveChild(c)
				quote.AppendChild(c)
				c = next
			}
		}
		n.Parent.InsertBefore(quote, n)
		remove(n)
	}
}

// firstElement returns n's first child element, or nil.
func firstElement(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c
		}
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			return nil
		}
	}
	return nil
}

// takeLabel removes an opening label ("<strong>Note:</strong>", or with
// plain a bare "Tip:") from n and returns its variant, or "".
func (b *body) takeLabel(n *html.Node, plain bool) string {
	first := n.FirstChild
	for first != nil && first.Type == html.TextNode && strings.TrimSpace(first.Data) == "" {
		first = first.NextSibling
	}
	if first == nil {
		return ""
	}
	if first.Type == html.ElementNode && first.DataAtom == atom.P && n.DataAtom != atom.P {
		return b.takeLabel(first, true)
	}
	if first.Type == html.ElementNode && (first.DataAtom == atom.Strong || first.DataAtom == atom.B) {
		m := calloutLabel.FindStringSubmatch(textOf(first))
		if m == nil {
			return ""
		}
		remove(first)
		if next := n.FirstChild; next != nil && next.Type == html.TextNode {
			next.Data = strings.TrimLeft(next.Data, " \u00a0:")
		}
		return labelVariant[strings.ToLower(m[1])]
	}
	if first.Type == html.TextNode {
		// A bare label: in a box, "Tip!" or "Tip:"; opening a paragraph,
		// only "Tip:".
		t := strings.TrimLeft(first.Data, " \n\u00a0")
		stops := ":!"
		if !plain {
			stops = ":"
		}
		if i := strings.IndexAny(t, stops); i > 0 && i < 14 {
			if m := calloutLabel.FindStringSubmatch(t[:i+1]); m != nil {
				first.Data = strings.TrimLeft(t[i+1:], " \u00a0")
				return labelVariant[strings.ToLower(m[1])]
			}
		}
	}
	return ""
}

// headingsAndAnchors collects the headings (demoted one level when the
// body has an h1: the page's title is its only h1) with the ids Zendesk
// gave them, and maps every other element id to the heading above it.
func (b *body) headingsAndAnchors(root *html.Node) {
	all := elements(root)
	demote := false
	for _, n := range all {
		demote = demote || n.DataAtom == atom.H1
	}
	current := -1
	var pending []string // anchors just before a heading
	for _, n := range all {
		if n.Parent == nil {
			continue
		}
		if isHeading(n) && !insideRaw(n) && !inside(n, atom.Table) {
			if demote && n.DataAtom != atom.H6 {
				lvl := int(n.Data[1]-'0') + 1
				n.Data = "h" + strconv.Itoa(lvl)
				n.DataAtom = atom.Lookup([]byte(n.Data))
			}
			h := heading{old: pending}
			pending = nil
			if id := attr(n, "id"); id != "" {
				h.old = append(h.old, unescapeID(id))
			}
			delAttr(n, "id")
			for _, c := range elements(n) {
				for _, k := range []string{"id", "name"} {
					if v := attr(c, k); v != "" && (k == "id" || c.DataAtom == atom.A) {
						h.old = append(h.old, unescapeID(v))
					}
				}
				switch c.DataAtom {
				case atom.A:
					if attr(c, "href") != "" {
						b.notef("a link in heading %q became plain text (%s)", clip(textOf(n), 60), attr(c, "href"))
					}
					unwrap(c)
				case atom.Strong, atom.B, atom.Em, atom.I, atom.Span:
					unwrap(c)
				case atom.Img:
					// Markdown headings hold text: the image goes below.
					p := elem(atom.P)
					c.Parent.RemoveChild(c)
					p.AppendChild(c)
					n.Parent.InsertBefore(p, n.NextSibling)
					b.notef("an image in heading %q was moved below it", clip(textOf(n), 60))
				}
			}
			h.text = textOf(n)
			if h.text == "" {
				// An empty heading: Markdown drops it; its ids go to the next one.
				pending = append(pending, h.old...)
				remove(n)
				continue
			}
			b.headings = append(b.headings, h)
			current = len(b.headings) - 1
			continue
		}
		if insideRaw(n) {
			continue
		}
		id := attr(n, "id")
		name := ""
		if n.DataAtom == atom.A {
			name = attr(n, "name")
		}
		for _, v := range []string{id, name} {
			if v == "" {
				continue
			}
			v = unescapeID(v)
			if n.DataAtom == atom.A && attr(n, "href") == "" && strings.TrimSpace(textOf(n)) == "" && nextIsHeading(n) {
				pending = append(pending, v)
			} else {
				b.anchors[v] = current
			}
		}
		delAttr(n, "id")
		delAttr(n, "name")
		if n.DataAtom == atom.A && attr(n, "href") == "" {
			unwrap(n)
		}
	}
	for _, v := range pending {
		b.anchors[v] = current
	}
}

// unescapeID decodes an element id or name the way link fragments are
// decoded (zendesk.ParseRef), so that <a name="Void%20Cheque"> and
// href="#Void%20Cheque" meet.
func unescapeID(id string) string {
	if s, err := url.PathUnescape(id); err == nil {
		return s
	}
	return id
}

func isHeading(n *html.Node) bool {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// nextIsHeading reports whether the next content after n (skipping
// whitespace and empty wrappers) is a heading.
func nextIsHeading(n *html.Node) bool {
	for cur := n; cur != nil; cur = cur.Parent {
		for s := cur.NextSibling; s != nil; s = s.NextSibling {
			if s.Type == html.TextNode && strings.TrimSpace(s.Data) == "" {
				continue
			}
			return s.Type == html.ElementNode && isHeading(s)
		}
		if cur.Parent == nil || cur.Parent.DataAtom == atom.Body || textOf(cur.Parent) != "" {
			return false
		}
	}
	return false
}

// fileNameAlt matches alt text that is only a file name, which Zendesk's
// editor writes for every image it uploads ("mceclip0.png",
// "Screen_Shot_2019-11-04_at_9.15.58_AM.png"): readers of screen readers
// hear the file name instead of what the image shows.
var fileNameAlt = regexp.MustCompile(`(?i)^[^/\\]{0,160}\.(png|jpe?g|gif|webp|svg|bmp|tiff?|heic)$|^(mceclip|image|img|screenshot|screen shot|skärmbild|skjermbilde|bildschirmfoto)[ _-]?\d*$`)

// images points attachment images at their copies beside the article.
func (b *body) images(root *html.Node) {
	var named []string // alt texts that are file names
	defer func() {
		if len(named) > 0 {
			b.notef("%d %s a file name as alt text (%s): replace each with what the image shows", len(named), plural(len(named), "image has", "images have"), clipList(named, 3))
		}
	}()
	for _, n := range elements(root) {
		if n.DataAtom != atom.Img || n.Parent == nil {
			continue
		}
		src := attr(n, "src")
		local := b.file(src)
		if local != "" {
			setAttr(n, "src", local)
		} else if r := b.ref(src); r.Kind == zendesk.RefAttachment {
			setAttr(n, "src", r.Abs) // not downloaded: noted with the article
		} else if r.Kind != zendesk.RefNone {
			setAttr(n, "src", r.Abs)
			b.actionf("image %s is on the old help center but is no article attachment, so the import did not download it: save it beside the article and point the image at it before the old help center closes", r.Abs)
		} else if strings.HasPrefix(src, "data:") {
			if name := b.embed(src); name != "" {
				setAttr(n, "src", escapeURLPath(name))
				local = name
			} else {
				b.notef("an image with inline data (a data: URL) that is not a readable image was kept as is")
			}
		} else if src != "" {
			b.notef("image %s is on another host: the site's Content-Security-Policy (img-src 'self') blocks it; save it beside the article and point the image at it", src)
		}
		alt := strings.TrimSpace(attr(n, "alt"))
		// A title the editor filled with the file name is no caption.
		if t := strings.TrimSpace(attr(n, "title")); t == "" || t == alt || fileNameAlt.MatchString(t) {
			delAttr(n, "title")
		}
		if local != "" && !webImage(local) {
			// The site shows PNG, JPEG, GIF, WebP and SVG: anything else is a download.
			link := elem(atom.A, "href", local)
			text := alt
			if text == "" {
				text = lastElem(local)
			}
			link.AppendChild(textNode(text))
			n.Parent.InsertBefore(link, n)
			remove(n)
			b.notef("image %s is not a PNG, JPEG, GIF, WebP or SVG, which browsers show: it became a link to the file", lastElem(local))
			continue
		}
		switch {
		case !hasAttr(n, "alt"):
			b.actionf("image %s has no alt text: describe what it shows between the brackets of ![](%s)", lastElem(attr(n, "src")), attr(n, "src"))
		case alt == "":
			// An empty alt is how HTML marks an image as decorative.
			setAttr(n, "alt", decorativeTok)
			b.notef("image %s has an empty alt text, which marks it decorative: imported as ![](%s){.decorative} (describe it instead if it shows something readers need)", lastElem(attr(n, "src")), attr(n, "src"))
		case fileNameAlt.MatchString(alt):
			named = append(named, alt)
		}
		for _, k := range []string{"width", "height", "style", "class"} {
			delAttr(n, k)
		}
		// An image linked to itself: the site links images to their full size anyway.
		if p := n.Parent; p.DataAtom == atom.A && b.file(attr(p, "href")) != "" && b.file(attr(p, "href")) == attr(n, "src") {
			unwrap(p)
		}
	}
}

// embed decodes an image data: URL into a file beside the article and
// returns its name, or "" when src is not a readable image.
func (b *body) embed(src string) string {
	meta, payload, ok := strings.Cut(strings.TrimPrefix(src, "data:"), ",")
	if !ok {
		return ""
	}
	mediaType, isBase64 := strings.CutSuffix(meta, ";base64")
	mediaType, _, _ = strings.Cut(mediaType, ";")
	ext := map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp", "image/svg+xml": ".svg"}[strings.ToLower(strings.TrimSpace(mediaType))]
	if ext == "" {
		return ""
	}
	var data []byte
	var err error
	if isBase64 {
		data, err = base64.StdEncoding.DecodeString(strings.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
				return -1
			}
			return r
		}, payload))
	} else {
		var text string
		text, err = url.PathUnescape(payload)
		data = []byte(text)
	}
	if err != nil || len(data) == 0 {
		return ""
	}
	for i := len(b.embedded) + 1; ; i++ {
		name := fmt.Sprintf("embedded-image-%d%s", i, ext)
		if b.taken != nil && b.taken(name) {
			continue
		}
		b.embedded = append(b.embedded, embeddedFile{name: name, data: data})
		b.notef("an image held in the page itself (a data: URL) became the file %s", name)
		return name
	}
}

// webImage reports whether a file is of a type browsers show as an image.
func webImage(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg":
		return true
	}
	return false
}

// imageAlts is the alt text of the images below n, as textOf reads them.
func imageAlts(n *html.Node) string {
	var alts []string
	for _, c := range elements(n) {
		if c.DataAtom == atom.Img {
			alts = append(alts, attr(c, "alt"))
		}
	}
	return strings.Join(strings.Fields(strings.Join(alts, "")), " ")
}

func lastElem(s string) string { return s[strings.LastIndexByte(s, '/')+1:] }

// clipList joins the first n items and says how many more there are.
func clipList(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// headingSize maps the editor's font-size classes to heading levels.
var headingSize = map[string]int{"wysiwyg-font-size-xx-large": 2, "wysiwyg-font-size-x-large": 2, "wysiwyg-font-size-large": 3}

// styledHeadings turns paragraphs that only look like headings (the
// whole paragraph bold in the editor's large font, as writers made
// headings before Zendesk's editor had them) into headings, so that they
// get ids, a place in the table of contents and anchors.
func (b *body) styledHeadings(root *html.Node) {
	count := 0
	for _, n := range elements(root) {
		if n.DataAtom != atom.P || n.Parent == nil || insideRaw(n) || inside(n, atom.Li, atom.Td, atom.Th, atom.Blockquote, atom.Table) {
			continue
		}
		text := textOf(n)
		if text == "" || len([]rune(text)) > 120 || strings.HasSuffix(text, ":") {
			continue
		}
		level, bold, plain := 0, false, true
		for _, c := range elements(n) {
			switch c.DataAtom {
			case atom.Span, atom.Font:
				for _, cls := range strings.Fields(attr(c, "class")) {
					if l := headingSize[cls]; l > 0 && textOf(c) == text && (level == 0 || l < level) {
						level = l
					}
				}
			case atom.Strong, atom.B:
				bold = bold || textOf(c) == text
			case atom.Br, atom.U, atom.Em, atom.I:
			default:
				plain = false
			}
		}
		if level == 0 || !plain || !bold && level > 2 {
			continue
		}
		n.DataAtom = atom.Lookup([]byte("h" + strconv.Itoa(level)))
		n.Data = n.DataAtom.String()
		for _, c := range elements(n) {
			switch c.DataAtom {
			case atom.Strong, atom.B, atom.Span, atom.Font:
				unwrap(c) // the heading's size and weight are the heading's now
			case atom.Br:
				remove(c)
			}
		}
		count++
	}
	if count > 0 {
		b.notef("%d %s in large bold text became %s", count, plural(count, "paragraph", "paragraphs"), plural(count, "a heading", "headings"))
	}
}

// stepNumber matches a paragraph that starts with its step's number.
var stepNumber = regexp.MustCompile(`^\s*([0-9]{1,2})[.)]\s+`)

// numberedParagraphs turns runs of paragraphs numbered 1., 2., 3. … into
// an ordered list (what the steps of a how-to are), keeping what stands
// between two steps (a screenshot, a note) in the step before it.
func (b *body) numberedParagraphs(root *html.Node) {
	for _, parent := range append([]*html.Node{root}, elements(root)...) {
		if parent.Parent == nil && parent != root || insideRaw(parent) || parent.DataAtom == atom.Li || parent.DataAtom == atom.Td || parent.DataAtom == atom.Th {
			continue
		}
		var run []*html.Node // the numbered paragraphs of the current run
		var between [][]*html.Node
		var pending []*html.Node
		flush := func() {
			if len(run) >= 2 {
				b.makeSteps(run, between)
			}
			run, between, pending = nil, nil, nil
		}
		for c := parent.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" {
				continue
			}
			if c.Type != html.ElementNode {
				flush()
				continue
			}
			if c.DataAtom == atom.P {
				if m := stepNumber.FindStringSubmatch(leadingText(c)); m != nil {
					n, _ := strconv.Atoi(m[1])
					switch {
					case n == len(run)+1 && len(run) > 0:
						between = append(between, pending)
						pending = nil
						run = append(run, c)
						continue
					case n == 1:
						flush()
						run = []*html.Node{c}
						continue
					}
				}
			}
			if len(run) == 0 {
				continue
			}
			switch c.DataAtom {
			case atom.P, atom.Div, atom.Figure, atom.Pre, atom.Ul, atom.Blockquote, atom.Img:
				pending = append(pending, c) // may belong to the step before it
			default:
				flush()
			}
		}
		flush()
	}
}

// leadingText is the text at the start of n, up to its first element
// that is not inline formatting.
func leadingText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(strings.ReplaceAll(c.Data, "\u00a0", " "))
			case c.Type == html.ElementNode && (c.DataAtom == atom.Strong || c.DataAtom == atom.B || c.DataAtom == atom.Span || c.DataAtom == atom.Em):
				if !walk(c) {
					return false
				}
			default:
				return false
			}
			if b.Len() > 8 {
				return false
			}
		}
		return true
	}
	walk(n)
	return b.String()
}

// makeSteps replaces numbered paragraphs (and what stood between them) by
// an ordered list.
func (b *body) makeSteps(run []*html.Node, between [][]*html.Node) {
	ol := elem(atom.Ol)
	run[0].Parent.InsertBefore(ol, run[0])
	for i, p := range run {
		stripStepNumber(p)
		li := elem(atom.Li)
		p.Parent.RemoveChild(p)
		li.AppendChild(p)
		if i+1 < len(run) {
			for _, extra := range between[i] {
				extra.Parent.RemoveChild(extra)
				li.AppendChild(extra)
			}
		}
		ol.AppendChild(li)
	}
}

// stripStepNumber removes the "1. " a numbered paragraph starts with,
// and the bold around it when the number was bold on its own.
func stripStepNumber(p *html.Node) {
	c := p
	for {
		t := c.FirstChild
		for t != nil && t.Type == html.TextNode && strings.TrimSpace(strings.ReplaceAll(t.Data, "\u00a0", "")) == "" {
			t = t.NextSibling
		}
		if t == nil {
			return
		}
		if t.Type != html.TextNode {
			c = t
			continue
		}
		text := strings.ReplaceAll(t.Data, "\u00a0", " ")
		loc := stepPrefix.FindStringIndex(text)
		if loc == nil {
			return
		}
		t.Data = text[loc[1]:]
		if t.Data != "" {
			return
		}
		// "<strong>1.</strong> First": the bold held only the number.
		for e := t.Parent; e != p && strings.TrimSpace(textOf(e)) == ""; {
			next := e.Parent
			remove(e)
			e = next
		}
		if f := p.FirstChild; f != nil && f.Type == html.TextNode {
			f.Data = strings.TrimLeft(strings.ReplaceAll(f.Data, "\u00a0", " "), " ")
		}
		return
	}
}

// stepPrefix is the number at the start of a step's first text.
var stepPrefix = regexp.MustCompile(`^\s*[0-9]{1,2}[.)](?:\s+|$)`)

// hrefs turns links to help center pages into tokens resolved once every
// page has its file, attachment links into links to the copies, and old
// help center links without a page here into absolute URLs.
func (b *body) hrefs(root *html.Node) {
	for _, n := range elements(root) {
		if n.DataAtom != atom.A || n.Parent == nil {
			continue
		}
		href := attr(n, "href")
		if href == "" {
			continue
		}
		if strings.TrimSpace(textOf(n)) == "" && !hasChild(n, atom.Img) {
			unwrap(n)
			continue
		}
		if scheme, _, ok := strings.Cut(strings.ToLower(strings.TrimSpace(href)), ":"); ok && (scheme == "javascript" || scheme == "vbscript" || scheme == "data") {
			b.notef("a %s: link (%q) became plain text: a page of the site runs no scripts of its own", scheme, clip(textOf(n), 40))
			unwrap(n)
			continue
		}
		if local := b.file(href); local != "" {
			setAttr(n, "href", local)
			continue
		}
		r := b.ref(href)
		switch r.Kind {
		case zendesk.RefNone:
			continue
		case zendesk.RefAttachment:
			setAttr(n, "href", r.Abs) // not downloaded: noted with the article
			continue
		case zendesk.RefOther:
			setAttr(n, "href", r.Abs)
			b.notef("link to %s: no page here for it, it points at the old help center", r.Abs)
			continue
		}
		b.links = append(b.links, bodyLink{ref: r, raw: insideRaw(n)})
		setAttr(n, "href", linkTok+strconv.Itoa(len(b.links)-1)+tokEnd)
	}
}

func hasChild(n *html.Node, tag atom.Atom) bool {
	for _, c := range elements(n) {
		if c.DataAtom == tag {
			return true
		}
	}
	return false
}

// tidy removes the empty paragraphs and stray wrappers editors leave.
func (b *body) tidy(root *html.Node) {
	for _, n := range elements(root) {
		if n.Parent == nil || insideRaw(n) {
			continue
		}
		switch n.DataAtom {
		case atom.P, atom.Div:
			if strings.TrimSpace(strings.ReplaceAll(textOf(n), "\u00a0", "")) == "" && !hasChild(n, atom.Img) && !hasChild(n, atom.Table) && !hasRaw(n) {
				remove(n)
			}
		case atom.Ul, atom.Ol:
			// <ul><li>a</li><ul>…</ul></ul>: the inner list belongs to the item before it.
			if p := n.Parent; p.DataAtom == atom.Ul || p.DataAtom == atom.Ol {
				prev := n.PrevSibling
				for prev != nil && prev.Type != html.ElementNode {
					prev = prev.PrevSibling
				}
				if prev != nil && prev.DataAtom == atom.Li {
					p.RemoveChild(n)
					prev.AppendChild(n)
				}
			}
		case atom.Pre:
			// The language may sit on <pre> rather than <code>.
			if lang := languageOf(attr(n, "class")); lang != "" {
				if c := n.FirstChild; c != nil && c.DataAtom == atom.Code && languageOf(attr(c, "class")) == "" {
					setAttr(c, "class", "language-"+lang)
				} else if c == nil || c.DataAtom != atom.Code {
					code := elem(atom.Code, "class", "language-"+lang)
					for c := n.FirstChild; c != nil; {
						next := c.NextSibling
						n.RemoveChild(c)
						code.AppendChild(c)
						c = next
					}
					n.AppendChild(code)
				}
			}
		}
	}
}

func hasRaw(n *html.Node) bool {
	for _, c := range elements(n) {
		if hasAttr(c, rawAttr) {
			return true
		}
	}
	return false
}

var languageRe = regexp.MustCompile(`(?:^|\s)(?:language|lang|brush:?)-?\s*([A-Za-z0-9+#-]+)`)

func languageOf(class string) string {
	if m := languageRe.FindStringSubmatch(class); m != nil {
		return strings.ToLower(m[1])
	}
	return ""
}

// escapeURLPath percent-encodes what a Markdown link destination cannot hold.
func escapeURLPath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}
