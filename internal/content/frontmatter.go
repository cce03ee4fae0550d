package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/adrg/frontmatter"
	"gopkg.in/yaml.v3"
)

// Date is a calendar date or instant in front matter: "2026-12-01",
// "2026-12-01T08:00:00+01:00" or "2026-12-01 08:00". The zero Date means
// "not set". Dates without a zone are taken as UTC.
type Date struct{ time.Time }

var dateLayouts = []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"}

// ParseDate parses the forms Date accepts.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return Date{t}, nil
		}
	}
	return Date{}, fmt.Errorf("%q is not a date: write 2026-12-01 or 2026-12-01T08:00:00+01:00", s)
}

// UnmarshalText implements encoding.TextUnmarshaler (JSON, TOML strings).
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	*d = v
	return err
}

// UnmarshalYAML reads a YAML scalar, quoted or not.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a date such as 2026-12-01", n.Line)
	}
	v, err := ParseDate(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*d = v
	return nil
}

// UnmarshalTOML reads TOML dates (local or offset) and strings.
func (d *Date) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case time.Time:
		if x.Location().String() != "UTC" && strings.HasPrefix(x.Location().String(), "local") {
			x = time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC)
		}
		*d = Date{x}
		return nil
	case string:
		return d.UnmarshalText([]byte(x))
	}
	return fmt.Errorf("expected a date such as 2026-12-01, got %v", v)
}

// UnmarshalJSON reads a JSON string.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("expected a date string such as \"2026-12-01\"")
	}
	return d.UnmarshalText([]byte(s))
}

// Settings is the front matter of content/_index.md: site-wide settings.
type Settings struct {
	Title       string   `yaml:"title" toml:"title" json:"title"`
	Description string   `yaml:"description" toml:"description" json:"description"`
	BaseURL     string   `yaml:"base_url" toml:"base_url" json:"base_url"`
	Locales     []string `yaml:"locales" toml:"locales" json:"locales"`
	UnsafeHTML  bool     `yaml:"unsafe_html" toml:"unsafe_html" json:"unsafe_html"`
	API         string   `yaml:"api" toml:"api" json:"api"`
	// Organization is the company behind the help center, the author of
	// its articles in their structured data.
	Organization Organization `yaml:"organization" toml:"organization" json:"organization"`
	// SearchMisses, unless false, lets the search page report the queries
	// that found nothing or few articles to the form handler (the query
	// text only), for formhandler searches.
	SearchMisses *bool          `yaml:"search_misses" toml:"search_misses" json:"search_misses"`
	Params       map[string]any `yaml:"params" toml:"params" json:"params"`
}

// Organization is the organization: setting, e.g.
// {name: InExchange Factorum AB, url: "https://www.inexchange.se/"}. Name
// defaults to the site's title and URL to its base URL.
type Organization struct {
	Name string `yaml:"name" toml:"name" json:"name"`
	URL  string `yaml:"url" toml:"url" json:"url"`
}

// LocaleHome is the front matter of content/<locale>/_index.md.
type LocaleHome struct {
	Title       string     `yaml:"title" toml:"title" json:"title"`
	Description string     `yaml:"description" toml:"description" json:"description"`
	Promoted    []string   `yaml:"promoted" toml:"promoted" json:"promoted"`
	Synonyms    [][]string `yaml:"synonyms" toml:"synonyms" json:"synonyms"`
	// Aliases are old URLs that must 301 to the locale home (/hc/en-us,
	// and /hc on the default locale).
	Aliases []string       `yaml:"aliases" toml:"aliases" json:"aliases"`
	Params  map[string]any `yaml:"params" toml:"params" json:"params"`
}

// Branch is the front matter of a category's or a section's _index.md.
type Branch struct {
	Title          string `yaml:"title" toml:"title" json:"title"`
	Description    string `yaml:"description" toml:"description" json:"description"`
	Slug           string `yaml:"slug" toml:"slug" json:"slug"`
	Weight         int    `yaml:"weight" toml:"weight" json:"weight"`
	TranslationKey string `yaml:"translation_key" toml:"translation_key" json:"translation_key"`
	// Aliases are old URLs that must 301 to the category or section.
	Aliases []string       `yaml:"aliases" toml:"aliases" json:"aliases"`
	Params  map[string]any `yaml:"params" toml:"params" json:"params"`
}

// Cookie is one entry of a cookie-policy article's cookies list.
type Cookie struct {
	Name     string `yaml:"name" toml:"name" json:"name"`
	Provider string `yaml:"provider" toml:"provider" json:"provider"`
	Purpose  string `yaml:"purpose" toml:"purpose" json:"purpose"`
	Type     string `yaml:"type" toml:"type" json:"type"` // session | persistent
	Duration string `yaml:"duration" toml:"duration" json:"duration"`
}

// Article is the front matter of an article. The typed keys
// (requirements, cookies, hours) are valid only with their layout.
type Article struct {
	Title          string         `yaml:"title" toml:"title" json:"title"`
	Description    string         `yaml:"description" toml:"description" json:"description"`
	Slug           string         `yaml:"slug" toml:"slug" json:"slug"`
	Date           Date           `yaml:"date" toml:"date" json:"date"`
	Updated        Date           `yaml:"updated" toml:"updated" json:"updated"`
	Draft          bool           `yaml:"draft" toml:"draft" json:"draft"`
	PublishAt      Date           `yaml:"publish_at" toml:"publish_at" json:"publish_at"`
	ExpiresAt      Date           `yaml:"expires_at" toml:"expires_at" json:"expires_at"`
	ReviewBy       Date           `yaml:"review_by" toml:"review_by" json:"review_by"`
	Weight         int            `yaml:"weight" toml:"weight" json:"weight"`
	Promoted       bool           `yaml:"promoted" toml:"promoted" json:"promoted"`
	Labels         []string       `yaml:"labels" toml:"labels" json:"labels"`
	Aliases        []string       `yaml:"aliases" toml:"aliases" json:"aliases"`
	TranslationKey string         `yaml:"translation_key" toml:"translation_key" json:"translation_key"`
	Layout         string         `yaml:"layout" toml:"layout" json:"layout"`
	Params         map[string]any `yaml:"params" toml:"params" json:"params"`
	TypedMatter    `yaml:",inline"`
}

// fmFormat is one front matter syntax.
type fmFormat int

const (
	fmNone fmFormat = iota
	fmYAML
	fmTOML
	fmJSON
)

// parsed is the outcome of splitting and decoding one file's front matter.
type parsed struct {
	format   fmFormat
	openLine int    // line of the opening delimiter (1-based)
	fmLine   int    // line of the first front-matter data line (1-based)
	fmData   []byte // the raw front matter
	body     []byte
	bodyLine int // line on which body starts
}

// decodeFrontMatter splits src (BOM already removed, LF line endings) into
// front matter and body and decodes the front matter strictly into v.
func decodeFrontMatter(path string, src []byte, v any) (parsed, List) {
	var p parsed
	// Find the opening delimiter line.
	off, line := 0, 1
	for off < len(src) {
		end := bytes.IndexByte(src[off:], '\n')
		var l []byte
		if end < 0 {
			l = src[off:]
		} else {
			l = src[off : off+end]
		}
		if len(bytes.TrimSpace(l)) != 0 {
			break
		}
		if end < 0 {
			off = len(src)
			break
		}
		off += end + 1
		line++
	}
	first := ""
	if off < len(src) {
		rest := src[off:]
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			rest = rest[:i]
		}
		first = string(bytes.TrimSpace(rest))
	}
	p.openLine = line
	switch first {
	case "---", "---yaml":
		p.format, p.fmLine = fmYAML, line+1
	case "+++", "---toml":
		p.format, p.fmLine = fmTOML, line+1
	case "{", "---json", ";;;":
		p.format, p.fmLine = fmJSON, line
		if first != "{" {
			p.fmLine = line + 1
		}
	default:
		return p, List{Errorf(path, 1, 1, ErrFrontMatter, "start the file with a line '---', then key: value lines such as 'title: My article', then '---'", "no front matter")}
	}
	var decodeErr error
	called := false
	wrap := func(dec func([]byte, any) error) frontmatter.UnmarshalFunc {
		return func(data []byte, v any) error {
			called = true
			p.fmData = data
			decodeErr = dec(data, v)
			return nil
		}
	}
	formats := []*frontmatter.Format{
		frontmatter.NewFormat("---", "---", wrap(decodeYAML)),
		frontmatter.NewFormat("---yaml", "---", wrap(decodeYAML)),
		frontmatter.NewFormat("+++", "+++", wrap(decodeTOML)),
		frontmatter.NewFormat("---toml", "---", wrap(decodeTOML)),
		frontmatter.NewFormat(";;;", ";;;", wrap(decodeJSON)),
		frontmatter.NewFormat("---json", "---", wrap(decodeJSON)),
		{Start: "{", End: "}", Unmarshal: wrap(decodeJSON), UnmarshalDelims: true, RequiresNewLine: true},
	}
	body, err := frontmatter.Parse(bytes.NewReader(src), v, formats...)
	if err != nil {
		return p, List{Errorf(path, line, 1, ErrFrontMatter, "", "reading front matter: %v", err)}
	}
	if !called {
		closer := map[fmFormat]string{fmYAML: "---", fmTOML: "+++", fmJSON: "}"}[p.format]
		hint := fmt.Sprintf("add a line %q after the last key", closer)
		if first == "{" {
			hint = `end the JSON object with a line "}" followed by an empty line`
		}
		return p, List{Errorf(path, line, 1, ErrFrontMatter, hint, "front matter opened here is never closed")}
	}
	p.body = body
	p.bodyLine = 1 + bytes.Count(src[:len(src)-len(body)], []byte{'\n'})
	if decodeErr != nil {
		return p, frontMatterErrors(path, p, decodeErr, v)
	}
	return p, nil
}

func decodeYAML(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && err != io.EOF {
		return err
	}
	return nil
}

// tomlUndecoded reports keys the TOML decoder did not use.
type tomlUndecoded struct{ keys []toml.Key }

func (e *tomlUndecoded) Error() string { return fmt.Sprintf("unknown keys %v", e.keys) }

func decodeTOML(data []byte, v any) error {
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(v)
	if err != nil {
		return err
	}
	if u := md.Undecoded(); len(u) > 0 {
		return &tomlUndecoded{u}
	}
	return nil
}

func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

var (
	yamlLineRe    = regexp.MustCompile(`line (\d+): (.*)`)
	yamlUnknownRe = regexp.MustCompile(`^field (\S+) not found in type (\S+)$`)
	jsonUnknownRe = regexp.MustCompile(`^json: unknown field "([^"]*)"$`)
	tomlLineRe    = regexp.MustCompile(`^toml: line (\d+) (\(last key .*)$`)
)

// frontMatterErrors turns a decoder error into content errors with absolute
// line numbers and hints.
func frontMatterErrors(path string, p parsed, err error, v any) List {
	var out List
	abs := func(l int) int {
		if l < 1 {
			return p.fmLine
		}
		return p.fmLine + l - 1
	}
	switch p.format {
	case fmYAML:
		msgs := []string{err.Error()}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			msgs = te.Errors
		}
		for _, m := range msgs {
			m = strings.TrimPrefix(m, "yaml: ")
			line := 0
			if sm := yamlLineRe.FindStringSubmatch(m); sm != nil {
				line, _ = strconv.Atoi(sm[1])
				m = sm[2]
			}
			if um := yamlUnknownRe.FindStringSubmatch(m); um != nil {
				out = append(out, unknownKey(path, abs(line), um[1], typeKeys(um[2], v)))
				continue
			}
			out = append(out, Errorf(path, abs(line), 1, ErrFrontMatter, yamlHint(m), "%s", m))
		}
	case fmTOML:
		var pe toml.ParseError
		var ue *tomlUndecoded
		switch {
		case errors.As(err, &pe):
			out = append(out, Errorf(path, abs(pe.Position.Line), pe.Position.Col, ErrFrontMatter, "", "%s", pe.Message))
		case errors.As(err, &ue):
			for _, k := range ue.keys {
				name := k[len(k)-1]
				out = append(out, unknownKey(path, abs(keyLine(p.fmData, name)), k.String(), keysOf(reflect.TypeOf(v), k[:len(k)-1])))
			}
		default:
			// Type errors: "toml: line 2 (last key "weight"): incompatible types…",
			// the line counted within the front matter.
			line, msg := p.fmLine, err.Error()
			if m := tomlLineRe.FindStringSubmatch(msg); m != nil {
				n, _ := strconv.Atoi(m[1])
				line, msg = abs(n), m[2]
			}
			out = append(out, Errorf(path, line, 1, ErrFrontMatter, "", "%s", msg))
		}
	case fmJSON:
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			out = append(out, Errorf(path, abs(offsetLine(p.fmData, se.Offset)), 1, ErrFrontMatter, "", "%v", se))
		case errors.As(err, &te):
			out = append(out, Errorf(path, abs(offsetLine(p.fmData, te.Offset)), 1, ErrInvalidValue, "", "%s: expected %s, got %s", te.Field, te.Type, te.Value))
		default:
			if m := jsonUnknownRe.FindStringSubmatch(err.Error()); m != nil {
				out = append(out, unknownKey(path, abs(keyLine(p.fmData, m[1])), m[1], keysOf(reflect.TypeOf(v), nil)))
			} else {
				out = append(out, Errorf(path, p.fmLine, 1, ErrFrontMatter, "", "%v", err))
			}
		}
	}
	return out
}

func yamlHint(m string) string {
	switch {
	case strings.Contains(m, "mapping values are not allowed"):
		return "a value containing ': ' must be quoted"
	case strings.Contains(m, "did not find expected key"), strings.Contains(m, "could not find expected ':'"):
		return "check the indentation and that each line is 'key: value'"
	case strings.Contains(m, "cannot unmarshal"):
		return "check the type of this value"
	}
	return ""
}

func offsetLine(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return 1 + bytes.Count(data[:off], []byte{'\n'})
}

// keyLine finds the 1-based line of key within raw front matter (YAML,
// TOML or JSON), or 0.
func keyLine(data []byte, key string) int {
	re, err := regexp.Compile(`(?m)^[ \t]*(?:- )?["']?` + regexp.QuoteMeta(key) + `["']?\s*[:=]`)
	if err != nil {
		return 0
	}
	if loc := re.FindIndex(data); loc != nil {
		return offsetLine(data, int64(loc[0]))
	}
	// Flow mappings: {chrome: "47", firefox: "38.5"}.
	inline := regexp.MustCompile(`[{,]\s*["']?` + regexp.QuoteMeta(key) + `["']?\s*[:=]`)
	if loc := inline.FindIndex(data); loc != nil {
		return offsetLine(data, int64(loc[0]))
	}
	return 0
}

// KeyLine returns the absolute line of a front-matter key in a file, or the
// front matter's first line when the key is not found.
func (f *File) KeyLine(key string) int {
	if l := keyLine(f.fm.fmData, key); l > 0 {
		return f.fm.fmLine + l - 1
	}
	return f.fm.fmLine
}

func unknownKey(path string, line int, key string, known []string) *Error {
	hint := "put your own data under params:"
	if len(known) > 0 {
		short := key
		if i := strings.LastIndexByte(short, '.'); i >= 0 {
			short = short[i+1:]
		}
		if s := closest(short, known); s != "" {
			hint = fmt.Sprintf("did you mean %q? known keys: %s; %s", s, strings.Join(known, ", "), hint)
		} else {
			hint = fmt.Sprintf("known keys: %s; %s", strings.Join(known, ", "), hint)
		}
	}
	return Errorf(path, line, 1, ErrUnknownKey, hint, "unknown key %q", key)
}

// typeKeys finds the keys of the struct type named name (as yaml.v3 prints
// it, "pkg.Type") reachable from v.
func typeKeys(name string, v any) []string {
	var found []string
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		if t.String() == name && found == nil {
			found = structKeys(t)
		}
		for i := 0; i < t.NumField(); i++ {
			walk(t.Field(i).Type)
		}
	}
	walk(reflect.TypeOf(v))
	return found
}

// keysOf returns the keys of the struct reached from t by the key path.
func keysOf(t reflect.Type, path []string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, k := range path {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil
		}
		f, ok := fieldByKey(t, k)
		if !ok {
			return nil
		}
		t = f.Type
	}
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	return structKeys(t)
}

func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")
		if f.Anonymous && len(tag) > 1 && tag[1] == "inline" {
			if g, ok := fieldByKey(f.Type, key); ok {
				return g, true
			}
			continue
		}
		if tag[0] == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

var structKeysCache sync.Map

func structKeys(t reflect.Type) []string {
	if v, ok := structKeysCache.Load(t); ok {
		return v.([]string)
	}
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")
		if f.Anonymous && len(tag) > 1 && tag[1] == "inline" {
			keys = append(keys, structKeys(f.Type)...)
			continue
		}
		if tag[0] != "" && tag[0] != "-" {
			keys = append(keys, tag[0])
		}
	}
	sort.Strings(keys)
	structKeysCache.Store(t, keys)
	return keys
}

// closest returns the known key within edit distance 2 of key, if any.
func closest(key string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
