package hours

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// page is the part of the site's page data the partial reads.
type page struct {
	Locale string
	Hours  *View
}

// renderPartial renders layouts/partials/phone-hours.html with stand-ins for
// the site's template functions: t reads layouts/i18n/<locale>/hours.toml
// (a missing key fails the test), asset fingerprints nothing, json returns
// template.JS as the site's helper does.
func renderPartial(t *testing.T, p page) string {
	t.Helper()
	strs := loadStrings(t, p.Locale)
	funcs := template.FuncMap{
		"t": func(key string, args ...any) string {
			s, ok := strs[key]
			if !ok {
				t.Errorf("i18n key %q missing in %s/hours.toml", key, p.Locale)
			}
			if len(args) > 0 {
				s = fmt.Sprintf(s, args...)
			}
			return s
		},
		"asset": func(name string) string {
			return "/assets/" + strings.Replace(strings.TrimPrefix(name, "js/"), ".js", ".0123abcd.js", 1)
		},
		"json": func(v any) (template.JS, error) {
			b, err := json.Marshal(v)
			return template.JS(b), err
		},
	}
	tmpl, err := template.New("page").Funcs(funcs).ParseFiles(filepath.Join("..", "..", "layouts", "partials", "phone-hours.html"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, "phone-hours", p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPartial(t *testing.T) {
	h := validHours()
	h.Exceptions[0].Note = "Christmas Eve </script><b>"
	v, err := NewView(h, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		locale string
		want   []string
	}{
		{"en", []string{
			`<div class="phone-hours" data-phone-hours>`,
			`<p class="phone-hours__notice" data-hours-notice>New hours from 1 December</p>`,
			`<caption>Phone hours (Stockholm time)</caption>`,
			`<thead><tr><th scope="col">Day</th><th scope="col">Hours</th></tr></thead>`,
			`<tr><th scope="row">Monday</th><td>08:00–16:30</td></tr>`,
			`<tr><th scope="row">Friday</th><td>08:00–12:00, 13:00–15:00</td></tr>`,
			`<tr><th scope="row">Sunday</th><td>Closed</td></tr>`,
			`<tr data-hours-date="2026-12-24"><th scope="row"><time datetime="2026-12-24">Thursday 24 December</time></th><td>Closed</td><td>Christmas Eve &lt;/script&gt;&lt;b&gt;</td></tr>`,
			`aria-live="polite" hidden`,
			`data-l-open-closes="Open now · closes {time}"`,
			`data-l-days="Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"`,
			`data-l-city="Stockholm"`,
			`<script src="/assets/hours.0123abcd.js" defer></script>`,
		}},
		{"sv", []string{
			`Nya öppettider från och med 1 december`,
			`<caption>Telefontider (tid i Stockholm)</caption>`,
			`<tr><th scope="row">Måndag</th><td>08:00–16:30</td></tr>`,
			`<tr><th scope="row">Söndag</th><td>Stängt</td></tr>`,
			`<time datetime="2026-12-24">Torsdag 24 december</time>`,
			`data-l-days="måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag"`,
			`data-l-months="januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.locale, func(t *testing.T) {
			out := renderPartial(t, page{Locale: tc.locale, Hours: v})
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %s", w)
				}
			}
			if strings.Contains(out, "style=") {
				t.Error("inline style in the output")
			}
			// Every script is external or data: CSP script-src 'self' holds.
			for _, m := range regexp.MustCompile(`<script([^>]*)>`).FindAllStringSubmatch(out, -1) {
				if !strings.Contains(m[1], "src=") && !strings.Contains(m[1], `type="application/json"`) && !strings.Contains(m[1], `type="application/ld+json"`) {
					t.Errorf("inline script <script%s>", m[1])
				}
			}
			var data ScriptData
			if err := json.Unmarshal([]byte(between(t, out, `<script type="application/json" data-hours-data>`, `</script>`)), &data); err != nil {
				t.Fatalf("script data: %v", err)
			}
			if !reflect.DeepEqual(data, v.Script) {
				t.Errorf("script data does not round-trip:\n%+v\n%+v", data, v.Script)
			}
			var ld ContactPoint
			if err := json.Unmarshal([]byte(between(t, out, `<script type="application/ld+json">`, `</script>`)), &ld); err != nil {
				t.Fatalf("JSON-LD: %v", err)
			}
			if !reflect.DeepEqual(ld, v.JSONLD) {
				t.Errorf("JSON-LD does not round-trip")
			}
			golden := filepath.Join("testdata", "phone-hours."+tc.locale+".html")
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (create it with -update)", err)
			}
			if string(want) != out {
				t.Errorf("output differs from %s (rerun with -update and review the diff)", golden)
			}
		})
	}
	t.Run("no exceptions, no notice", func(t *testing.T) {
		h := validHours()
		h.Exceptions = nil
		v, err := NewView(h, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		out := renderPartial(t, page{Locale: "en", Hours: v})
		if strings.Contains(out, "data-hours-notice") || strings.Contains(out, "phone-hours__exceptions") {
			t.Errorf("notice or exceptions table rendered without cause:\n%s", out)
		}
	})
	t.Run("other pages render nothing", func(t *testing.T) {
		if out := renderPartial(t, page{Locale: "en"}); strings.TrimSpace(out) != "" {
			t.Errorf("partial without .Hours rendered %q", out)
		}
	})
}

func between(t *testing.T, s, start, end string) string {
	t.Helper()
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		t.Fatalf("output lacks %s", start)
	}
	body, _, ok := strings.Cut(rest, end)
	if !ok {
		t.Fatalf("no %s after %s", end, start)
	}
	return body
}

// TestI18nKeys: en and sv define the same keys, all in the hours area.
func TestI18nKeys(t *testing.T) {
	keys := func(locale string) []string {
		var out []string
		for k := range loadStrings(t, locale) {
			if !strings.HasPrefix(k, "hours.") {
				t.Errorf("%s/hours.toml: key %q outside the hours area", locale, k)
			}
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	en, sv := keys("en"), keys("sv")
	if !reflect.DeepEqual(en, sv) {
		t.Errorf("en and sv keys differ:\nen %v\nsv %v", en, sv)
	}
}
