// Package serve is helpcenter serve's preview server.
//
// It drives the pipeline (package pipeline's Session) from file
// changes (package watch) and serves the last good output from memory:
//
//	watch batch -> Session.Apply (pages) -> publish, tell tabs to reload
//	            -> Session.Finish (feeds, sitemaps) -> publish
//	            -> IndexJob.Run on its own goroutine -> Session.Adopt -> publish
//
// Publishing swaps one immutable snapshot (output map, errors)
// atomically; requests read whichever snapshot is current, so they never
// wait for a build. Open tabs load /_helpcenter/live.js (the layouts add
// it when page data .Preview is set, which only serve does) and listen to
// /_helpcenter/events, a Server-Sent Events stream: "reload" lists the
// pages a rebuild changed, "css" maps old stylesheet URLs to new ones,
// "errors" carries the build errors shown over every tab, each with
// path:line:col, message, hint and a few lines of source. A failed build
// keeps the last good site; the next good one clears the overlay.
//
// The site is answered as Netlify answers it, by package hosting's one
// model: netlify.toml at the site root (re-read when it changes) with the
// snapshot's generated _redirects and _headers decide redirects (the
// language at /, aliases), rewrites, 404 pages, the trailing slash and
// every header, the Content-Security-Policy and Cache-Control among them.
// What netlify.toml proxies to /api/* goes to an optional in-process form
// handler.
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
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/hosting"
	"github.com/inexchange/helpcenter/internal/pipeline"
)

//go:embed live.js
var liveJS []byte

//go:embed live.css
var liveCSS []byte

// Config configures a Server. The zero value serves without an API and
// logs nowhere.
type Config struct {
	// Source is the site root: its netlify.toml, and the source lines
	// shown with errors.
	Source string
	// API is the form handler: it gets what netlify.toml proxies to a
	// path under /api/ (and /api/* itself when no rule proxies it); nil
	// answers 503.
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

	host      atomic.Pointer[hostState]
	hostMu    sync.Mutex // one parse at a time
	warnedAPI sync.Once

	mu      sync.Mutex
	clients map[chan event]bool
	closing chan struct{}
	closed  sync.Once
}

// snapshot is what requests see: never modified once published.
type snapshot struct {
	files  map[string]file
	errors []ErrorView
}

// files is a snapshot's output as package hosting sees it.
type files map[string]file

func (f files) Has(name string) bool {
	_, ok := f[name]
	return ok
}

// hostState is the hosting rules for one snapshot and one version of
// netlify.toml.
type hostState struct {
	snap  *snapshot
	stamp string // netlify.toml's size and modification time
	rules *hosting.Rules
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
	next := &snapshot{files: st.merge(old.files, u.Removed)}
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
	}
	st := s.state.Load()
	if st.files == nil {
		s.noSite(w, st)
		return
	}
	rules := s.rules(st)
	if (p == "/api" || strings.HasPrefix(p, "/api/")) && !proxied(rules, r) {
		s.warnedAPI.Do(func() {
			fmt.Fprintln(s.cfg.Log, "netlify.toml proxies nothing to /api/*: the preview serves the form handler there itself, but on Netlify the site's forms would get 404s")
		})
		s.api(w, r, nil, nil)
		return
	}
	h := &hosting.Server{Rules: rules, Files: files(st.files), Proxy: s.api,
		File: func(w http.ResponseWriter, r *http.Request, name string, status int) {
			s.file(w, r, name, st.files[name], status)
		}}
	h.ServeHTTP(w, r)
}

// proxied reports whether the rule that decides r proxies it.
func proxied(rules *hosting.Rules, r *http.Request) bool {
	req := hosting.NewRequest(r)
	for _, rule := range rules.Redirects {
		if _, ok := rule.Match(req); ok {
			return rule.IsProxy()
		}
	}
	return false
}

// api answers what netlify.toml proxies: the in-process form handler for
// a target under /api/, else 502 (the preview reaches no other server).
func (s *Server) api(w http.ResponseWriter, r *http.Request, target *url.URL, rule *hosting.Redirect) {
	if target != nil && !strings.HasPrefix(target.Path, "/api/") && target.Path != "/api" {
		http.Error(w, "the preview cannot reach "+target.String()+" (netlify.toml proxies it there)", http.StatusBadGateway)
		return
	}
	if s.cfg.API == nil {
		http.Error(w, "the form handler is not running in this preview", http.StatusServiceUnavailable)
		return
	}
	if target == nil {
		s.cfg.API.ServeHTTP(w, r)
		return
	}
	hosting.ProxyTo(s.cfg.API)(w, r, target, rule)
}

// rules returns the hosting rules for st: netlify.toml as it is now with
// st's _redirects and _headers, parsed again only when one changed.
// Rules Netlify would deploy without are logged once per change.
func (s *Server) rules(st *snapshot) *hosting.Rules {
	toml := filepath.Join(s.cfg.Source, "netlify.toml")
	stamp := ""
	if fi, err := os.Stat(toml); err == nil {
		stamp = fmt.Sprint(fi.Size(), fi.ModTime().UnixNano())
	}
	if h := s.host.Load(); h != nil && h.snap == st && h.stamp == stamp {
		return h.rules
	}
	s.hostMu.Lock()
	defer s.hostMu.Unlock()
	old := s.host.Load()
	if old != nil && old.snap == st && old.stamp == stamp {
		return old.rules
	}
	data, err := os.ReadFile(toml)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(s.cfg.Log, "netlify.toml: %v\n", err)
	}
	rules, perr := hosting.Parse(hosting.Source{Name: "netlify.toml", Data: data},
		hosting.Source{Name: "_redirects", Data: st.files["_redirects"].raw()},
		hosting.Source{Name: "_headers", Data: st.files["_headers"].raw()})
	if perr != nil && (old == nil || old.stamp != stamp) {
		fmt.Fprintf(s.cfg.Log, "the site's rules (Netlify deploys without these):\n%v\n", perr)
	}
	s.host.Store(&hostState{snap: st, stamp: stamp, rules: rules})
	return rules
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
	// The rules' headers (Content-Security-Policy, Cache-Control …) are
	// set already, as the published site gets them, so that a layout that
	// would break under the policy breaks in the preview too.
	w.Header().Set("Content-Type", ctype)
	f.write(w, r, code)
}

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
