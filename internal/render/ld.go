package render

import (
	"encoding/json"
	"html/template"
	"strconv"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/site"
)

// The schema.org objects are structs, so encoding/json writes their
// fields in a fixed order: the output stays byte-identical between builds.

type ldThing struct {
	Context string `json:"@context,omitempty"`
	Type    string `json:"@type"`
}

type ldSearchAction struct {
	ldThing
	Target     string `json:"target"`
	QueryInput string `json:"query-input"`
}

type ldWebSite struct {
	ldThing
	Name            string         `json:"name"`
	URL             string         `json:"url"`
	InLanguage      string         `json:"inLanguage"`
	PotentialAction ldSearchAction `json:"potentialAction"`
}

type ldListItem struct {
	ldThing
	Position int    `json:"position"`
	Name     string `json:"name"`
	Item     string `json:"item"`
}

type ldBreadcrumbs struct {
	ldThing
	ItemListElement []ldListItem `json:"itemListElement"`
}

type ldOrganization struct {
	ldThing
	Name string         `json:"name"`
	URL  string         `json:"url"`
	Logo *ldImageObject `json:"logo,omitempty"`
}

type ldImageObject struct {
	ldThing
	URL    string `json:"url"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
}

type ldArticle struct {
	ldThing
	Headline         string         `json:"headline"`
	Description      string         `json:"description,omitempty"`
	InLanguage       string         `json:"inLanguage"`
	URL              string         `json:"url"`
	MainEntityOfPage string         `json:"mainEntityOfPage"`
	DatePublished    string         `json:"datePublished,omitempty"`
	DateModified     string         `json:"dateModified,omitempty"`
	Image            *ldImageObject `json:"image,omitempty"`
	Author           ldOrganization `json:"author"`
	Publisher        ldOrganization `json:"publisher"`
}

type ldHowToStep struct {
	ldThing
	Position int    `json:"position"`
	Text     string `json:"text"`
	URL      string `json:"url"`
}

type ldHowTo struct {
	ldThing
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	InLanguage  string        `json:"inLanguage"`
	Step        []ldHowToStep `json:"step"`
}

const schemaOrg = "https://schema.org"

// jsonLD marshals schema.org objects for <script type="application/ld+json">.
func jsonLD(objs ...any) ([]template.JS, error) {
	out := make([]template.JS, 0, len(objs))
	for _, o := range objs {
		b, err := json.Marshal(o) // escapes <, > and & for HTML
		if err != nil {
			return nil, err
		}
		out = append(out, template.JS(b))
	}
	return out, nil
}

func websiteLD(s *site.Site, l *site.Locale) any {
	return ldWebSite{
		ldThing: ldThing{schemaOrg, "WebSite"}, Name: l.Title, URL: s.BaseURL + l.URL, InLanguage: l.Code,
		PotentialAction: ldSearchAction{ldThing: ldThing{Type: "SearchAction"}, Target: s.BaseURL + l.URL + "search/?q={search_term_string}", QueryInput: "required name=search_term_string"},
	}
}

func breadcrumbLD(s *site.Site, p *Page) any {
	items := make([]ldListItem, 0, len(p.Breadcrumbs)+1)
	for i, c := range append(append([]Link(nil), p.Breadcrumbs...), Link{p.Title, p.URL}) {
		items = append(items, ldListItem{ldThing: ldThing{Type: "ListItem"}, Position: i + 1, Name: c.Title, Item: s.BaseURL + c.URL})
	}
	return ldBreadcrumbs{ldThing: ldThing{schemaOrg, "BreadcrumbList"}, ItemListElement: items}
}

// organizationLD is the organization: setting, the author of every
// article (Google's Article rich result asks for an author; a help
// center's articles are the company's, not a person's), defaulting to the
// site's title and base URL.
func organizationLD(s *site.Site) ldOrganization {
	o := ldOrganization{ldThing: ldThing{Type: "Organization"}, Name: s.Settings.Organization.Name, URL: s.Settings.Organization.URL}
	if o.Name == "" {
		o.Name = s.Settings.Title
	}
	if o.URL == "" {
		o.URL = s.BaseURL + "/"
	}
	return o
}

func (r *Renderer) articleLD(s *site.Site, p *Page) any {
	a := p.Article
	ld := ldArticle{
		ldThing: ldThing{schemaOrg, "Article"}, Headline: a.Title, Description: p.Description, InLanguage: a.Locale.Code,
		URL: p.Permalink, MainEntityOfPage: p.Permalink,
		Author:    organizationLD(s),
		Publisher: ldOrganization{ldThing: ldThing{Type: "Organization"}, Name: s.Settings.Title, URL: s.BaseURL + "/"},
	}
	if r.Logo != "" {
		ld.Publisher.Logo = &ldImageObject{ldThing: ldThing{Type: "ImageObject"}, URL: s.BaseURL + r.Logo}
	}
	if im := a.Image; im != nil {
		ld.Image = &ldImageObject{ldThing: ldThing{Type: "ImageObject"}, URL: s.BaseURL + im.Full.URL(), Width: im.Width, Height: im.Height}
	}
	if !a.Date.IsZero() {
		ld.DatePublished = a.Date.Format("2006-01-02")
	}
	if !a.Updated.IsZero() {
		ld.DateModified = a.Updated.Format("2006-01-02")
	}
	return ld
}

func howToLD(s *site.Site, p *Page) any {
	a := p.Article
	ld := ldHowTo{ldThing: ldThing{schemaOrg, "HowTo"}, Name: a.Title, Description: p.Description, InLanguage: a.Locale.Code, Step: []ldHowToStep{}}
	for i, st := range a.Steps {
		ld.Step = append(ld.Step, ldHowToStep{ldThing: ldThing{Type: "HowToStep"}, Position: i + 1, Text: st, URL: p.Permalink + "#step-" + strconv.Itoa(i+1)})
	}
	return ld
}

// ld returns the page's schema.org objects, built when it is rendered.
func (r *Renderer) ld(p *Page) ([]template.JS, error) {
	s := r.Site
	switch p.Kind {
	case KindHome:
		return jsonLD(websiteLD(s, p.Lang))
	case KindCategory, KindSection:
		return jsonLD(breadcrumbLD(s, p))
	case KindArticle:
		objs := []any{r.articleLD(s, p), breadcrumbLD(s, p)}
		if p.Article.Layout == content.LayoutHowTo {
			objs = append(objs, howToLD(s, p))
		}
		return jsonLD(objs...)
	}
	return nil, nil
}
