package compat

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Difference is one field on which a locale's requirements differ from the
// reference locale's.
type Difference struct {
	Field  string // "browsers.supported.chrome", relative to requirements:
	Locale string // the locale that differs
	Want   string // the reference locale's value, or "(not set)"
	Got    string // this locale's value, or "(not set)"
}

// DisagreementError says which locales state different requirements and
// how. The banner has one set of rules for the whole site, so this fails
// the build.
type DisagreementError struct {
	Reference string       // the locale the others were compared with
	Diffs     []Difference // sorted by locale, then field
}

func (e *DisagreementError) Error() string {
	var b strings.Builder
	b.WriteString("the system-requirements articles disagree between locales (the banner needs one set of rules; make the translations state the same requirements):")
	for _, d := range e.Diffs {
		fmt.Fprintf(&b, "\n  requirements.%s: %s says %s, %s says %s", d.Field, e.Reference, d.Want, d.Locale, d.Got)
	}
	return b.String()
}

// Agree compares the requirements of every locale with those of the
// alphabetically first locale and returns a *DisagreementError listing
// every difference, or nil when all state the same thing. Versions compare
// by value ("47" agrees with "47.0"); everything else, including cookies,
// screen, javascript and beta_browsers, must be equal.
func Agree(byLocale map[string]Requirements) error {
	locales := make([]string, 0, len(byLocale))
	for l := range byLocale {
		locales = append(locales, l)
	}
	slices.Sort(locales)
	if len(locales) < 2 {
		return nil
	}
	ref := locales[0]
	want := flatten(byLocale[ref])
	var diffs []Difference
	for _, l := range locales[1:] {
		got := flatten(byLocale[l])
		fields := make([]string, 0, len(want)+len(got))
		for f := range want {
			fields = append(fields, f)
		}
		for f := range got {
			if _, ok := want[f]; !ok {
				fields = append(fields, f)
			}
		}
		slices.Sort(fields)
		for _, f := range fields {
			w, wok := want[f]
			g, gok := got[f]
			if wok && gok && w == g {
				continue
			}
			if !wok {
				w = "(not set)"
			}
			if !gok {
				g = "(not set)"
			}
			diffs = append(diffs, Difference{Field: f, Locale: l, Want: w, Got: g})
		}
	}
	if diffs == nil {
		return nil
	}
	return &DisagreementError{Reference: ref, Diffs: diffs}
}

// flatten lists the fields of r as path → comparable text. Versions are
// compared by value when they parse, and quoted as written otherwise.
func flatten(r Requirements) map[string]string {
	f := map[string]string{
		"screen.min_width":  strconv.Itoa(r.Screen.MinWidth),
		"screen.min_height": strconv.Itoa(r.Screen.MinHeight),
		"javascript":        strconv.FormatBool(r.JavaScript),
		"cookies":           strconv.Quote(string(normalCookies(r.Cookies))),
		"beta_browsers":     strconv.FormatBool(r.BetaBrowsers),
	}
	for name, m := range map[string]map[string]Version{"supported": r.Browsers.Supported, "recommended": r.Browsers.Recommended} {
		for k, v := range m {
			text := strconv.Quote(string(v))
			if p, err := ParseVersion(string(v)); err == nil {
				text = strconv.Quote(canonical(p))
			}
			f["browsers."+name+"."+k] = text
		}
	}
	return f
}

// normalCookies treats an empty cookies value as "none", as the banner does.
func normalCookies(c Cookies) Cookies {
	if c == "" {
		return CookiesNone
	}
	return c
}
