package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/inexchange/helpcenter/internal/site"
)

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"short", "One line.", 20, "One line."},
		{"newlines become spaces", "Title\nFirst paragraph.", 40, "Title First paragraph."},
		{"no trailing space", "Use the Forgot password link.\n", 160, "Use the Forgot password link."},
		{"cut at a word", "alpha beta gamma delta", 12, "alpha beta…"},
		{"cut counts characters", "åäö åäö åäö åäö", 9, "åäö åäö…"},
		{"one long word", "abcdefghijklmnopqrstuvwxyz", 10, "abcde…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := excerpt(tt.in, tt.n); got != tt.want {
				t.Errorf("excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestSectionWindow(t *testing.T) {
	mk := func(n int) *site.Section {
		sec := &site.Section{}
		for i := 0; i < n; i++ {
			sec.Articles = append(sec.Articles, &site.Article{Section: sec, URL: fmt.Sprint(i)})
		}
		return sec
	}
	tests := []struct {
		total, at int
		first     string
		n         int
		more      bool
	}{
		{5, 2, "0", 5, false},
		{SectionListMax + 2, 0, "0", SectionListMax + 2, false},
		{30, 0, "0", SectionListMax, true},
		{30, 15, "10", SectionListMax, true},
		{30, 29, "20", SectionListMax, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d/%d", tt.at, tt.total), func(t *testing.T) {
			sec := mk(tt.total)
			a := sec.Articles[tt.at]
			list, more := sectionWindow(a)
			if len(list) != tt.n || list[0].URL != tt.first || more != tt.more {
				t.Errorf("window of %d from %s (more %v), want %d from %s (more %v)", len(list), list[0].URL, more, tt.n, tt.first, tt.more)
			}
			found := false
			for _, x := range list {
				found = found || x == a
			}
			if !found {
				t.Errorf("the article itself is not in its window")
			}
		})
	}
}

// layouts is a minimal layouts/ folder for LoadTemplates.
func layouts(extra map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"layouts/base.html":         {Data: []byte(`{{define "base"}}[{{template "main" .}}]{{end}}`)},
		"layouts/partials/hi.html":  {Data: []byte(`{{define "hi"}}{{t "hello" .}}{{end}}`)},
		"layouts/i18n/en/site.toml": {Data: []byte("\"hello\" = \"Hello %s\"\n\"date.format\" = \"%[1]d %[2]s %[3]d\"\n\"date.month.12\" = \"December\"\n")},
		"layouts/i18n/sv/site.toml": {Data: []byte("\"hello\" = \"Hej %s\"\n\"date.format\" = \"%[1]d %[2]s %[3]d\"\n\"date.month.12\" = \"december\"\n")},
	}
	for _, k := range Kinds {
		fsys["layouts/"+k+".html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}` + k + `{{end}}`)}
	}
	for k, v := range extra {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return fsys
}

func TestTemplates(t *testing.T) {
	asset := func(name string) (string, bool) {
		if name == "css/app.css" {
			return "/assets/app.0123abcd.css", true
		}
		return "", false
	}
	tmpl, err := LoadTemplates(layouts(map[string]string{
		"layouts/article.html": `{{define "main"}}{{template "hi" .Title}} {{date .When}} {{isodate .When}} {{asset "css/app.css"}} <script type="application/json">{{json .Data}}</script>{{end}}`,
	}), []string{"en", "sv"}, Funcs{Asset: asset})
	if err != nil {
		t.Fatal(err)
	}
	data := struct {
		Title string
		When  time.Time
		Data  any
	}{"Anna", time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC), map[string]string{"x": "</script>"}}
	tests := []struct{ locale, want string }{
		{"en", `[Hello Anna 24 December 2026 2026-12-24 /assets/app.0123abcd.css <script type="application/json">{"x":"\u003c/script\u003e"}</script>]`},
		{"sv", `[Hej Anna 24 december 2026 2026-12-24 /assets/app.0123abcd.css <script type="application/json">{"x":"\u003c/script\u003e"}</script>]`},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			var b bytes.Buffer
			if err := tmpl.Execute(&b, tt.locale, "article", data); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got  %s\nwant %s", b.String(), tt.want)
			}
		})
	}
	if tmpl.T("sv", "date.month.12") != "december" || tmpl.T("sv", "nope") != "nope" {
		t.Errorf("T lookups wrong")
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, "de", "article", data); err == nil {
		t.Errorf("Execute for an unknown locale succeeded")
	}
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		name  string
		extra map[string]string
		// load: the error comes from LoadTemplates; else from Execute.
		load bool
		want string
	}{
		{"missing string", map[string]string{"layouts/home.html": `{{define "main"}}{{t "nope"}}{{end}}`}, false, `no UI string "nope"`},
		{"missing asset", map[string]string{"layouts/home.html": `{{define "main"}}{{asset "js/nope.js"}}{{end}}`}, false, `asset "js/nope.js" not found`},
		{"parse error", map[string]string{"layouts/home.html": `{{define "main"}}{{if}}{{end}}`}, true, "home.html"},
		{"partial parse error", map[string]string{"layouts/partials/bad.html": `{{define "bad"}}{{range}}{{end}}`}, true, "bad.html"},
		{"missing kind", map[string]string{"layouts/label.html": ""}, false, ""},
		{"key missing in one locale", map[string]string{"layouts/i18n/sv/extra.toml": "\"only.sv\" = \"x\"\n"}, true, `layouts/i18n/en: missing key "only.sv"`},
		{"key defined twice", map[string]string{"layouts/i18n/en/extra.toml": "\"hello\" = \"again\"\n", "layouts/i18n/sv/extra.toml": "\"hello\" = \"igen\"\n"}, true, `key "hello" is defined twice`},
		{"bad toml", map[string]string{"layouts/i18n/en/extra.toml": "hello = \n"}, true, "layouts/i18n/en/extra.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := LoadTemplates(layouts(tt.extra), []string{"en", "sv"}, Funcs{Asset: func(string) (string, bool) { return "", false }})
			if tt.load {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("LoadTemplates err = %v, want %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			err = tmpl.Execute(&b, "en", "home", nil)
			if tt.want == "" {
				if err != nil {
					t.Errorf("Execute: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Execute err = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := LoadTemplates(layouts(nil), []string{"en", "de"}, Funcs{}); err == nil || !strings.Contains(err.Error(), "layouts/i18n/de") {
		t.Errorf("locale without strings: %v", err)
	}
}
