package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/cli"
	"github.com/inexchange/helpcenter/internal/serve"
	"github.com/inexchange/helpcenter/internal/watch"
)

// serveCommand builds the site into memory, serves it on --addr and
// rebuilds what each saved change touches, telling open tabs to reload.
var serveCommand = cli.Command{Name: "serve", Run: runServe}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("helpcenter serve", stderr)
	var f siteFlags
	addr := fs.String("addr", "127.0.0.1:1313", "address to listen on")
	noAPI := fs.Bool("no-api", false, "do not run the form handler at /api/*")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: helpcenter serve [--source DIR] [--addr 127.0.0.1:1313] [--drafts] [--future]\n\n"+
			"Builds the site into memory, serves it, rebuilds what each saved change\n"+
			"touches and reloads open pages. --dest is ignored: serve writes nothing.\n\n")
		fs.PrintDefaults()
	}
	if err := f.parse(fs, args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return cli.Usagef("listening on %s: %w (choose another --addr)", *addr, err)
	}
	defer ln.Close()
	url := "http://" + ln.Addr().String() + "/"

	if os.Getenv("GOMEMLIMIT") == "" {
		// The preview keeps the site in memory (a 10,000-article site
		// lives in about 200 MB) and rebuilds often: collect garbage
		// before the heap doubles.
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	opts := f.options()
	opts.Preview = true
	opts.Dest = "" // serve writes nothing
	w, err := watch.New(opts.Source, []string{"content", "layouts", "static"}, watch.Config{})
	if err != nil {
		return err
	}
	defer w.Close()

	start := time.Now()
	var api http.Handler
	var preview atomic.Pointer[serve.Server]
	if !*noAPI {
		h, closeAPI, err := formHandler(ctx, url, stderr, previewFrames(&preview))
		if err != nil {
			return err
		}
		defer closeAPI()
		api = h
	}
	srv, first, berr := serve.New(opts, serve.Config{Source: opts.Source, API: api, Log: stderr})
	preview.Store(srv)
	if berr == nil {
		warnings(stderr, first.Warnings)
		fmt.Fprintf(stdout, "built %d files in %v; serving %s (drafts %v, future %v); watching content/, layouts/, static/\n",
			len(first.Changed), time.Since(start).Round(time.Millisecond), url, opts.Drafts, opts.Future)
	} else {
		fmt.Fprintf(stdout, "serving %s with build errors (fix them and save); watching content/, layouts/, static/\n", url)
	}

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	hs.RegisterOnShutdown(srv.CloseStreams)
	go func() {
		for err := range w.Errors() {
			fmt.Fprintf(stderr, "watch: %v\n", err)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = srv.Run(runCtx, w.Changes()) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
	}
	return nil
}

// serveMemoryLimit is serve's soft memory limit unless GOMEMLIMIT says
// otherwise; a larger site simply collects garbage more often.
const serveMemoryLimit = 440 << 20

// formHandler runs the case form handler in-process with a throwaway
// SQLite store and delivery that only logs: a writer can submit a case,
// sign in with the link the log shows, and follow the case (replies and
// statuses with formhandler case … on the store the log names).
func formHandler(ctx context.Context, origin string, stderr io.Writer, frames cases.FrameFunc) (http.Handler, func(), error) {
	dir, err := os.MkdirTemp("", "helpcenter-serve-")
	if err != nil {
		return nil, nil, fmt.Errorf("creating a temporary folder for the preview's cases: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	site := origin[:len(origin)-1]
	log.Info("preview form handler: cases and sign-in links are only logged", "db", filepath.Join(dir, "cases.db"))
	cs, err := cases.NewServer(cases.Config{DB: filepath.Join(dir, "cases.db"), Logger: log, AllowedOrigins: []string{site},
		SiteURL: site, Frames: frames, SignInMail: cases.LogSender{Logger: log}})
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("starting the preview's form handler: %w", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = cs.Run(rctx)
	}()
	return cs, func() {
		cancel()
		<-done
		_ = cs.Close()
		_ = os.RemoveAll(dir)
	}, nil
}

// previewFrames gives the form handler's pages the preview's own "Your
// cases" pages as their frame, straight from the server's memory, so they
// follow every rebuild.
func previewFrames(preview *atomic.Pointer[serve.Server]) cases.FrameFunc {
	return func(ctx context.Context, locale string) ([]byte, error) {
		srv := preview.Load()
		if srv == nil {
			return nil, errors.New("the preview is not built yet")
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "/"+locale+"/cases/", nil)
		if err != nil {
			return nil, err
		}
		rec := &pageRecorder{header: http.Header{}}
		srv.ServeHTTP(rec, req)
		if rec.code != http.StatusOK {
			return nil, fmt.Errorf("the preview answers %d for /%s/cases/", rec.code, locale)
		}
		return rec.body.Bytes(), nil
	}
}

// pageRecorder takes a response in memory.
type pageRecorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (p *pageRecorder) Header() http.Header { return p.header }

func (p *pageRecorder) WriteHeader(code int) {
	if p.code == 0 {
		p.code = code
	}
}

func (p *pageRecorder) Write(b []byte) (int, error) {
	if p.code == 0 {
		p.code = http.StatusOK
	}
	return p.body.Write(b)
}
