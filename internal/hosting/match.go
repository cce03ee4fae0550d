package hosting

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// Request is what Netlify's rules look at in a request.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Host is the requested host (for domain-level rules).
	Host string
	// Path is the URL path, decoded, as redirect rules match it.
	Path string
	// EscapedPath is the URL path as sent, as header rules match it.
	EscapedPath string
	// RawQuery is the query string, without "?".
	RawQuery string
	// Language is the reader's language for Language conditions: the
	// nf_lang cookie, else the first tag of Accept-Language, whatever its
	// quality value (Netlify's documented rule).
	Language string
	// Country is the reader's country for Country conditions: the
	// nf_country cookie, else the region of the first Accept-Language tag
	// (the stand-in for Netlify's GeoIP lookup, which a preview lacks).
	Country string
	// Cookies are the names of the cookies sent.
	Cookies map[string]bool
}

// NewRequest reads a Request from r.
func NewRequest(r *http.Request) Request {
	q := Request{Method: r.Method, Host: r.Host, Path: r.URL.Path, EscapedPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Cookies: map[string]bool{}}
	if q.Path == "" {
		q.Path, q.EscapedPath = "/", "/"
	}
	first := FirstLanguage(r.Header.Get("Accept-Language"))
	q.Language = first
	q.Country = region(first)
	for _, c := range r.Cookies() {
		q.Cookies[c.Name] = true
		switch c.Name {
		case "nf_lang":
			q.Language = c.Value
		case "nf_country":
			q.Country = c.Value
		}
	}
	return q
}

// FirstLanguage is the first language tag of an Accept-Language header,
// ignoring quality values, as Netlify's Language condition reads it; ""
// when there is none.
func FirstLanguage(accept string) string {
	first, _, _ := strings.Cut(accept, ",")
	tag, _, _ := strings.Cut(first, ";")
	tag = strings.TrimSpace(tag)
	if tag == "*" {
		return ""
	}
	return tag
}

// region is the region subtag of a language tag ("sv-SE" → "SE"), "" if
// it has none.
func region(tag string) string {
	parts := strings.Split(tag, "-")
	for _, p := range parts[1:] {
		if len(p) == 2 || (len(p) == 3 && p[0] >= '0' && p[0] <= '9') {
			return strings.ToUpper(p)
		}
		if len(p) != 4 { // a script subtag comes before the region
			break
		}
	}
	return ""
}

// compile builds the rule's matcher from From: literal text, :name for a
// whole segment, * for anything (the slash before it optional); the
// trailing slash is optional unless the pattern ends in a splat, which
// keeps it. Paths match case-sensitively, as Netlify's redirector does.
func (r *Redirect) compile() error {
	p := r.From
	if isURL(p) {
		u, err := url.Parse(p)
		if err != nil {
			return fmt.Errorf("invalid URL: %w", err)
		}
		p = u.Path
		if p == "" {
			p = "/"
		}
	}
	var b strings.Builder
	b.WriteString("^")
	endsInSplat := strings.HasSuffix(p, "*")
	if !endsInSplat && len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	r.params = nil
	for i := 0; i < len(p); {
		switch {
		case p[i] == '/' && i+1 < len(p) && p[i+1] == '*':
			b.WriteString("/?(.*)")
			r.params = append(r.params, "splat")
			i += 2
		case p[i] == '*':
			b.WriteString("/?(.*)")
			r.params = append(r.params, "splat")
			i++
		case p[i] == ':' && i > 0 && p[i-1] == '/':
			end := strings.IndexByte(p[i:], '/')
			if end < 0 {
				end = len(p) - i
			}
			name := p[i+1 : i+end]
			if placeholderName.MatchString(name) {
				b.WriteString("([^/]+)")
				r.params = append(r.params, name)
			} else {
				b.WriteString(regexp.QuoteMeta(p[i : i+end]))
			}
			i += end
		case p[i] == '/':
			b.WriteByte('/')
			i++
		default:
			j := i
			for j < len(p) && p[j] != '*' && p[j] != '/' {
				j++
			}
			b.WriteString(regexp.QuoteMeta(p[i:j]))
			i = j
		}
	}
	if !endsInSplat {
		if p != "/" {
			b.WriteString("/?")
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return fmt.Errorf("path %q: %w", r.From, err)
	}
	r.re = re
	return nil
}

var placeholderName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

func (r *Redirect) host() string {
	if !isURL(r.From) {
		return ""
	}
	u, err := url.Parse(r.From)
	if err != nil {
		return ""
	}
	return u.Host
}

// Match reports whether the rule applies to req and returns what its
// placeholders and splat captured.
func (r *Redirect) Match(req Request) (map[string]string, bool) {
	if h := r.host(); h != "" && !strings.EqualFold(h, req.Host) {
		return nil, false
	}
	m := r.re.FindStringSubmatch(req.Path)
	if m == nil {
		return nil, false
	}
	caps := map[string]string{}
	for i, name := range r.params {
		caps[name] = m[i+1]
	}
	if len(r.Query) > 0 {
		q := rawQuery(req.RawQuery)
		for k, want := range r.Query {
			got, ok := q[k]
			switch {
			case !ok:
				return nil, false
			case strings.HasPrefix(want, ":"):
				caps[want[1:]] = got
			case got != want:
				return nil, false
			}
		}
	}
	if !r.Conditions.match(req) {
		return nil, false
	}
	return caps, true
}

// rawQuery splits a query string without decoding it; a repeated
// parameter keeps its last value, as Netlify's redirector reads it.
func rawQuery(q string) map[string]string {
	out := map[string]string{}
	for _, kv := range strings.Split(q, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		out[k] = v
	}
	return out
}

func (c Conditions) match(req Request) bool {
	if len(c.Other) > 0 {
		return false // Netlify knows no other conditions
	}
	if len(c.Language) > 0 && !anyLanguage(c.Language, req.Language) {
		return false
	}
	if len(c.Country) > 0 && !anyFold(c.Country, req.Country) {
		return false
	}
	if len(c.Cookie) > 0 {
		found := false
		for _, name := range c.Cookie {
			found = found || req.Cookies[name]
		}
		if !found {
			return false
		}
	}
	return true
}

// anyLanguage reports whether tag is one of the ranges or within one
// ("sv" takes "sv-SE"), case-insensitively.
func anyLanguage(ranges []string, tag string) bool {
	if tag == "" {
		return false
	}
	for _, r := range ranges {
		if strings.EqualFold(r, tag) || (len(tag) > len(r) && tag[len(r)] == '-' && strings.EqualFold(tag[:len(r)], r)) {
			return true
		}
	}
	return false
}

func anyFold(vals []string, v string) bool {
	if v == "" {
		return false
	}
	for _, x := range vals {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

var toPlaceholder = regexp.MustCompile(`:[A-Za-z0-9_]+`)

// Target fills the rule's To with what Match captured, and passes the
// request's query string on when To has none of its own.
func (r *Redirect) Target(caps map[string]string, rawQuery string) string {
	to := toPlaceholder.ReplaceAllStringFunc(r.To, func(m string) string {
		if v, ok := caps[m[1:]]; ok {
			return v
		}
		return m
	})
	if rawQuery != "" && !strings.Contains(to, "?") {
		to += "?" + rawQuery
	}
	return to
}

// Files is the published folder: which files it holds, by slash-separated
// name relative to it ("en/index.html").
type Files interface {
	Has(name string) bool
}

// FileSet is a Files of names.
type FileSet map[string]bool

// Has implements Files.
func (s FileSet) Has(name string) bool { return s[name] }

// notServed are the published files Netlify reads and never serves.
var notServed = map[string]bool{"_redirects": true, "_headers": true}

// Static finds the published file that answers the URL path p without any
// rule: the file itself, a folder's index.html when p ends in a slash,
// or name.html for an extensionless path. When p names a folder without
// the slash, slash is set: Netlify answers with a 301 to p + "/".
func Static(files Files, p string) (file string, slash bool) {
	clean := path.Clean("/" + p)
	name := strings.TrimPrefix(clean, "/")
	if notServed[name] {
		return "", false
	}
	if strings.HasSuffix(p, "/") || name == "" {
		idx := path.Join(name, "index.html")
		if files.Has(idx) {
			return idx, false
		}
		return "", false
	}
	if files.Has(name) {
		return name, false
	}
	if files.Has(name + "/index.html") {
		return name + "/index.html", true
	}
	if path.Ext(name) == "" && files.Has(name+".html") {
		return name + ".html", false
	}
	return "", false
}
