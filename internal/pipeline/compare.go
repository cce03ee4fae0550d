package pipeline

import (
	"maps"
	"reflect"

	"github.com/inexchange/helpcenter/internal/markdown"
	"github.com/inexchange/helpcenter/internal/render"
	"github.com/inexchange/helpcenter/internal/site"
)

// The comparisons of a Session's steps. A step that makes a new graph
// renders only the pages whose data differ from the last good build, so a
// difference the comparisons miss is a stale page in the preview. Every
// compared type therefore has a table with one entry per field of the
// type: how a change to the field is seen, or why it needs no comparison
// (exempt). TestComparisonsCoverEveryField fails when a field of one of
// these types is missing from its table, when a table names a field the
// type lacks, and when a compared field's change goes unseen: a field
// added to render.Page, site.Article, site.Locale … must be placed here.

// fieldCheck says how a change to one field of T between two builds shows.
type fieldCheck[T any] struct {
	name string
	// same reports whether the field agrees in a and b; nil for an
	// exempt field.
	same func(a, b *T) bool
	// exempt says why the field needs no comparison.
	exempt string
}

// checks is the table of one type: every field of T, once.
type checks[T any] []fieldCheck[T]

// same reports whether a and b agree in every compared field.
func (cs checks[T]) same(a, b *T) bool {
	for i := range cs {
		if cs[i].same != nil && !cs[i].same(a, b) {
			return false
		}
	}
	return true
}

// eq compares a field with ==.
func eq[T any, V comparable](name string, get func(*T) V) fieldCheck[T] {
	return fieldCheck[T]{name: name, same: func(a, b *T) bool { return get(a) == get(b) }}
}

// deep compares a field with reflect.DeepEqual.
func deep[T, V any](name string, get func(*T) V) fieldCheck[T] {
	return fieldCheck[T]{name: name, same: func(a, b *T) bool { return reflect.DeepEqual(get(a), get(b)) }}
}

// by compares a field with a function of the two values.
func by[T any](name string, same func(a, b *T) bool) fieldCheck[T] {
	return fieldCheck[T]{name: name, same: same}
}

// exempt names a field that needs no comparison, and why.
func exempt[T any](name, why string) fieldCheck[T] {
	return fieldCheck[T]{name: name, exempt: why}
}

// sameEach compares two lists element by element with same.
func sameEach[E any](a, b []E, same func(x, y E) bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !same(a[i], b[i]) {
			return false
		}
	}
	return true
}

// samePtr compares two pointers by cs: both nil, or both set and alike.
func samePtr[T any](a, b *T, cs checks[T]) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a == b || cs.same(a, b)
}

// Site-wide: what every page of a locale shows (header, footer, cached
// partials, breadcrumbs). A difference renders every page.

var siteChecks = checks[site.Site]{
	deep("Settings", func(s *site.Site) any { return s.Settings }),
	exempt[site.Site]("SettingsFile", "content/_index.md: a change to it renders everything (classify); its body is RootHTML"),
	eq("RootHTML", func(s *site.Site) any { return s.RootHTML }),
	eq("BaseURL", func(s *site.Site) string { return s.BaseURL }),
	eq("API", func(s *site.Site) string { return s.API }),
	by("Locales", func(a, b *site.Site) bool {
		return sameEach(a.Locales, b.Locales, func(x, y *site.Locale) bool { return samePtr(x, y, localeChecks) })
	}),
	exempt[site.Site]("byCode", "an index of Locales"),
	exempt[site.Site]("Aliases", "old URLs: only _redirects holds them, which Finish writes from the new graph"),
	exempt[site.Site]("Articles", "an index by path: each page compares the articles it shows"),
	exempt[site.Site]("Images", "written after every new graph (writeImages; names carry content hashes); pages show them through their HTML"),
	exempt[site.Site]("Files", "written after every new graph (writeImages; names carry content hashes); pages link them from their HTML"),
}

var localeChecks = checks[site.Locale]{
	eq("Code", func(l *site.Locale) string { return l.Code }),
	exempt[site.Locale]("Default", "the first of the settings' locales: content/_index.md renders everything"),
	eq("URL", func(l *site.Locale) string { return l.URL }),
	eq("Title", func(l *site.Locale) string { return l.Title }),
	eq("Description", func(l *site.Locale) string { return l.Description }),
	eq("Intro", func(l *site.Locale) any { return l.Intro }),
	exempt[site.Locale]("Home", "the locale's _index.md: a change to any _index.md renders everything (Apply: structural)"),
	exempt[site.Locale]("Synonyms", "only the search index reads them, built anew after every step (Finish)"),
	by("Categories", func(a, b *site.Locale) bool {
		return sameEach(a.Categories, b.Categories, func(x, y *site.Category) bool { return samePtr(x, y, categoryChecks) })
	}),
	by("Sections", func(a, b *site.Locale) bool {
		return sameEach(a.Sections, b.Sections, func(x, y *site.Section) bool { return samePtr(x, y, sectionChecks) })
	}),
	exempt[site.Locale]("Articles", "no built-in layout lists them all (the layout contract in package render's doc): each page compares its own lists; feeds, sitemaps and the search index follow in Finish"),
	by("Promoted", func(a, b *site.Locale) bool { return sameCards(a.Promoted, b.Promoted) }),
	exempt[site.Locale]("Labels", "no built-in layout lists a locale's labels: each label page compares its own"),
	by("Requirements", func(a, b *site.Locale) bool { return samePtr(a.Requirements, b.Requirements, cardChecks) }),
	by("CaseForm", func(a, b *site.Locale) bool { return samePtr(a.CaseForm, b.CaseForm, cardChecks) }),
	by("PhoneHours", func(a, b *site.Locale) bool { return samePtr(a.PhoneHours, b.PhoneHours, cardChecks) }),
}

var categoryChecks = checks[site.Category]{
	exempt[site.Category]("Locale", "the parent locale, compared itself"),
	exempt[site.Category]("File", "its _index.md: a change to any _index.md renders everything (Apply: structural)"),
	exempt[site.Category]("Key", "pairs translations, compared as Translations"),
	exempt[site.Category]("Slug", "part of URL"),
	eq("Title", func(c *site.Category) string { return c.Title }),
	eq("Description", func(c *site.Category) string { return c.Description }),
	eq("Intro", func(c *site.Category) any { return c.Intro }),
	eq("URL", func(c *site.Category) string { return c.URL }),
	exempt[site.Category]("Weight", "orders the locale's Categories, which are compared in order"),
	by("Sections", func(a, b *site.Category) bool { return len(a.Sections) == len(b.Sections) }),
	by("Translations", func(a, b *site.Category) bool { return len(a.Translations) == len(b.Translations) }),
}

var sectionChecks = checks[site.Section]{
	exempt[site.Section]("Locale", "the parent locale, compared itself"),
	exempt[site.Section]("Category", "the parent category: a section moves only with its folder, which renders everything"),
	exempt[site.Section]("File", "its _index.md: a change to any _index.md renders everything (Apply: structural)"),
	exempt[site.Section]("Key", "pairs translations, compared as Translations"),
	exempt[site.Section]("Slug", "part of URL"),
	eq("Title", func(s *site.Section) string { return s.Title }),
	eq("Description", func(s *site.Section) string { return s.Description }),
	eq("Intro", func(s *site.Section) any { return s.Intro }),
	eq("URL", func(s *site.Section) string { return s.URL }),
	exempt[site.Section]("FeedURL", "URL + feed.xml"),
	exempt[site.Section]("Weight", "orders the locale's Sections, which are compared in order"),
	exempt[site.Section]("Articles", "compared on the pages that list them (pageChecks: Section, Category, SectionArticles)"),
	by("Translations", func(a, b *site.Section) bool { return len(a.Translations) == len(b.Translations) }),
}

// Per page: the data one page shows beyond the site-wide parts.

var pageChecks = checks[render.Page]{
	exempt[render.Page]("Site", "title, base URL, API and locales: compared site-wide (siteChecks)"),
	eq("Locale", func(p *render.Page) string { return p.Locale }),
	exempt[render.Page]("Lang", "the page's locale: compared site-wide (localeChecks)"),
	eq("Kind", func(p *render.Page) string { return p.Kind }),
	eq("Title", func(p *render.Page) string { return p.Title }),
	eq("Description", func(p *render.Page) string { return p.Description }),
	eq("URL", func(p *render.Page) string { return p.URL }),
	eq("Permalink", func(p *render.Page) string { return p.Permalink }),
	deep("Breadcrumbs", func(p *render.Page) []render.Link { return p.Breadcrumbs }),
	deep("Alternates", func(p *render.Page) []render.Alternate { return p.Alternates }),
	by("Article", func(a, b *render.Page) bool { return samePtr(a.Article, b.Article, articleChecks) }),
	by("Category", func(a, b *render.Page) bool {
		if a.Category == nil || b.Category == nil {
			return a.Category == b.Category
		}
		// A category page lists each section's articles; the rest of
		// the category is compared site-wide.
		return a.Kind != render.KindCategory || sameEach(a.Category.Sections, b.Category.Sections, func(x, y *site.Section) bool {
			return sameCards(x.Articles, y.Articles)
		})
	}),
	by("Section", func(a, b *render.Page) bool {
		if a.Section == nil || b.Section == nil {
			return a.Section == b.Section
		}
		return sameCards(a.Section.Articles, b.Section.Articles)
	}),
	by("Label", func(a, b *render.Page) bool { return samePtr(a.Label, b.Label, labelPageChecks) }),
	exempt[render.Page]("Categories", "the locale's categories: compared site-wide"),
	by("SectionArticles", func(a, b *render.Page) bool { return sameCards(a.SectionArticles, b.SectionArticles) }),
	eq("MoreInSection", func(p *render.Page) bool { return p.MoreInSection }),
	exempt[render.Page]("RequirementsURL", "the locale's system-requirements article: compared site-wide"),
	exempt[render.Page]("CaseFormURL", "the locale's case-form article: compared site-wide"),
	eq("FeedURL", func(p *render.Page) string { return p.FeedURL }),
	eq("FeedTitle", func(p *render.Page) string { return p.FeedTitle }),
	exempt[render.Page]("JSONLD", "filled in while the page renders, from the fields compared here"),
	exempt[render.Page]("CaseFields", "caseform.Fields, the same in every build"),
	deep("Hours", func(p *render.Page) any { return p.Hours }),
	exempt[render.Page]("Preview", "a Session option, the same in every step"),
	eq("NoIndex", func(p *render.Page) bool { return p.NoIndex }),
	deep("Image", func(p *render.Page) any { return p.Image }),
}

// cardChecks compare what other pages may show of an article: its front
// matter, not its body (the layout contract in package render's doc).
// Lists, the section window and the footer's links to the typed articles
// use them.
var cardChecks = checks[site.Article]{
	exempt[site.Article]("Locale", "the parent locale: compared site-wide"),
	exempt[site.Article]("Section", "the parent section: a list shows its articles, compared with each list"),
	by("File", func(a, b *site.Article) bool {
		if a.File == nil || b.File == nil {
			return a.File == b.File
		}
		return a.File.Path == b.File.Path
	}),
	by("Front", func(a, b *site.Article) bool { return a.Front == b.Front || reflect.DeepEqual(a.Front, b.Front) }),
	exempt[site.Article]("Key", "pairs translations, which a list does not show"),
	exempt[site.Article]("Slug", "part of URL"),
	eq("Title", func(a *site.Article) string { return a.Title }),
	eq("Description", func(a *site.Article) string { return a.Description }),
	eq("URL", func(a *site.Article) string { return a.URL }),
	eq("Layout", func(a *site.Article) string { return a.Layout }),
	by("Date", func(a, b *site.Article) bool { return a.Date.Equal(b.Date) }),
	by("Updated", func(a, b *site.Article) bool { return a.Updated.Equal(b.Updated) }),
	eq("Draft", func(a *site.Article) bool { return a.Draft }),
	eq("Scheduled", func(a *site.Article) bool { return a.Scheduled }),
	exempt[site.Article]("SectionIndex", "the article's place in its section: lists are compared in order"),
	exempt[site.Article]("Link", "made of URL and Title"),
	by("Labels", func(a, b *site.Article) bool {
		return sameEach(a.Labels, b.Labels, func(x, y *site.Label) bool { return labelLinkChecks.same(x, y) })
	}),
	exempt[site.Article]("Translations", "a list shows an article, not its own lists"),
	exempt[site.Article]("Related", "a list shows an article, not its own lists"),
}.with(exemptFields[site.Article]("the body: only the article's own page shows it (articleChecks)",
	"HTML", "Headings", "TOC", "Text", "Summary", "Steps", "Images", "Files", "Image", "ImageAlt", "doc"))

// articleChecks compare everything an article's own page shows of it:
// what other pages show (cardChecks), its body and its own lists.
var articleChecks = cardChecks.replace(
	exempt[site.Article]("Section", "the page compares its Section and the section window"),
	eq("HTML", func(a *site.Article) any { return a.HTML }),
	exempt[site.Article]("Headings", "in the body's HTML; the search index follows in Finish"),
	exempt[site.Article]("TOC", "the level-2 and -3 Headings, which the body's HTML shows"),
	exempt[site.Article]("Text", "the search index reads it, built anew in Finish; descriptions come from Summary"),
	exempt[site.Article]("Summary", "shown as the page's Description (compared there) and in feeds (Finish)"),
	exempt[site.Article]("Steps", "the first ordered list's items, in the body's HTML"),
	by("Translations", func(a, b *site.Article) bool { return sameCards(a.Translations, b.Translations) }),
	by("Related", func(a, b *site.Article) bool { return sameCards(a.Related, b.Related) }),
	exempt[site.Article]("Images", "the body's images: in its HTML, written by writeImages"),
	exempt[site.Article]("Files", "the body's downloads: linked from its HTML, written by writeImages"),
	deep("Image", func(a *site.Article) any { return a.Image }),
	eq("ImageAlt", func(a *site.Article) string { return a.ImageAlt }),
	exempt[site.Article]("doc", "New's own, let go once links are checked"),
)

// sameCards compares two lists of articles as lists show them.
func sameCards(a, b []*site.Article) bool {
	return sameEach(a, b, func(x, y *site.Article) bool { return x == y || cardChecks.same(x, y) })
}

// labelLinkChecks compare what an article shows of each of its labels.
var labelLinkChecks = append(checks[site.Label]{
	eq("Name", func(l *site.Label) string { return l.Name }),
	eq("URL", func(l *site.Label) string { return l.URL }),
}, exemptFields[site.Label]("an article shows its labels' names and links", "Locale", "Slug", "Articles")...)

// labelPageChecks compare what a label's own page shows of it.
var labelPageChecks = checks[site.Label]{
	exempt[site.Label]("Locale", "the parent locale: compared site-wide"),
	eq("Name", func(l *site.Label) string { return l.Name }),
	exempt[site.Label]("Slug", "part of URL"),
	exempt[site.Label]("URL", "the page's own URL, compared as the page's URL"),
	by("Articles", func(a, b *site.Label) bool { return sameCards(a.Articles, b.Articles) }),
}

// The fast path: an edit that changed an article's body and nothing any
// other page can see of it.

// refChecks compare what other pages can see of a rendered body: the ids
// links point at and the links it makes (anchor checks, link errors).
var refChecks = checks[markdown.Doc]{
	exempt[markdown.Doc]("HTML", "the article's own page: the fast path renders it again"),
	exempt[markdown.Doc]("Headings", "the article's own page: the fast path renders it again"),
	by("Links", func(a, b *markdown.Doc) bool {
		return sameEach(a.Links, b.Links, func(x, y markdown.Link) bool { return linkChecks.same(&x, &y) })
	}),
	by("IDs", func(a, b *markdown.Doc) bool { return maps.Equal(a.IDs, b.IDs) }),
	exempt[markdown.Doc]("Text", "the article's page and the search index, which Finish builds anew"),
	exempt[markdown.Doc]("Steps", "the article's own page (how-to JSON-LD): the fast path renders it again"),
	by("Refs", func(a, b *markdown.Doc) bool {
		return sameEach(a.Refs, b.Refs, func(x, y markdown.Ref) bool {
			// A broken reference is an error the fast path cannot show.
			return x.Err == nil && y.Err == nil && refResult(x.Resolved, x.Err) == refResult(y.Resolved, y.Err)
		})
	}),
	exempt[markdown.Doc]("Images", "what Refs resolved to: compared as Refs"),
	exempt[markdown.Doc]("Files", "what Refs resolved to: compared as Refs"),
}

var linkChecks = checks[markdown.Link]{
	eq("Dest", func(l *markdown.Link) string { return l.Dest }),
	eq("Target", func(l *markdown.Link) string { return l.Target }),
	eq("Anchor", func(l *markdown.Link) string { return l.Anchor }),
	exempt[markdown.Link]("Offset", "where the link stands in the body: moves with every edit above it, shown only in errors"),
	eq("Found", func(l *markdown.Link) bool { return l.Found }),
}

// sameRefs reports whether two renderings of a body have the same element
// ids and links, so that no other page's links or anchors can be
// affected by the change from one to the other.
func sameRefs(a, b *markdown.Doc) bool { return a != nil && b != nil && refChecks.same(a, b) }

// replace returns a copy of the table in which each of the entries given
// takes the place of the entry for the same field.
func (cs checks[T]) replace(entries ...fieldCheck[T]) checks[T] {
	out := append(checks[T](nil), cs...)
	for _, e := range entries {
		found := false
		for i := range out {
			if out[i].name == e.name {
				out[i], found = e, true
			}
		}
		if !found {
			panic("pipeline: replace: no entry for " + e.name)
		}
	}
	return out
}

// with returns the table with more entries.
func (cs checks[T]) with(more checks[T]) checks[T] { return append(cs, more...) }

// exemptFields marks the fields named exempt, all for one reason.
func exemptFields[T any](why string, names ...string) checks[T] {
	out := make(checks[T], len(names))
	for i, n := range names {
		out[i] = exempt[T](n, why)
	}
	return out
}
