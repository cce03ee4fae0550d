package site

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/markdown"
)

// graph holds the state of one New: the site being made, the problems
// found and the pages .md links may point at.
type graph struct {
	opts  Options
	site  *Site
	errs  content.List
	pages map[string]linkTarget // content-relative path -> page, for link resolution
	// unpublished maps content-relative paths of left-out articles to why.
	unpublished map[string]string
	// unpublishedKeys holds, per translation key, the locales of
	// left-out articles with that key: a published article whose
	// translations are all drafts still has translations.
	unpublishedKeys map[string]map[string]bool
}

// linkTarget is anything a .md link may point at.
type linkTarget struct {
	url  string
	file *content.File
	doc  func() *markdown.Doc
}

func (g *graph) errorf(f *content.File, line, col int, kind error, hint, format string, args ...any) {
	g.errs = append(g.errs, content.Errorf(f.Path, line, col, kind, hint, format, args...))
}

func (g *graph) warnf(f *content.File, line int, kind error, hint, format string, args ...any) {
	e := content.Errorf(f.Path, line, 0, kind, hint, format, args...)
	e.Warning = true
	g.errs = append(g.errs, e)
}

// New turns a loaded content tree into the site graph. It returns the
// site and every problem found (errors and warnings); callers must not use
// the site when the list holds errors.
func New(tree *content.Tree, opts Options) (*Site, content.List) {
	g := &graph{opts: opts, pages: map[string]linkTarget{}, unpublished: map[string]string{}, unpublishedKeys: map[string]map[string]bool{}}
	if tree == nil || tree.Settings == nil {
		return nil, content.List{content.Errorf("content/_index.md", 0, 0, content.ErrStructure, "create it with front matter 'title' and 'locales: [en]'", "site settings file is missing")}
	}
	st := tree.Settings.Settings
	s := &Site{Settings: st, SettingsFile: tree.Settings, byCode: map[string]*Locale{}, Articles: map[string]*Article{}}
	g.site = s
	s.BaseURL = strings.TrimSuffix(opts.BaseURL, "/")
	if s.BaseURL == "" {
		s.BaseURL = strings.TrimSuffix(st.BaseURL, "/")
	}
	s.API = strings.TrimSuffix(st.API, "/")
	if s.API == "" {
		s.API = "/api"
	}
	for i, code := range st.Locales {
		l := &Locale{Code: code, Default: i == 0, URL: "/" + code + "/"}
		s.Locales = append(s.Locales, l)
		s.byCode[code] = l
	}
	if len(s.Locales) == 0 {
		// A settings file without locales: is reported by the loader; an
		// empty content folder is not.
		if tree.NoSettingsFile {
			g.errorf(tree.Settings, 0, 0, content.ErrStructure, "add a locale folder with an article, e.g. content/en/<category>/<section>/<article>.md (helpcenter new creates one), or list locales: in content/_index.md", "no locales: content/ holds no locale folder")
		}
		return nil, g.errs
	}
	g.structure(tree, st)
	g.translations()
	g.render()
	g.links()
	g.labels()
	g.promoted()
	g.aliases()
	g.checks()
	return s, g.errs
}

// structure creates locales, categories, sections and articles.
func (g *graph) structure(tree *content.Tree, st *content.Settings) {
	s := g.site
	cats := map[string]*Category{} // "en/cat"
	secs := map[string]*Section{}  // "en/cat/sec"
	var articles []*content.File
	for _, f := range tree.Files {
		l := s.byCode[f.Locale]
		if l == nil {
			g.errorf(f, 0, 0, content.ErrStructure, fmt.Sprintf("add %q to locales: in content/_index.md, or move the file", f.Locale), "folder %q is not a locale of this site", f.Locale)
			continue
		}
		switch f.Kind {
		case content.KindLocaleHome:
			l.Home = f
			l.Title, l.Description, l.Synonyms = f.Home.Title, f.Home.Description, f.Home.Synonyms
			g.pages[f.Rel] = linkTarget{url: l.URL, file: f}
		case content.KindCategory:
			c := &Category{Locale: l, File: f, Key: f.Category, Slug: f.Branch.Slug, Title: f.Branch.Title, Description: f.Branch.Description, Weight: f.Branch.Weight}
			if f.Branch.TranslationKey != "" {
				c.Key = f.Branch.TranslationKey
			}
			if c.Slug == "" {
				c.Slug = content.Slugify(f.Category)
			}
			c.URL = l.URL + "categories/" + c.Slug + "/"
			cats[f.Locale+"/"+f.Category] = c
			l.Categories = append(l.Categories, c)
			g.pages[f.Rel] = linkTarget{url: c.URL, file: f}
		case content.KindSection:
			sec := &Section{Locale: l, File: f, Key: f.Category + "/" + f.Section, Slug: f.Branch.Slug, Title: f.Branch.Title, Description: f.Branch.Description, Weight: f.Branch.Weight}
			if f.Branch.TranslationKey != "" {
				sec.Key = f.Branch.TranslationKey
			}
			if sec.Slug == "" {
				sec.Slug = content.Slugify(f.Section)
			}
			sec.URL = l.URL + "sections/" + sec.Slug + "/"
			sec.FeedURL = sec.URL + "feed.xml"
			secs[f.Locale+"/"+f.Category+"/"+f.Section] = sec
			l.Sections = append(l.Sections, sec)
			g.pages[f.Rel] = linkTarget{url: sec.URL, file: f}
		case content.KindArticle:
			articles = append(articles, f)
		}
	}
	for _, l := range s.Locales {
		if l.Home == nil {
			// A locale without _index.md gets the site's title and no intro.
			l.Title = st.Title
			if l.Title == "" {
				l.Title = content.DefaultTitle
			}
		}
	}
	for _, sec := range secs {
		c := cats[sec.Locale.Code+"/"+sec.File.Category]
		if c == nil {
			g.errorf(sec.File, 0, 0, content.ErrStructure, fmt.Sprintf("create content/%s/%s/_index.md with a title", sec.Locale.Code, sec.File.Category), "category folder %q has no _index.md", sec.File.Category)
			continue
		}
		sec.Category = c
		c.Sections = append(c.Sections, sec)
	}
	now := g.opts.Now
	for _, f := range articles {
		a := f.Article
		why := ""
		switch {
		case a.Draft && !g.opts.Drafts:
			why = "a draft (preview it with --drafts)"
		case !a.PublishAt.IsZero() && a.PublishAt.After(now) && !g.opts.Future:
			why = "scheduled for " + a.PublishAt.Format("2006-01-02") + " (preview it with --future)"
		case !a.ExpiresAt.IsZero() && !a.ExpiresAt.After(now) && !g.opts.Future:
			why = "expired on " + a.ExpiresAt.Format("2006-01-02")
		}
		if why != "" {
			g.unpublished[f.Rel] = why
			key := a.TranslationKey
			if key == "" {
				key = strings.TrimPrefix(f.Rel, f.Locale+"/")
			}
			if g.unpublishedKeys[key] == nil {
				g.unpublishedKeys[key] = map[string]bool{}
			}
			g.unpublishedKeys[key][f.Locale] = true
			continue
		}
		sec := secs[f.Locale+"/"+f.Category+"/"+f.Section]
		if sec == nil || sec.Category == nil {
			if sec == nil {
				g.errorf(f, 0, 0, content.ErrStructure, fmt.Sprintf("create content/%s/%s/%s/_index.md with a title", f.Locale, f.Category, f.Section), "section folder %q has no _index.md", f.Section)
			}
			continue
		}
		l := sec.Locale
		art := &Article{Locale: l, Section: sec, File: f, Front: a, Key: f.Key(), Slug: a.Slug, Title: a.Title, Description: a.Description, Layout: a.Layout, Date: a.Date.Time, Updated: a.Updated.Time}
		if a.TranslationKey != "" {
			art.Key = a.TranslationKey
		}
		if art.Slug == "" {
			art.Slug = content.Slugify(f.Name)
		}
		if art.Updated.IsZero() {
			art.Updated = art.Date
		}
		art.Draft = a.Draft
		art.Scheduled = !a.PublishAt.IsZero() && a.PublishAt.After(now)
		art.URL = l.URL + "articles/" + art.Slug + "/"
		art.Link = template.HTML(`<a href="` + html.EscapeString(art.URL) + `">` + html.EscapeString(art.Title) + `</a>`)
		sec.Articles = append(sec.Articles, art)
		s.Articles[f.Rel] = art
		g.pages[f.Rel] = linkTarget{url: art.URL, file: f, doc: func() *markdown.Doc { return art.doc }}
		switch a.Layout {
		case content.LayoutRequirements:
			g.single(&l.Requirements, art)
		case content.LayoutCaseForm:
			g.single(&l.CaseForm, art)
		case content.LayoutPhoneHours:
			g.single(&l.PhoneHours, art)
		}
	}
	// Order everything and check slugs.
	for _, l := range s.Locales {
		sortBranches(l.Categories, func(c *Category) (int, string) { return c.Weight, c.Title })
		seenCat, seenSec, seenArt := map[string]*content.File{}, map[string]*content.File{}, map[string]*content.File{}
		for _, c := range l.Categories {
			g.unique(seenCat, c.Slug, c.File, "category")
			sortBranches(c.Sections, func(s *Section) (int, string) { return s.Weight, s.Title })
			for _, sec := range c.Sections {
				g.unique(seenSec, sec.Slug, sec.File, "section")
				sortBranches(sec.Articles, func(a *Article) (int, string) { return a.Front.Weight, a.Title })
				for i, a := range sec.Articles {
					a.SectionIndex = i
					g.unique(seenArt, a.Slug, a.File, "article")
					l.Articles = append(l.Articles, a)
				}
			}
		}
		sort.SliceStable(l.Sections, func(i, j int) bool { return sectionLess(l.Sections[i], l.Sections[j]) })
	}
}

func sectionLess(a, b *Section) bool {
	if a.Category == nil || b.Category == nil {
		return a.Key < b.Key
	}
	if a.Category != b.Category {
		return a.Category.Weight < b.Category.Weight || a.Category.Weight == b.Category.Weight && a.Category.Title < b.Category.Title
	}
	return a.Weight < b.Weight || a.Weight == b.Weight && a.Title < b.Title
}

func sortBranches[T any](s []T, key func(T) (int, string)) {
	sort.SliceStable(s, func(i, j int) bool {
		wi, ti := key(s[i])
		wj, tj := key(s[j])
		if wi != wj {
			return wi < wj
		}
		return ti < tj
	})
}

func (g *graph) single(slot **Article, a *Article) {
	if *slot != nil {
		g.errorf(a.File, a.File.KeyLine("layout"), 1, content.ErrLayout, "a locale has one article of this layout; change one of them", "second %q article in locale %q (the first is %s)", a.Layout, a.Locale.Code, (*slot).File.Path)
		return
	}
	*slot = a
}

func (g *graph) unique(seen map[string]*content.File, slug string, f *content.File, what string) {
	if first, ok := seen[slug]; ok {
		line := 0
		if f.Kind == content.KindArticle {
			line = f.KeyLine("slug")
		}
		g.errorf(f, line, 1, content.ErrDuplicateSlug, "give one of them another slug: in its front matter", "%s slug %q is already used by %s", what, slug, first.Path)
		return
	}
	seen[slug] = f
}

// translations pairs articles, sections and categories across locales.
func (g *graph) translations() {
	s := g.site
	byKey := map[string]map[string]*Article{}
	for _, l := range s.Locales {
		for _, a := range l.Articles {
			m := byKey[a.Key]
			if m == nil {
				m = map[string]*Article{}
				byKey[a.Key] = m
			}
			if other, ok := m[l.Code]; ok {
				g.errorf(a.File, a.File.KeyLine("translation_key"), 1, content.ErrTranslation, "each locale may have one article per translation key", "translation key %q is also used by %s", a.Key, other.File.Path)
				continue
			}
			m[l.Code] = a
		}
	}
	for _, l := range s.Locales {
		for _, a := range l.Articles {
			m := byKey[a.Key]
			for _, o := range s.Locales {
				if t := m[o.Code]; t != nil && o != l {
					a.Translations = append(a.Translations, t)
				}
			}
			if a.Front.TranslationKey != "" && len(a.Translations) == 0 && !g.unpublishedElsewhere(a.Key, l.Code) {
				g.errorf(a.File, a.File.KeyLine("translation_key"), 1, content.ErrTranslation, "no article in another locale has this translation_key: fix the key or remove it", "translation key %q points at nothing", a.Front.TranslationKey)
			}
		}
	}
	catKey := map[string][]*Category{}
	secKey := map[string][]*Section{}
	for _, l := range s.Locales {
		for _, c := range l.Categories {
			catKey[c.Key] = append(catKey[c.Key], c)
		}
		for _, sec := range l.Sections {
			secKey[sec.Key] = append(secKey[sec.Key], sec)
		}
	}
	for _, cs := range catKey {
		for _, c := range cs {
			for _, o := range cs {
				if o != c {
					c.Translations = append(c.Translations, o)
				}
			}
		}
	}
	for _, ss := range secKey {
		for _, sec := range ss {
			for _, o := range ss {
				if o != sec {
					sec.Translations = append(sec.Translations, o)
				}
			}
		}
	}
}

// unpublishedElsewhere reports whether an article left out of this build
// (a draft, scheduled or expired) has the translation key in a locale
// other than locale.
func (g *graph) unpublishedElsewhere(key, locale string) bool {
	for l := range g.unpublishedKeys[key] {
		if l != locale {
			return true
		}
	}
	return false
}

// render converts every Markdown body, in parallel.
func (g *graph) render() {
	s := g.site
	renderers := map[string]*markdown.Renderer{}
	howTo := map[string]*markdown.Renderer{} // how-to articles: their steps get ids
	for _, l := range s.Locales {
		c := markdown.Config{UnsafeHTML: s.Settings.UnsafeHTML, Locale: l.Code, Words: g.opts.Words[l.Code]}
		renderers[l.Code] = markdown.New(c)
		c.StepIDs = true
		howTo[l.Code] = markdown.New(c)
	}
	resolve := func(target string) (string, bool) {
		p, ok := g.pages[target]
		return p.url, ok
	}
	type job struct {
		f   *content.File
		r   *markdown.Renderer
		out func(*markdown.Doc)
		a   *Article // nil for branch pages
	}
	var jobs []job
	for _, l := range s.Locales {
		r := renderers[l.Code]
		if l.Home != nil {
			jobs = append(jobs, job{l.Home, r, func(d *markdown.Doc) { l.Intro = template.HTML(d.HTML) }, nil})
		}
		for _, c := range l.Categories {
			jobs = append(jobs, job{c.File, r, func(d *markdown.Doc) { c.Intro = template.HTML(d.HTML) }, nil})
		}
		for _, sec := range l.Sections {
			jobs = append(jobs, job{sec.File, r, func(d *markdown.Doc) { sec.Intro = template.HTML(d.HTML) }, nil})
		}
		for _, a := range l.Articles {
			r := r
			if a.Layout == content.LayoutHowTo {
				r = howTo[l.Code]
			}
			jobs = append(jobs, job{a.File, r, func(d *markdown.Doc) {
				a.doc = d
				a.SetBody(a.File, d)
			}, a})
		}
	}
	if sf := s.SettingsFile; sf != nil {
		jobs = append(jobs, job{sf, renderers[s.Locales[0].Code], func(d *markdown.Doc) { s.RootHTML = template.HTML(d.HTML) }, nil})
	}
	docs := make([]*markdown.Doc, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int, len(jobs))
	for i := range jobs {
		next <- i
	}
	close(next)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				files := g.fileResolver(jobs[i].f, jobs[i].a)
				if md := g.opts.Markdown; md != nil {
					docs[i], errs[i] = md(jobs[i].r, jobs[i].f, resolve, files)
				} else {
					docs[i], errs[i] = jobs[i].r.Render(jobs[i].f.Body, jobs[i].f.Rel, resolve, files)
				}
			}
		}()
	}
	wg.Wait()
	for i, j := range jobs {
		if errs[i] != nil {
			g.errorf(j.f, j.f.BodyLine, 1, content.ErrMarkdown, "", "rendering Markdown: %v", errs[i])
			continue
		}
		j.out(docs[i])
		g.checkLinks(j.f, docs[i])
		g.checkRefs(j.f, docs[i])
		s.Images = append(s.Images, docs[i].Images...)
		s.Files = append(s.Files, docs[i].Files...)
	}
}

// checkLinks reports links to missing or unpublished files; anchors are
// checked in links, once every document is rendered.
func (g *graph) checkLinks(f *content.File, d *markdown.Doc) {
	for _, l := range d.Links {
		if l.Found {
			continue
		}
		line, col := position(f, l.Offset)
		if why, ok := g.unpublished[l.Target]; ok {
			g.errorf(f, line, col, content.ErrUnpublishedRef, "readers would get a page that does not exist: remove the link or publish the target", "link %q points at content/%s, which is %s", l.Dest, l.Target, why)
			continue
		}
		g.errorf(f, line, col, content.ErrBrokenLink, "link to the article's file path relative to this file, e.g. ../section/article.md", "link %q: no page at content/%s", l.Dest, l.Target)
	}
}

// links checks the anchors of every link.
func (g *graph) links() {
	check := func(f *content.File, d *markdown.Doc) {
		if d == nil {
			return
		}
		for _, l := range d.Links {
			if !l.Found || l.Anchor == "" {
				continue
			}
			target := d
			targetPath := f.Path
			if l.Target != "" {
				p := g.pages[l.Target]
				if p.doc == nil {
					continue // branch pages: no anchors to check against
				}
				target = p.doc()
				targetPath = p.file.Path
			}
			if target == nil || target.IDs[l.Anchor] || strings.HasPrefix(l.Anchor, "fn:") || strings.HasPrefix(l.Anchor, "fnref:") {
				continue
			}
			line, col := position(f, l.Offset)
			hint := "anchors are heading ids: lowercase, accents folded, other characters as hyphens"
			if ids := sortedIDs(target.IDs); len(ids) > 0 {
				hint = "headings there: #" + strings.Join(ids, ", #")
			}
			g.errorf(f, line, col, content.ErrBrokenAnchor, hint, "link %q: %s has no heading with id %q", l.Dest, targetPath, l.Anchor)
		}
	}
	for _, l := range g.site.Locales {
		for _, a := range l.Articles {
			check(a.File, a.doc)
		}
	}
	// Ids and links are checked: let the documents go.
	for _, l := range g.site.Locales {
		for _, a := range l.Articles {
			a.doc = nil
		}
	}
}

func sortedIDs(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(out) > 12 {
		out = append(out[:12], "…")
	}
	return out
}

// position turns a byte offset in f's body into a file line and column.
func position(f *content.File, off int) (int, int) {
	if off > len(f.Body) {
		off = len(f.Body)
	}
	before := f.Body[:off]
	line := f.BodyLine + bytes.Count(before, []byte{'\n'})
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1 // characters, as editors count
	return line, col
}

// labels groups articles by label and finds related articles.
func (g *graph) labels() {
	for _, l := range g.site.Locales {
		bySlug := map[string]*Label{}
		for _, a := range l.Articles {
			seen := map[string]bool{}
			for _, name := range a.Front.Labels {
				slug := content.Slugify(name)
				if seen[slug] {
					continue
				}
				seen[slug] = true
				lb := bySlug[slug]
				if lb == nil {
					lb = &Label{Locale: l, Name: name, Slug: slug, URL: l.URL + "labels/" + slug + "/"}
					bySlug[slug] = lb
					l.Labels = append(l.Labels, lb)
				}
				lb.Articles = append(lb.Articles, a)
				a.Labels = append(a.Labels, lb)
			}
		}
		sort.Slice(l.Labels, func(i, j int) bool { return l.Labels[i].Slug < l.Labels[j].Slug })
		for _, lb := range l.Labels {
			sort.SliceStable(lb.Articles, func(i, j int) bool { return newer(lb.Articles[i], lb.Articles[j]) })
		}
		g.related(l)
	}
}

// RelatedMax caps the related-articles list.
const RelatedMax = 5

// related picks, for every article, the articles sharing the most labels
// (newest first among equals), scanning only each label's newest articles
// so that large sites stay linear.
func (g *graph) related(l *Locale) {
	const scan = 50
	arts := l.Articles
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			score := map[*Article]int{}
			for i := w; i < len(arts); i += workers {
				a := arts[i]
				if len(a.Labels) == 0 {
					continue
				}
				clear(score)
				for _, lb := range a.Labels {
					for _, o := range lb.Articles[:min(len(lb.Articles), scan)] {
						if o != a {
							score[o]++
						}
					}
				}
				a.Related = topRelated(score)
			}
		}()
	}
	wg.Wait()
}

// topRelated picks the RelatedMax best-scored articles, best first:
// more shared labels, then newer, then by URL (a total order, so the
// result does not depend on map order).
func topRelated(score map[*Article]int) []*Article {
	var top [RelatedMax]*Article
	var topScore [RelatedMax]int
	k := 0
	for o, s := range score {
		pos := k
		for pos > 0 && (s > topScore[pos-1] || s == topScore[pos-1] && newer(o, top[pos-1])) {
			pos--
		}
		if pos == RelatedMax {
			continue
		}
		end := k
		if end == RelatedMax {
			end--
		}
		copy(top[pos+1:end+1], top[pos:end])
		copy(topScore[pos+1:end+1], topScore[pos:end])
		top[pos], topScore[pos] = o, s
		if k < RelatedMax {
			k++
		}
	}
	return append([]*Article(nil), top[:k]...)
}

// newer orders articles newest first, then by URL for stability.
func newer(a, b *Article) bool {
	if !a.Updated.Equal(b.Updated) {
		return a.Updated.After(b.Updated)
	}
	return a.URL < b.URL
}

// promoted resolves each locale's promoted list.
func (g *graph) promoted() {
	for _, l := range g.site.Locales {
		seen := map[*Article]bool{}
		if l.Home != nil {
			for _, p := range l.Home.Home.Promoted {
				rel := path.Clean(l.Code + "/" + strings.TrimPrefix(p, "/"))
				a := g.site.Articles[rel]
				if a == nil && strings.HasSuffix(rel, ".md") {
					a = g.site.Articles[strings.TrimSuffix(rel, ".md")+"/index.md"] // a bundle
				}
				if a == nil {
					hint := "list article paths relative to content/" + l.Code + "/, e.g. cases/submitting/create-a-support-case.md"
					if why, ok := g.unpublished[rel]; ok {
						hint = "that article is " + why
					}
					g.errorf(l.Home, l.Home.KeyLine("promoted"), 1, content.ErrBrokenLink, hint, "promoted article %q not found", p)
					continue
				}
				if !seen[a] {
					seen[a] = true
					l.Promoted = append(l.Promoted, a)
				}
			}
		}
		for _, a := range l.Articles {
			if a.Front.Promoted && !seen[a] {
				seen[a] = true
				l.Promoted = append(l.Promoted, a)
			}
		}
	}
}

// aliases collects redirects and rejects clashes with pages.
func (g *graph) aliases() {
	s := g.site
	pages := map[string]bool{}
	for _, p := range g.pages {
		pages[p.url] = true
	}
	seen := map[string]*content.File{}
	add := func(f *content.File, aliases []string, to string) {
		for _, al := range aliases {
			norm := al
			if pages[norm] || pages[norm+"/"] || pages[strings.TrimSuffix(norm, "/")+"/"] {
				g.errorf(f, f.KeyLine("aliases"), 1, content.ErrAliasClash, "an alias must be an old URL that no page uses now", "alias %q clashes with an existing page", al)
				continue
			}
			if first, ok := seen[norm]; ok {
				g.errorf(f, f.KeyLine("aliases"), 1, content.ErrAliasClash, "each old URL can redirect to one page", "alias %q is also claimed by %s", al, first.Path)
				continue
			}
			seen[norm] = f
			s.Aliases = append(s.Aliases, Alias{From: al, To: to, File: f})
		}
	}
	for _, l := range s.Locales {
		if l.Home != nil {
			add(l.Home, l.Home.Home.Aliases, l.URL)
		}
		for _, c := range l.Categories {
			add(c.File, c.File.Branch.Aliases, c.URL)
		}
		for _, sec := range l.Sections {
			add(sec.File, sec.File.Branch.Aliases, sec.URL)
		}
		for _, a := range l.Articles {
			add(a.File, a.Front.Aliases, a.URL)
		}
	}
	sort.Slice(s.Aliases, func(i, j int) bool { return aliasLess(s.Aliases[i].From, s.Aliases[j].From) })
}

// aliasLess orders the rules of _redirects, where the first match wins:
// exact paths first, then prefixes, longer (more specific) ones first.
func aliasLess(a, b string) bool {
	ap, bp := strings.HasSuffix(a, "*"), strings.HasSuffix(b, "*")
	switch {
	case ap != bp:
		return bp
	case ap && len(a) != len(b):
		return len(a) > len(b)
	}
	return a < b
}

// checks adds the warnings writers act on: reviews due and stale translations.
func (g *graph) checks() {
	now := g.opts.Now
	def := g.site.DefaultLocale()
	for _, l := range g.site.Locales {
		for _, a := range l.Articles {
			if rb := a.Front.ReviewBy; !rb.IsZero() && rb.Before(now) {
				g.warnf(a.File, a.File.KeyLine("review_by"), content.ErrStale, "review the article, then move review_by forward", "review was due on %s", rb.Format("2006-01-02"))
			}
			if l == def {
				continue
			}
			for _, src := range a.Translations {
				if src.Locale == def && src.Updated.After(a.Updated) {
					g.warnf(a.File, a.File.KeyLine("updated"), content.ErrStale, "update the translation, then its updated: date", "translation is older than its source %s (updated %s, translation %s)", src.File.Path, src.Updated.Format("2006-01-02"), a.Updated.Format("2006-01-02"))
				}
			}
		}
	}
}
