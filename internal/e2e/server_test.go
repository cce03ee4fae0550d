package e2e

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/hosting"
)

// requiredCSP is the Content-Security-Policy the site must be served with
// (issue 3): every directive here must appear in the served policy (the
// generated _headers) with exactly these sources.
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

// siteServer serves a built site like Netlify does (package hosting:
// netlify.toml and the published _redirects and _headers), with the form
// handler where netlify.toml proxies /api/*. See the package doc.
type siteServer struct {
	URL   string // http://127.0.0.1:port
	Host  string // 127.0.0.1:port
	dir   string
	rules *hosting.Rules
	hs    *http.Server
}

// startSiteServer serves dir on 127.0.0.1 with the rules of the
// netlify.toml at config and of dir's _redirects and _headers, proxying to
// api (the form handler) what netlify.toml proxies.
func startSiteServer(dir, config string, api http.Handler) (*siteServer, error) {
	s := &siteServer{dir: dir}
	read := func(name string) (hosting.Source, error) {
		data, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			return hosting.Source{Name: name}, nil
		}
		return hosting.Source{Name: name, Data: data}, err
	}
	var srcs [3]hosting.Source
	for i, name := range []string{config, filepath.Join(dir, "_redirects"), filepath.Join(dir, "_headers")} {
		var err error
		if srcs[i], err = read(name); err != nil {
			return nil, err
		}
	}
	rules, err := hosting.Parse(srcs[0], srcs[1], srcs[2])
	if err != nil {
		return nil, fmt.Errorf("the deploy's rules: %w", err)
	}
	s.rules = rules
	files := hosting.FileSet{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = true
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on loopback: %w", err)
	}
	s.Host = ln.Addr().String()
	s.URL = "http://" + s.Host
	handler := &hosting.Server{Rules: rules, Files: files, File: s.serveFile, Proxy: hosting.ProxyTo(api)}
	s.hs = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.hs.Serve(ln) }()
	return s, nil
}

// Close stops the server.
func (s *siteServer) Close() { _ = s.hs.Close() }

// serveFile writes a published file with its type, gzip-compressed when
// the client accepts it and the type is text (as Netlify's CDN does).
func (s *siteServer) serveFile(w http.ResponseWriter, r *http.Request, name string, status int) {
	file := filepath.Join(s.dir, filepath.FromSlash(name))
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
