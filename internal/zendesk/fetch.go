package zendesk

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fetcher copies a help center into a folder. The zero value needs URL,
// Out and, for anything but a public help center, Email and Token.
type Fetcher struct {
	// URL is the help center's Zendesk address, https://<subdomain>.zendesk.com.
	URL string
	// Email and Token authenticate as email/token:TOKEN (an API token).
	Email, Token string
	// Out is the folder to write; an interrupted fetch into it resumes.
	Out string
	// Locales limits the fetch to these Zendesk locales; empty fetches
	// every locale the help center has.
	Locales []string
	// HTTPClient sends the requests; nil uses a client with a 60 s timeout.
	HTTPClient *http.Client
	// Workers is the number of requests in flight (default 4).
	Workers int
	// PageSize is the number of items per page (default 100, the API's maximum).
	PageSize int
	// MaxRetries is how often a request that failed with a 5xx or a broken
	// connection is tried again (default 6).
	MaxRetries int
	// Backoff is the first wait after such a failure, doubled each time up
	// to MaxBackoff (defaults 1 s and 60 s).
	Backoff, MaxBackoff time.Duration
	// Progress receives a progress line while the fetch runs; nil is quiet.
	Progress io.Writer
	// Terminal rewrites the progress line in place (for a terminal)
	// instead of printing a new line every ProgressEvery (default 5 s).
	Terminal      bool
	ProgressEvery time.Duration
	// Sleep waits between attempts; nil uses a timer (tests shorten it).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Kinds are the lists fetched per locale, in the order they are fetched.
var Kinds = []string{"categories", "sections", "articles"}

// StateFile records a fetch in its folder.
const StateFile = "fetch.json"

// State is the content of fetch.json. It never holds credentials.
type State struct {
	URL      string    `json:"url"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Complete bool      `json:"complete"`
	Locales  []string  `json:"locales"`
	// Articles maps each article id to its newest updated_at, so that a
	// later fetch lists the attachments of changed articles only.
	Articles map[string]time.Time `json:"articles,omitempty"`
	// Missing lists files that could not be downloaded.
	Missing []MissingFile `json:"missing,omitempty"`
}

// MissingFile is a file an article refers to that the fetch could not get.
type MissingFile struct {
	ID      int64  `json:"id"`
	URL     string `json:"url"`
	Article int64  `json:"article"`
	Error   string `json:"error"`
}

// Result says what a fetch did.
type Result struct {
	Locales     []string
	Items       map[string]int // per "<locale>/<kind>"
	Files       int            // files in article_attachments/ after the fetch
	Downloaded  int            // files downloaded by this run
	Bytes       int64          // bytes downloaded by this run
	Requests    int
	RateLimited int // 429 answers waited out
	Retries     int // failed attempts tried again
	Missing     []MissingFile
	Resumed     bool
	Took        time.Duration
}

func (f *Fetcher) defaults() {
	if f.Workers <= 0 {
		f.Workers = 4
	}
	if f.PageSize <= 0 || f.PageSize > 100 {
		f.PageSize = 100
	}
	if f.MaxRetries <= 0 {
		f.MaxRetries = 6
	}
	if f.Backoff <= 0 {
		f.Backoff = time.Second
	}
	if f.MaxBackoff <= 0 {
		f.MaxBackoff = time.Minute
	}
	if f.ProgressEvery <= 0 {
		f.ProgressEvery = 5 * time.Second
	}
	if f.Sleep == nil {
		f.Sleep = sleepCtx
	}
	if f.HTTPClient == nil {
		f.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
}

// fetchRun is the state of one Run.
type fetchRun struct {
	f     *Fetcher
	c     *client
	out   string
	state *State
	prev  *State // the finished fetch this one updates, or nil
	res   *Result
	mu    sync.Mutex
}

// Run fetches the help center into f.Out. Interrupted (by ctx, a crash or
// an error), it leaves complete files only, and running it again carries
// on where it stopped.
func (f *Fetcher) Run(ctx context.Context) (*Result, error) {
	start := time.Now()
	f.defaults()
	base, err := url.Parse(strings.TrimSuffix(f.URL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("--url %q: give the help center's address, e.g. https://example.zendesk.com", f.URL)
	}
	base.Path, base.RawQuery, base.Fragment = "", "", ""
	if err := os.MkdirAll(f.Out, 0o755); err != nil {
		return nil, err
	}
	r := &fetchRun{f: f, out: f.Out, res: &Result{Items: map[string]int{}}}
	r.c = &client{http: f.HTTPClient, base: base, maxRetries: f.MaxRetries, backoff: f.Backoff, maxBackoff: f.MaxBackoff, sleep: f.Sleep}
	if f.Email != "" || f.Token != "" {
		r.c.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(f.Email+"/token:"+f.Token))
	}
	r.c.prog = newProgress(f.Progress, f.Terminal, f.ProgressEvery)
	defer r.c.prog.stop()

	old, err := readState(f.Out)
	switch {
	case err != nil:
		return nil, err
	case old == nil:
		if entries, _ := os.ReadDir(f.Out); len(entries) > 0 {
			return nil, fmt.Errorf("%s is not empty and holds no %s: fetch into a new folder", f.Out, StateFile)
		}
	case old.URL != base.String():
		return nil, fmt.Errorf("%s holds a fetch of %s, not %s: fetch into another folder", f.Out, old.URL, base.String())
	case old.Complete:
		r.prev = old // a new fetch that updates a finished one
	default:
		r.res.Resumed = true
	}
	r.state = &State{URL: base.String(), Started: start, Articles: map[string]time.Time{}}
	if r.res.Resumed {
		r.state.Started = old.Started
	}
	if err := r.saveState(); err != nil {
		return nil, err
	}

	err = r.run(ctx)
	p := r.c.prog
	r.res.Requests, r.res.RateLimited, r.res.Retries = p.count("requests"), p.count("limited"), p.count("retries")
	r.res.Took = time.Since(start)
	if err != nil {
		return r.res, err
	}
	r.state.Complete, r.state.Finished = true, time.Now().UTC().Truncate(time.Second)
	r.state.Missing = r.res.Missing
	return r.res, r.saveState()
}

func (r *fetchRun) run(ctx context.Context) error {
	// The locales.
	var loc Locales
	body, err := r.getBody(ctx, "/api/v2/help_center/locales.json")
	if err != nil {
		return fmt.Errorf("reading the help center's locales: %w", err)
	}
	if err := json.Unmarshal(body, &loc); err != nil || len(loc.Locales) == 0 {
		return fmt.Errorf("/api/v2/help_center/locales.json: expected {\"locales\": [...], \"default_locale\": ...}, got %.200s", body)
	}
	if err := writeFileAtomic(filepath.Join(r.out, "locales.json"), body); err != nil {
		return err
	}
	locales := loc.Locales
	if len(r.f.Locales) > 0 {
		have := map[string]bool{}
		for _, l := range loc.Locales {
			have[strings.ToLower(l)] = true
		}
		locales = nil
		for _, l := range r.f.Locales {
			if !have[strings.ToLower(l)] {
				return fmt.Errorf("the help center has no locale %q (it has %s)", l, strings.Join(loc.Locales, ", "))
			}
			locales = append(locales, strings.ToLower(l))
		}
	}
	r.state.Locales = locales
	r.res.Locales = locales
	for _, l := range locales {
		if !safeName(l) {
			return fmt.Errorf("locale %q is not a plain name", l)
		}
	}

	// Categories, sections and articles of every locale.
	type list struct{ locale, kind string }
	var lists []list
	for _, l := range locales {
		for _, k := range Kinds {
			lists = append(lists, list{l, k})
		}
	}
	articles := map[int64]*articleRefs{}
	var amu sync.Mutex
	err = r.parallel(ctx, len(lists), func(ctx context.Context, i int) error {
		l := lists[i]
		return r.list(ctx, l.locale, l.kind, fmt.Sprintf("/api/v2/help_center/%s/%s.json", url.PathEscape(l.locale), l.kind), filepath.Join(r.out, l.locale, l.kind), func(items []json.RawMessage) error {
			r.mu.Lock()
			r.res.Items[l.locale+"/"+l.kind] += len(items)
			r.mu.Unlock()
			r.c.prog.items(l.kind, len(items))
			if l.kind != "articles" {
				return nil
			}
			for _, raw := range items {
				var a Article
				if err := json.Unmarshal(raw, &a); err != nil {
					return &parseError{fmt.Errorf("an article of %s: %w", l.locale, err)}
				}
				amu.Lock()
				ref := articles[a.ID]
				if ref == nil {
					ref = &articleRefs{id: a.ID}
					articles[a.ID] = ref
				}
				if a.UpdatedAt.After(ref.updated) {
					ref.updated = a.UpdatedAt
				}
				ref.bodies = append(ref.bodies, a.Body)
				amu.Unlock()
			}
			return nil
		})
	})
	if err != nil {
		return err
	}

	// Each article's attachments list.
	ids := make([]int64, 0, len(articles))
	for id := range articles {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		r.state.Articles[strconv.FormatInt(id, 10)] = articles[id].updated.UTC()
	}
	r.c.prog.phase("attachment lists", len(ids))
	err = r.parallel(ctx, len(ids), func(ctx context.Context, i int) error {
		a := articles[ids[i]]
		dir := filepath.Join(r.out, "articles", strconv.FormatInt(a.id, 10), "attachments")
		key := strconv.FormatInt(a.id, 10)
		fresh := r.prev != nil && r.prev.Articles[key].Equal(a.updated.UTC()) && listComplete(dir)
		if fresh {
			// Unchanged since the last fetch: its list is still right.
			return r.readSaved(dir, "article_attachments", func(items []json.RawMessage) error { return a.addAttachments(items) })
		}
		defer r.c.prog.done()
		return r.list(ctx, "", "article_attachments", fmt.Sprintf("/api/v2/help_center/articles/%d/attachments.json", a.id), dir, func(items []json.RawMessage) error {
			return a.addAttachments(items)
		})
	})
	if err != nil {
		return err
	}

	// The files: listed attachments and what the bodies show or link.
	files := map[int64]fileRef{}
	for _, id := range ids {
		a := articles[id]
		for _, at := range a.attachments {
			ref, ok := r.fileRef(at.ContentURL, id)
			if !ok {
				continue
			}
			if n := cleanName(at.FileName); n != "" {
				ref.name = n
			}
			if at.Size > 0 {
				ref.size = at.Size
			}
			files[ref.id] = ref
		}
	}
	for _, id := range ids {
		for _, b := range articles[id].bodies {
			for _, u := range BodyFileURLs(b) {
				if ref, ok := r.fileRef(u, id); ok {
					if _, seen := files[ref.id]; !seen {
						files[ref.id] = ref
					}
				}
			}
		}
	}
	fileIDs := make([]int64, 0, len(files))
	for id := range files {
		fileIDs = append(fileIDs, id)
	}
	sort.Slice(fileIDs, func(i, j int) bool { return fileIDs[i] < fileIDs[j] })
	r.c.prog.phase("files", len(fileIDs))
	err = r.parallel(ctx, len(fileIDs), func(ctx context.Context, i int) error {
		defer r.c.prog.done()
		return r.download(ctx, files[fileIDs[i]])
	})
	if err != nil {
		return err
	}
	r.res.Files = len(fileIDs)
	sort.Slice(r.res.Missing, func(i, j int) bool { return r.res.Missing[i].ID < r.res.Missing[j].ID })
	return nil
}

// articleRefs collects what one article needs downloaded.
type articleRefs struct {
	id          int64
	updated     time.Time
	bodies      []string
	mu          sync.Mutex
	attachments []Attachment
}

func (a *articleRefs) addAttachments(items []json.RawMessage) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, raw := range items {
		var at Attachment
		if err := json.Unmarshal(raw, &at); err != nil {
			return &parseError{fmt.Errorf("an attachment of article %d: %w", a.id, err)}
		}
		a.attachments = append(a.attachments, at)
	}
	return nil
}

// parallel runs n jobs on the fetcher's workers and returns the first error.
func (r *fetchRun) parallel(ctx context.Context, n int, job func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for w := 0; w < min(r.f.Workers, max(n, 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := job(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

func (r *fetchRun) getBody(ctx context.Context, ref string) ([]byte, error) {
	var body []byte
	err := r.c.get(ctx, ref, func(resp *http.Response) error {
		b, err := io.ReadAll(resp.Body)
		body = b
		return err
	})
	return body, err
}

// list fetches every page of a list into dir/page-N.json and hands each
// page's items under key to each. Pages saved by an interrupted fetch are
// read instead of fetched again.
func (r *fetchRun) list(ctx context.Context, locale, key, first, dir string, each func([]json.RawMessage) error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	n := 1
	next := first + "?page%5Bsize%5D=" + strconv.Itoa(r.f.PageSize)
	if r.prev == nil {
		// Resume: read what is saved, go on from the last saved page's next.
		for ; ; n++ {
			body, err := os.ReadFile(filepath.Join(dir, pageName(n)))
			if errors.Is(err, fs.ErrNotExist) {
				break
			}
			if err != nil {
				return err
			}
			p, items, err := parsePage(body, key)
			if err != nil {
				// A page that does not parse is fetched again.
				break
			}
			if err := each(items); err != nil {
				return err
			}
			next = p.Next()
			if next == "" {
				return nil
			}
		}
	}
	for next != "" {
		body, err := r.getBody(ctx, next)
		if err != nil {
			return fmt.Errorf("listing %s: %w", describeList(locale, key), err)
		}
		p, items, err := parsePage(body, key)
		if err != nil {
			return fmt.Errorf("listing %s: page %d is not a list of %s: %w", describeList(locale, key), n, key, err)
		}
		if err := writeFileAtomic(filepath.Join(dir, pageName(n)), body); err != nil {
			return err
		}
		r.c.prog.page()
		if err := each(items); err != nil {
			return err
		}
		next = p.Next()
		n++
	}
	// A list that shrank since the last fetch: drop its old tail.
	for ; ; n++ {
		err := os.Remove(filepath.Join(dir, pageName(n)))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func describeList(locale, key string) string {
	if locale == "" {
		return key
	}
	return locale + " " + key
}

// readSaved hands the items of every saved page in dir to each.
func (r *fetchRun) readSaved(dir, key string, each func([]json.RawMessage) error) error {
	for n := 1; ; n++ {
		body, err := os.ReadFile(filepath.Join(dir, pageName(n)))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		_, items, err := parsePage(body, key)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, pageName(n)), err)
		}
		if err := each(items); err != nil {
			return err
		}
	}
}

// listComplete reports whether dir holds a whole list: its last page has
// no next page.
func listComplete(dir string) bool {
	last := ""
	for n := 1; ; n++ {
		p := filepath.Join(dir, pageName(n))
		if _, err := os.Stat(p); err != nil {
			break
		}
		last = p
	}
	if last == "" {
		return false
	}
	body, err := os.ReadFile(last)
	if err != nil {
		return false
	}
	p, _, err := parsePage(body, "")
	return err == nil && p.Next() == ""
}

func pageName(n int) string { return "page-" + strconv.Itoa(n) + ".json" }

// fileRef is an attachment to download.
type fileRef struct {
	id      int64
	url     string // absolute
	name    string // the file name to save it under; "" when only the download can tell
	article int64  // an article that shows or lists it, for messages
	size    int64  // -1 when unknown
}

func (r *fetchRun) fileRef(raw string, article int64) (fileRef, bool) {
	a, ok := ParseAttachment(raw)
	if !ok {
		return fileRef{}, false
	}
	u, err := r.c.resolve(raw)
	if err != nil {
		return fileRef{}, false
	}
	u.Fragment = ""
	return fileRef{id: a.ID, url: u.String(), name: a.Name, article: article, size: -1}, true
}

// cleanName makes a file name Zendesk reported safe to write: path
// separators and control characters become "_", leading dots go.
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.TrimLeft(s, ".")
	if len(s) > 200 {
		ext := path.Ext(s)
		if len(ext) > 16 {
			ext = ""
		}
		s = s[:200-len(ext)] + ext
	}
	return s
}

// savedFile returns the name of the complete file in an attachment's
// folder, or "".
func savedFile(dir string, size int64) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if info, err := e.Info(); err == nil && (size < 0 || info.Size() == size) {
			return e.Name()
		}
	}
	return ""
}

// download saves one attachment into article_attachments/<id>/ unless a
// complete copy is there already.
func (r *fetchRun) download(ctx context.Context, ref fileRef) error {
	dir := filepath.Join(r.out, "article_attachments", strconv.FormatInt(ref.id, 10))
	if have := savedFile(dir, ref.size); have != "" && (ref.name == "" || have == ref.name) {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var n int64
	err := r.c.get(ctx, ref.url, func(resp *http.Response) error {
		name := ref.name
		if name == "" {
			name = responseName(resp, ref.id)
		}
		// A renamed attachment: the old name goes.
		if entries, err := os.ReadDir(dir); err == nil {
			for _, e := range entries {
				if e.Name() != name && !strings.HasPrefix(e.Name(), ".") {
					_ = os.Remove(filepath.Join(dir, e.Name()))
				}
			}
		}
		var err error
		n, err = writeReaderAtomic(filepath.Join(dir, name), resp.Body)
		return err
	})
	var se *StatusError
	if errors.As(err, &se) && se.Status >= 400 && se.Status < 500 {
		r.mu.Lock()
		r.res.Missing = append(r.res.Missing, MissingFile{ID: ref.id, URL: ref.url, Article: ref.article, Error: fmt.Sprintf("%d %s", se.Status, http.StatusText(se.Status))})
		r.mu.Unlock()
		_ = os.Remove(dir) // only when empty
		return nil
	}
	if err != nil {
		return fmt.Errorf("downloading %s (article %d): %w", ref.url, ref.article, err)
	}
	r.mu.Lock()
	r.res.Downloaded++
	r.res.Bytes += n
	r.mu.Unlock()
	r.c.prog.bytes(n)
	return nil
}

// responseName names a downloaded attachment whose URL named none: the
// Content-Disposition file name, else the last element of the URL it came
// from (after redirects), else "attachment-<id>" with the extension of its
// type.
func responseName(resp *http.Response, id int64) string {
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		if n := cleanName(params["filename"]); n != "" {
			return n
		}
	}
	if resp.Request != nil && resp.Request.URL != nil {
		last := path.Base(resp.Request.URL.Path)
		if path.Ext(last) != "" {
			if n := cleanName(last); n != "" && n != strconv.FormatInt(id, 10) {
				return n
			}
		}
	}
	name := "attachment-" + strconv.FormatInt(id, 10)
	if ct, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil {
		if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
			sort.Strings(exts)
			name += preferredExt(ct, exts)
		}
	}
	return name
}

// preferredExt picks the usual extension of a type (mime lists several:
// .jpe, .jpeg, .jpg).
func preferredExt(ct string, exts []string) string {
	for _, want := range []string{".png", ".jpg", ".gif", ".webp", ".svg", ".pdf", ".mp4", ".csv", ".txt", ".zip"} {
		for _, e := range exts {
			if e == want {
				return e
			}
		}
	}
	return exts[0]
}

func readState(dir string) (*State, error) {
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w (delete it to start the fetch again)", filepath.Join(dir, StateFile), err)
	}
	return &s, nil
}

// ReadState reads the fetch.json of an export, or nil when there is none.
func ReadState(dir string) (*State, error) { return readState(dir) }

func (r *fetchRun) saveState() error {
	b, err := json.MarshalIndent(r.state, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(r.out, StateFile), append(b, '\n'))
}

// writeFileAtomic writes data to name through a temporary file and a
// rename, so name is either absent, old or complete.
func writeFileAtomic(name string, data []byte) error {
	_, err := writeReaderAtomic(name, bytes.NewReader(data))
	return err
}

func writeReaderAtomic(name string, rd io.Reader) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(tmp, rd)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return n, err
	}
	return n, nil
}

// ExportPath joins slash-separated parts below an export folder.
func ExportPath(dir string, parts ...string) string {
	return filepath.Join(dir, filepath.FromSlash(path.Join(parts...)))
}
