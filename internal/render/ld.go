package render

import (
	"github.com/inexchange/helpcenter/internal/site"
)

// The schema.org objects are maps so that encoding/json writes them with
// sorted keys: the output stays byte-identical between builds.

func websiteLD(s *site.Site, l *site.Locale) any {
	return map[string]any{
		"@context":   "https://schema.org",
		"@type":      "WebSite",
		"name":       l.Title,
		"url":        s.BaseURL + l.URL,
		"inLanguage": l.Code,
		"potentialAction": map[string]any{
			"@type":       "SearchAction",
			"target":      s.BaseURL + l.URL + "search/?q={search_term_string}",
			"query-input": "required name=search_term_string",
		},
	}
}

func breadcrumbLD(s *site.Site, p *Page) any {
	items := []any{}
	for i, c := range append(append([]Link(nil), p.Breadcrumbs...), Link{p.Title, p.URL}) {
		items = append(items, map[string]any{"@type": "ListItem", "position": i + 1, "name": c.Title, "item": s.BaseURL + c.URL})
	}
	return map[string]any{"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}
}

func articleLD(s *site.Site, p *Page) any {
	a := p.Article
	m := map[string]any{
		"@context":         "https://schema.org",
		"@type":            "Article",
		"headline":         a.Title,
		"description":      p.Description,
		"inLanguage":       a.Locale.Code,
		"url":              p.Permalink,
		"mainEntityOfPage": p.Permalink,
		"publisher":        map[string]any{"@type": "Organization", "name": s.Settings.Title, "url": s.BaseURL + "/"},
	}
	if !a.Date.IsZero() {
		m["datePublished"] = a.Date.Format("2006-01-02")
	}
	if !a.Updated.IsZero() {
		m["dateModified"] = a.Updated.Format("2006-01-02")
	}
	return m
}

func howToLD(s *site.Site, p *Page) any {
	a := p.Article
	steps := []any{}
	for i, st := range a.Steps {
		steps = append(steps, map[string]any{"@type": "HowToStep", "position": i + 1, "text": st, "url": p.Permalink + "#step-" + itoa(i+1)})
	}
	m := map[string]any{
		"@context":   "https://schema.org",
		"@type":      "HowTo",
		"name":       a.Title,
		"inLanguage": a.Locale.Code,
		"step":       steps,
	}
	if p.Description != "" {
		m["description"] = p.Description
	}
	return m
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
