package zendesk

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// RefKind says what a help center URL points at.
type RefKind int

// The kinds of help center URLs.
const (
	RefNone       RefKind = iota // not a help center URL (another host, mailto:, …)
	RefArticle                   // /hc/<locale>/articles/<id>[-<slug>]
	RefSection                   // /hc/<locale>/sections/<id>[-<slug>]
	RefCategory                  // /hc/<locale>/categories/<id>[-<slug>]
	RefHome                      // /hc or /hc/<locale>
	RefAttachment                // /hc/[<locale>/]article_attachments/<id>/<name>
	RefOther                     // any other page of the old help center (requests, community, search, …)
	RefFragment                  // "#anchor" on the same page
)

// Ref is a parsed link found in a Zendesk body.
type Ref struct {
	Kind     RefKind
	Locale   string // Zendesk locale, "" when the URL has none
	ID       int64
	Fragment string
	// Abs is the link as an absolute URL on the old help center (for
	// links that stay pointing there).
	Abs string
}

var hcPath = regexp.MustCompile(`^/hc(?:/([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*))?(?:/(articles|sections|categories)/([0-9]+)(?:-[^/]*)?)?/?$`)

// editorPath matches a link to an article in Zendesk's knowledge editor,
// which writers paste by mistake: /knowledge/articles/<id>/<locale>.
var editorPath = regexp.MustCompile(`^/knowledge/articles/([0-9]+)(?:/([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*))?/?$`)

// NormalizeLocale writes a Zendesk locale the way its URLs do: lower
// case, "-" between the parts ("en_US" and "EN-us" are "en-us").
func NormalizeLocale(l string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(l)), "_", "-")
}

// ParseRef classifies raw, a link found in a page of the help center
// served from base (the API's URL); hosts are the help center's host
// names (see Export.Hosts).
func ParseRef(raw, base string, hosts []string) Ref {
	raw = strings.TrimSpace(raw)
	if strings.HasPrefix(raw, "#") {
		return Ref{Kind: RefFragment, Fragment: unescapeFragment(raw[1:])}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Ref{}
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return Ref{}
	}
	if u.Host != "" {
		ok := false
		for _, h := range hosts {
			ok = ok || strings.EqualFold(u.Host, h)
		}
		if !ok {
			return Ref{}
		}
	} else if !strings.HasPrefix(u.Path, "/") {
		return Ref{} // relative to the page: nothing a body should hold
	}
	abs := raw
	if b, err := url.Parse(base); err == nil && u.Host == "" {
		abs = b.ResolveReference(u).String()
	} else if u.Scheme == "" && u.Host != "" {
		abs = "https:" + raw
	}
	r := Ref{Kind: RefOther, Fragment: unescapeFragment(u.EscapedFragment()), Abs: abs}
	if _, ok := ParseAttachment(raw); ok {
		r.Kind = RefAttachment
		return r
	}
	if m := editorPath.FindStringSubmatch(u.Path); m != nil {
		id, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || id <= 0 {
			return r
		}
		r.Kind, r.Locale, r.ID = RefArticle, NormalizeLocale(m[2]), id
		// Readers cannot open the editor: the public page stands for it.
		public := "/hc/articles/" + m[1]
		if r.Locale != "" {
			public = "/hc/" + r.Locale + "/articles/" + m[1]
		}
		if b, err := url.Parse(base); err == nil && b.Host != "" {
			public = b.Scheme + "://" + b.Host + public
		}
		r.Abs = public
		return r
	}
	m := hcPath.FindStringSubmatch(u.Path)
	if m == nil {
		return r
	}
	r.Locale = strings.ToLower(m[1])
	if m[2] == "" {
		r.Kind = RefHome
		return r
	}
	id, err := strconv.ParseInt(m[3], 10, 64)
	if err != nil || id <= 0 {
		r.Locale = ""
		return r // no page of Zendesk's has it
	}
	r.ID = id
	r.Kind = map[string]RefKind{"articles": RefArticle, "sections": RefSection, "categories": RefCategory}[m[2]]
	return r
}

func unescapeFragment(f string) string {
	if s, err := url.PathUnescape(f); err == nil {
		return s
	}
	return f
}

// OldPaths returns the site paths under which Zendesk served the page
// with this html_url, as alias rules: "/hc/<locale>/articles/<id>" and
// the prefix "/hc/<locale>/articles/<id>-*", which answers the URL with
// the page's title after the id whatever that title was when the link
// was made (Zendesk serves any title there). With localeLess, also the
// same two without the locale, which Zendesk sends to the default
// locale. Nil for URLs that are not such a page.
func OldPaths(htmlURL string, localeLess bool) []string {
	u, err := url.Parse(htmlURL)
	if err != nil {
		return nil
	}
	m := hcPath.FindStringSubmatch(u.Path)
	if m == nil || m[2] == "" {
		return nil
	}
	var out []string
	if m[1] != "" {
		short := "/hc/" + strings.ToLower(m[1]) + "/" + m[2] + "/" + m[3]
		out = append(out, short, short+"-*")
	}
	if localeLess || m[1] == "" {
		short := "/hc/" + m[2] + "/" + m[3]
		out = append(out, short, short+"-*")
	}
	return out
}

// SlugOf returns the title part of a Zendesk page URL ("How-do-I-sign-in-"
// of …/articles/123-How-do-I-sign-in-), decoded, or "".
func SlugOf(htmlURL string) string {
	u, err := url.Parse(htmlURL)
	if err != nil {
		return ""
	}
	last := u.Path[strings.LastIndexByte(u.Path, '/')+1:]
	if i := strings.IndexByte(last, '-'); i > 0 {
		if _, err := strconv.ParseInt(last[:i], 10, 64); err == nil {
			return last[i+1:]
		}
	}
	return ""
}
