// Package render turns the site graph into files: HTML pages through the
// layouts (html/template, one set per locale and page kind), minified with
// tdewolff/minify, plus sitemap.xml, Atom feeds, robots.txt, _redirects
// and the root language chooser. It decides nothing about content: every
// page's data comes from the site graph.
//
// The rest of this comment is the manual for layout authors: what a site's
// layouts/ folder may hold and what its templates receive. README.md
// ("Layouts") carries the same lists; TestManualCoversLayouts checks that
// both name every template, partial, function and page field.
//
// # Overriding layouts
//
// The built-in layouts are the repository's layouts/ folder, embedded in
// the binary. A site's own layouts/ folder lies over them: a file there
// replaces the built-in file with the same path, and any other
// layouts/partials/*.html is added to every page kind's templates. The
// templates are Go's html/template: output is escaped for its context, so
// a layout cannot inject unescaped text by accident. Every page is minified
// after rendering; a layout may be written for readability.
//
// Each page kind has one file that defines "main"; layouts/base.html
// defines "base", the document around it, and calls {{template "main" .}}.
// Partials are the files of layouts/partials/, each defining the template
// named after the file. Every template of a page sees the same data (dot
// is a *Page) and the same functions.
//
// # Templates
//
//	layouts/base.html       "base": <head>, the skip link, banner, header, main, footer
//	layouts/home.html       "main" of a locale's home (Kind "home", /<locale>/)
//	layouts/category.html   "main" of a category (Kind "category"): its sections and their first articles
//	layouts/section.html    "main" of a section (Kind "section"): its articles
//	layouts/article.html    "main" of an article (Kind "article"), typed layouts included
//	layouts/label.html      "main" of a label's articles (Kind "label")
//	layouts/search.html     "main" of the search page (Kind "search")
//	layouts/cases.html      "main" of "Your cases" (Kind "cases", /<locale>/cases/): the sign-in form; the form
//	                        handler takes this page as the frame of its own pages (the list of a reader's cases,
//	                        each case), replacing <main>'s content and reading the data-* attributes of the
//	                        element marked data-cases-frame (data-home-url, data-home-title, data-case-form-url)
//	layouts/404.html        "main" of the not-found pages (Kind "404")
//	layouts/root.html       "main" of the language chooser at / (Kind "root")
//
// # Partials
//
//	article-list.html         "article-list": dot is a []*site.Article, not the page
//	breadcrumbs.html          "breadcrumbs": .Breadcrumbs, then the page itself
//	case-form.html            "case-form": the support case form from .CaseFields
//	compat-banner.html        "compat-banner": the browser-compatibility banner (needs .RequirementsURL)
//	cookie-policy.html        "cookie-policy": the table of .Article.Front.Cookies
//	feedback.html             "feedback": "Was this article helpful?"
//	footer.html               "footer": rendered once per locale ({{cache "footer" .}})
//	header.html               "header": brand, search box, "Your cases" and case-form links, language links (a.lang-link: the form handler points them at its own page in each language)
//	lang-switch.html          "lang-switch": the page in its other locales (.Alternates)
//	phone-hours.html          "phone-hours": the hours tables and "open now" from .Hours
//	search-box.html           "search-box": the search form that search-ui.js enhances
//	system-requirements.html  "system-requirements": the tables of .Article.Front.Requirements
//
// # Functions
//
//	t KEY [ARGS…]        the UI string KEY of the page's locale, with ARGS filled in (%s, %d); a missing key fails the build
//	cache NAME DOT       renders partial NAME once per locale and reuses the HTML: only for partials that do not depend on the page
//	asset NAME           the fingerprinted URL of static/NAME ("css/app.css" → "/assets/app.3f9a1c2e.css"); a missing file fails the build
//	json VALUE           VALUE as JSON, for <script type="application/json"> and JSON-LD
//	date TIME            TIME as the locale writes dates (date.format and date.month.N in the UI strings); "" for the zero time
//	isodate TIME         TIME as 2006-01-02, for datetime attributes; "" for the zero time
//	add A B              A + B
//	first N LIST         the first N articles of LIST
//	browserKeys BROWSERS the browser keys a requirements table lists, in display order
//	upper S              S in capitals
//	hasprefix S PREFIX   whether S starts with PREFIX
//
// # Page data
//
// Dot is a *Page; every template of a page gets the same one.
//
//	Site             *SiteData: Title, BaseURL (no trailing slash), API (the form handler's base URL), Locales (every locale's home as an Alternate), Default (the default locale's code), Params (params: of content/_index.md), SearchMisses (the search page reports missed searches: setting search_misses)
//	Locale           the page's locale code, "en"
//	Lang             the page's *site.Locale (below)
//	Kind             the page kind: "home", "category", "section", "article", "label", "search", "cases", "404", "root"
//	Title            the page title
//	Description      the page's description: an article's (else the opening of its text), a category's or section's, else the locale's
//	URL              the site-relative URL, "/en/articles/x/"
//	Permalink        the absolute URL
//	Breadcrumbs      []Link above the page: Title, URL
//	Alternates       []Alternate: the page in every locale it exists in, itself included: Locale, Name (the language's own name), URL, Permalink, Current
//	Article          the *site.Article of an article page, else nil
//	Category         the *site.Category of a category, section or article page
//	Section          the *site.Section of a section or article page
//	Label            the *site.Label of a label page
//	Categories       the locale's categories, in order
//	SectionArticles  an article page's "in this section" list: at most SectionListMax articles around it
//	MoreInSection    whether SectionArticles was cut
//	RequirementsURL  the locale's system-requirements article, or ""
//	CaseFormURL      the locale's case-form article, or ""
//	FeedURL          the Atom feed of the page's section (article and section pages) or locale
//	FeedTitle        that feed's title
//	JSONLD           the page's schema.org objects, as JSON: write each in a <script type="application/ld+json">
//	CaseFields       the case form's fields (caseform.Field), on the case-form page
//	Hours            the phone-hours view (*hours.View), on the phone-hours page
//	Preview          set by helpcenter serve: live reload and draft badges
//	NoIndex          error, search and "Your cases" pages: <meta name="robots" content="noindex">
//	Image            what sharing the page shows (og:image): an article's first image that is not decorative, or nil; URL (absolute), Type, Width, Height, Alt
//
// The graph (package site) behind Lang, Category, Section, Article and
// Label:
//
//	site.Locale    Code, Default, URL, Title, Description, Intro (HTML), Home, Synonyms, Categories, Sections, Articles (reading order), Promoted, Labels, Requirements, CaseForm, PhoneHours (the typed articles, or nil)
//	site.Category  Locale, File, Key, Slug, Title, Description, Intro (HTML), URL, Weight, Sections, Translations
//	site.Section   Locale, Category, File, Key, Slug, Title, Description, Intro (HTML), URL, FeedURL, Weight, Articles, Translations
//	site.Article   Locale, Section, File, Front (the front matter: Params, Cookies, Requirements, Hours, …), Key, Slug, Title, Description, URL, Layout, Date, Updated, Draft, Scheduled, SectionIndex, Link (an <a> to it), HTML, Headings, TOC, Text, Summary, Steps, Images and Files (what the body shows and offers), Image and ImageAlt (the first raster image that is not decorative), Labels, Translations, Related
//	site.Label     Locale, Name, Slug, URL, Articles (newest first)
//
// A writer's own data sits under params: in front matter: the site's
// .Site.Params (content/_index.md), a locale home's .Lang.Home.Home.Params,
// a category's .Category.File.Branch.Params (likewise a section's) and an
// article's .Article.Front.Params.
//
// # UI strings
//
// Text a layout writes goes through t: layouts/i18n/<locale>/*.toml, one
// flat table of key = "text" per file. A site's file replaces the built-in
// file of the same name; a build fails when a locale lacks a key another
// locale has, so add a new key to every locale.
//
// # What helpcenter serve renders again
//
// helpcenter build always renders every page. helpcenter serve renders
// again, after a change, the pages whose data differ, and what it compares
// follows the built-in layouts (package pipeline, compare.go):
//
//   - settings, locale homes, categories and sections: a change to any
//     _index.md renders every page; any page may show any of them;
//   - an article's front matter (Front, Title, Date, Labels, …): every
//     page that lists the article in Page data (Section, Category,
//     SectionArticles, Label, Related, Translations, Lang.Promoted, the
//     typed articles of Lang) and its own page;
//   - an article's body (HTML, Headings, TOC, Text, Summary, Steps,
//     Images, Files, Image): its own page only. Show the body elsewhere, or list articles from
//     Lang.Articles or Lang.Labels, and serve shows such a change after
//     the next full render (save any layout); the build is exact either way.
//
// # Example: an override
//
// The built-in "article-list" shows each article's link. To add its
// description and date, a site puts this in
// layouts/partials/article-list.html (the golden site
// internal/pipeline/testdata/override.txtar is built with it, and
// TestManualExample checks that it is this one):
//
//	{{define "article-list"}}<ul class="article-list">
//	{{- range .}}
//	<li>{{.Link}}{{if .Draft}} <span class="badge badge--draft">{{t "badge.draft"}}</span>{{end}}
//	{{- with .Description}}<br><span class="article-list__description">{{.}}</span>{{end}}
//	{{- if not .Updated.IsZero}} <time datetime="{{isodate .Updated}}">{{date .Updated}}</time>{{end}}</li>{{end}}
//	</ul>{{end}}
package render
