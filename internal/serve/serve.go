// Package serve is helpcenter serve's preview server.
//
// It drives the pipeline (package pipeline's Session) from file
// changes (package watch) and serves the last good output from memory:
//
//	watch batch -> Session.Apply (pages) -> publish, tell tabs to reload
//	            -> Session.Finish (feeds, sitemaps) -> publish
//	            -> IndexJob.Run on its own goroutine -> Session.Adopt -> publish
//
// Publishing swaps one immutable snapshot (output map, errors, aliases)
// atomically; requests read whichever snapshot is current, so they never
// wait for a build. Open tabs load /_helpcenter/live.js (the layouts add
// it when page data .Preview is set, which only serve does) and listen to
// /_helpcenter/events, a Server-Sent Events stream: "reload" lists the
// pages a rebuild changed, "css" maps old stylesheet URLs to new ones,
// "errors" carries the build errors shown over every tab, each with
// path:line:col, message, hint and a few lines of source. A failed build
// keeps the last good site; the next good one clears the overlay. /api/*
// goes to an optional in-process form handler.
package serve

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/pipeline"
)

//go:embed live.js
var liveJS []byte

//go:embed live.css
var liveCSS []byte

// Config configures a Server. The zero value serves without an API and
// logs nowhere.
type Config struct {
	// Source is the site root, for the source lines shown with errors.
	Source string
	// API serves /api/* (the form handler); nil answers 503.
	API http.Handler
	// Log receives one line per rebuild and every error, as the
	// terminal shows them.
	Log io.Writer
}

// Server serves a Session's output and pushes changes to open tabs.
type Server struct {
	cfg   Config
	sess  *pipeline.Session
	id    string
	state atomic.Pointer[snapshot]

	mu      sync.Mutex
	clients map[chan event]bool
	closing chan struct{}
	closed  sync.Once
}

// snapshot is what requests see: never modified once published.
type snapshot struct {
	files   map[string]file
	aliases map[string]string
	locales map[string]bool
	errors  []ErrorView
}

type event struct {
	name string
	data []byte
}

// ErrorView is one build error as tabs show it.
type ErrorView struct {
	// Where is "path:line:col" (as far as known).
	Where   string `json:"where"`
	Path    string `json:"path"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
	// Source holds a few lines around Line.
	Source []SourceLine `json:"source,omitempty"`
}

// SourceLine is one numbered line of a file.
type SourceLine struct {
	N       int    `json:"n"`
	Text    string `json:"text"`
	Current bool   `json:"current,omitempty"`
}

// New builds the site with a new session and returns a server for it,
// with the build's update (nil and the error when it failed: the server
// then shows the errors until a change fixes them).
func New(opts pipeline.Options, cfg Config) (*Server, *pipeline.Update, error) {
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	s := &Server{cfg: cfg, sess: pipeline.NewSession(opts), id: hex.EncodeToString(b[:]), clients: map[chan event]bool{}, closing: make(chan struct{})}
	s.state.Store(&snapshot{})
	st := newStage()
	u, err := s.sess.Reload(st)
	if err != nil {
		s.fail(err)
		return s, nil, err
	}
	s.publish(u, st, false)
	return s, u, nil
}

// Run applies batches of changed paths until ctx ends or changes closes.
// It runs the session: nothing else may use it meanwhile.
func (s *Server) Run(ctx context.Context, changes <-chan []string) error {
	indexed := make(chan *pipeline.IndexJob, 1)
	running := false
	var pending *pipeline.IndexJob
	start := func(j *pipeline.IndexJob) {
		if running {
			pending = j // one index at a time: the newest waits
			return
		}
		running = true
		go func() {
			j.Run()
			indexed <- j
		}()
	}
	st := newStage()
	if u, job, err := s.sess.Finish(st); err == nil {
		if u != nil {
			s.publish(u, st, false)
		}
		if job != nil {
			start(job)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case batch, ok := <-changes:
			if !ok {
				return nil
			}
			s.apply(batch, start)
		case j := <-indexed:
			running = false
			st := newStage()
			u, err := s.sess.Adopt(j, st)
			if err != nil {
				fmt.Fprintf(s.cfg.Log, "search index: %v\n", err)
			} else if u != nil {
				s.publish(u, st, false)
			}
			if pending != nil {
				next := pending
				pending = nil
				start(next)
			}
		}
	}
}

func (s *Server) apply(batch []string, start func(*pipeline.IndexJob)) {
	st := newStage()
	u, err := s.sess.Apply(batch, st)
	if err != nil {
		s.fail(err)
		return
	}
	s.publish(u, st, true)
	s.logUpdate(u, batch)
	st = newStage()
	fu, job, err := s.sess.Finish(st)
	if err != nil {
		s.fail(err)
		return
	}
	if fu != nil {
		s.publish(fu, st, false)
	}
	if job != nil {
		start(job)
	}
}

func (s *Server) logUpdate(u *pipeline.Update, batch []string) {
	what := "nothing changed"
	pages := 0
	for _, n := range u.Changed {
		if strings.HasSuffix(n, ".html") {
			pages++
		}
	}
	switch {
	case u.Full:
		what = fmt.Sprintf("rebuilt everything, %d of %d pages changed", pages, u.Rendered)
	case u.Rendered > 0 || len(u.Removed) > 0:
		what = fmt.Sprintf("rendered %d %s, %d changed, %d removed", u.Rendered, plural(u.Rendered, "page", "pages"), pages, len(u.Removed))
	}
	name := batch[0]
	if len(batch) > 1 {
		name = fmt.Sprintf("%s and %d more", name, len(batch)-1)
	}
	fmt.Fprintf(s.cfg.Log, "%s %s: %s in %v\n", time.Now().Format("15:04:05"), name, what, u.Took.Round(100*time.Microsecond))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// publish applies a step's update and files and, when notify is set,
// tells tabs what changed.
func (s *Server) publish(u *pipeline.Update, st *stage, notify bool) {
	old := s.state.Load()
	next := &snapshot{files: st.merge(old.files, u.Removed), aliases: map[string]string{}, locales: map[string]bool{}}
	if g := s.sess.Site(); g != nil {
		for _, a := range g.Aliases {
			next.aliases[a.From] = a.To
		}
		for _, l := range g.Locales {
			next.locales[l.Code] = true
		}
	}
	s.state.Store(next)
	hadErrors := len(old.errors) > 0
	if hadErrors {
		fmt.Fprintln(s.cfg.Log, "fixed: the site builds again")
		s.broadcast("errors", map[string]any{"errors": []ErrorView{}})
	}
	if !notify {
		return
	}
	if len(u.Styles) > 0 && onlyStyles(u) {
		s.broadcast("css", map[string]any{"styles": u.Styles})
		return
	}
	var pages []string
	for _, names := range [][]string{u.Changed, u.Removed} {
		for _, n := range names {
			if strings.HasSuffix(n, ".html") {
				pages = append(pages, "/"+strings.TrimSuffix(n, "index.html"))
			}
		}
	}
	if len(pages) > 0 {
		s.broadcast("reload", map[string]any{"pages": pages, "all": false})
	}
}

// onlyStyles reports whether an update changed nothing but stylesheets
// and the pages' links to them.
func onlyStyles(u *pipeline.Update) bool {
	for _, n := range u.Changed {
		if strings.HasPrefix(n, "assets/") && !strings.HasSuffix(n, ".css") {
			return false
		}
	}
	return len(u.Removed) == 0 || allAssets(u.Removed)
}

func allAssets(names []string) bool {
	for _, n := range names {
		if !strings.HasPrefix(n, "assets/") {
			return false
		}
	}
	return true
}

// fail keeps the last good output and shows err everywhere.
func (s *Server) fail(err error) {
	views := Errors(s.cfg.Source, err)
	old := s.state.Load()
	next := *old
	next.errors = views
	s.state.Store(&next)
	fmt.Fprintf(s.cfg.Log, "%s build failed, still serving the last good site:\n", time.Now().Format("15:04:05"))
	for _, v := range views {
		fmt.Fprintf(s.cfg.Log, "  %s: %s", v.Where, v.Message)
		if v.Hint != "" {
			fmt.Fprintf(s.cfg.Log, " (%s)", v.Hint)
		}
		fmt.Fprintln(s.cfg.Log)
		for _, l := range v.Source {
			mark := " "
			if l.Current {
				mark = ">"
			}
			fmt.Fprintf(s.cfg.Log, "  %s%5d | %s\n", mark, l.N, l.Text)
		}
	}
	s.broadcast("errors", map[string]any{"errors": views})
}

// Errors turns a build error into views: one per content error, with
// the source lines around it read from the site root.
func Errors(root string, err error) []ErrorView {
	var list content.List
	if !errors.As(err, &list) {
		return []ErrorView{{Where: "build", Message: err.Error()}}
	}
	var out []ErrorView
	for _, e := range list.Errors().Sorted() {
		v := ErrorView{Where: e.Path, Path: e.Path, Line: e.Line, Col: e.Col, Message: e.Err.Error(), Hint: e.Hint}
		if e.Line > 0 {
			v.Where += fmt.Sprintf(":%d", e.Line)
			if e.Col > 0 {
				v.Where += fmt.Sprintf(":%d", e.Col)
			}
			v.Source = sourceLines(filepath.Join(root, filepath.FromSlash(e.Path)), e.Line, 2)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		out = []ErrorView{{Where: "build", Message: err.Error()}}
	}
	return out
}

func sourceLines(file string, line, around int) []SourceLine {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []SourceLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan() && n <= line+around; n++ {
		if n >= line-around {
			out = append(out, SourceLine{N: n, Text: strings.TrimRight(sc.Text(), "\r"), Current: n == line})
		}
	}
	return out
}

func (s *Server) broadcast(name string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.clients {
		select {
		case c <- event{name, data}:
		default: // a stuck tab must not stall the others; it reconnects
		}
	}
}

// ServeHTTP serves the site, the live-reload script and events, and /api/*.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/_helpcenter/live.js":
		s.static(w, "text/javascript; charset=utf-8", liveJS)
		return
	case p == "/_helpcenter/live.css":
		s.static(w, "text/css; charset=utf-8", liveCSS)
		return
	case p == "/_helpcenter/events":
		s.events(w, r)
		return
	case p == "/_helpcenter/errors":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"errors": s.state.Load().errors})
		return
	case p == "/api" || strings.HasPrefix(p, "/api/"):
		if s.cfg.API == nil {
			http.Error(w, "the form handler is not running in this preview", http.StatusServiceUnavailable)
			return
		}
		s.cfg.API.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	st := s.state.Load()
	if st.files == nil {
		s.noSite(w, st)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	switch {
	case name == "":
		name = "index.html"
	case strings.HasSuffix(p, "/"):
		name += "/index.html"
	}
	if f, ok := st.files[name]; ok {
		s.file(w, r, name, f, http.StatusOK)
		return
	}
	if to, ok := st.aliases[p]; ok {
		http.Redirect(w, r, to, http.StatusMovedPermanently)
		return
	}
	if to, ok := st.aliases[strings.TrimSuffix(p, "/")]; ok {
		http.Redirect(w, r, to, http.StatusMovedPermanently)
		return
	}
	if _, ok := st.files[name+"/index.html"]; ok && !strings.HasSuffix(p, "/") {
		http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
		return
	}
	nf := "404.html"
	if loc, _, _ := strings.Cut(name, "/"); st.locales[loc] {
		if _, ok := st.files[loc+"/404.html"]; ok {
			nf = loc + "/404.html"
		}
	}
	if f, ok := st.files[nf]; ok {
		s.file(w, r, nf, f, http.StatusNotFound)
		return
	}
	http.NotFound(w, r)
}

func (s *Server) static(w http.ResponseWriter, ctype string, data []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(data)
}

func (s *Server) file(w http.ResponseWriter, r *http.Request, name string, f file, code int) {
	ctype := mime.TypeByExtension(path.Ext(name))
	switch {
	case path.Ext(name) == ".html":
		ctype = "text/html; charset=utf-8"
	case ctype == "":
		ctype = http.DetectContentType(f.raw())
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if strings.HasPrefix(ctype, "text/html") {
		// As the published site gets it (netlify.toml), so that a layout
		// that would break under the policy breaks in the preview too.
		h.Set("Content-Security-Policy", contentSecurityPolicy)
	}
	if strings.HasPrefix(name, "assets/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	f.write(w, r, code)
}

// contentSecurityPolicy is the policy pages are served with: scripts,
// styles and requests from the site itself only.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"

var noSitePage = template.Must(template.New("").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>The site does not build</title>
<script src="/_helpcenter/live.js" defer></script></head>
<body class="kind-404"><h1>The site does not build yet</h1>
<p>Fix these errors and save; this page reloads by itself.</p>
<ul>{{range .}}<li><code>{{.Where}}</code>: {{.Message}}{{with .Hint}} ({{.}}){{end}}</li>{{end}}</ul>
</body></html>
`))

// noSite answers while no build has succeeded yet.
func (s *Server) noSite(w http.ResponseWriter, st *snapshot) {
	var b bytes.Buffer
	_ = noSitePage.Execute(&b, st.errors)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(b.Bytes())
}

// events streams Server-Sent Events to one tab until it goes away.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	c := make(chan event, 16)
	s.mu.Lock()
	s.clients[c] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, c)
		s.mu.Unlock()
	}()
	hello, _ := json.Marshal(map[string]any{"id": s.id, "errors": s.state.Load().errors})
	write := func(e event) bool {
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.name, e.data); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if _, err := io.WriteString(w, "retry: 500\n\n"); err != nil || !write(event{"hello", hello}) {
		return
	}
	ping := time.NewTicker(15 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		case e := <-c:
			if !write(e) {
				return
			}
		case <-ping.C:
			if _, err := io.WriteString(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

// CloseStreams ends every event stream, so that http.Server.Shutdown
// need not wait for open tabs (they reconnect to the next server).
func (s *Server) CloseStreams() { s.closed.Do(func() { close(s.closing) }) }

// Clients returns the number of connected tabs.
func (s *Server) Clients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}
