package e2e

import (
	"testing"

	"github.com/inexchange/helpcenter/internal/site"
)

// pageKind is one kind of page of the site, in one locale.
type pageKind struct {
	Name   string // "article (how-to)"
	Path   string // site path with query
	Status int    // the HTTP status it is served with
}

// pageKinds lists every page kind of the site in locale, found in the site
// graph of the build, so the list follows the content.
func pageKinds(t testing.TB, f *fixture, locale string) []pageKind {
	t.Helper()
	l := f.locale(t, locale)
	query := map[string]string{"en": "invoice", "sv": "faktura"}[locale]
	if query == "" {
		query = "a"
	}
	out := []pageKind{
		{"home", l.URL, 200},
		{"category", l.Categories[0].URL, 200},
		{"section", l.Categories[0].Sections[0].URL, 200},
		{"article", f.plainArticle(t, locale).URL, 200},
		{"article (how-to)", f.article(t, locale, "how-to").URL, 200},
		{"article (system-requirements)", f.article(t, locale, "system-requirements").URL, 200},
		{"article (cookie-policy)", f.article(t, locale, "cookie-policy").URL, 200},
		{"article (phone-hours)", f.article(t, locale, "phone-hours").URL, 200},
		{"article (case-form)", f.article(t, locale, "case-form").URL, 200},
		{"label", l.Labels[0].URL, 200},
		{"search", l.URL + "search/?q=" + query, 200},
		{"cases (sign-in)", l.URL + "cases/", 200},
		{"404", l.URL + "no-such-page/", 404},
	}
	return out
}

// locale returns the site's locale with code c.
func (f *fixture) locale(t testing.TB, c string) *site.Locale {
	t.Helper()
	for _, l := range f.site.Locales {
		if l.Code == c {
			return l
		}
	}
	t.Fatalf("the site has no locale %q", c)
	return nil
}

// article returns the first article of locale with the layout.
func (f *fixture) article(t testing.TB, locale, layout string) *site.Article {
	t.Helper()
	for _, a := range f.locale(t, locale).Articles {
		if a.Layout == layout {
			return a
		}
	}
	t.Fatalf("the %s site has no article with layout %q", locale, layout)
	return nil
}

// plainArticle returns the first article of locale without a layout that
// has a table of contents (three or more headings) and a translation.
func (f *fixture) plainArticle(t testing.TB, locale string) *site.Article {
	t.Helper()
	for _, a := range f.locale(t, locale).Articles {
		if a.Layout == "" && len(a.TOC) >= 3 && len(a.Translations) > 0 && len(a.Section.Articles) > 1 {
			return a
		}
	}
	t.Fatalf("the %s site has no plain article with a table of contents, a translation and a sibling", locale)
	return nil
}
