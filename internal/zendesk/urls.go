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
	if AttachmentLocal(raw) != "" {
		r.Kind = RefAttachment
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
	r.ID, _ = strconv.ParseInt(m[3], 10, 64)
	r.Kind = map[string]RefKind{"articles": RefArticle, "sections": RefSection, "categories": RefCategory}[m[2]]
	return r
}

func unescapeFragment(f string) string {
	if s, err := url.PathUnescape(f); err == nil {
		return s
	}
	return f
}

// OldPaths returns the site paths under which Zendesk served a page with
// this html_url: "/hc/<locale>/articles/<id>" and, when the URL has one,
// the form with the slug, percent-encoded as Zendesk writes it.
func OldPaths(htmlURL string) []string {
	u, err := url.Parse(htmlURL)
	if err != nil {
		return nil
	}
	p := u.EscapedPath()
	m := hcPath.FindStringSubmatch(u.Path)
	if m == nil || m[2] == "" {
		return nil
	}
	short := "/hc/" + strings.ToLower(m[1]) + "/" + m[2] + "/" + m[3]
	if m[1] == "" {
		short = "/hc/" + m[2] + "/" + m[3]
	}
	out := []string{short}
	p = strings.TrimSuffix(p, "/")
	if p != short && !strings.ContainsAny(p, " \t#?") {
		out = append(out, p)
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
