package zendesk_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inexchange/helpcenter/internal/zendesk"
)

// FuzzParseRef feeds links as article bodies hold them to ParseRef and
// OldPaths: nothing panics, what is recognised carries its id, and the
// old paths are aliases the content model accepts.
func FuzzParseRef(f *testing.F) {
	for _, seed := range []string{
		"https://acme.zendesk.com/hc/en-us/articles/360012345678-Exporting-data#h_01ABC",
		"/hc/articles/360012345679",
		"/hc/sv/articles/400001-Hur-%C3%A5terst%C3%A4ller-jag-mitt-l%C3%B6senord-",
		"//help.acme.example/hc/en-gb/sections/1-Foo/",
		"/hc/es-419/categories/2",
		"/hc/en-us",
		"/hc",
		"#Void%20Cheque",
		"https://acme.zendesk.com/knowledge/articles/360012345681/en-us?brand_id=1",
		"/hc/article_attachments/18610744760087",
		"/hc/en-us/article_attachments/1/a%20b.png?x=1",
		"/hc/en-us/community/posts/1-x",
		"mailto:support@acme.example",
		"javascript:alert(1)",
		"https://other.example/hc/en-us/articles/1",
		"/hc/en-us/articles/99999999999999999999999",
		"%zz",
		"",
	} {
		f.Add(seed)
	}
	hosts := []string{"acme.zendesk.com", "help.acme.example"}
	f.Fuzz(func(t *testing.T, raw string) {
		r := zendesk.ParseRef(raw, "https://acme.zendesk.com", hosts)
		switch r.Kind {
		case zendesk.RefArticle, zendesk.RefSection, zendesk.RefCategory:
			if r.ID <= 0 {
				t.Errorf("ParseRef(%q): kind %d without an id: %+v", raw, r.Kind, r)
			}
			fallthrough
		case zendesk.RefHome, zendesk.RefOther, zendesk.RefAttachment:
			if _, err := url.Parse(r.Abs); err != nil || !strings.HasPrefix(r.Abs, "http") {
				t.Errorf("ParseRef(%q): Abs %q is no absolute URL", raw, r.Abs)
			}
		}
		if r.Kind == zendesk.RefAttachment {
			if a, ok := zendesk.ParseAttachment(raw); !ok || a.ID <= 0 {
				t.Errorf("ParseRef(%q) is an attachment, ParseAttachment says %+v, %v", raw, a, ok)
			}
		}
		if a, ok := zendesk.ParseAttachment(raw); ok && (strings.ContainsAny(a.Name, "/\\\x00") || a.Name == "." || a.Name == "..") {
			t.Errorf("ParseAttachment(%q): unsafe name %q", raw, a.Name)
		}
		for _, localeLess := range []bool{false, true} {
			for _, p := range zendesk.OldPaths(raw, localeLess) {
				if !strings.HasPrefix(p, "/hc/") || strings.ContainsAny(p, " \t\r\n?#") || strings.Contains(strings.TrimSuffix(p, "*"), "*") || strings.Contains(p, "/:") || !utf8.ValidString(p) {
					t.Errorf("OldPaths(%q) = %q: not an alias", raw, p)
				}
			}
		}
	})
}
