package hosting

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/inexchange/helpcenter/internal/content"
)

// Sentinel errors the hosting model's problems wrap, for errors.Is.
var (
	// ErrSyntax marks a rule Netlify's parsers reject (Netlify drops it
	// and deploys without it).
	ErrSyntax = errors.New("hosting rule syntax")
	// ErrConflict marks rules that do something other than what they say:
	// headers joined from overlapping rules, redirects that never apply.
	ErrConflict = errors.New("hosting rule conflict")
)

// Redirect is one redirect rule as Netlify's redirect parser normalizes it.
type Redirect struct {
	// From is the path (or URL, for domain-level rules) the rule matches:
	// literal segments, :placeholder segments and * splats.
	From string
	// Query holds the query parameters the request must carry: a literal
	// value, or a :placeholder that captures it.
	Query map[string]string
	// To is where the rule sends the request, with :splat and
	// placeholders to fill in. A path, or a URL (a proxy when Status is
	// 200).
	To string
	// Status is the HTTP status; 0 when the rule gives none, which Netlify
	// serves as 301.
	Status int
	// Force applies the rule even where a file exists at From.
	Force bool
	// Conditions restrict the rule to some readers.
	Conditions Conditions
	// Signed names the environment variable whose value signs proxied
	// requests (X-Nf-Sign).
	Signed string
	// Headers are sent with proxied requests.
	Headers map[string]string
	// Pos is where the rule is written.
	Pos Pos

	re     *regexp.Regexp
	params []string // names of re's groups: placeholders and "splat"
}

// Conditions restrict a redirect to some requests. Within one kind any
// value matches; all kinds given must match.
type Conditions struct {
	// Language holds language tags matched against the first language of
	// Accept-Language (or the nf_lang cookie): "sv" matches "sv" and
	// "sv-SE".
	Language []string
	// Country holds ISO 3166 codes matched against the reader's country
	// (the nf_country cookie, else GeoIP on Netlify).
	Country []string
	// Role holds Netlify Identity roles. The model has no Identity: a
	// rule with roles matches and answers 404, as Netlify answers a
	// visitor without the role.
	Role []string
	// Cookie holds cookie names, any of which present matches.
	Cookie []string
	// Other holds conditions Netlify does not know; a rule with any never
	// matches.
	Other map[string]string
}

// EffectiveStatus is the status Netlify answers with: Status, or 301.
func (r *Redirect) EffectiveStatus() int {
	if r.Status == 0 {
		return http.StatusMovedPermanently
	}
	return r.Status
}

// IsProxy reports whether the rule proxies to another server.
func (r *Redirect) IsProxy() bool { return r.EffectiveStatus() == http.StatusOK && isURL(r.To) }

func (r *Redirect) String() string {
	var b strings.Builder
	b.WriteString(r.From)
	keys := sortedKeys(r.Query)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%s", k, r.Query[k])
	}
	fmt.Fprintf(&b, " %s", r.To)
	if r.Status != 0 || r.Force {
		fmt.Fprintf(&b, " %d", r.EffectiveStatus())
		if r.Force {
			b.WriteByte('!')
		}
	}
	for _, c := range []struct {
		name string
		vals []string
	}{{"Language", r.Conditions.Language}, {"Country", r.Conditions.Country}, {"Role", r.Conditions.Role}, {"Cookie", r.Conditions.Cookie}} {
		if len(c.vals) > 0 {
			fmt.Fprintf(&b, " %s=%s", c.name, strings.Join(c.vals, ","))
		}
	}
	return b.String()
}

// Header is one response header a rule sets.
type Header struct {
	Name, Value string
}

// HeaderRule is one header rule: a path pattern and the headers Netlify
// adds to responses for the paths it matches.
type HeaderRule struct {
	// For is the path pattern: literal segments, :placeholder segments
	// and * wildcards, matched case-insensitively, trailing slash
	// optional.
	For string
	// Values are the headers, in the order written.
	Values []Header
	// Pos is where the rule is written.
	Pos Pos

	re *regexp.Regexp
	// prefix is the pattern's literal start, lower case, which every path
	// it matches starts with (checked first: it is much cheaper).
	prefix string
	// shape says when the prefix alone decides, without re.
	shape patternShape
}

// patternShape is what a header pattern is made of.
type patternShape int

const (
	shapeOther   patternShape = iota // placeholders or inner wildcards: re decides
	shapeLiteral                     // literal segments only: the prefix, slash optional
	shapeTree                        // literal segments then a lone *: the prefix and anything below
)

// Matches reports whether the rule applies to the URL path p (as the
// request has it, percent-encoded).
func (h *HeaderRule) Matches(p string) bool {
	n := len(h.prefix)
	if len(p) < n || !strings.EqualFold(p[:n], h.prefix) {
		return false
	}
	rest := p[n:]
	switch h.shape {
	case shapeLiteral:
		return rest == "" || rest == "/"
	case shapeTree:
		return true
	}
	return h.re.MatchString(p)
}

// Get returns the rule's value of the header name (case-insensitive).
func (h *HeaderRule) Get(name string) (string, bool) {
	for _, v := range h.Values {
		if strings.EqualFold(v.Name, name) {
			return v.Value, true
		}
	}
	return "", false
}

// Pos is where a rule is written: a file (relative to the site root, or
// the published folder's generated file) and a 1-based line, 0 when not
// known.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Rules are the redirect and header rules of one deploy, in the order
// Netlify applies them: the published _redirects before netlify.toml's
// [[redirects]], the published _headers before netlify.toml's
// [[headers]].
type Rules struct {
	Redirects []*Redirect
	Headers   []*HeaderRule

	// duplicates are the rules Netlify's parsers dropped as exact repeats
	// of a later one (the later copy is kept, in its place).
	duplicates []duplicate
}

type duplicate struct {
	dropped, kept Pos
	rule          string
}

// Source is one file the rules come from.
type Source struct {
	// Name is how problems name the file ("netlify.toml",
	// "public/_redirects").
	Name string
	// Data is its content; nil when the file does not exist.
	Data []byte
}

// Parse reads the rules of a deploy: netlify.toml and the published
// _redirects and _headers (each may be missing: nil Data). Rules Netlify's
// parsers reject are left out and reported, all of them, as a
// content.List of errors wrapping ErrSyntax, as Netlify would deploy
// without them.
func Parse(netlifyTOML, redirects, headers Source) (*Rules, error) {
	var problems content.List
	rs := &Rules{}
	fileRedirects, errs := ParseRedirectsFile(redirects.Name, redirects.Data)
	problems = append(problems, errs...)
	fileHeaders, errs := ParseHeadersFile(headers.Name, headers.Data)
	problems = append(problems, errs...)
	cfgRedirects, cfgHeaders, errs := ParseConfig(netlifyTOML.Name, netlifyTOML.Data)
	problems = append(problems, errs...)
	rs.Redirects = dedupe(rs, append(fileRedirects, cfgRedirects...), (*Redirect).key, func(r *Redirect) (Pos, string) { return r.Pos, r.String() })
	rs.Headers = dedupe(rs, append(fileHeaders, cfgHeaders...), (*HeaderRule).key, func(h *HeaderRule) (Pos, string) { return h.Pos, "for " + strconv.Quote(h.For) })
	if len(problems) > 0 {
		return rs, problems
	}
	return rs, nil
}

func syntaxError(pos Pos, hint, format string, args ...any) *content.Error {
	return content.Errorf(pos.File, pos.Line, 0, ErrSyntax, hint, format, args...)
}

// --- _redirects ---

// ParseRedirectsFile reads a _redirects file: one rule a line,
//
//	from [query=value …] to [status[!]] [Condition=a,b …]
//
// with # comments, as @netlify/redirect-parser reads it.
func ParseRedirectsFile(name string, data []byte) ([]*Redirect, content.List) {
	var out []*Redirect
	var problems content.List
	for i, line := range splitLines(data) {
		pos := Pos{name, i + 1}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		raw, err := parseRedirectLine(line)
		if err != nil {
			problems = append(problems, syntaxError(pos, "write the rule as: from [param=value] to [status[!]] [Language=xx]", "%v in %q", err, line))
			continue
		}
		r, err := normalizeRedirect(raw, pos)
		if err != nil {
			problems = append(problems, syntaxError(pos, "", "%v in %q", err, line))
			continue
		}
		out = append(out, r)
	}
	return out, problems
}

// rawRedirect is a rule before normalization, with what each field of the
// file or table said.
type rawRedirect struct {
	from       string
	query      map[string]string
	to         string
	hasTo      bool
	status     any // int, string (as written) or nil
	force      bool
	conditions map[string]any // string or []string values
	signed     string
	headers    map[string]string
}

func parseRedirectLine(line string) (rawRedirect, error) {
	parts := strings.Fields(line)
	for i, p := range parts {
		if strings.HasPrefix(p, "#") {
			parts = parts[:i]
			break
		}
	}
	r := rawRedirect{from: parts[0], query: map[string]string{}, conditions: map[string]any{}}
	parts = parts[1:]
	if len(parts) == 0 {
		return r, errors.New("missing destination path/URL")
	}
	var rest []string
	if _, ok := jsParseInt(parts[0]); ok {
		rest = parts // a forward rule: no "to"
	} else {
		toAt := -1
		for i, p := range parts {
			if strings.HasPrefix(p, "/") || isURL(p) {
				toAt = i
				break
			}
		}
		if toAt < 0 {
			return r, errors.New(`the destination path/URL must start with "/", "http:" or "https:"`)
		}
		for _, q := range parts[:toAt] {
			if k, v, ok := parsePair(q); ok {
				r.query[k] = v
			}
		}
		r.to, r.hasTo = parts[toAt], true
		rest = parts[toAt+1:]
	}
	if len(rest) > 0 {
		st := rest[0]
		if _, ok := jsParseInt(st); ok {
			r.status = st
			r.force = strings.HasSuffix(st, "!")
		} else {
			r.status = st // rejected by normalization, as Netlify does
		}
		for _, c := range rest[1:] {
			k, v, ok := parsePair(c)
			if !ok {
				continue // no value: Netlify's parser drops the pair
			}
			if k == "Sign" || k == "signed" {
				r.signed = v
				continue
			}
			r.conditions[k] = v
		}
	}
	return r, nil
}

// parsePair splits key=value as Netlify's parser does: the value ends at
// a second "="; a pair without "=" has no value (ok false).
func parsePair(s string) (key, value string, ok bool) {
	parts := strings.Split(s, "=")
	if len(parts) == 1 {
		return parts[0], "", false
	}
	return parts[0], parts[1], true
}

// jsParseInt is JavaScript's Number.parseInt(s): leading whitespace, a
// sign, then digits (0x for hexadecimal), ignoring what follows.
func jsParseInt(s string) (int, bool) {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	base := 10
	if len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		base, s = 16, s[2:]
	}
	n, digits := 0, 0
	for _, c := range s {
		d := digitValue(c)
		if d < 0 || d >= base {
			break
		}
		n = n*base + d
		digits++
		if n > 1<<40 {
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

func digitValue(c rune) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isURL(s string) bool { return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") }

// normalizeRedirect validates a rule and fills in what Netlify derives,
// as @netlify/redirect-parser's normalize step does.
func normalizeRedirect(raw rawRedirect, pos Pos) (*Redirect, error) {
	r := &Redirect{From: raw.from, Query: raw.query, To: raw.to, Force: raw.force, Signed: raw.signed, Headers: raw.headers, Pos: pos}
	if r.From == "" {
		return nil, errors.New(`missing "from" field`)
	}
	switch st := raw.status.(type) {
	case nil:
	case int:
		r.Status = st
	case int64:
		r.Status = int(st)
	case float64:
		if st != float64(int(st)) {
			return nil, fmt.Errorf("invalid status code: %v", st)
		}
		r.Status = int(st)
	case string:
		n, ok := jsParseInt(st)
		if !ok {
			return nil, fmt.Errorf("invalid status code: %s", st)
		}
		r.Status = n
	default:
		return nil, fmt.Errorf("invalid status code: %v", st)
	}
	if !raw.hasTo {
		// A forward rule: /path/* with a 2xx status keeps the path.
		if !strings.HasSuffix(r.From, "/*") || r.Status < 200 || r.Status >= 300 {
			return nil, errors.New(`missing "to" field`)
		}
		r.To = strings.TrimSuffix(r.From, "/*") + "/:splat"
	}
	fromPath := r.From
	if isURL(r.From) {
		_, rest, _ := strings.Cut(strings.SplitN(r.From, "://", 2)[1], "/")
		fromPath = "/" + rest
	}
	if strings.HasPrefix(fromPath, "/.netlify") {
		return nil, errors.New(`"path" field must not start with "/.netlify"`)
	}
	// Language, Country and Role may be written in lower case; the lower
	// case key wins when both are given, as in Netlify's parser.
	keys := make([]string, 0, len(raw.conditions))
	for k := range raw.conditions {
		keys = append(keys, k)
	}
	sort.Strings(keys) // capitalized keys sort first
	for _, k := range keys {
		var vals []string
		switch v := raw.conditions[k].(type) {
		case string:
			vals = splitList(v)
		case []string:
			vals = v
		}
		switch k {
		case "Language", "language":
			r.Conditions.Language = vals
		case "Country", "country":
			r.Conditions.Country = vals
		case "Role", "role":
			r.Conditions.Role = vals
		case "Cookie":
			r.Conditions.Cookie = vals
		default:
			if r.Conditions.Other == nil {
				r.Conditions.Other = map[string]string{}
			}
			r.Conditions.Other[k] = strings.Join(vals, ",")
		}
	}
	if err := r.compile(); err != nil {
		return nil, err
	}
	return r, nil
}

var listSep = regexp.MustCompile(`\s*,\s*`)

func splitList(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return listSep.Split(s, -1)
}

// dedupe drops exact repeats of a rule, keeping the last copy in its
// place, as the merge step of Netlify's parsers does, and notes what it
// dropped in rs.
func dedupe[T any](rs *Rules, list []T, key func(T) string, describe func(T) (Pos, string)) []T {
	kept := map[string]T{}
	var out []T
	for i := len(list) - 1; i >= 0; i-- {
		k := key(list[i])
		if later, ok := kept[k]; ok {
			dropped, what := describe(list[i])
			at, _ := describe(later)
			rs.duplicates = append(rs.duplicates, duplicate{dropped: dropped, kept: at, rule: what})
			continue
		}
		kept[k] = list[i]
		out = append(out, list[i])
	}
	slices.Reverse(out)
	return out
}

func (r *Redirect) key() string {
	return fmt.Sprintf("%s|%v|%s|%d|%v|%v|%s|%v", r.From, sortedPairs(r.Query), r.To, r.Status, r.Force, r.Conditions, r.Signed, sortedPairs(r.Headers))
}

// --- _headers ---

// ParseHeadersFile reads a _headers file: a path line starting with "/",
// then indented "Name: value" lines, as @netlify/headers-parser reads it
// (a name repeated under one path joins its values with ", "; a line
// without ":" is ignored).
func ParseHeadersFile(name string, data []byte) ([]*HeaderRule, content.List) {
	var out []*HeaderRule
	var problems content.List
	var cur *HeaderRule
	for i, line := range splitLines(data) {
		pos := Pos{name, i + 1}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "/") {
			cur = &HeaderRule{For: line, Pos: pos}
			out = append(out, cur)
			continue
		}
		hname, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		hname, value = strings.TrimSpace(hname), strings.TrimSpace(value)
		switch {
		case hname == "":
			problems = append(problems, syntaxError(pos, "write headers as Name: value", "missing header name in %q", line))
			continue
		case value == "":
			problems = append(problems, syntaxError(pos, "write headers as Name: value", "missing header value in %q", line))
			continue
		case cur == nil:
			problems = append(problems, syntaxError(pos, "start each block with the path it applies to, e.g. /*", "path should come before header %q", hname))
			continue
		}
		if i := indexHeader(cur.Values, hname); i >= 0 {
			cur.Values[i].Value += ", " + value
		} else {
			cur.Values = append(cur.Values, Header{hname, value})
		}
	}
	var kept []*HeaderRule
	for _, h := range out {
		if err := h.normalize(); err != nil {
			problems = append(problems, syntaxError(h.Pos, "", "%v", err))
			continue
		}
		if len(h.Values) > 0 {
			kept = append(kept, h)
		}
	}
	return kept, problems
}

// indexHeader finds a header by exact name (the parsers keep names as
// written; different cases are different keys to them).
func indexHeader(hs []Header, name string) int {
	for i, h := range hs {
		if h.Name == name {
			return i
		}
	}
	return -1
}

func (h *HeaderRule) normalize() error {
	h.For = strings.TrimSpace(h.For)
	for i, v := range h.Values {
		name := strings.TrimSpace(v.Name)
		if name == "" || name == "undefined" {
			return errors.New("empty header name")
		}
		h.Values[i] = Header{name, strings.Join(listSep.Split(strings.TrimSpace(v.Value), -1), ", ")}
	}
	re, err := forRegexp(h.For)
	if err != nil {
		return fmt.Errorf("path %q: %w", h.For, err)
	}
	h.re = re
	h.prefix = literalPrefix(h.For)
	h.shape = shapeOf(h.For, h.prefix)
	return nil
}

// shapeOf finds the patterns Matches can decide by the prefix: literal
// segments, with or without a final lone * (and ASCII, as the prefix is).
func shapeOf(pattern, prefix string) patternShape {
	var segs []string
	for _, seg := range strings.Split(pattern, "/") {
		if seg = strings.TrimRight(seg, " \t\n\r\v\f"); seg != "" {
			segs = append(segs, seg)
		}
	}
	literal := "/" + strings.Join(segs, "/")
	tree := false
	if n := len(segs); n > 0 && segs[n-1] == "*" {
		literal, tree = "/"+strings.Join(segs[:n-1], "/"), true
	}
	if !strings.EqualFold(literal, prefix) || strings.ContainsAny(literal, "*:") {
		return shapeOther
	}
	if tree {
		return shapeTree
	}
	return shapeLiteral
}

// literalPrefix is the start every path a pattern matches shares: "/"
// and the whole segments before the first * or :placeholder, without
// their last slash (which a final * makes optional), lower case.
func literalPrefix(pattern string) string {
	var segs []string
	for _, seg := range strings.Split(pattern, "/") {
		seg = strings.TrimRight(seg, " \t\n\r\v\f")
		if seg == "" {
			continue
		}
		if strings.ContainsAny(seg, "*") || strings.HasPrefix(seg, ":") {
			break
		}
		segs = append(segs, seg)
	}
	p := "/" + strings.Join(segs, "/")
	for i := 0; i < len(p); i++ {
		if p[i] >= 0x80 {
			return "/" // case folding beyond ASCII can change lengths
		}
	}
	return strings.ToLower(p)
}

// forRegexp is @netlify/headers-parser's regular expression for a path
// pattern: segments joined by "/", :placeholder for one segment, a lone *
// for anything (the slash before it optional), * inside a segment for
// anything, case-insensitive, trailing slash optional.
func forRegexp(pattern string) (*regexp.Regexp, error) {
	var parts []string
	for _, seg := range strings.Split(pattern, "/") {
		seg = strings.TrimRight(seg, " \t\n\r\v\f")
		switch {
		case seg == "":
			continue
		case strings.HasPrefix(seg, ":"):
			parts = append(parts, "([^/]+)")
		case seg == "*":
			parts = append(parts, "?(.*)")
		case strings.Contains(seg, "*"):
			parts = append(parts, strings.ReplaceAll(seg, "*", "(.*)"))
		default:
			parts = append(parts, regexp.QuoteMeta(seg))
		}
	}
	return regexp.Compile("(?i)^/" + strings.Join(parts, "/") + "/?$")
}

// key identifies a rule by its path and values in any order, as the
// merge step of @netlify/headers-parser does.
func (h *HeaderRule) key() string {
	vals := make([]string, len(h.Values))
	for j, v := range h.Values {
		vals[j] = v.Name + "\x00" + v.Value
	}
	sort.Strings(vals)
	return h.For + "\x01" + strings.Join(vals, "\x01")
}

// --- netlify.toml ---

// ParseConfig reads the [[redirects]] and [[headers]] of a netlify.toml,
// with the field names and value forms Netlify's parsers accept.
func ParseConfig(name string, data []byte) ([]*Redirect, []*HeaderRule, content.List) {
	if data == nil {
		return nil, nil, nil
	}
	var cfg map[string]any
	md, err := toml.Decode(string(data), &cfg)
	if err != nil {
		line := 0
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line = pe.Position.Line
		}
		return nil, nil, content.List{syntaxError(Pos{name, line}, "", "could not parse configuration file: %v", err)}
	}
	var problems content.List
	redirectLines := tableLines(data, "redirects")
	headerLines := tableLines(data, "headers")
	var redirects []*Redirect
	list, err := tableList(cfg["redirects"])
	if err != nil {
		problems = append(problems, syntaxError(Pos{name, 0}, "", "redirects: %v", err))
	}
	for i, t := range list {
		pos := Pos{name, lineAt(redirectLines, i)}
		raw, err := configRedirect(t)
		if err == nil {
			var r *Redirect
			if r, err = normalizeRedirect(raw, pos); err == nil {
				redirects = append(redirects, r)
				continue
			}
		}
		problems = append(problems, syntaxError(pos, "", "redirect number %d: %v", i+1, err))
	}
	var headers []*HeaderRule
	list, err = tableList(cfg["headers"])
	if err != nil {
		problems = append(problems, syntaxError(Pos{name, 0}, "", "headers: %v", err))
	}
	order := headerValueOrder(md)
	for i, t := range list {
		pos := Pos{name, lineAt(headerLines, i)}
		var names []string
		if i < len(order) {
			names = order[i]
		}
		h, err := configHeader(t, names, pos)
		switch {
		case err != nil:
			problems = append(problems, syntaxError(pos, "", "header number %d: %v", i+1, err))
		case h != nil:
			headers = append(headers, h)
		}
	}
	return redirects, headers, problems
}

func tableList(v any) ([]map[string]any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case []map[string]any:
		return v, nil
	case []any:
		var out []map[string]any
		for _, x := range v {
			m, ok := x.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("must be objects not: %v", x)
			}
			out = append(out, m)
		}
		return out, nil
	}
	return nil, errors.New("must be an array")
}

// firstOf returns the first of the keys (a field and its old names) that
// t has.
func firstOf(t map[string]any, keys ...string) (any, bool) {
	for _, k := range keys {
		if v, ok := t[k]; ok {
			return v, true
		}
	}
	return nil, false
}

func configRedirect(t map[string]any) (rawRedirect, error) {
	r := rawRedirect{query: map[string]string{}, conditions: map[string]any{}}
	if v, ok := firstOf(t, "from", "origin"); ok {
		s, ok := v.(string)
		if !ok {
			return r, fmt.Errorf(`"from" must be a string, not %v`, v)
		}
		r.from = s
	}
	if v, ok := firstOf(t, "to", "destination"); ok {
		s, ok := v.(string)
		if !ok {
			return r, fmt.Errorf(`"to" must be a string, not %v`, v)
		}
		r.to, r.hasTo = s, true
	}
	if v, ok := t["status"]; ok {
		r.status = v
	}
	if v, ok := t["force"]; ok {
		b, ok := v.(bool)
		if !ok {
			return r, fmt.Errorf(`"force" must be true or false, not %v`, v)
		}
		r.force = b
	}
	if v, ok := firstOf(t, "query", "params", "parameters"); ok {
		m, ok := v.(map[string]any)
		if !ok {
			return r, fmt.Errorf(`"query" must be a table, not %v`, v)
		}
		for k, x := range m {
			r.query[k] = fmt.Sprint(x)
		}
	}
	if v, ok := t["conditions"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			return r, fmt.Errorf(`"conditions" must be a table, not %v`, v)
		}
		for k, x := range m {
			switch x := x.(type) {
			case string:
				r.conditions[k] = x
			case []any:
				var vals []string
				for _, e := range x {
					vals = append(vals, fmt.Sprint(e))
				}
				r.conditions[k] = vals
			default:
				r.conditions[k] = fmt.Sprint(x)
			}
		}
	}
	if v, ok := firstOf(t, "signed", "signing", "sign"); ok {
		r.signed = fmt.Sprint(v)
	}
	if v, ok := t["headers"]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			return r, errors.New(`"headers" field must be an object`)
		}
		r.headers = map[string]string{}
		for k, x := range m {
			r.headers[k] = fmt.Sprint(x)
		}
	}
	return r, nil
}

// headerValueOrder returns, for each [[headers]] table, its values' names
// in the order the file defines them (a decoded table has none; the
// JavaScript parsers keep it).
func headerValueOrder(md toml.MetaData) [][]string {
	var out [][]string
	for _, k := range md.Keys() {
		switch {
		case len(k) == 1 && k[0] == "headers":
			out = append(out, nil)
		case len(k) == 3 && k[0] == "headers" && k[1] == "values" && len(out) > 0:
			out[len(out)-1] = append(out[len(out)-1], k[2])
		}
	}
	return out
}

func configHeader(t map[string]any, order []string, pos Pos) (*HeaderRule, error) {
	v, ok := t["for"]
	if !ok {
		return nil, errors.New(`missing "for" field`)
	}
	forPath, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf(`"for" must be a string not: %v`, v)
	}
	raw, ok := t["values"]
	if !ok {
		return nil, nil // Netlify skips a rule without values
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(`"values" must be an object not: %v`, raw)
	}
	h := &HeaderRule{For: forPath, Pos: pos}
	for _, k := range orderedKeys(m, order) {
		switch x := m[k].(type) {
		case string:
			h.Values = append(h.Values, Header{k, x})
		case []any:
			var vals []string
			for j, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("header %q value must be a string not: %v (item %d)", k, e, j)
				}
				vals = append(vals, strings.TrimSpace(s))
			}
			h.Values = append(h.Values, Header{k, strings.Join(vals, ", ")})
		default:
			return nil, fmt.Errorf("header %q value must be a string not: %v", k, x)
		}
	}
	if err := h.normalize(); err != nil {
		return nil, err
	}
	if len(h.Values) == 0 {
		return nil, nil
	}
	return h, nil
}

// tableLines returns the line of each [[name]] table header in a TOML
// file, in order, so that rules can be reported where they are written.
func tableLines(data []byte, name string) []int {
	re := regexp.MustCompile(`^\s*\[\[\s*` + regexp.QuoteMeta(name) + `\s*\]\]`)
	var out []int
	for i, line := range splitLines(data) {
		if re.MatchString(line) {
			out = append(out, i+1)
		}
	}
	return out
}

func lineAt(lines []int, i int) int {
	if i < len(lines) {
		return lines[i]
	}
	return 0
}

func splitLines(data []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		out = append(out, strings.TrimSuffix(sc.Text(), "\r"))
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedPairs(m map[string]string) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, k+"="+m[k])
	}
	return out
}

// orderedKeys returns a table's keys in the given order, then any others
// sorted.
func orderedKeys(m map[string]any, order []string) []string {
	keys := make([]string, 0, len(m))
	seen := map[string]bool{}
	for _, k := range order {
		if _, ok := m[k]; ok && !seen[k] {
			keys = append(keys, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}
