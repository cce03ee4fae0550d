// Package site builds the help center's site graph from loaded content:
// locales, categories, sections, articles, labels and translations, with
// every URL decided, every Markdown body rendered, and every cross-page
// rule checked (slug clashes, links and anchors, aliases, translations,
// promoted lists). The graph is plain typed data, built once and then only
// read by the renderers, with one exception: a one-off build lets each
// article's bodies go once they are used (Article.Release).
package site

import (
	"html/template"
	"time"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/images"
	"github.com/inexchange/helpcenter/internal/markdown"
)

// Options control what a build includes.
type Options struct {
	// BaseURL is the absolute URL the site is served from, without a
	// trailing slash; empty uses the settings' base_url.
	BaseURL string
	// Drafts includes articles marked draft: true.
	Drafts bool
	// Future includes articles whose publish_at lies after Now (and
	// those already expired).
	Future bool
	// Now is the build's clock, for publish_at, expires_at and review_by.
	Now time.Time
	// Words gives per locale the words Markdown output writes (see
	// markdown.Config.Words).
	Words map[string]map[string]string
	// Markdown, when set, renders each Markdown body in place of
	// r.Render(f.Body, f.Rel, resolve, files). helpcenter serve passes a
	// cache that hands back the documents of unchanged files
	// (pipeline.Session). It is called concurrently and must return what
	// r.Render would.
	Markdown func(r *markdown.Renderer, f *content.File, resolve markdown.Resolver, files markdown.FileResolver) (*markdown.Doc, error)
	// Images probes the images and files that Markdown shows and links
	// to; nil leaves such references as they are written, unchecked.
	Images *images.Processor
}

// Site is the whole help center.
type Site struct {
	Settings *content.Settings
	// SettingsFile is content/_index.md; its body is the root page's text.
	SettingsFile *content.File
	RootHTML     template.HTML
	BaseURL      string
	API          string
	Locales      []*Locale
	byCode       map[string]*Locale
	// Aliases are the old URLs that redirect to pages, sorted by From.
	Aliases []Alias
	// Articles by content-relative path, published ones only.
	Articles map[string]*Article
	// Images and Files are every image and download the site's pages
	// show, in page order, duplicates included.
	Images []*images.Image
	Files  []*images.File
}

// Alias is an old URL that must answer 301 with a page's URL.
type Alias struct {
	From, To string
	File     *content.File
}

// Locale is one language's part of the site.
type Locale struct {
	Code        string
	Default     bool
	URL         string // "/en/"
	Title       string
	Description string
	Intro       template.HTML
	Home        *content.File
	Synonyms    [][]string
	Categories  []*Category
	Sections    []*Section
	Articles    []*Article // in reading order: category, section, weight, title
	Promoted    []*Article
	Labels      []*Label
	// Typed articles of this locale, or nil.
	Requirements *Article
	CaseForm     *Article
	PhoneHours   *Article
}

// Category groups sections.
type Category struct {
	Locale       *Locale
	File         *content.File
	Key          string // translation key
	Slug         string
	Title        string
	Description  string
	Intro        template.HTML
	URL          string
	Weight       int
	Sections     []*Section
	Translations []*Category
}

// Section groups articles.
type Section struct {
	Locale       *Locale
	Category     *Category
	File         *content.File
	Key          string
	Slug         string
	Title        string
	Description  string
	Intro        template.HTML
	URL          string
	FeedURL      string
	Weight       int
	Articles     []*Article
	Translations []*Section
}

// Article is one published article.
type Article struct {
	Locale      *Locale
	Section     *Section
	File        *content.File
	Front       *content.Article
	Key         string
	Slug        string
	Title       string
	Description string
	URL         string
	Layout      string
	Date        time.Time
	Updated     time.Time // Updated, else Date
	// Draft and Scheduled mark articles shown only because of --drafts
	// and --future (the preview shows a badge).
	Draft, Scheduled bool
	// SectionIndex is the article's position in Section.Articles.
	SectionIndex int
	// Link is `<a href="URL">Title</a>`, escaped once here because lists
	// on thousands of pages show it.
	Link     template.HTML
	HTML     template.HTML
	Headings []markdown.Heading
	TOC      []markdown.Heading // level 2 and 3 headings
	Text     string             // plain text of the body
	// Summary is the start of Text, enough for descriptions and feed
	// summaries once Text is released (Release).
	Summary      string
	Steps        []string // how-to steps
	Labels       []*Label
	Translations []*Article // the same article in other locales, in locale order
	Related      []*Article
	// Images and Files are what the body shows and offers, in order;
	// Image is the first raster image, for sharing (og:image) and
	// schema.org, or nil.
	Images   []*images.Image
	Files    []*images.File
	Image    *images.Image
	ImageAlt string
	doc      *markdown.Doc
}

// Label is a tag shared by articles of one locale.
type Label struct {
	Locale   *Locale
	Name     string
	Slug     string
	URL      string
	Articles []*Article
}

// SetBody gives the article the file f and its rendered Markdown d, as
// New does. helpcenter serve calls it after an edit that changed only
// an article's body (same front matter, heading ids and links), which
// leaves every other part of the graph as a full build would make it.
func (a *Article) SetBody(f *content.File, d *markdown.Doc) {
	a.File, a.Front = f, f.Article
	a.HTML = template.HTML(d.HTML)
	a.Headings, a.Text, a.Steps = d.Headings, d.Text, d.Steps
	a.Images, a.Files, a.Image, a.ImageAlt = d.Images, d.Files, nil, ""
	for _, r := range d.Refs {
		if r.IsImage && r.Image != nil && r.Image.Raster() && !r.Decorative {
			a.Image, a.ImageAlt = r.Image, r.Alt
			break
		}
	}
	a.Summary = d.Text
	if r := []rune(d.Text); len(r) > SummaryRunes {
		a.Summary = string(r[:SummaryRunes])
	}
	a.TOC = nil
	for _, h := range d.Headings {
		if h.Level == 2 || h.Level == 3 {
			a.TOC = append(a.TOC, h)
		}
	}
}

// Part names what Article.Release lets go.
type Part uint8

// The parts of an article a one-off build uses once.
const (
	// Source is the Markdown (File.Body): once New returns, every body
	// is rendered and its links are checked.
	Source Part = 1 << iota
	// HTML is the rendered body, which only the article's own page shows.
	HTML
	// Text is the plain text, which only the search index reads;
	// Summary, its start, stays for descriptions and feeds.
	Text
)

// Release lets the parts of the article go, so that a one-off build of a
// large site needs less memory (pipeline.Build calls it, each part as
// soon as its last reader is done). It is the one change to the graph
// after New: an article released cannot be rendered or indexed again,
// so nothing that renders the graph twice (helpcenter serve) may call it.
func (a *Article) Release(parts Part) {
	if parts&Source != 0 && a.File != nil {
		a.File.Body = nil
	}
	if parts&HTML != 0 {
		a.HTML = ""
	}
	if parts&Text != 0 {
		a.Text = ""
	}
}

// URLs returns the category's URL in each locale that has it.
func (c *Category) URLs() map[string]string { return urlsOf(c, c.Translations) }

// URLs returns the section's URL in each locale that has it.
func (s *Section) URLs() map[string]string { return urlsOf(s, s.Translations) }

// URLs returns the article's URL in each locale that has it.
func (a *Article) URLs() map[string]string { return urlsOf(a, a.Translations) }

// URLs returns every locale's home URL.
func (s *Site) URLs() map[string]string {
	m := make(map[string]string, len(s.Locales))
	for _, l := range s.Locales {
		m[l.Code] = l.URL
	}
	return m
}

// translated is a page that exists in several locales.
type translated interface {
	locale() string
	url() string
}

func (c *Category) locale() string { return c.Locale.Code }
func (c *Category) url() string    { return c.URL }
func (s *Section) locale() string  { return s.Locale.Code }
func (s *Section) url() string     { return s.URL }
func (a *Article) locale() string  { return a.Locale.Code }
func (a *Article) url() string     { return a.URL }

// urlsOf maps locale code to URL for a page and its translations.
func urlsOf[T translated](self T, others []T) map[string]string {
	m := make(map[string]string, len(others)+1)
	m[self.locale()] = self.url()
	for _, t := range others {
		m[t.locale()] = t.url()
	}
	return m
}

// SummaryRunes is how much of an article's text Summary keeps.
const SummaryRunes = 240

// Locale returns the locale with the code, or nil.
func (s *Site) Locale(code string) *Locale { return s.byCode[code] }

// DefaultLocale returns the first locale of the settings.
func (s *Site) DefaultLocale() *Locale { return s.Locales[0] }
