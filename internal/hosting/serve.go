package hosting

import (
	"net/http"
	"net/url"
	"strings"
)

// DefaultCacheControl is what Netlify sends when no header rule sets
// Cache-Control: revalidate on every visit.
const DefaultCacheControl = "public, max-age=0, must-revalidate"

// contribution is one rule's value of one header.
type contribution struct {
	forPath, name, value string
}

// HeadersFor returns the headers Netlify's rules add to a response for the
// URL path p (as sent, percent-encoded). Every matching rule applies, in
// order. A header set again by a rule with the same path pattern replaces
// that pattern's earlier value; set by rules with different patterns, the
// values are joined with ", " (so overlapping rules that both set
// Cache-Control send both policies in one header: see Check).
func (rs *Rules) HeadersFor(p string) http.Header {
	var order []string
	byName := map[string][]contribution{}
	for _, h := range rs.Headers {
		if !h.Matches(p) {
			continue
		}
		for _, v := range h.Values {
			key := http.CanonicalHeaderKey(v.Name)
			cs, seen := byName[key]
			if !seen {
				order = append(order, key)
			}
			replaced := false
			for i := range cs {
				if cs[i].forPath == h.For {
					cs[i].value, replaced = v.Value, true
				}
			}
			if !replaced {
				cs = append(cs, contribution{h.For, v.Name, v.Value})
			}
			byName[key] = cs
		}
	}
	out := http.Header{}
	for _, key := range order {
		var vals []string
		for _, c := range byName[key] {
			vals = append(vals, c.value)
		}
		out.Set(key, strings.Join(vals, ", "))
	}
	return out
}

// Answer is how Netlify answers one request.
type Answer struct {
	// Status is the response status (for a proxy: what the rule asks; the
	// proxied server's answer stands).
	Status int
	// File is the published file whose content answers, "" for none.
	File string
	// Location is set for redirects.
	Location string
	// Proxy is the URL a proxy rule forwards to.
	Proxy string
	// Rule is the redirect rule that decided the answer, nil for none.
	Rule *Redirect
	// Header holds the headers the rules add (not for proxies: the
	// proxied server sets its own).
	Header http.Header
}

// Resolve answers req as Netlify would for a deploy of files with these
// rules: the first redirect rule that matches, unless it is not forced
// and a file exists at the path (the file is served then: "shadowing");
// a rule that redirects a path to itself is ignored. Without a rule, the
// file, a 301 to the folder's trailing slash, or the site's 404.html.
func (rs *Rules) Resolve(req Request, files Files) Answer {
	static, slash := Static(files, req.Path)
	for _, r := range rs.Redirects {
		caps, ok := r.Match(req)
		if !ok {
			continue
		}
		to := r.Target(caps, req.RawQuery)
		if redirects(r.EffectiveStatus()) && sameLocation(to, req) {
			continue
		}
		if !r.Force && static != "" {
			break
		}
		return rs.apply(r, to, req, files)
	}
	a := Answer{Header: rs.headers(req.EscapedPath)}
	switch {
	case slash:
		a.Status, a.Location = http.StatusMovedPermanently, withQuery(strings.TrimSuffix(req.EscapedPath, "/")+"/", req.RawQuery)
	case static != "":
		a.Status, a.File = http.StatusOK, static
	default:
		a.Status = http.StatusNotFound
		if files.Has("404.html") {
			a.File = "404.html"
		}
	}
	return a
}

func (rs *Rules) apply(r *Redirect, to string, req Request, files Files) Answer {
	status := r.EffectiveStatus()
	a := Answer{Status: status, Rule: r}
	switch {
	case len(r.Conditions.Role) > 0:
		// No Netlify Identity here: the answer to a visitor without the role.
		a.Status = http.StatusNotFound
		if files.Has("404.html") {
			a.File = "404.html"
		}
	case isURL(to) && !redirects(status):
		a.Proxy = to
		return a
	case redirects(status):
		a.Location = to
	default:
		target, _, _ := strings.Cut(to, "?")
		if u, err := url.PathUnescape(target); err == nil {
			target = u
		}
		if f, _ := Static(files, target); f != "" {
			a.File = f
		} else {
			// A rewrite to nothing: Netlify's 404.
			a.Status = http.StatusNotFound
			if files.Has("404.html") {
				a.File = "404.html"
			}
		}
	}
	a.Header = rs.headers(req.EscapedPath)
	return a
}

// headers is HeadersFor with Netlify's default Cache-Control.
func (rs *Rules) headers(p string) http.Header {
	h := rs.HeadersFor(p)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", DefaultCacheControl)
	}
	return h
}

func redirects(status int) bool { return status >= 300 && status < 400 }

// sameLocation reports whether a redirect target is the request itself.
func sameLocation(to string, req Request) bool {
	if isURL(to) {
		return false
	}
	p, q, _ := strings.Cut(to, "?")
	return strings.TrimSuffix(p, "/") == strings.TrimSuffix(req.EscapedPath, "/") && q == req.RawQuery
}

func withQuery(p, q string) string {
	if q == "" {
		return p
	}
	return p + "?" + q
}

// Server answers requests the way Netlify answers them for one deploy.
type Server struct {
	// Rules are the deploy's rules.
	Rules *Rules
	// Files are the published files.
	Files Files
	// File writes the content of a published file with a status (its
	// Content-Type and encoding are the caller's business; the rules'
	// headers are already set).
	File func(w http.ResponseWriter, r *http.Request, name string, status int)
	// Proxy answers a request a proxy rule forwards to target. Nil
	// answers 502.
	Proxy func(w http.ResponseWriter, r *http.Request, target *url.URL, rule *Redirect)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := s.Rules.Resolve(NewRequest(r), s.Files)
	if a.Proxy != "" {
		target, err := url.Parse(a.Proxy)
		if err != nil || s.Proxy == nil {
			http.Error(w, "proxy target "+a.Proxy+" is not reachable from here", http.StatusBadGateway)
			return
		}
		s.Proxy(w, r, target, a.Rule)
		return
	}
	for k, v := range a.Header {
		w.Header()[k] = v
	}
	if a.Location != "" {
		w.Header().Set("Location", a.Location)
		w.WriteHeader(a.Status)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if a.File == "" {
		http.Error(w, "Not Found", a.Status)
		return
	}
	s.File(w, r, a.File, a.Status)
}

// ProxyTo returns a Proxy that hands proxied requests to h (the form
// handler in process) with the target's path and query, and the rule's
// proxy headers, as the proxied server would receive them.
func ProxyTo(h http.Handler) func(http.ResponseWriter, *http.Request, *url.URL, *Redirect) {
	return func(w http.ResponseWriter, r *http.Request, target *url.URL, rule *Redirect) {
		r2 := r.Clone(r.Context())
		r2.URL = &url.URL{Path: target.Path, RawPath: target.RawPath, RawQuery: target.RawQuery}
		r2.RequestURI = target.RequestURI()
		for k, v := range rule.Headers {
			r2.Header.Set(k, v)
		}
		r2.Header.Set("X-Forwarded-Host", r.Host)
		h.ServeHTTP(w, r2)
	}
}
