package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// requiredCSP is the Content-Security-Policy the site must be served with
// (issue 3): every directive here must appear in netlify.toml's policy with
// exactly these sources.
var requiredCSP = map[string]string{
	"default-src":     "'self'",
	"script-src":      "'self'",
	"style-src":       "'self'",
	"img-src":         "'self' data:",
	"connect-src":     "'self'",
	"frame-ancestors": "'none'",
	"base-uri":        "'self'",
	"form-action":     "'self'",
}

// fallbackHeaders are served when netlify.toml is missing, so that the
// browser tests still run under the policy; TestNetlifyHeaders fails then.
var fallbackHeaders = []headerRule{{For: "/*", Values: map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	"X-Content-Type-Options":  "nosniff",
}}}

// headerRule is one [[headers]] table of netlify.toml.
type headerRule struct {
	For    string            `toml:"for"`
	Values map[string]string `toml:"values"`
}

// redirectRule is one rule of Netlify's _redirects file.
type redirectRule struct {
	From, To string
	Status   int
	Force    bool
	Language []string // the Language= condition, lower case
}

// siteServer serves a built site like Netlify does. See the package doc.
type siteServer struct {
	URL       string // http://127.0.0.1:port
	Host      string // 127.0.0.1:port
	dir       string
	headers   []headerRule
	headerErr error // why netlify.toml could not be read, if it could not
	redirects []redirectRule
	api       http.Handler
	hs        *http.Server
}

// startSiteServer serves dir on 127.0.0.1 with the headers of the
// netlify.toml at config and api (the form handler) under /api/.
func startSiteServer(dir, config string, api http.Handler) (*siteServer, error) {
	s := &siteServer{dir: dir, api: api}
	s.headers, s.headerErr = readNetlifyHeaders(config)
	if s.headerErr != nil {
		s.headers = fallbackHeaders
	}
	red, err := os.ReadFile(filepath.Join(dir, "_redirects"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if s.redirects, err = parseRedirects(string(red)); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "_redirects"), err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on loopback: %w", err)
	}
	s.Host = ln.Addr().String()
	s.URL = "http://" + s.Host
	s.hs = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.hs.Serve(ln) }()
	return s, nil
}

// Close stops the server.
func (s *siteServer) Close() { _ = s.hs.Close() }

// readNetlifyHeaders reads the [[headers]] tables of netlify.toml.
func readNetlifyHeaders(file string) ([]headerRule, error) {
	var cfg struct {
		Headers []headerRule `toml:"headers"`
	}
	if _, err := toml.DecodeFile(file, &cfg); err != nil {
		return nil, fmt.Errorf("reading the headers of %s: %w", file, err)
	}
	if len(cfg.Headers) == 0 {
		return nil, fmt.Errorf("%s has no [[headers]] tables", file)
	}
	return cfg.Headers, nil
}

// parseRedirects reads Netlify's _redirects format: "from to [status[!]]
// [Key=value,…]" per line, # comments.
func parseRedirects(text string) ([]redirectRule, error) {
	var rules []redirectRule
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return nil, fmt.Errorf("line %d: %q needs a source and a target", n, line)
		}
		r := redirectRule{From: f[0], To: f[1], Status: 301}
		for _, x := range f[2:] {
			if k, v, ok := strings.Cut(x, "="); ok {
				if !strings.EqualFold(k, "Language") {
					return nil, fmt.Errorf("line %d: condition %q is not one the test server knows", n, k)
				}
				for _, l := range strings.Split(v, ",") {
					r.Language = append(r.Language, strings.ToLower(l))
				}
				continue
			}
			code, force := strings.CutSuffix(x, "!")
			st, err := strconv.Atoi(code)
			if err != nil {
				return nil, fmt.Errorf("line %d: bad status %q", n, x)
			}
			r.Status, r.Force = st, force
		}
		rules = append(rules, r)
	}
	return rules, sc.Err()
}

// match reports whether the rule applies to p, with the splat.
func (r redirectRule) match(p string, req *http.Request) (splat string, ok bool) {
	if prefix, isSplat := strings.CutSuffix(r.From, "*"); isSplat {
		if !strings.HasPrefix(p, prefix) {
			return "", false
		}
		splat = p[len(prefix):]
	} else if strings.TrimSuffix(p, "/") != strings.TrimSuffix(r.From, "/") && p != r.From {
		return "", false
	}
	if len(r.Language) > 0 {
		lang := preferredLanguage(req.Header.Get("Accept-Language"))
		found := false
		for _, l := range r.Language {
			found = found || l == lang
		}
		if !found {
			return "", false
		}
	}
	return splat, true
}

// preferredLanguage is the primary subtag of the reader's first language.
func preferredLanguage(accept string) string {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(accept, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if tag != "" && q > bestQ {
			primary, _, _ := strings.Cut(tag, "-")
			best, bestQ = strings.ToLower(primary), q
		}
	}
	return best
}

// ServeHTTP serves the site: the form handler under /api/, then redirect
// rules (a rule that is not forced applies only where no file exists, as
// Netlify shadows), then files, then the site's 404.html.
func (s *siteServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	for _, h := range s.headers {
		if pathMatch(h.For, p) {
			for k, v := range h.Values {
				if w.Header().Get(k) == "" {
					w.Header().Set(k, v)
				}
			}
		}
	}
	if strings.HasPrefix(p, "/api/") {
		s.api.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	file, redirect := s.resolve(p)
	if redirect != "" {
		http.Redirect(w, r, redirect, http.StatusMovedPermanently)
		return
	}
	for _, rule := range s.redirects {
		splat, ok := rule.match(p, r)
		if !ok || (file != "" && !rule.Force) {
			continue
		}
		to := strings.ReplaceAll(rule.To, ":splat", splat)
		switch {
		case rule.Status >= 300 && rule.Status < 400:
			http.Redirect(w, r, to, rule.Status)
		default:
			target, _ := s.resolve(to)
			if target == "" {
				http.NotFound(w, r)
				return
			}
			s.serveFile(w, r, target, rule.Status)
		}
		return
	}
	if file != "" {
		s.serveFile(w, r, file, http.StatusOK)
		return
	}
	if nf, _ := s.resolve("/404.html"); nf != "" {
		s.serveFile(w, r, nf, http.StatusNotFound)
		return
	}
	http.NotFound(w, r)
}

// resolve maps a URL path to a file of the site: the file itself, or a
// folder's index.html. A folder asked without its trailing slash gets a
// redirect to it. Netlify never serves _redirects or _headers.
func (s *siteServer) resolve(p string) (file, redirect string) {
	clean := path.Clean("/" + p)
	base := path.Base(clean)
	if base == "_redirects" || base == "_headers" {
		return "", ""
	}
	full := filepath.Join(s.dir, filepath.FromSlash(clean))
	fi, err := os.Stat(full)
	if err != nil {
		return "", ""
	}
	if fi.IsDir() {
		idx := filepath.Join(full, "index.html")
		if _, err := os.Stat(idx); err != nil {
			return "", ""
		}
		if !strings.HasSuffix(p, "/") {
			return "", strings.TrimSuffix(clean, "/") + "/"
		}
		return idx, ""
	}
	return full, ""
}

// serveFile writes a file with its type, gzip-compressed when the client
// accepts it and the type is text (as Netlify's CDN does).
func (s *siteServer) serveFile(w http.ResponseWriter, r *http.Request, file string, status int) {
	data, err := os.ReadFile(file)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	ctype := contentType(file)
	w.Header().Set("Content-Type", ctype)
	w.Header().Add("Vary", "Accept-Encoding")
	if compressible(ctype) && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = zw.Write(data)
		_ = zw.Close()
		data = b.Bytes()
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

func contentType(file string) string {
	switch ext := strings.ToLower(filepath.Ext(file)); ext {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json"
	case ".xml":
		return "application/xml"
	case ".svg":
		return "image/svg+xml"
	case ".txt":
		return "text/plain; charset=utf-8"
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
		return "application/octet-stream"
	}
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "json") ||
		strings.Contains(ctype, "xml") || strings.Contains(ctype, "javascript")
}

// pathMatch matches Netlify's header paths: an exact path, or a prefix
// ending in *.
func pathMatch(pattern, p string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(p, prefix)
	}
	return pattern == p
}

// parseCSP splits a Content-Security-Policy into directive → sources.
func parseCSP(policy string) map[string]string {
	out := map[string]string{}
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		out[strings.ToLower(f[0])] = strings.Join(f[1:], " ")
	}
	return out
}
