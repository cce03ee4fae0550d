package compat

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

// readme is the README's example requirements block.
func readme() Requirements {
	return Requirements{
		Screen:     Screen{MinWidth: 1024, MinHeight: 768},
		JavaScript: true,
		Cookies:    CookiesSession,
		Browsers: Browsers{
			Supported:   map[string]Version{"chrome": "47", "firefox": "38.5", "safari": "9", "ie": "11"},
			Recommended: map[string]Version{"chrome": "47", "firefox": "43", "safari": "9", "ie": "11"},
		},
	}
}

// The three front-matter formats, decoded strictly as the content loader
// does (yaml.v3 KnownFields, TOML undecoded keys, JSON DisallowUnknownFields).
func decodeYAML(src string) (Requirements, error) {
	var doc struct {
		Requirements Requirements `yaml:"requirements"`
	}
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	err := dec.Decode(&doc)
	return doc.Requirements, err
}

func decodeTOML(src string) (Requirements, error) {
	var doc struct {
		Requirements Requirements `toml:"requirements"`
	}
	md, err := toml.Decode(src, &doc)
	if err == nil && len(md.Undecoded()) > 0 {
		err = errors.New("undecoded keys: " + md.Undecoded()[0].String())
	}
	return doc.Requirements, err
}

func decodeJSON(src string) (Requirements, error) {
	var doc struct {
		Requirements Requirements `json:"requirements"`
	}
	dec := json.NewDecoder(strings.NewReader(src))
	dec.DisallowUnknownFields()
	err := dec.Decode(&doc)
	return doc.Requirements, err
}

const readmeYAML = `requirements:
  screen: {min_width: 1024, min_height: 768}
  javascript: true
  cookies: session          # session | all | none
  beta_browsers: false
  browsers:
    supported:   {chrome: "47", firefox: "38.5", safari: "9", ie: "11"}
    recommended: {chrome: "47", firefox: "43",   safari: "9", ie: "11"}
`

const readmeTOML = `[requirements]
javascript = true
cookies = "session"
beta_browsers = false
[requirements.screen]
min_width = 1024
min_height = 768
[requirements.browsers.supported]
chrome = "47"
firefox = "38.5"
safari = "9"
ie = "11"
[requirements.browsers.recommended]
chrome = "47"
firefox = "43"
safari = "9"
ie = "11"
`

const readmeJSON = `{"requirements": {
  "screen": {"min_width": 1024, "min_height": 768},
  "javascript": true, "cookies": "session", "beta_browsers": false,
  "browsers": {
    "supported": {"chrome": "47", "firefox": "38.5", "safari": "9", "ie": "11"},
    "recommended": {"chrome": "47", "firefox": "43", "safari": "9", "ie": "11"}}}}`

var decoders = []struct {
	name   string
	decode func(string) (Requirements, error)
	readme string
}{
	{"yaml", decodeYAML, readmeYAML},
	{"toml", decodeTOML, readmeTOML},
	{"json", decodeJSON, readmeJSON},
}

func TestDecodeReadmeExample(t *testing.T) {
	for _, d := range decoders {
		t.Run(d.name, func(t *testing.T) {
			got, err := d.decode(d.readme)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, readme()) {
				t.Errorf("decoded %+v\nwant    %+v", got, readme())
			}
			if errs := got.Validate(); errs != nil {
				t.Errorf("Validate() = %v, want none", errs)
			}
		})
	}
}

func TestDecodeVersions(t *testing.T) {
	cases := []struct {
		name    string
		yaml    string
		toml    string
		json    string
		want    Version
		wantErr string // substring; "" for success
	}{
		{"quoted", `"38.5"`, `"38.5"`, `"38.5"`, "38.5", ""},
		{"quoted keeps 9.10", `"9.10"`, `"9.10"`, `"9.10"`, "9.10", ""},
		{"unquoted integer", `47`, `47`, `47`, "47", ""},
		{"unquoted decimal refused", `9.10`, `9.10`, `9.10`, "", "must be quoted"},
		{"a list is not a version", `[47]`, `[47]`, `[47]`, "", "quoted string"},
		{"a boolean is not a version", `true`, `true`, `true`, "", "quoted string"},
	}
	for _, c := range cases {
		for _, d := range []struct {
			name   string
			decode func(string) (Requirements, error)
			src    string
		}{
			{"yaml", decodeYAML, "requirements:\n  browsers:\n    supported:\n      chrome: " + c.yaml + "\n"},
			{"toml", decodeTOML, "[requirements.browsers.supported]\nchrome = " + c.toml + "\n"},
			{"json", decodeJSON, `{"requirements": {"browsers": {"supported": {"chrome": ` + c.json + `}}}}`},
		} {
			t.Run(c.name+"/"+d.name, func(t *testing.T) {
				r, err := d.decode(d.src)
				if c.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), c.wantErr) {
						t.Fatalf("error = %v, want one containing %q", err, c.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got := r.Browsers.Supported["chrome"]; got != c.want {
					t.Errorf("chrome = %q, want %q", got, c.want)
				}
			})
		}
	}
}

func TestDecodeNullVersionIsAnEmptyVersion(t *testing.T) {
	for name, src := range map[string]string{
		"yaml": "requirements:\n  browsers:\n    supported:\n      chrome:\n",
		"json": `{"requirements": {"browsers": {"supported": {"chrome": null}}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			var r Requirements
			var err error
			if name == "yaml" {
				r, err = decodeYAML(src)
			} else {
				r, err = decodeJSON(src)
			}
			if err != nil {
				t.Fatal(err)
			}
			errs := r.Validate()
			if len(errs) != 1 || !errors.Is(errs[0], ErrBadVersion) || !strings.Contains(errs[0].Error(), "requirements.browsers.supported.chrome: ") {
				t.Errorf("Validate() = %v, want one ErrBadVersion naming the field", errs)
			}
		})
	}
}

func TestDecodeUnknownKeysFail(t *testing.T) {
	for _, d := range decoders {
		t.Run(d.name, func(t *testing.T) {
			src := strings.Replace(d.readme, "beta_browsers", "beta_browser", 1)
			if _, err := d.decode(src); err == nil {
				t.Error("a misspelt key decoded without error")
			}
		})
	}
}

func TestValidate(t *testing.T) {
	type want struct {
		field string
		kind  error
		text  string // substring of the message
	}
	cases := []struct {
		name string
		edit func(*Requirements)
		want []want
	}{
		{"readme example", func(*Requirements) {}, nil},
		{"zero screen and cookies are fine", func(r *Requirements) { r.Screen = Screen{}; r.Cookies = "" }, nil},
		{"every browser key", func(r *Requirements) {
			for _, k := range BrowserKeys() {
				r.Browsers.Supported[k] = "1"
			}
		}, nil},
		{"unknown browser", func(r *Requirements) { r.Browsers.Supported["opera"] = "50" },
			[]want{{"requirements.browsers.supported.opera", ErrUnknownBrowser, `"opera": use one of chrome, firefox, safari, ie, edge, ios`}}},
		{"capitalised browser", func(r *Requirements) { r.Browsers.Recommended["Chrome"] = "50" },
			[]want{
				{"requirements.browsers.recommended.Chrome", ErrUnknownBrowser, "keys are lowercase: chrome"},
			}},
		{"letters in a version", func(r *Requirements) { r.Browsers.Supported["chrome"] = "47a" },
			[]want{{"requirements.browsers.supported.chrome", ErrBadVersion, `version "47a" is not a number`}}},
		{"empty version", func(r *Requirements) { r.Browsers.Supported["safari"] = "" },
			[]want{{"requirements.browsers.supported.safari", ErrBadVersion, "empty version"}}},
		{"five parts", func(r *Requirements) { r.Browsers.Supported["chrome"] = "47.0.1.2.3" },
			[]want{{"requirements.browsers.supported.chrome", ErrBadVersion, "at most 4"}}},
		{"recommended below supported", func(r *Requirements) { r.Browsers.Recommended["firefox"] = "38.2" },
			[]want{{"requirements.browsers.recommended.firefox", ErrRecommendedBelowSupported, "firefox 38.2 is below the supported 38.5"}}},
		{"recommended but not supported", func(r *Requirements) { r.Browsers.Recommended["edge"] = "18" },
			[]want{{"requirements.browsers.recommended.edge", ErrRecommendedNotSupported, `add edge: "18"`}}},
		{"no supported browsers", func(r *Requirements) {
			r.Browsers.Supported = nil
			r.Browsers.Recommended = nil
		}, []want{{"requirements.browsers.supported", ErrNoSupportedBrowsers, "list at least one browser"}}},
		{"bad cookies", func(r *Requirements) { r.Cookies = "sometimes" },
			[]want{{"requirements.cookies", ErrBadCookies, `"sometimes": use session, all or none`}}},
		{"negative screen", func(r *Requirements) { r.Screen.MinHeight = -1 },
			[]want{{"requirements.screen.min_height", ErrBadScreen, "-1 is not a screen size"}}},
		{"all at once, in field order", func(r *Requirements) {
			r.Screen.MinWidth = 99999
			r.Cookies = "yes"
			r.Browsers.Supported["opera"] = "1"
			r.Browsers.Recommended["chrome"] = "x"
		}, []want{
			{"requirements.screen.min_width", ErrBadScreen, "99999"},
			{"requirements.cookies", ErrBadCookies, `"yes"`},
			{"requirements.browsers.supported.opera", ErrUnknownBrowser, "opera"},
			{"requirements.browsers.recommended.chrome", ErrBadVersion, `"x"`},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := readme()
			c.edit(&r)
			errs := r.Validate()
			if len(errs) != len(c.want) {
				t.Fatalf("Validate() = %v, want %d errors", errs, len(c.want))
			}
			for i, w := range c.want {
				var fe *FieldError
				if !errors.As(errs[i], &fe) || fe.Field != w.field {
					t.Errorf("error %d = %v, want a *FieldError for %s", i, errs[i], w.field)
					continue
				}
				if !errors.Is(errs[i], w.kind) {
					t.Errorf("error %d = %v, want errors.Is %v", i, errs[i], w.kind)
				}
				if msg := errs[i].Error(); !strings.HasPrefix(msg, w.field+": ") || !strings.Contains(msg, w.text) {
					t.Errorf("error %d = %q, want %q then %q", i, msg, w.field+": ", w.text)
				}
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	cases := []struct {
		name string
		sup  map[string]Version
		rec  map[string]Version
		want []string
	}{
		{"firefox 38.5", map[string]Version{"firefox": "38.5"}, nil,
			[]string{"requirements.browsers.supported.firefox: firefox 38.5: a User-Agent shows only Firefox/38.0, so 38.5 is checked as 38"}},
		{"exact versions pass", map[string]Version{"firefox": "38.0", "chrome": "47", "safari": "9.1.2", "ios": "12.4.1", "edge": "18.17763", "ie": "11.0"}, nil, nil},
		{"chrome build", map[string]Version{"chrome": "47.0.2526"}, nil,
			[]string{"requirements.browsers.supported.chrome: chrome 47.0.2526: a User-Agent shows only Chrome/47.0.0.0, so 47.0.2526 is checked as 47"}},
		{"ie 11 build", nil, map[string]Version{"ie": "11.0.9600"},
			[]string{"requirements.browsers.recommended.ie: ie 11.0.9600: a User-Agent shows only Trident/7.0; rv:11.0, so 11.0.9600 is checked as 11"}},
		{"ie 10.1", map[string]Version{"ie": "10.1"}, nil,
			[]string{"requirements.browsers.supported.ie: ie 10.1: a User-Agent shows only MSIE 10.0, so 10.1 is checked as 10"}},
		{"edge revision", map[string]Version{"edge": "18.17763.1"}, nil,
			[]string{"requirements.browsers.supported.edge: edge 18.17763.1: a User-Agent shows only Edge/18.17763, so 18.17763.1 is checked as 18.17763"}},
		{"safari fourth part", map[string]Version{"safari": "9.1.2.3"}, nil,
			[]string{"requirements.browsers.supported.safari: safari 9.1.2.3: a User-Agent shows only Version/9.1.2, so 9.1.2.3 is checked as 9.1.2"}},
		{"ios fourth part", map[string]Version{"ios": "12.4.1.5"}, nil,
			[]string{"requirements.browsers.supported.ios: ios 12.4.1.5: a User-Agent shows only OS 12_4_1, so 12.4.1.5 is checked as 12.4.1"}},
		{"invalid entries are Validate's", map[string]Version{"firefox": "38.x", "opera": "1.5"}, nil, nil},
		{"sorted: supported then recommended, by key", map[string]Version{"firefox": "38.5", "chrome": "47.1"}, map[string]Version{"firefox": "43.0.1"},
			[]string{
				"requirements.browsers.supported.chrome: chrome 47.1: a User-Agent shows only Chrome/47.0.0.0, so 47.1 is checked as 47",
				"requirements.browsers.supported.firefox: firefox 38.5: a User-Agent shows only Firefox/38.0, so 38.5 is checked as 38",
				"requirements.browsers.recommended.firefox: firefox 43.0.1: a User-Agent shows only Firefox/43.0, so 43.0.1 is checked as 43",
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Requirements{Browsers: Browsers{Supported: c.sup, Recommended: c.rec}}
			var got []string
			for _, w := range r.Warnings() {
				got = append(got, w.String())
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Warnings() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestWarningFields(t *testing.T) {
	w := readme().Warnings()
	want := []Warning{{Field: "requirements.browsers.supported.firefox", Browser: "firefox", Version: "38.5", Shown: "Firefox/38.0", Checked: "38"}}
	if !reflect.DeepEqual(w, want) {
		t.Errorf("readme().Warnings() = %+v, want %+v", w, want)
	}
}

func TestParseVersion(t *testing.T) {
	cases := []struct {
		in   string
		want []int
		ok   bool
	}{
		{"47", []int{47}, true},
		{"38.5", []int{38, 5}, true},
		{"71.0.3578.99", []int{71, 0, 3578, 99}, true},
		{"09.010", []int{9, 10}, true},
		{"", nil, false},
		{"47a", nil, false},
		{"9.", nil, false},
		{".1", nil, false},
		{"1..2", nil, false},
		{" 47", nil, false},
		{"-1", nil, false},
		{"+1", nil, false},
		{"1.2.3.4.5", nil, false},
		{"1234567890", nil, false},
		{"４７", nil, false}, // fullwidth digits
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseVersion(c.in)
			if (err == nil) != c.ok || !reflect.DeepEqual(got, c.want) {
				t.Errorf("ParseVersion(%q) = %v, %v; want %v, ok=%v", c.in, got, err, c.want, c.ok)
			}
		})
	}
}

func TestCompareParts(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"9", "9.0", 0}, {"9.1", "9.10", -1}, {"10", "9.9", 1}, {"12.4", "12.4.1", -1}, {"47.0.0.1", "47", 1},
	}
	for _, c := range cases {
		t.Run(c.a+" vs "+c.b, func(t *testing.T) {
			a, _ := ParseVersion(c.a)
			b, _ := ParseVersion(c.b)
			if got := compareParts(a, b); got != c.want {
				t.Errorf("compareParts = %d, want %d", got, c.want)
			}
			if got := compareParts(b, a); got != -c.want {
				t.Errorf("reversed compareParts = %d, want %d", got, -c.want)
			}
		})
	}
}

// FuzzParseVersion holds the version parser, which reads writers' front
// matter, to its contract: it never panics, accepts only digits and dots
// in one to four parts, and its canonical form parses back to an equal
// version.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"47", "38.5", "71.0.3578.99", "", "9.", "1..2", "47a", "999999999", "0.0.0.0", "1.2.3.4.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseVersion(s)
		if err != nil {
			return
		}
		if strings.Trim(s, "0123456789.") != "" || len(p) < 1 || len(p) > maxVersionParts {
			t.Fatalf("ParseVersion(%q) = %v accepted a non-version", s, p)
		}
		c := canonical(p)
		q, err := ParseVersion(c)
		if err != nil || compareParts(p, q) != 0 {
			t.Fatalf("canonical(%q) = %q does not parse back equal: %v, %v", s, c, q, err)
		}
	})
}

// FuzzDecodeRequirements feeds arbitrary front matter through the strict
// decoders and every check: nothing may panic, and whatever Validate
// accepts, Script must build.
func FuzzDecodeRequirements(f *testing.F) {
	f.Add(readmeYAML)
	f.Add(readmeJSON)
	f.Add("requirements:\n  browsers:\n    supported: {chrome: 9.10}\n")
	f.Add(`{"requirements": {"browsers": {"supported": {"ios": "12.4.1", "edge": 18}}}}`)
	f.Fuzz(func(t *testing.T, src string) {
		decode := decodeYAML
		if strings.HasPrefix(strings.TrimSpace(src), "{") {
			decode = decodeJSON
		}
		r, err := decode(src)
		if err != nil {
			return
		}
		_ = r.Warnings()
		_ = Agree(map[string]Requirements{"en": r, "sv": readme()})
		if errs := r.Validate(); len(errs) > 0 {
			return
		}
		out, err := Script(r)
		if err != nil {
			t.Fatalf("Validate accepted %+v but Script failed: %v", r, err)
		}
		if !bytes.Contains(out, []byte(`{supported:{`)) {
			t.Fatalf("Script output lacks the rules: %s", out)
		}
	})
}
