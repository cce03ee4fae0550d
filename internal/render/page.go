package render

import (
	"html/template"

	"github.com/inexchange/helpcenter/internal/caseform"
	"github.com/inexchange/helpcenter/internal/hours"
	"github.com/inexchange/helpcenter/internal/site"
)

// Page is the data every template receives as dot.
type Page struct {
	Site        *SiteData
	Locale      string
	Lang        *site.Locale
	Kind        string // one of Kinds
	Title       string
	Description string
	URL         string // site-relative path, "/en/articles/x/"
	Permalink   string // absolute URL
	Breadcrumbs []Link
	// Alternates are this page in every locale it exists in, this one
	// included (Current), for hreflang links and the language switcher.
	Alternates []Alternate
	Article    *site.Article
	Category   *site.Category
	Section    *site.Section
	Label      *site.Label
	Categories []*site.Category
	// SectionArticles is the "Articles in this section" list of an
	// article page, capped; MoreInSection says whether it was cut.
	SectionArticles []*site.Article
	MoreInSection   bool
	RequirementsURL string
	CaseFormURL     string
	FeedURL         string
	FeedTitle       string
	// JSONLD holds the schema.org objects of the page, as JSON; filled
	// in while the page renders.
	JSONLD []template.JS
	// CaseFields is the case form's field definition, on the case-form page.
	CaseFields []caseform.Field
	// Hours is the phone-hours view, on the phone-hours page.
	Hours *hours.View
	// Preview is set by helpcenter serve: live reload and draft badges.
	Preview bool
	// Error pages and the search page are not indexed.
	NoIndex bool
	// Image is what sharing the page shows (og:image): an article's
	// first image, or nil.
	Image *ShareImage
}

// ShareImage is the picture of a shared page.
type ShareImage struct {
	URL           string // absolute
	Type          string
	Width, Height int
	Alt           string
}

// SiteData is what every page knows of the site.
type SiteData struct {
	Title   string
	BaseURL string
	API     string
	Locales []Alternate // every locale's home
	Default string
	// Params is the params: of content/_index.md, the site's own data
	// for its layouts.
	Params map[string]any
	// SearchMisses says the search page reports queries that found
	// nothing or few articles to API/searches (setting search_misses).
	SearchMisses bool
}

// Link is a title and URL.
type Link struct {
	Title string
	URL   string
}

// Alternate is a page in one locale.
type Alternate struct {
	Locale    string
	Name      string // the language's own name, "Svenska"
	URL       string
	Permalink string
	Current   bool
}
