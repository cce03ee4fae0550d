package compat

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestAgree(t *testing.T) {
	edited := func(edit func(*Requirements)) Requirements {
		r := readme()
		r.Browsers.Supported = map[string]Version{}
		r.Browsers.Recommended = map[string]Version{}
		for k, v := range readme().Browsers.Supported {
			r.Browsers.Supported[k] = v
		}
		for k, v := range readme().Browsers.Recommended {
			r.Browsers.Recommended[k] = v
		}
		edit(&r)
		return r
	}
	cases := []struct {
		name     string
		byLocale map[string]Requirements
		want     []Difference // nil: agree
	}{
		{"one locale", map[string]Requirements{"en": readme()}, nil},
		{"none", nil, nil},
		{"identical", map[string]Requirements{"en": readme(), "sv": readme()}, nil},
		{"47 agrees with 47.0", map[string]Requirements{
			"en": readme(),
			"sv": edited(func(r *Requirements) { r.Browsers.Supported["chrome"] = "47.0" }),
		}, nil},
		{"empty cookies agrees with none", map[string]Requirements{
			"en": edited(func(r *Requirements) { r.Cookies = "" }),
			"sv": edited(func(r *Requirements) { r.Cookies = CookiesNone }),
		}, nil},
		{"chrome raised in one translation", map[string]Requirements{
			"en": readme(),
			"sv": edited(func(r *Requirements) { r.Browsers.Supported["chrome"] = "60" }),
		}, []Difference{{Field: "browsers.supported.chrome", Locale: "sv", Want: `"47"`, Got: `"60"`}}},
		{"a browser missing and one added", map[string]Requirements{
			"en": readme(),
			"sv": edited(func(r *Requirements) {
				delete(r.Browsers.Recommended, "ie")
				r.Browsers.Supported["edge"] = "18"
			}),
		}, []Difference{
			{Field: "browsers.recommended.ie", Locale: "sv", Want: `"11"`, Got: "(not set)"},
			{Field: "browsers.supported.edge", Locale: "sv", Want: "(not set)", Got: `"18"`},
		}},
		{"every other field", map[string]Requirements{
			"en": readme(),
			"sv": edited(func(r *Requirements) {
				r.Screen = Screen{MinWidth: 1280, MinHeight: 768}
				r.JavaScript = false
				r.Cookies = CookiesAll
				r.BetaBrowsers = true
			}),
		}, []Difference{
			{Field: "beta_browsers", Locale: "sv", Want: "false", Got: "true"},
			{Field: "cookies", Locale: "sv", Want: `"session"`, Got: `"all"`},
			{Field: "javascript", Locale: "sv", Want: "true", Got: "false"},
			{Field: "screen.min_width", Locale: "sv", Want: "1024", Got: "1280"},
		}},
		{"three locales, compared with the first", map[string]Requirements{
			"sv": edited(func(r *Requirements) { r.Browsers.Supported["firefox"] = "45" }),
			"en": readme(),
			"de": readme(),
		}, []Difference{{Field: "browsers.supported.firefox", Locale: "sv", Want: `"38.5"`, Got: `"45"`}}},
		{"unparsable versions compare as written", map[string]Requirements{
			"en": edited(func(r *Requirements) { r.Browsers.Supported["safari"] = "nine" }),
			"sv": edited(func(r *Requirements) { r.Browsers.Supported["safari"] = "9" }),
		}, []Difference{{Field: "browsers.supported.safari", Locale: "sv", Want: `"nine"`, Got: `"9"`}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Agree(c.byLocale)
			if c.want == nil {
				if err != nil {
					t.Fatalf("Agree() = %v, want nil", err)
				}
				return
			}
			var de *DisagreementError
			if !errors.As(err, &de) {
				t.Fatalf("Agree() = %v, want a *DisagreementError", err)
			}
			if !reflect.DeepEqual(de.Diffs, c.want) {
				t.Errorf("Diffs = %+v\nwant    %+v", de.Diffs, c.want)
			}
		})
	}
}

func TestAgreeMessage(t *testing.T) {
	sv := readme()
	sv.Browsers.Supported = map[string]Version{"chrome": "60", "firefox": "38.5", "safari": "9", "ie": "11"}
	err := Agree(map[string]Requirements{"en": readme(), "sv": sv})
	if err == nil {
		t.Fatal("Agree() = nil for different chrome versions")
	}
	for _, want := range []string{"disagree between locales", `requirements.browsers.supported.chrome: en says "47", sv says "60"`, "make the translations state the same requirements"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
}
