package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/site"
)

// SitemapMax is the number of URLs per sitemap file; larger sites get a
// sitemap index (the protocol's limit is 50,000).
const SitemapMax = 40000

// FeedMax caps the entries of an Atom feed.
const FeedMax = 20

// Extras renders the non-HTML files: sitemaps, feeds, robots.txt,
// _redirects and _headers.
func (r *Renderer) Extras(out Output) error {
	files := map[string][]byte{}
	r.sitemaps(files)
	r.feeds(files)
	files["robots.txt"] = []byte("User-agent: *\nAllow: /\n\nSitemap: " + r.Site.BaseURL + "/sitemap.xml\n")
	files["_redirects"] = r.redirects()
	files["_headers"] = r.headers(files)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := out.WriteFile(n, files[n]); err != nil {
			return err
		}
	}
	return nil
}

type smURL struct {
	Loc     string
	Lastmod time.Time
	Alts    map[string]string // locale -> absolute URL
}

func (r *Renderer) sitemaps(files map[string][]byte) {
	s := r.Site
	var urls []smURL
	abs := func(m map[string]string) map[string]string {
		out := make(map[string]string, len(m))
		for k, v := range m {
			out[k] = s.BaseURL + v
		}
		return out
	}
	homes := abs(s.URLs())
	for _, l := range s.Locales {
		urls = append(urls, smURL{Loc: s.BaseURL + l.URL, Alts: homes})
		for _, c := range l.Categories {
			urls = append(urls, smURL{Loc: s.BaseURL + c.URL, Alts: abs(c.URLs())})
		}
		for _, sec := range l.Sections {
			urls = append(urls, smURL{Loc: s.BaseURL + sec.URL, Alts: abs(sec.URLs())})
		}
		for _, a := range l.Articles {
			urls = append(urls, smURL{Loc: s.BaseURL + a.URL, Lastmod: a.Updated, Alts: abs(a.URLs())})
		}
		for _, lb := range l.Labels {
			urls = append(urls, smURL{Loc: s.BaseURL + lb.URL})
		}
	}
	chunks := (len(urls) + SitemapMax - 1) / SitemapMax
	if chunks <= 1 {
		files["sitemap.xml"] = sitemap(urls, s.Locales)
		return
	}
	var idx bytes.Buffer
	idx.WriteString(xml.Header + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for i := 0; i < chunks; i++ {
		end := min((i+1)*SitemapMax, len(urls))
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		files[name] = sitemap(urls[i*SitemapMax:end], s.Locales)
		fmt.Fprintf(&idx, "<sitemap><loc>%s/%s</loc></sitemap>", s.BaseURL, name)
	}
	idx.WriteString("</sitemapindex>\n")
	files["sitemap.xml"] = idx.Bytes()
}

func sitemap(urls []smURL, locales []*site.Locale) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
	for _, u := range urls {
		b.WriteString("<url><loc>")
		xmlEscape(&b, u.Loc)
		b.WriteString("</loc>")
		if !u.Lastmod.IsZero() {
			b.WriteString("<lastmod>" + u.Lastmod.Format("2006-01-02") + "</lastmod>")
		}
		if len(u.Alts) > 1 {
			for _, l := range locales {
				if alt, ok := u.Alts[l.Code]; ok {
					b.WriteString(`<xhtml:link rel="alternate" hreflang="` + l.Code + `" href="`)
					xmlEscape(&b, alt)
					b.WriteString(`"/>`)
				}
			}
		}
		b.WriteString("</url>\n")
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

func xmlEscape(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }

// feeds writes an Atom feed per locale and per section.
func (r *Renderer) feeds(files map[string][]byte) {
	s := r.Site
	for _, l := range s.Locales {
		files[trim(l.URL)+"feed.xml"] = r.atom(l.Title, l.URL, l.URL+"feed.xml", l.Code, l.Articles)
		for _, sec := range l.Sections {
			files[trim(sec.FeedURL)] = r.atom(sec.Title+" – "+l.Title, sec.URL, sec.FeedURL, l.Code, sec.Articles)
		}
	}
}

func (r *Renderer) atom(title, page, self, lang string, arts []*site.Article) []byte {
	s := r.Site
	list := append([]*site.Article(nil), arts...)
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].Updated.Equal(list[j].Updated) {
			return list[i].Updated.After(list[j].Updated)
		}
		return list[i].URL < list[j].URL
	})
	if len(list) > FeedMax {
		list = list[:FeedMax]
	}
	var updated time.Time
	for _, a := range list {
		if a.Updated.After(updated) {
			updated = a.Updated
		}
	}
	if updated.IsZero() {
		updated = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header + `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="` + lang + `"><title>`)
	xmlEscape(&b, title)
	b.WriteString(`</title><id>`)
	xmlEscape(&b, s.BaseURL+page)
	b.WriteString(`</id><link rel="self" href="`)
	xmlEscape(&b, s.BaseURL+self)
	b.WriteString(`"/><link rel="alternate" type="text/html" href="`)
	xmlEscape(&b, s.BaseURL+page)
	b.WriteString(`"/><updated>` + updated.UTC().Format(time.RFC3339) + `</updated><author><name>`)
	xmlEscape(&b, s.Settings.Title)
	b.WriteString("</name></author>\n")
	for _, a := range list {
		b.WriteString("<entry><title>")
		xmlEscape(&b, a.Title)
		b.WriteString(`</title><id>`)
		xmlEscape(&b, s.BaseURL+a.URL)
		b.WriteString(`</id><link rel="alternate" type="text/html" href="`)
		xmlEscape(&b, s.BaseURL+a.URL)
		b.WriteString(`"/><updated>` + a.Updated.UTC().Format(time.RFC3339) + `</updated>`)
		if !a.Date.IsZero() {
			b.WriteString(`<published>` + a.Date.UTC().Format(time.RFC3339) + `</published>`)
		}
		sum := a.Description
		if sum == "" {
			sum = excerpt(a.Summary, 200)
		}
		b.WriteString(`<summary>`)
		xmlEscape(&b, sum)
		b.WriteString("</summary></entry>\n")
	}
	b.WriteString("</feed>\n")
	return b.Bytes()
}

// redirects writes Netlify's _redirects: aliases (301), the language
// choice at / (by the browser's language, default last) and localized 404s.
func (r *Renderer) redirects() []byte {
	s := r.Site
	var b strings.Builder
	b.WriteString("# Generated by helpcenter build. Old URLs (front matter aliases):\n")
	for _, a := range s.Aliases {
		fmt.Fprintf(&b, "%s  %s  301\n", a.From, a.To)
	}
	b.WriteString("\n# The reader's language at /; other readers get the language chooser (index.html):\n")
	for _, l := range s.Locales {
		// Forced (302!): Netlify serves an existing file (index.html)
		// instead of a rule that is not forced ("shadowing").
		fmt.Fprintf(&b, "/  %s  302!  Language=%s\n", l.URL, l.Code)
	}
	b.WriteString("\n# Not found, in the reader's language:\n")
	for _, l := range s.Locales {
		fmt.Fprintf(&b, "%s*  %s404.html  404\n", l.URL, l.URL)
	}
	return []byte(b.String())
}

// ContentSecurityPolicy is the policy the published site is served with
// (in _headers): scripts, styles, fonts, requests and form posts from the
// site itself only, no inline script, images also as data: URLs, no
// framing. It is written here and nowhere else: helpcenter serve and the
// tests serve _headers as Netlify does.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"

// Cache policies of the published files.
const (
	// CacheImmutable is for fingerprinted assets, whose names change
	// with their content.
	CacheImmutable = "public, max-age=31536000, immutable"
	// CacheRevalidate is for everything else: pages, feeds, sitemaps and
	// the search index are checked with the CDN on every visit.
	CacheRevalidate = "public, max-age=0, must-revalidate"
)

// securityHeaders go with every published file.
var securityHeaders = [][2]string{
	{"Content-Security-Policy", ContentSecurityPolicy},
	{"Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "strict-origin-when-cross-origin"},
	{"X-Frame-Options", "DENY"},
	{"X-UA-Compatible", "IE=edge"},
	{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
}

// searchDir is where the search index is published (search/<locale>/).
const searchDir = "search"

// headers writes Netlify's _headers: the security headers for every path,
// and Cache-Control from exactly one rule per path, because Netlify joins
// the values of every rule that matches a path (a "/*" policy would join
// the assets' year-long one). The revalidating rules name each published
// top-level entry but assets/: the root pages, the extras (other holds
// their names), each locale's folder and the search index.
func (r *Renderer) headers(other map[string][]byte) []byte {
	var b strings.Builder
	b.WriteString("# Generated by helpcenter build: the headers Netlify sends with the published\n")
	b.WriteString("# files. Each header has one rule per path: Netlify joins the values of\n")
	b.WriteString("# every rule that matches a path (helpcenter check reports overlaps).\n\n")
	b.WriteString("/*\n")
	for _, h := range securityHeaders {
		fmt.Fprintf(&b, "  %s: %s\n", h[0], h[1])
	}
	b.WriteString("\n# Fingerprinted assets never change: cache them for a year.\n")
	fmt.Fprintf(&b, "/assets/*\n  Cache-Control: %s\n", CacheImmutable)
	b.WriteString("\n# Pages, feeds, sitemaps and the search index revalidate on every visit.\n")
	paths := []string{"/", "/index.html", "/404.html"}
	var extras []string
	for name := range other {
		if !strings.Contains(name, "/") && !strings.HasPrefix(name, "_") {
			extras = append(extras, "/"+name)
		}
	}
	sort.Strings(extras)
	paths = append(paths, extras...)
	for _, l := range r.Site.Locales {
		paths = append(paths, l.URL+"*")
	}
	paths = append(paths, "/"+searchDir+"/*")
	for _, p := range paths {
		fmt.Fprintf(&b, "%s\n  Cache-Control: %s\n", p, CacheRevalidate)
	}
	return []byte(b.String())
}
