package convert

import (
	"path"
	"strconv"
	"strings"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/markdown"
	"github.com/inexchange/helpcenter/internal/zendesk"
)

// headingIDs renders p's Markdown as the site will and maps each heading
// Zendesk knew to the id the site gives it.
func (c *converter) headingIDs(p *page) {
	r := markdown.New(markdown.Config{Locale: p.locale.site, UnsafeHTML: c.unsafe})
	doc, err := r.Render([]byte(p.md), p.rel, nil, nil)
	if err != nil {
		return
	}
	p.ids = make([]string, len(p.body.headings))
	j := 0
	for i, h := range p.body.headings {
		want := content.Slugify(h.text)
		for k := j; k < len(doc.Headings); k++ {
			if content.Slugify(doc.Headings[k].Text) == want {
				p.ids[i] = doc.Headings[k].ID
				j = k + 1
				break
			}
		}
	}
}

// anchor maps an old fragment of target to its new id ("" for the top of
// the page) and reports whether it knew it.
func (p *page) anchor(old string) (string, bool) {
	if old == "" || p.body == nil {
		return "", old == ""
	}
	for i, h := range p.body.headings {
		for _, o := range h.old {
			if o == old && i < len(p.ids) && p.ids[i] != "" {
				return p.ids[i], true
			}
		}
	}
	if i, ok := p.body.anchors[old]; ok {
		if i >= 0 && i < len(p.ids) {
			return p.ids[i], true
		}
		return "", true
	}
	// A fragment that already is a new id (a heading without a Zendesk id,
	// linked by its text's slug).
	for _, id := range p.ids {
		if id == old {
			return id, true
		}
	}
	return "", false
}

// resolve replaces the link tokens of every body.
func (c *converter) resolve() {
	var arts []*page
	for _, p := range c.order {
		if p.kind == "article" && p.body != nil {
			arts = append(arts, p)
		}
	}
	// The new heading ids, of the pages a link with an anchor points at.
	var targets []*page
	seen := map[*page]bool{}
	for _, p := range arts {
		for _, l := range p.body.links {
			if l.ref.Fragment == "" {
				continue
			}
			t := p
			if l.ref.Kind != zendesk.RefFragment {
				t = c.target(p, l.ref)
			}
			if t != nil && t.body != nil && !seen[t] {
				seen[t] = true
				targets = append(targets, t)
			}
		}
	}
	parallel(len(targets), func(i int) { c.headingIDs(targets[i]) })
	for _, p := range arts {
		p.md = tokenRe.ReplaceAllStringFunc(p.md, func(tok string) string {
			n, _ := strconv.Atoi(tokenRe.FindStringSubmatch(tok)[1])
			return c.linkFor(p, p.body.links[n])
		})
		for _, n := range p.body.notes {
			c.rep.add(n.level, p.oldURL, "content/"+p.rel, "%s", n.msg)
		}
	}
}

// linkFor returns the destination that replaces one link token.
func (c *converter) linkFor(from *page, l bodyLink) string {
	r := l.ref
	if r.Kind == zendesk.RefFragment {
		if id, ok := from.anchor(r.Fragment); ok {
			if id == "" {
				return "#"
			}
			return "#" + id
		}
		c.rep.warn(from.oldURL, "content/"+from.rel, "link to #%s: no heading has that id, the link now goes to the top of the page", r.Fragment)
		return "#"
	}
	target := c.target(from, r)
	if target == nil {
		what := map[zendesk.RefKind]string{zendesk.RefArticle: "article", zendesk.RefSection: "section", zendesk.RefCategory: "category", zendesk.RefHome: "home page"}[r.Kind]
		c.rep.warn(from.oldURL, "content/"+from.rel, "link to %s: that %s is not in the export, the link points at the old help center", r.Abs, what)
		return escapeDest(r.Abs)
	}
	frag := ""
	if r.Fragment != "" {
		id, ok := target.anchor(r.Fragment)
		if !ok && target.kind == "article" {
			c.rep.warn(from.oldURL, "content/"+from.rel, "link to %s: %s has no heading with id %q, the link goes to the top of the page", r.Abs, "content/"+target.rel, r.Fragment)
		}
		if id != "" {
			frag = "#" + id
		}
	}
	if l.raw {
		return target.siteURL() + frag
	}
	if target == from && frag != "" {
		return frag
	}
	rel := relPath(path.Dir(from.rel), target.rel)
	return escapeURLPath(rel) + frag
}

// target finds the page a link points at: in the link's locale, else the
// source's, else any locale that has it published.
func (c *converter) target(from *page, r zendesk.Ref) *page {
	var m map[string]*page
	switch r.Kind {
	case zendesk.RefArticle:
		m = c.articles[r.ID]
	case zendesk.RefSection:
		m = c.sections[r.ID]
	case zendesk.RefCategory:
		m = c.categories[r.ID]
	case zendesk.RefHome:
		if r.Locale != "" {
			if l := c.byZD[r.Locale]; l != nil {
				return c.homes[l.zd]
			}
			return nil
		}
		return c.homes[from.locale.zd]
	}
	if m == nil {
		return nil
	}
	ok := func(p *page) bool {
		return p != nil && !p.draft && p.kind == "article" || p != nil && p.kind != "article" && p.oldURL != ""
	}
	if l := c.byZD[r.Locale]; l != nil && ok(m[l.zd]) {
		return m[l.zd]
	}
	if ok(m[from.locale.zd]) {
		return m[from.locale.zd]
	}
	if from.draft && m[from.locale.zd] != nil {
		return m[from.locale.zd] // drafts may link drafts
	}
	for _, l := range c.locales {
		if ok(m[l.zd]) {
			return m[l.zd]
		}
	}
	return nil
}

// relPath is the relative path from folder dir to file target (both
// content-relative, slash-separated).
func relPath(dir, target string) string {
	from := strings.Split(dir, "/")
	to := strings.Split(target, "/")
	i := 0
	for i < len(from) && i < len(to)-1 && from[i] == to[i] {
		i++
	}
	var parts []string
	for range from[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, to[i:]...)
	return strings.Join(parts, "/")
}

// escapeDest makes an absolute URL safe as a Markdown link destination.
func escapeDest(u string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E").Replace(u)
}
