package cases

import (
	"fmt"
	"html/template"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// TestPartialsRender renders layouts/partials/case-form.html and
// feedback.html the way the site renderer does (t, asset), with the
// shared field definition, and checks the contracts other parts rely on.
func TestPartialsRender(t *testing.T) {
	msgs, err := LoadMessages()
	if err != nil {
		t.Fatal(err)
	}
	funcs := template.FuncMap{
		"t": func(key string, args ...any) string {
			if _, ok := msgs["sv"][key]; !ok {
				t.Errorf("template uses unknown i18n key %q", key)
			}
			return msgs.T("sv", key, args...)
		},
		"asset": func(p string) string { return "/assets/" + p },
		"json":  func(v any) string { return fmt.Sprint(v) },
	}
	tmpl, err := template.New("x").Funcs(funcs).ParseFiles(
		filepath.Join("..", "..", "layouts", "partials", "case-form.html"),
		filepath.Join("..", "..", "layouts", "partials", "feedback.html"))
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{
		"Locale": "sv", "URL": "/sv/articles/cookies/", "CaseFormURL": "/sv/articles/skicka-ett-arende/",
		"Site": map[string]any{"API": "/api"}, "CaseFields": caseform.Fields,
	}
	render := func(name string) string {
		var b strings.Builder
		if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return b.String()
	}
	form := render("case-form")
	want := []string{`action="/api/cases"`, `enctype="multipart/form-data"`, `data-deflect`, `<div id="case-suggestions" aria-live="polite"></div>`,
		`name="website"`, `value="sv"`, `<option value="technical">Tekniskt problem</option>`, `/assets/js/caseform.js`}
	for _, f := range caseform.Fields {
		want = append(want, `name="`+f.Name+`"`)
		if f.Required {
			want = append(want, `id="case-`+f.Name+`" name="`+f.Name+`"`)
		}
	}
	for _, w := range want {
		if !strings.Contains(form, w) {
			t.Errorf("case-form lacks %s", w)
		}
	}
	if i, j := strings.Index(form, `data-deflect`), strings.Index(form, `id="case-suggestions"`); i < 0 || j < i {
		t.Error("case-suggestions must follow the subject input")
	}
	fb := render("feedback")
	for _, w := range []string{`action="/api/feedback"`, `name="helpful" value="yes"`, `name="article" value="/sv/articles/cookies/"`,
		`data-article="/sv/articles/cookies/"`, `href="/sv/articles/skicka-ett-arende/?article=%2fsv%2farticles%2fcookies%2f"`} {
		if !strings.Contains(fb, w) {
			t.Errorf("feedback lacks %s:\n%s", w, fb)
		}
	}
}
