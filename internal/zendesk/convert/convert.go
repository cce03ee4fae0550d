// Package convert turns a fetched Zendesk help center (package zendesk's
// export folder) into a site's content/ tree.
//
// Categories and sections become folders with an _index.md, articles
// Markdown files — bundles (<slug>/index.md with their images and files
// beside them) when they have attachments. Translations share one path
// below each locale folder (the content model's first rule for
// translations), each locale's URL slug taken from its own old URL, so an
// untranslated or draft translation never leaves a dangling key. Nested
// sections are flattened into their category; articles limited to user
// segments become drafts. Every old /hc/… URL becomes an alias, so the
// build's _redirects answers it with a 301.
//
// Bodies go through html-to-markdown (github.com/JohannesKaufmann/html-to-markdown/v2)
// after a pass over the HTML that handles what Zendesk's editor writes
// (see html.go). Links between pages become relative .md links, their
// anchors mapped to the heading ids the site's Markdown renderer makes;
// links to pages that are not in the export keep pointing at the old
// help center. Whatever could not be kept is a note in the Report, with
// the page's old URL and its new file.
//
// A manifest (content/.zendesk-import.json) records each written file's
// hash: a second run updates the files Zendesk changed and keeps those
// edited by hand since (unless Force), removing the files of pages that
// no longer exist.
package convert

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/zendesk"
)

// Options say what to convert where.
type Options struct {
	// From is the export folder (zendesk.Fetcher's Out).
	From string
	// Site is the site root; content/ below it is written.
	Site string
	// LocaleMap maps Zendesk locales to the site's ("en-us" → "en");
	// unmapped locales keep their Zendesk code.
	LocaleMap map[string]string
	// Force overwrites files edited by hand since the last import.
	Force bool
}

// ParseLocaleMap reads "en-us=en,sv=sv".
func ParseLocaleMap(s string) (map[string]string, error) {
	m := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return m, nil
	}
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.ToLower(strings.TrimSpace(v))
		if !ok || k == "" || !validLocale(v) {
			return nil, fmt.Errorf("--locale-map: %q is not zendesk-locale=site-locale (e.g. en-us=en)", pair)
		}
		m[k] = v
	}
	return m, nil
}

func validLocale(s string) bool {
	if len(s) < 2 || len(s) > 10 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '-' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// locale is one imported locale.
type locale struct {
	zd, site string
	def      bool
}

// page is a file to write for one Zendesk item in one locale.
type page struct {
	kind    string // "article", "section", "category", "home", "settings"
	locale  *locale
	id      int64
	rel     string // content-relative path of the Markdown file: "en/a/b/c.md" or "en/a/b/c/index.md"
	slug    string // the site URL slug
	oldURL  string
	title   string
	article *zendesk.Article
	section *zendesk.Section
	body    *body
	md      string // converted body with tokens
	ids     []string
	files   []bundleFile
	draft   bool
}

// bundleFile is a file copied beside an article.
type bundleFile struct {
	name  string // in the bundle
	local string // in the export: article_attachments/<id>/<name>; "" for data
	data  []byte // the bytes of an image the body held as a data: URL
}

// siteURL is the page's URL on the new site.
func (p *page) siteURL() string {
	switch p.kind {
	case "article":
		return "/" + p.locale.site + "/articles/" + p.slug + "/"
	case "section":
		return "/" + p.locale.site + "/sections/" + p.slug + "/"
	case "category":
		return "/" + p.locale.site + "/categories/" + p.slug + "/"
	}
	return "/" + p.locale.site + "/"
}

// converter is the state of one Run.
type converter struct {
	opts    Options
	exp     *zendesk.Export
	hosts   []string
	base    string
	locales []*locale
	byZD    map[string]*locale
	unsafe  bool
	rep     *Report
	// Pages by Zendesk kind, id and locale.
	articles   map[int64]map[string]*page
	sections   map[int64]map[string]*page
	categories map[int64]map[string]*page
	homes      map[string]*page
	order      []*page // every page, in writing order
	out        map[string][]byte
	copies     map[string]string // content-relative path -> export file
	used       map[string]bool   // "<zendesk locale>/s<id>", "…/c<id>": has articles
	missing    map[int64]zendesk.MissingFile
	manifest   Manifest // the last import's, if any
}

// Run converts opts.From into opts.Site's content/ and reports what it
// did. An error means nothing usable was written (an unreadable export, a
// folder that cannot be written); problems with single pages are notes
// in the report.
func Run(opts Options) (*Report, error) {
	exp, err := zendesk.ReadExport(opts.From)
	if err != nil {
		return nil, err
	}
	c := &converter{opts: opts, exp: exp, hosts: exp.Hosts(), byZD: map[string]*locale{}, rep: newReport(),
		articles: map[int64]map[string]*page{}, sections: map[int64]map[string]*page{}, categories: map[int64]map[string]*page{}, homes: map[string]*page{},
		out: map[string][]byte{}, copies: map[string]string{}}
	if exp.State != nil {
		c.base = exp.State.URL
	}
	c.missing = exp.Missing()
	if b, err := os.ReadFile(filepath.Join(opts.Site, content.Dir, ManifestFile)); err == nil {
		_ = json.Unmarshal(b, &c.manifest)
	}
	if err := c.settings(); err != nil {
		return nil, err
	}
	c.plan()
	if err := c.bodies(); err != nil {
		return nil, err
	}
	c.resolve()
	if err := c.render(); err != nil {
		return nil, err
	}
	if err := c.write(); err != nil {
		return nil, err
	}
	return c.rep, nil
}

// settings decides the locales and reads the site's settings.
func (c *converter) settings() error {
	zdLocales := append([]string(nil), c.exp.Locales.Locales...)
	def := strings.ToLower(c.exp.Locales.DefaultLocale)
	sort.SliceStable(zdLocales, func(i, j int) bool {
		return strings.ToLower(zdLocales[i]) == def && strings.ToLower(zdLocales[j]) != def
	})
	seen := map[string]string{}
	for i, z := range zdLocales {
		z = strings.ToLower(z)
		s := z
		if m, ok := c.opts.LocaleMap[z]; ok {
			s = m
		}
		if !validLocale(s) {
			return fmt.Errorf("zendesk locale %q: give it a site locale with --locale-map %s=<code>", z, z)
		}
		if other, ok := seen[s]; ok {
			return fmt.Errorf("--locale-map: zendesk locales %q and %q both map to %q", other, z, s)
		}
		seen[s] = z
		l := &locale{zd: z, site: s, def: i == 0}
		c.locales = append(c.locales, l)
		c.byZD[z] = l
	}
	for z := range c.opts.LocaleMap {
		if c.byZD[z] == nil {
			return fmt.Errorf("--locale-map: the help center has no locale %q (it has %s)", z, strings.Join(c.exp.Locales.Locales, ", "))
		}
	}
	settingsPath := filepath.Join(c.opts.Site, content.Dir, "_index.md")
	src, err := os.ReadFile(settingsPath)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	f, errs := content.ParseFile(content.Dir+"/_index.md", src)
	if f == nil || f.Settings == nil {
		return fmt.Errorf("%s: %v", settingsPath, errs)
	}
	c.unsafe = f.Settings.UnsafeHTML
	have := map[string]bool{}
	for _, l := range f.Settings.Locales {
		have[l] = true
	}
	var missing []string
	for _, l := range c.locales {
		if !have[l.site] {
			missing = append(missing, l.site)
		}
	}
	if len(missing) > 0 {
		c.rep.action("", "content/_index.md", "add %s to locales: in content/_index.md (the import writes those locale folders)", strings.Join(missing, ", "))
	}
	return nil
}

// nameOf makes a file or folder name from an old URL's slug or a title.
func nameOf(htmlURL, title, kind string, id int64) string {
	if s := content.Slugify(zendesk.SlugOf(htmlURL)); s != "" {
		return s
	}
	if s := content.Slugify(title); s != "" {
		return s
	}
	return kind + "-" + strconv.FormatInt(id, 10)
}

// names hands out unique names: a clash gets the Zendesk id appended.
type names map[string]bool

func (n names) take(name string, id int64) string {
	if n[name] {
		name += "-" + strconv.FormatInt(id, 10)
	}
	n[name] = true
	return name
}

// plan gives every item of every locale its file and slug.
func (c *converter) plan() {
	def := c.locales[0]
	// Categories: one folder per id, named from the first locale that has it.
	type catInfo struct {
		folder string
		byLoc  map[string]*zendesk.Category
	}
	cats := map[int64]*catInfo{}
	var catIDs []int64
	for _, l := range c.locales {
		for _, cat := range c.exp.Categories[l.zd] {
			ci := cats[cat.ID]
			if ci == nil {
				ci = &catInfo{byLoc: map[string]*zendesk.Category{}}
				cats[cat.ID] = ci
				catIDs = append(catIDs, cat.ID)
			}
			ci.byLoc[l.zd] = cat
		}
	}
	sort.Slice(catIDs, func(i, j int) bool { return catIDs[i] < catIDs[j] })
	folders := names{}
	for _, id := range catIDs {
		ci := cats[id]
		first := ci.byLoc[c.firstLocale(func(z string) bool { return ci.byLoc[z] != nil })]
		ci.folder = folders.take(nameOf(first.HTMLURL, first.Name, "category", id), id)
	}
	// Sections: flattened into their category, in depth-first order.
	type secInfo struct {
		folder   string
		category int64
		parent   int64
		byLoc    map[string]*zendesk.Section
		weight   int
	}
	secs := map[int64]*secInfo{}
	var secIDs []int64
	for _, l := range c.locales {
		for _, s := range c.exp.Sections[l.zd] {
			si := secs[s.ID]
			if si == nil {
				si = &secInfo{category: s.CategoryID, byLoc: map[string]*zendesk.Section{}}
				if s.ParentSectionID != nil {
					si.parent = *s.ParentSectionID
				}
				secs[s.ID] = si
				secIDs = append(secIDs, s.ID)
			}
			si.byLoc[l.zd] = s
		}
	}
	sort.Slice(secIDs, func(i, j int) bool { return secIDs[i] < secIDs[j] })
	children := map[int64][]int64{}
	for _, id := range secIDs {
		children[secs[id].parent] = append(children[secs[id].parent], id)
	}
	pos := func(id int64) int {
		si := secs[id]
		for _, l := range c.locales {
			if s := si.byLoc[l.zd]; s != nil {
				return s.Position
			}
		}
		return 0
	}
	for k := range children {
		sort.SliceStable(children[k], func(i, j int) bool { return pos(children[k][i]) < pos(children[k][j]) })
	}
	weight := map[int64]int{}
	var visit func(parent int64)
	visit = func(parent int64) {
		for _, id := range children[parent] {
			cat := secs[id].category
			secs[id].weight = weight[cat]
			weight[cat]++
			visit(id)
		}
	}
	visit(0)
	for _, id := range secIDs {
		if si := secs[id]; si.parent != 0 && secs[si.parent] == nil {
			visit(id) // a parent outside the export
		}
	}
	secFolders := names{}
	for _, id := range secIDs {
		si := secs[id]
		first := si.byLoc[c.firstLocale(func(z string) bool { return si.byLoc[z] != nil })]
		si.folder = secFolders.take(nameOf(first.HTMLURL, first.Name, "section", id), id)
		if cats[si.category] == nil {
			for _, s := range si.byLoc {
				c.rep.warn(s.HTMLURL, "", "section %q belongs to category %d, which is not in the export: it was left out with its articles", s.Name, si.category)
				break
			}
		}
	}

	slugs := map[string]names{} // per site locale and kind: "en/category"
	slugOf := func(l *locale, kind, htmlURL, title string, id int64, fallback string) string {
		key := l.site + "/" + kind
		if slugs[key] == nil {
			slugs[key] = names{}
		}
		s := content.Slugify(zendesk.SlugOf(htmlURL))
		if s == "" {
			s = fallback
		}
		return slugs[key].take(s, id)
	}
	for _, l := range c.locales {
		home := &page{kind: "home", locale: l, rel: l.site + "/_index.md", oldURL: "/hc/" + l.zd}
		c.homes[l.zd] = home
		c.order = append(c.order, home)
		for _, id := range catIDs {
			ci := cats[id]
			cat := ci.byLoc[l.zd]
			if cat == nil && !c.needed(l, id, 0) {
				continue
			}
			p := &page{kind: "category", locale: l, id: id, rel: l.site + "/" + ci.folder + "/_index.md"}
			if cat == nil {
				cat = ci.byLoc[def.zd]
				if cat == nil {
					cat = ci.byLoc[c.firstLocale(func(z string) bool { return ci.byLoc[z] != nil })]
				}
				c.rep.warn(cat.HTMLURL, "content/"+p.rel, "category %q has no %s translation: its %s title stands in", cat.Name, l.zd, cat.Locale)
			} else {
				p.oldURL = cat.HTMLURL
			}
			p.title = cat.Name
			p.slug = slugOf(l, "category", p.oldURL, cat.Name, id, ci.folder)
			p.section = &zendesk.Section{Description: cat.Description, Position: cat.Position}
			c.put(c.categories, id, l, p)
		}
		for _, id := range secIDs {
			si := secs[id]
			if cats[si.category] == nil {
				continue
			}
			s := si.byLoc[l.zd]
			if s == nil && !c.needed(l, 0, id) {
				continue
			}
			p := &page{kind: "section", locale: l, id: id, rel: l.site + "/" + cats[si.category].folder + "/" + si.folder + "/_index.md"}
			if s == nil {
				s = si.byLoc[def.zd]
				if s == nil {
					s = si.byLoc[c.firstLocale(func(z string) bool { return si.byLoc[z] != nil })]
				}
				c.rep.warn(s.HTMLURL, "content/"+p.rel, "section %q has no %s translation: its %s title stands in", s.Name, l.zd, s.Locale)
			} else {
				p.oldURL = s.HTMLURL
			}
			cp := *s
			cp.Position = si.weight
			p.section, p.title = &cp, s.Name
			p.slug = slugOf(l, "section", p.oldURL, s.Name, id, si.folder)
			if si.parent != 0 && l == c.locales[0] {
				parent := "?"
				if ps := secs[si.parent]; ps != nil {
					for _, pl := range c.locales {
						if x := ps.byLoc[pl.zd]; x != nil {
							parent = x.Name
							break
						}
					}
				}
				c.rep.warn(p.oldURL, "content/"+p.rel, "section %q was inside section %q: it is now a section of its category (the site has no nested sections)", s.Name, parent)
			}
			c.put(c.sections, id, l, p)
		}
	}
	// Articles: one file name per id, in its section's folder.
	artNames := names{}
	var artIDs []int64
	byID := map[int64]map[string]*zendesk.Article{}
	for _, l := range c.locales {
		for _, a := range c.exp.Articles[l.zd] {
			if byID[a.ID] == nil {
				byID[a.ID] = map[string]*zendesk.Article{}
				artIDs = append(artIDs, a.ID)
			}
			if !strings.EqualFold(a.Locale, l.zd) && a.Locale != "" {
				c.rep.warn(a.HTMLURL, "", "article %q is listed for %s but has no %s translation (Zendesk sent its %s text): left out", a.Title, l.zd, l.zd, a.Locale)
				continue
			}
			byID[a.ID][l.zd] = a
		}
	}
	sort.Slice(artIDs, func(i, j int) bool { return artIDs[i] < artIDs[j] })
	for _, id := range artIDs {
		vs := byID[id]
		firstZD := c.firstLocale(func(z string) bool { return vs[z] != nil })
		if firstZD == "" {
			continue
		}
		first := vs[firstZD]
		si := secs[first.SectionID]
		if si == nil || cats[si.category] == nil {
			c.rep.warn(first.HTMLURL, "", "article %q is in section %d, which is not in the export: left out", first.Title, first.SectionID)
			continue
		}
		name := artNames.take(nameOf(first.HTMLURL, first.Title, "article", id), id)
		bundle := false
		for _, a := range vs {
			bundle = bundle || len(c.filesFor(a)) > 0 || strings.Contains(a.Body, "data:image/")
		}
		for _, l := range c.locales {
			a := vs[l.zd]
			if a == nil {
				continue
			}
			rel := l.site + "/" + cats[si.category].folder + "/" + si.folder + "/" + name + ".md"
			if bundle {
				rel = l.site + "/" + cats[si.category].folder + "/" + si.folder + "/" + name + "/index.md"
			}
			p := &page{kind: "article", locale: l, id: id, rel: rel, oldURL: a.HTMLURL, title: a.Title, article: a}
			p.slug = slugOf(l, "article", a.HTMLURL, a.Title, id, name)
			p.draft = a.Draft || a.Restricted()
			if a.Restricted() {
				c.rep.warn(a.HTMLURL, "content/"+rel, "article %q is visible only to a user segment in Zendesk: imported as a draft (remove draft: true to publish it to everyone)", a.Title)
			} else if a.Draft {
				c.rep.note(a.HTMLURL, "content/"+rel, "a draft in Zendesk: imported with draft: true")
			}
			if a.Outdated {
				c.rep.note(a.HTMLURL, "content/"+rel, "Zendesk marks this translation as outdated")
			}
			c.put(c.articles, id, l, p)
		}
	}
}

// needed reports whether a locale needs a category or section that has
// no translation in it, because one of its articles does.
func (c *converter) needed(l *locale, category, section int64) bool {
	if c.used == nil {
		c.used = map[string]bool{}
		secCat := map[int64]int64{}
		for _, ll := range c.locales {
			for _, s := range c.exp.Sections[ll.zd] {
				secCat[s.ID] = s.CategoryID
			}
		}
		for _, ll := range c.locales {
			for _, a := range c.exp.Articles[ll.zd] {
				c.used[fmt.Sprintf("%s/s%d", ll.zd, a.SectionID)] = true
				c.used[fmt.Sprintf("%s/c%d", ll.zd, secCat[a.SectionID])] = true
			}
		}
	}
	if section != 0 {
		return c.used[fmt.Sprintf("%s/s%d", l.zd, section)]
	}
	return c.used[fmt.Sprintf("%s/c%d", l.zd, category)]
}

func (c *converter) firstLocale(has func(zd string) bool) string {
	for _, l := range c.locales {
		if has(l.zd) {
			return l.zd
		}
	}
	return ""
}

func (c *converter) put(m map[int64]map[string]*page, id int64, l *locale, p *page) {
	if m[id] == nil {
		m[id] = map[string]*page{}
	}
	m[id][l.zd] = p
	c.order = append(c.order, p)
}

// filesFor lists the exported files of one article version: those its
// body shows or links, and the attachments listed under it.
func (c *converter) filesFor(a *zendesk.Article) []bundleFile {
	var out []bundleFile
	seen := map[string]bool{}
	used := names{}
	add := func(raw string) {
		local := c.exp.AttachmentFile(raw)
		if local == "" || seen[local] {
			return
		}
		seen[local] = true
		ref, _ := zendesk.ParseAttachment(raw)
		out = append(out, bundleFile{name: used.take(fileName(path.Base(local)), ref.ID), local: local})
	}
	for _, u := range zendesk.BodyFileURLs(a.Body) {
		add(u)
	}
	for _, at := range c.exp.Attachments[a.ID] {
		if at.Inline || (at.Locale != "" && zendesk.NormalizeLocale(at.Locale) != zendesk.NormalizeLocale(a.Locale)) {
			continue
		}
		add(at.ContentURL)
	}
	return out
}

// fileName makes a file name safe for URLs: "Screen Shot 1.PNG" becomes
// "screen-shot-1.png".
func fileName(name string) string {
	ext := strings.ToLower(path.Ext(name))
	stem := content.Slugify(strings.TrimSuffix(name, path.Ext(name)))
	if stem == "" {
		stem = "file"
	}
	if content.Slugify(strings.TrimPrefix(ext, ".")) == "" {
		ext = ""
	}
	return stem + ext
}

// bodies converts every article body, in parallel.
func (c *converter) bodies() error {
	var pages []*page
	for _, p := range c.order {
		if p.kind == "article" {
			pages = append(pages, p)
		}
	}
	errs := make([]error, len(pages))
	parallel(len(pages), func(i int) { errs[i] = c.convertBody(pages[i]) })
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("%s: %w", pages[i].oldURL, err)
		}
	}
	return nil
}

func (c *converter) convertBody(p *page) error {
	a := p.article
	p.files = c.filesFor(a)
	byLocal := map[string]string{}
	for _, f := range p.files {
		byLocal[f.local] = f.name
	}
	b := &body{unsafe: c.unsafe,
		file: func(raw string) string { return escapeURLPath(byLocal[c.exp.AttachmentFile(raw)]) },
		ref:  func(raw string) zendesk.Ref { return zendesk.ParseRef(raw, c.base, c.hosts) },
		taken: func(name string) bool {
			for _, f := range p.files {
				if f.name == name {
					return true
				}
			}
			return false
		},
	}
	md, err := b.convertOrFlatten(a.Body)
	if err != nil {
		return err
	}
	for _, e := range b.embedded {
		p.files = append(p.files, bundleFile{name: e.name, data: e.data})
	}
	// Attachments the body does not show are listed at its end, as Zendesk does.
	var listed []bundleFile
	for _, f := range p.files {
		if !strings.Contains(md, "("+escapeURLPath(f.name)) {
			listed = append(listed, f)
		}
	}
	if len(listed) > 0 {
		var sb strings.Builder
		sb.WriteString(md)
		sb.WriteString("\n## " + word(p.locale.site, "attachments") + "\n\n")
		for _, f := range listed {
			fmt.Fprintf(&sb, "- [%s](%s)\n", escapeText(path.Base(f.local)), escapeURLPath(f.name))
		}
		md = sb.String()
		b.headings = append(b.headings, heading{text: word(p.locale.site, "attachments")})
	}
	missing := c.missing
	for _, u := range zendesk.BodyFileURLs(a.Body) {
		if l := c.exp.AttachmentFile(u); byLocal[l] == "" {
			ref, _ := zendesk.ParseAttachment(u)
			if mf, ok := missing[ref.ID]; ok {
				b.actionf("file %s could not be downloaded (%s): the link points at the old help center", u, mf.Error)
			} else {
				b.actionf("file %s is not in the export: the link points at the old help center (fetch again, or add the file beside the article)", u)
			}
		}
	}
	p.body, p.md = b, md
	return nil
}

// words are the few words the import itself writes, per language.
var words = map[string]map[string]string{
	"en": {"attachments": "Attachments", "home": "Help Center"},
	"sv": {"attachments": "Bilagor", "home": "Hjälpcenter"},
	"da": {"attachments": "Vedhæftede filer", "home": "Hjælpecenter"},
	"nb": {"attachments": "Vedlegg", "home": "Hjelpesenter"},
	"no": {"attachments": "Vedlegg", "home": "Hjelpesenter"},
	"fi": {"attachments": "Liitteet", "home": "Ohjekeskus"},
	"de": {"attachments": "Anhänge", "home": "Hilfe-Center"},
	"fr": {"attachments": "Pièces jointes", "home": "Centre d'aide"},
	"es": {"attachments": "Archivos adjuntos", "home": "Centro de ayuda"},
	"nl": {"attachments": "Bijlagen", "home": "Helpcentrum"},
}

func word(locale, key string) string {
	lang, _, _ := strings.Cut(locale, "-")
	if w, ok := words[lang][key]; ok {
		return w
	}
	return words["en"][key]
}

func escapeText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `*`, `\*`, `_`, `\_`)
	return r.Replace(s)
}
