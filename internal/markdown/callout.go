package markdown

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// KindCallout is the node kind of a callout ("> [!NOTE]" blockquote).
var KindCallout = ast.NewNodeKind("Callout")

// Callout is a highlighted note, tip or warning.
type Callout struct {
	ast.BaseBlock
	// Variant is "note", "tip", "warning", "important" or "caution".
	Variant string
}

// Kind implements ast.Node.
func (n *Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (n *Callout) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Variant": n.Variant}, nil)
}

var calloutVariants = []string{"note", "tip", "important", "warning", "caution"}

// calloutKind reports the variant of a blockquote whose first line is a
// marker such as "[!NOTE]", or "".
func calloutKind(bq *ast.Blockquote, src []byte) string {
	p, ok := bq.FirstChild().(*ast.Paragraph)
	if !ok || p.Lines().Len() == 0 {
		return ""
	}
	first := p.Lines().At(0)
	line := strings.TrimSpace(string(first.Value(src)))
	if !strings.HasPrefix(line, "[!") || !strings.HasSuffix(line, "]") {
		return ""
	}
	v := strings.ToLower(line[2 : len(line)-1])
	for _, k := range calloutVariants {
		if k == v {
			return v
		}
	}
	return ""
}

// makeCallout replaces bq with a Callout holding its content minus the
// marker line.
func makeCallout(bq *ast.Blockquote, src []byte) {
	variant := calloutKind(bq, src)
	p := bq.FirstChild().(*ast.Paragraph)
	end := p.Lines().At(0).Stop
	// Drop inline nodes that belong to the marker line.
	for c := p.FirstChild(); c != nil; {
		next := c.NextSibling()
		t, isText := c.(*ast.Text)
		if isText && t.Segment.Start >= end {
			break
		}
		if !isText && c.Pos() >= end {
			break
		}
		p.RemoveChild(p, c)
		if isText && (t.SoftLineBreak() || t.HardLineBreak() || t.Segment.Stop >= end) {
			break
		}
		c = next
	}
	co := &Callout{Variant: variant}
	parent := bq.Parent()
	parent.ReplaceChild(parent, bq, co)
	for c := bq.FirstChild(); c != nil; {
		next := c.NextSibling()
		if c == p && !p.HasChildren() {
			c = next
			continue
		}
		co.AppendChild(co, c)
		c = next
	}
}

// calloutRenderer writes a callout as a titled note.
type calloutRenderer struct{ words map[string]string }

func (r *calloutRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, r.render)
	reg.Register(KindTableScroll, r.renderTableScroll)
}

func (r *calloutRenderer) render(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		_, _ = w.WriteString("</div>\n")
		return ast.WalkContinue, nil
	}
	v := n.(*Callout).Variant
	title := r.words[v]
	if title == "" {
		title = strings.ToUpper(v[:1]) + v[1:]
	}
	var b bytes.Buffer
	b.WriteString(`<div class="callout callout-`)
	b.WriteString(v)
	b.WriteString(`" role="note"><p class="callout-title">`)
	b.Write(util.EscapeHTML([]byte(title)))
	b.WriteString("</p>\n")
	_, _ = w.Write(b.Bytes())
	return ast.WalkContinue, nil
}

// KindTableScroll is the node kind of the scrolling box around a table.
var KindTableScroll = ast.NewNodeKind("TableScroll")

// TableScroll wraps a table in a box that scrolls sideways on narrow
// screens; it is focusable so keyboard users can scroll it too.
type TableScroll struct {
	ast.BaseBlock
	// Number counts the document's tables from 1: each box needs its own
	// accessible name ("Table 2").
	Number int
}

// Kind implements ast.Node.
func (n *TableScroll) Kind() ast.NodeKind { return KindTableScroll }

// Dump implements ast.Node.
func (n *TableScroll) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// wrapTable puts t inside a TableScroll.
func wrapTable(t ast.Node, number int) {
	parent := t.Parent()
	w := &TableScroll{Number: number}
	parent.ReplaceChild(parent, t, w)
	w.AppendChild(w, t)
}

func (r *calloutRenderer) renderTableScroll(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		_, _ = w.WriteString("</div>\n")
		return ast.WalkContinue, nil
	}
	label := r.words["table"]
	if label == "" {
		label = "Table"
	}
	_, _ = w.WriteString(`<div class="table-scroll" role="region" tabindex="0" aria-label="`)
	_, _ = w.Write(util.EscapeHTML([]byte(label)))
	_, _ = w.WriteString(" " + itoa(n.(*TableScroll).Number) + "\">\n")
	return ast.WalkContinue, nil
}
