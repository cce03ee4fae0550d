package render

import (
	"bytes"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/hours"
	"github.com/inexchange/helpcenter/internal/site"
	"github.com/tdewolff/minify/v2"
)

// Output receives rendered files; names are slash paths below public/.
// It must be safe for concurrent use.
type Output interface {
	WriteFile(name string, data []byte) error
}

// Renderer renders a site with one set of templates.
type Renderer struct {
	T    *Templates
	M    *minify.M
	Site *site.Site
	// Now is the build's clock (phone-hours notices).
	Now time.Time
	// Preview marks pages for helpcenter serve.
	Preview bool
	// Logo is the URL path of the site's logo, for schema.org's
	// publisher.logo; "" leaves it out.
	Logo string
	// Rendered, when set, is called with each job once its page is
	// rendered (before it is written), on the rendering goroutine: a
	// one-off build lets the article's HTML go then.
	Rendered func(Job)
}

// Job is one HTML page to render.
type Job struct {
	Name string // output path, "en/articles/x/index.html"
	Page *Page
}

// SectionListMax caps "Articles in this section".
const SectionListMax = 10

// Jobs lists every HTML page of the site.
func (r *Renderer) Jobs() ([]Job, error) {
	s := r.Site
	sd := &SiteData{Title: s.Settings.Title, BaseURL: s.BaseURL, API: s.API, Default: s.DefaultLocale().Code, Params: s.Settings.Params,
		SearchMisses: s.Settings.SearchMisses == nil || *s.Settings.SearchMisses}
	for _, l := range s.Locales {
		sd.Locales = append(sd.Locales, Alternate{Locale: l.Code, Name: r.T.T(l.Code, "lang.name"), URL: l.URL, Permalink: s.BaseURL + l.URL})
	}
	var jobs []Job
	add := func(name string, p *Page) { jobs = append(jobs, Job{Name: name, Page: p}) }
	casesURLs := map[string]string{}
	for _, l := range s.Locales {
		casesURLs[l.Code] = CasesURL(l.Code)
	}
	def := s.DefaultLocale()
	root := r.base(sd, def, KindRoot, s.Settings.Title, s.Settings.Description, "/")
	root.Alternates = nil
	add("index.html", root)
	for _, l := range s.Locales {
		home := r.base(sd, l, KindHome, l.Title, l.Description, l.URL)
		home.Alternates = r.alternates(l, s.URLs())
		home.FeedURL, home.FeedTitle = l.URL+"feed.xml", l.Title
		add(l.Code+"/index.html", home)

		search := r.base(sd, l, KindSearch, r.T.T(l.Code, "search.title"), "", l.URL+"search/")
		search.NoIndex = true
		search.Breadcrumbs = []Link{{l.Title, l.URL}}
		add(l.Code+"/search/index.html", search)

		yours := r.base(sd, l, KindCases, r.T.T(l.Code, "cases.my.title"), "", CasesURL(l.Code))
		yours.NoIndex = true
		yours.Breadcrumbs = []Link{{l.Title, l.URL}}
		yours.Alternates = r.alternates(l, casesURLs)
		add(l.Code+"/cases/index.html", yours)

		nf := r.base(sd, l, KindNotFound, r.T.T(l.Code, "notfound.title"), "", l.URL+"404.html")
		nf.NoIndex = true
		add(l.Code+"/404.html", nf)
		if l == def {
			rootNF := *nf
			add("404.html", &rootNF)
		}

		for _, c := range l.Categories {
			p := r.base(sd, l, KindCategory, c.Title, c.Description, c.URL)
			p.Category = c
			p.Breadcrumbs = []Link{{l.Title, l.URL}}
			p.Alternates = r.alternates(l, c.URLs())
			add(trim(c.URL)+"index.html", p)
		}
		for _, sec := range l.Sections {
			if sec.Category == nil {
				continue
			}
			p := r.base(sd, l, KindSection, sec.Title, sec.Description, sec.URL)
			p.Section, p.Category = sec, sec.Category
			p.Breadcrumbs = []Link{{l.Title, l.URL}, {sec.Category.Title, sec.Category.URL}}
			p.Alternates = r.alternates(l, sec.URLs())
			p.FeedURL, p.FeedTitle = sec.FeedURL, sec.Title
			add(trim(sec.URL)+"index.html", p)
		}
		for _, a := range l.Articles {
			p, err := r.articlePage(sd, a)
			if err != nil {
				return nil, err
			}
			add(trim(a.URL)+"index.html", p)
		}
		for _, lb := range l.Labels {
			p := r.base(sd, l, KindLabel, lb.Name, "", lb.URL)
			p.Label = lb
			p.Breadcrumbs = []Link{{l.Title, l.URL}}
			add(trim(lb.URL)+"index.html", p)
		}
	}
	return jobs, nil
}

func trim(u string) string { return u[1:] }

// CasesURL is the path of a locale's "Your cases" page, where readers
// sign in to follow their cases (the form handler links back to it).
func CasesURL(locale string) string { return "/" + locale + "/cases/" }

func (r *Renderer) base(sd *SiteData, l *site.Locale, kind, title, desc, url string) *Page {
	p := &Page{Site: sd, Locale: l.Code, Lang: l, Kind: kind, Title: title, Description: desc, URL: url, Permalink: r.Site.BaseURL + url, Categories: l.Categories, Preview: r.Preview}
	if p.Description == "" {
		p.Description = l.Description
	}
	if l.Requirements != nil {
		p.RequirementsURL = l.Requirements.URL
	}
	if l.CaseForm != nil {
		p.CaseFormURL = l.CaseForm.URL
	}
	if p.FeedURL == "" {
		p.FeedURL, p.FeedTitle = l.URL+"feed.xml", l.Title
	}
	p.Alternates = []Alternate{{Locale: l.Code, Name: r.T.T(l.Code, "lang.name"), URL: url, Permalink: p.Permalink, Current: true}}
	return p
}

// alternates lists the page in every locale of urls, in locale order.
func (r *Renderer) alternates(cur *site.Locale, urls map[string]string) []Alternate {
	var out []Alternate
	for _, l := range r.Site.Locales {
		u, ok := urls[l.Code]
		if !ok {
			continue
		}
		out = append(out, Alternate{Locale: l.Code, Name: r.T.T(l.Code, "lang.name"), URL: u, Permalink: r.Site.BaseURL + u, Current: l == cur})
	}
	return out
}

func (r *Renderer) articlePage(sd *SiteData, a *site.Article) (*Page, error) {
	l := a.Locale
	p := r.base(sd, l, KindArticle, a.Title, a.Description, a.URL)
	if a.Description == "" {
		p.Description = excerpt(a.Summary, 160)
	}
	p.Article, p.Section, p.Category = a, a.Section, a.Section.Category
	if im := a.Image; im != nil && im.Fallback != nil {
		p.Image = &ShareImage{URL: r.Site.BaseURL + im.Fallback.URL(), Type: im.Fallback.Type, Width: im.Fallback.Width, Height: im.Fallback.Height, Alt: a.ImageAlt}
	}
	p.Breadcrumbs = []Link{{l.Title, l.URL}, {a.Section.Category.Title, a.Section.Category.URL}, {a.Section.Title, a.Section.URL}}
	p.Alternates = r.alternates(l, a.URLs())
	p.SectionArticles, p.MoreInSection = sectionWindow(a)
	p.FeedURL, p.FeedTitle = a.Section.FeedURL, a.Section.Title
	switch a.Layout {
	case content.LayoutCaseForm:
		p.CaseFields = caseform.Fields
	case content.LayoutPhoneHours:
		if a.Front.Hours != nil {
			v, err := hours.NewView(*a.Front.Hours, r.Now)
			if err != nil {
				return nil, content.Wrap(a.File.Path, a.File.KeyLine("hours"), 1, content.ErrLayout, "", fmt.Errorf("hours: %w", err))
			}
			p.Hours = v
		}
	}
	return p, nil
}

// sectionWindow returns up to SectionListMax articles of a's section
// around a, and whether the list was cut.
func sectionWindow(a *site.Article) ([]*site.Article, bool) {
	all := a.Section.Articles
	if len(all) <= SectionListMax+2 {
		return all, false
	}
	i := a.SectionIndex
	if i >= len(all) || all[i] != a { // a graph not made by site.New
		for i = 0; i < len(all) && all[i] != a; i++ {
		}
	}
	start := i - SectionListMax/2
	if start < 0 {
		start = 0
	}
	if start+SectionListMax > len(all) {
		start = len(all) - SectionListMax
	}
	return all[start : start+SectionListMax], true
}

func excerpt(s string, n int) string {
	r := []rune(s)
	for i, c := range r {
		if c == '\n' {
			r[i] = ' '
		}
	}
	if len(r) <= n {
		return strings.TrimSpace(string(r))
	}
	cut := n
	for cut > n/2 && r[cut] != ' ' {
		cut--
	}
	return strings.TrimSpace(string(r[:cut])) + "…"
}

// RenderPage executes and minifies one page.
func (r *Renderer) RenderPage(j Job, buf *bytes.Buffer) ([]byte, error) {
	buf.Reset()
	ld, err := r.ld(j.Page)
	if err != nil {
		return nil, fmt.Errorf("rendering %s: schema.org data: %w", j.Name, err)
	}
	p := *j.Page // a copy, so the job list does not keep the JSON alive
	p.JSONLD = ld
	if err := r.T.Execute(buf, p.Locale, p.Kind, &p); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", j.Name, err)
	}
	var out bytes.Buffer
	out.Grow(buf.Len())
	if err := r.M.Minify("text/html", &out, bytes.NewReader(buf.Bytes())); err != nil {
		return nil, fmt.Errorf("minifying %s: %w", j.Name, err)
	}
	return out.Bytes(), nil
}

// RenderAll renders jobs in parallel into out and reports the first error
// of each failing page, sorted.
func (r *Renderer) RenderAll(jobs []Job, out Output) []error {
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	next := make(chan int, len(jobs))
	for i := range jobs {
		next <- i
	}
	close(next)
	// More workers than cores: writing files blocks in the kernel, and
	// a blocked worker's core goes on rendering for another.
	for w := 0; w < 4*runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for i := range next {
				data, err := r.RenderPage(jobs[i], &buf)
				if r.Rendered != nil {
					r.Rendered(jobs[i])
				}
				if err == nil {
					err = out.WriteFile(jobs[i].Name, data)
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errs
}
