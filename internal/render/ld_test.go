package render

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/site"
)

// TestArticleLDAuthor: an article's schema.org Article names the
// organization as its author (Google's Article rich result recommends
// author.name and author.url), from the organization: setting or, without
// one, the site's title and base URL.
func TestArticleLDAuthor(t *testing.T) {
	l := &site.Locale{Code: "sv"}
	a := &site.Article{Locale: l, Title: "Återställ ditt lösenord", Date: time.Date(2025, 1, 20, 0, 0, 0, 0, time.UTC), Updated: time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC)}
	p := &Page{Article: a, Description: "Välj ett nytt lösenord.", Permalink: "https://help.example.com/sv/articles/aterstall-ditt-losenord/"}
	for _, tc := range []struct {
		name     string
		org      content.Organization
		wantName string
		wantURL  string
	}{
		{"from the setting", content.Organization{Name: "InExchange Factorum AB", URL: "https://www.inexchange.se/"}, "InExchange Factorum AB", "https://www.inexchange.se/"},
		{"defaults", content.Organization{}, "Acme Help", "https://help.example.com/"},
		{"name only", content.Organization{Name: "Acme AB"}, "Acme AB", "https://help.example.com/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &site.Site{Settings: &content.Settings{Title: "Acme Help", Organization: tc.org}, BaseURL: "https://help.example.com"}
			b, err := json.Marshal((&Renderer{Site: s}).articleLD(s, p))
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Type          string            `json:"@type"`
				Headline      string            `json:"headline"`
				DatePublished string            `json:"datePublished"`
				DateModified  string            `json:"dateModified"`
				Author        map[string]string `json:"author"`
			}
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got.Type != "Article" || got.Headline != a.Title || got.DatePublished != "2025-01-20" || got.DateModified != "2026-10-12" {
				t.Errorf("Article = %s", b)
			}
			if got.Author["@type"] != "Organization" || got.Author["name"] != tc.wantName || got.Author["url"] != tc.wantURL {
				t.Errorf("author = %v, want Organization %q %q", got.Author, tc.wantName, tc.wantURL)
			}
		})
	}
}
