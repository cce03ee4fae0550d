// Command lighthouse serves a built help center on loopback the way
// Netlify does, for bench/lighthouse/run to measure with Lighthouse: the
// deploy's rules (netlify.toml and the published _redirects and _headers,
// through internal/hosting, as helpcenter serve and the browser tests read
// them), gzip for text as the CDN sends it, and the real form handler
// behind the /api/* proxy rule (a throwaway SQLite database), so that the
// feedback count loads as on the live site instead of failing in the
// console.
//
//	go run ./bench/lighthouse -dir public -addr 127.0.0.1:8431
//
// It prints "serving http://ADDR/" once it listens, and stops on SIGINT or
// SIGTERM.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/hosting"
)

func main() {
	dir := flag.String("dir", "public", "built site to serve")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	netlify := flag.String("netlify", "netlify.toml", "the site's Netlify settings")
	flag.Parse()
	if err := run(*dir, *addr, *netlify); err != nil {
		fmt.Fprintln(os.Stderr, "lighthouse server:", err)
		os.Exit(1)
	}
}

func run(dir, addr, netlify string) error {
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return fmt.Errorf("%s is not a built site (no index.html): run helpcenter build first", dir)
	}
	var srcs [3]hosting.Source
	for i, name := range []string{netlify, filepath.Join(dir, "_redirects"), filepath.Join(dir, "_headers")} {
		data, err := os.ReadFile(name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		srcs[i] = hosting.Source{Name: name, Data: data}
	}
	rules, err := hosting.Parse(srcs[0], srcs[1], srcs[2])
	if err != nil {
		return fmt.Errorf("the deploy's rules: %w", err)
	}
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
		return fmt.Errorf("listing %s: %w", dir, err)
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
	api, err := cases.NewServer(cases.Config{DB: filepath.Join(db, "cases.db"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), AllowedOrigins: []string{origin}})
	if err != nil {
		return fmt.Errorf("starting the form handler: %w", err)
	}
	defer api.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { _ = api.Run(ctx) }()

	h := &hosting.Server{Rules: rules, Files: files, File: fileServer(dir), Proxy: hosting.ProxyTo(api)}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
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

// fileServer writes a published file with its type, gzip-compressed when
// the client accepts it and the type is text, as Netlify's CDN does.
func fileServer(dir string) func(w http.ResponseWriter, r *http.Request, name string, status int) {
	return func(w http.ResponseWriter, r *http.Request, name string, status int) {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = http.DetectContentType(data)
		}
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
}

func compressible(ctype string) bool {
	for _, t := range []string{"text/", "application/javascript", "application/json", "image/svg+xml", "application/xml", "application/atom+xml"} {
		if strings.HasPrefix(ctype, t) {
			return true
		}
	}
	return false
}
