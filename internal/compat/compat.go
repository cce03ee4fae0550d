// Package compat is the browser-compatibility banner: a notice, on every
// page of the help center, that tells readers when their browser or cookie
// setting does not meet the product's system requirements, and, on the
// system-requirements article only, when their screen is below the
// product's minimum (the help center itself works on any screen, and a
// phone is below a desktop product's minimum by nature: telling phone
// readers on every page would be noise). The banner is fixed to the bottom
// of the window, so revealing it shifts nothing (CLS 0).
//
// The requirements live in one place, the front matter of the article with
// layout "system-requirements":
//
//	requirements:
//	  screen: {min_width: 1024, min_height: 768}
//	  javascript: true
//	  cookies: session          # session | all | none
//	  beta_browsers: false
//	  browsers:
//	    supported:   {chrome: "47", firefox: "38.5", safari: "9", ie: "11"}
//	    recommended: {chrome: "47", firefox: "43",   safari: "9", ie: "11"}
//
// The pieces fit like this:
//
//   - The content loader decodes that block into a [Requirements] (the type
//     carries yaml, toml and json tags and refuses unquoted decimal
//     versions) and reports [Requirements.Validate]'s errors as content
//     errors of the article.
//   - The build collects every locale's Requirements and calls [Agree]: the
//     banner has one set of rules, so translations that state different
//     requirements fail the build. It prints [Requirements.Warnings], which
//     say when a version is more precise than a User-Agent can show.
//   - [Script] embeds the rules into compat.js (this package's embedded
//     browser script) and minifies it; the build publishes the result as
//     the asset "js/compat.js", i.e. /assets/compat.<hash>.js.
//   - The partial layouts/partials/compat-banner.html puts the hidden banner
//     markup and its localized strings (layouts/i18n/*/compat.toml) in every
//     page and loads the script, which judges navigator.userAgent and reveals
//     the banner. The script carries no text of its own.
//   - Loaded in Node with require(), the same script exports
//     detect(userAgent, rules) → {browser, version, status}; the Node tests
//     beside this file (node --test internal/compat/) hold it to real
//     User-Agent strings.
//
// Browser keys are the ones the front matter uses: "chrome" (Chrome and
// every Chromium derivative, judged by the Chrome engine version),
// "firefox" (also Gecko derivatives), "safari" (desktop Safari by Version/,
// and every iOS browser by the iOS version unless "ios" is given), "ie",
// "edge" (legacy EdgeHTML; Chromium Edge counts as chrome) and "ios".
package compat

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Requirements is the requirements: block of a system-requirements
// article. Its zero value states no requirement; Validate says what a
// usable one needs.
type Requirements struct {
	// Screen is the smallest screen the product is made for. The banner
	// compares it in either orientation (a 768×1024 tablet meets 1024×768).
	Screen Screen `yaml:"screen" toml:"screen" json:"screen"`
	// JavaScript says the product needs JavaScript. The article shows it;
	// the banner cannot check it (without JavaScript no script runs).
	JavaScript bool `yaml:"javascript" toml:"javascript" json:"javascript"`
	// Cookies is the cookies the product needs: "session", "all" or
	// "none" (or empty, the same as "none"). Unless none, the banner warns
	// readers whose browser refuses cookies.
	Cookies Cookies `yaml:"cookies" toml:"cookies" json:"cookies"`
	// BetaBrowsers says whether beta builds are supported. The article
	// shows it; the banner cannot check it, because a beta build's
	// User-Agent looks like any other.
	BetaBrowsers bool `yaml:"beta_browsers" toml:"beta_browsers" json:"beta_browsers"`
	// Browsers is the minimum versions, the banner's rules.
	Browsers Browsers `yaml:"browsers" toml:"browsers" json:"browsers"`
}

// Screen is a minimum screen size in CSS pixels; 0 means no minimum.
type Screen struct {
	MinWidth  int `yaml:"min_width" toml:"min_width" json:"min_width"`
	MinHeight int `yaml:"min_height" toml:"min_height" json:"min_height"`
}

// Cookies is the cookie requirement: CookiesSession, CookiesAll or
// CookiesNone.
type Cookies string

// The cookie requirements a writer may state.
const (
	CookiesSession Cookies = "session" // session cookies must be allowed
	CookiesAll     Cookies = "all"     // persistent cookies too
	CookiesNone    Cookies = "none"    // the product works without cookies
)

// Browsers maps browser keys to minimum versions. A reader's browser
// below Supported (or missing from both maps) is not supported; at or
// above Recommended it is recommended; in between it is supported, with a
// notice that some functions only work in the recommended browsers.
type Browsers struct {
	Supported   map[string]Version `yaml:"supported" toml:"supported" json:"supported"`
	Recommended map[string]Version `yaml:"recommended" toml:"recommended" json:"recommended"`
}

// BrowserKeys returns the browser keys the front matter may use, in the
// order an article would list them.
func BrowserKeys() []string {
	return []string{"chrome", "firefox", "safari", "ie", "edge", "ios"}
}

// precision is how many version parts a User-Agent shows for each browser;
// the script ignores the rest of a rule's version.
var precision = map[string]int{"chrome": 1, "firefox": 1, "ie": 1, "edge": 2, "safari": 3, "ios": 3}

// The problems Validate reports, each wrapped in a *FieldError.
var (
	ErrUnknownBrowser            = errors.New("unknown browser")
	ErrBadVersion                = errors.New("bad version")
	ErrNoSupportedBrowsers       = errors.New("no supported browsers")
	ErrRecommendedNotSupported   = errors.New("recommended but not supported")
	ErrRecommendedBelowSupported = errors.New("recommended below supported")
	ErrBadCookies                = errors.New("bad cookies value")
	ErrBadScreen                 = errors.New("bad screen size")
)

// FieldError is a problem with one field of the requirements block. Field
// is its path in the front matter, such as
// "requirements.browsers.supported.chrome"; Err wraps one of the Err*
// values above and says what to do.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the underlying error, for errors.Is.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, kind error, format string, args ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)}
}

// maxScreen bounds a plausible screen minimum in CSS pixels.
const maxScreen = 10000

// Validate returns every problem that must fail the build, in field order;
// nil means the requirements can drive the banner.
func (r Requirements) Validate() []error {
	var errs []error
	for _, s := range []struct {
		name string
		v    int
	}{{"min_width", r.Screen.MinWidth}, {"min_height", r.Screen.MinHeight}} {
		if s.v < 0 || s.v > maxScreen {
			errs = append(errs, fieldErr("requirements.screen."+s.name, ErrBadScreen, "%d is not a screen size; give CSS pixels between 0 (no minimum) and %d", s.v, maxScreen))
		}
	}
	switch r.Cookies {
	case "", CookiesSession, CookiesAll, CookiesNone:
	default:
		errs = append(errs, fieldErr("requirements.cookies", ErrBadCookies, "%q: use session, all or none", string(r.Cookies)))
	}
	if len(r.Browsers.Supported) == 0 {
		errs = append(errs, fieldErr("requirements.browsers.supported", ErrNoSupportedBrowsers, "list at least one browser and its minimum version, such as chrome: \"47\"; without it every reader would be told the browser is not supported"))
	}
	sup := checkMap(&errs, "supported", r.Browsers.Supported)
	rec := checkMap(&errs, "recommended", r.Browsers.Recommended)
	for _, key := range sortedKeys(r.Browsers.Recommended) {
		rv, ok := rec[key]
		if !ok {
			continue // its own error is reported
		}
		field := "requirements.browsers.recommended." + key
		if _, listed := r.Browsers.Supported[key]; !listed {
			errs = append(errs, fieldErr(field, ErrRecommendedNotSupported, "%s is recommended but not in browsers.supported; add %s: \"%s\" (or an older version) there", key, key, r.Browsers.Recommended[key]))
			continue
		}
		if sv, ok := sup[key]; ok && compareParts(rv, sv) < 0 {
			errs = append(errs, fieldErr(field, ErrRecommendedBelowSupported, "%s %s is below the supported %s; a recommended version must be at least the supported one", key, r.Browsers.Recommended[key], r.Browsers.Supported[key]))
		}
	}
	return errs
}

// checkMap reports unknown keys and bad versions of one browsers map and
// returns the versions that parse.
func checkMap(errs *[]error, name string, m map[string]Version) map[string][]int {
	ok := map[string][]int{}
	for _, key := range sortedKeys(m) {
		field := "requirements.browsers." + name + "." + key
		if _, known := precision[key]; !known {
			hint := ""
			if lower := strings.ToLower(key); lower != key {
				if _, k := precision[lower]; k {
					hint = fmt.Sprintf("; keys are lowercase: %s", lower)
				}
			}
			*errs = append(*errs, fieldErr(field, ErrUnknownBrowser, "%q: use one of %s (Chromium browsers such as Opera or the new Edge count as chrome)%s", key, strings.Join(BrowserKeys(), ", "), hint))
			continue
		}
		parts, err := ParseVersion(string(m[key]))
		if err != nil {
			*errs = append(*errs, fieldErr(field, ErrBadVersion, "%v", err))
			continue
		}
		ok[key] = parts
	}
	return ok
}

func sortedKeys(m map[string]Version) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Warning says that a version is more precise than a User-Agent shows, so
// the banner checks less than the article states. It does not fail the
// build.
type Warning struct {
	Field   string  // "requirements.browsers.supported.firefox"
	Browser string  // "firefox"
	Version Version // "38.5", as written
	Shown   string  // what a User-Agent shows: "Firefox/38.0"
	Checked string  // what the banner compares: "38"
}

// String reads "requirements.browsers.supported.firefox: firefox 38.5: a
// User-Agent shows only Firefox/38.0, so 38.5 is checked as 38".
func (w Warning) String() string {
	return fmt.Sprintf("%s: %s %s: a User-Agent shows only %s, so %s is checked as %s", w.Field, w.Browser, w.Version, w.Shown, w.Version, w.Checked)
}

// Warnings returns a Warning for every valid version whose parts beyond
// what its browser's User-Agent shows are not all zero ("38.5" for
// firefox; "38.0" is exact and passes). Invalid entries are Validate's.
func (r Requirements) Warnings() []Warning {
	var out []Warning
	for _, m := range []struct {
		name string
		v    map[string]Version
	}{{"supported", r.Browsers.Supported}, {"recommended", r.Browsers.Recommended}} {
		for _, key := range sortedKeys(m.v) {
			n, known := precision[key]
			parts, err := ParseVersion(string(m.v[key]))
			if !known || err != nil || len(parts) <= n || canonical(parts[n:]) == "0" {
				continue
			}
			out = append(out, Warning{
				Field:   "requirements.browsers." + m.name + "." + key,
				Browser: key,
				Version: m.v[key],
				Shown:   shown(key, parts[:n]),
				Checked: joinParts(parts[:n], "."),
			})
		}
	}
	return out
}

// shown writes the User-Agent token that carries a browser's version.
func shown(key string, p []int) string {
	switch key {
	case "chrome":
		return fmt.Sprintf("Chrome/%d.0.0.0", p[0])
	case "firefox":
		return fmt.Sprintf("Firefox/%d.0", p[0])
	case "ie":
		if p[0] >= 11 {
			return fmt.Sprintf("Trident/7.0; rv:%d.0", p[0])
		}
		return fmt.Sprintf("MSIE %d.0", p[0])
	case "edge":
		return "Edge/" + joinParts(p, ".")
	case "ios":
		return "OS " + joinParts(p, "_")
	}
	return "Version/" + joinParts(p, ".")
}

func joinParts(p []int, sep string) string {
	s := make([]string, len(p))
	for i, n := range p {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, sep)
}
