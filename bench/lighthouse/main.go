// Command lighthouse serves a built help center on loopback the way
// production does, for bench/lighthouse/run to measure with Lighthouse:
// the files of public/ with directory-style URLs and the 404 page, the
// response headers of netlify.toml's [[headers]] tables (CSP, caching,
// security headers), gzip for text as a CDN sends it, and the real form
// handler at /api/ (a throwaway SQLite database), so that the feedback
// count loads as on the live site instead of failing with a 404 in the
// console.
//
//	go run ./bench/lighthouse -dir public -addr 127.0.0.1:8431
//
// It prints "serving http://ADDR/" once it listens, and stops on SIGINT or
// SIGTERM.
package main

import (
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/BurntSushi/toml"
	"github.com/inexchange/helpcenter/internal/cases"
)

func main() {
	dir := flag.String("dir", "public", "built site to serve")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	netlify := flag.String("netlify", "netlify.toml", "Netlify settings whose [[headers]] to send")
	flag.Parse()
	if err := run(*dir, *addr, *netlify); err != nil {
		fmt.Fprintln(os.Stderr, "lighthouse server:", err)
		os.Exit(1)
	}
}

// headerRule is one [[headers]] table of netlify.toml.
type headerRule struct {
	For    string            `toml:"for"`
	Values map[string]string `toml:"values"`
}

func run(dir, addr, netlify string) error {
	var conf struct {
		Headers []headerRule `toml:"headers"`
	}
	if _, err := toml.DecodeFile(netlify, &conf); err != nil {
		return fmt.Errorf("reading %s: %w", netlify, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return fmt.Errorf("%s is not a built site (no index.html): run helpcenter build first", dir)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	origin := "http://" + ln.Addr().String()
	db, err := os.MkdirTemp("", "lighthouse-cases-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(db)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	api, err := cases.NewServer(cases.Config{DB: filepath.Join(db, "cases.db"), Logger: log, AllowedOrigins: []string{origin}})
	if err != nil {
		return fmt.Errorf("starting the form handler: %w", err)
	}
	defer api.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { _ = api.Run(ctx) }()

	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/", &site{dir: dir, rules: conf.Headers})
	srv := &http.Server{Handler: mux}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Printf("serving %s/\n", origin)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// site serves the built files.
type site struct {
	dir   string
	rules []headerRule
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") && p != "/" {
		p += "/"
	}
	file := p
	if strings.HasSuffix(file, "/") {
		file += "index.html"
	}
	status := http.StatusOK
	data, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(file)))
	if err != nil {
		if info, serr := os.Stat(filepath.Join(s.dir, filepath.FromSlash(p))); serr == nil && info.IsDir() {
			http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
			return
		}
		status, file = http.StatusNotFound, "/404.html"
		if data, err = os.ReadFile(filepath.Join(s.dir, "404.html")); err != nil {
			http.NotFound(w, r)
			return
		}
	}
	h := w.Header()
	for _, rule := range s.rules {
		if matches(rule.For, p) {
			for k, v := range rule.Values {
				if h.Get(k) == "" { // the first matching rule wins, as in the e2e server
					h.Set(k, v)
				}
			}
		}
	}
	ctype := mime.TypeByExtension(path.Ext(file))
	if ctype == "" {
		ctype = http.DetectContentType(data)
	}
	h.Set("Content-Type", ctype)
	h.Add("Vary", "Accept-Encoding")
	if compressible(ctype) && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		if r.Method == http.MethodHead {
			return
		}
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		_, _ = zw.Write(data)
		_ = zw.Close()
		return
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// matches reports whether a [[headers]] "for" pattern covers the path: an
// exact path, or a prefix ending in "*".
func matches(pattern, p string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(p, prefix)
	}
	return pattern == p
}

func compressible(ctype string) bool {
	for _, t := range []string{"text/", "application/javascript", "application/json", "image/svg+xml", "application/xml", "application/atom+xml"} {
		if strings.HasPrefix(ctype, t) {
			return true
		}
	}
	return false
}
