package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/images"
	"github.com/inexchange/helpcenter/internal/markdown"
	"github.com/inexchange/helpcenter/internal/render"
	"github.com/inexchange/helpcenter/internal/site"
)

// Session keeps a site loaded between builds, for helpcenter serve: the
// parsed content files, the templates and assets, every rendered Markdown
// body and the last good output, in memory. Apply takes the paths that
// changed and redoes only the slice of the pipeline they touch:
//
//   - an article whose front matter, heading ids and links stay the same
//     (the usual edit while writing) has its body re-rendered into the
//     graph and its page rendered again, and nothing else;
//   - any other content change makes a new graph from the parsed files,
//     reusing the Markdown of every unchanged body, and renders the pages
//     whose data differ from the last good build (lists that show a
//     title, labels, related articles, windows of a section …);
//   - a change to the site settings, a category or section, a page shown
//     on every page (system requirements, phone hours, case form), to
//     layouts/ or to static/ renders everything, as does anything the
//     Session cannot classify.
//
// Feeds, sitemaps and the search index follow in Finish and IndexJob, so
// that the page being written appears first. Whatever the path taken, the
// output equals what Build writes for the files on disk; when a step
// fails, the last good output stays. A Session is not safe for
// concurrent use: one goroutine drives it.
type Session struct {
	opts Options
	root fs.FS

	files    map[string]*content.File // parsed content files by path ("content/en/…")
	problems map[string]content.List  // each file's parse problems, by path
	settings *content.File            // content/_index.md, or what stands in for it
	made     bool                     // settings stands in for a missing content/_index.md
	docs     *docCache
	images   *images.Processor // remembers the images it probed

	good   *Plan             // the site of the last good output
	sums   map[string]uint64 // the last good output: file → hash of its content
	extras map[string]bool   // the files of the last Renderer.Extras
	clean  bool              // good was built from the files as they are now
	whole  bool              // the last renderAll failed: the next step renders all too
	stale  bool              // feeds, sitemaps and the search index lag the pages
	gen    int               // counts good outputs, for IndexJob
}

// Update describes one finished step of a Session. The content of each
// changed file went to the render.Output the step was given, which holds
// nothing else: the caller keeps the output (helpcenter serve keeps it
// in memory) and applies the step to it only when the step succeeds.
type Update struct {
	// Changed lists the files added or changed, Removed those gone, sorted.
	Changed, Removed []string
	// Styles maps the old URL of each stylesheet to its new one when the
	// step changed stylesheets.
	Styles map[string]string
	// Full says every page was rendered; BodyOnly says only article
	// bodies changed (the fast path). Rendered counts pages rendered.
	Full     bool
	BodyOnly bool
	Rendered int
	// Warnings are the build's warnings (review dates, stale translations).
	Warnings content.List
	Took     time.Duration
}

// NewSession prepares a session; call Reload before Apply.
func NewSession(opts Options) *Session {
	opts.defaults()
	root := os.DirFS(opts.Source)
	return &Session{opts: opts, root: root, docs: newDocCache(), images: images.New(root, images.Options{CacheDir: opts.CacheDir})}
}

// Site returns the site graph of the last good output, or nil.
func (s *Session) Site() *site.Site {
	if s.good == nil {
		return nil
	}
	return s.good.Site
}

// Reload reads everything and renders every file, writing those that
// differ from the last good output (all of them, the first time) to out.
func (s *Session) Reload(out render.Output) (*Update, error) {
	start := time.Now()
	tree, errs := content.Load(s.root)
	s.files, s.problems, s.settings, s.made = map[string]*content.File{}, map[string]content.List{}, nil, false
	if tree != nil {
		s.settings, s.made = tree.Settings, tree.NoSettingsFile
		for _, f := range tree.Files {
			s.files[f.Path] = f
		}
	}
	for _, e := range errs {
		s.problems[e.Path] = append(s.problems[e.Path], e)
	}
	return s.renderAll(start, nil, out)
}

// renderAll loads the site from the parsed files with fresh templates and
// assets and renders everything.
func (s *Session) renderAll(start time.Time, styles []string, w render.Output) (*Update, error) {
	s.clean, s.whole = false, true
	b, err := load(s.opts, s.reuse(nil))
	if err != nil {
		return nil, err
	}
	d := s.diff(w)
	if err := b.WriteTo(d); err != nil {
		return nil, err
	}
	extras := map[string]bool{}
	pages := map[string]bool{}
	for _, j := range b.Jobs {
		pages[j.Name] = true
	}
	for name := range d.sums {
		if !pages[name] && !strings.HasPrefix(name, "assets/") && !strings.HasPrefix(name, "search/") {
			extras[name] = true
		}
	}
	u := s.publish(b, d, d.sums, start)
	s.extras, s.whole = extras, false
	u.Full, u.Rendered = true, len(b.Jobs)
	if len(styles) > 0 {
		u.Styles = stylesheets(s.good, b, styles)
	}
	s.good, s.clean, s.stale = b, true, false
	return u, nil
}

// reuse describes the session's parsed files (and, unless th is nil,
// its templates and assets) to load.
func (s *Session) reuse(th *Plan) reuse {
	tree := &content.Tree{Settings: s.settings, NoSettingsFile: s.made}
	var errs content.List
	for _, f := range s.files {
		tree.Files = append(tree.Files, f)
	}
	sort.Slice(tree.Files, func(i, j int) bool { return tree.Files[i].Rel < tree.Files[j].Rel })
	paths := make([]string, 0, len(s.problems))
	for p := range s.problems {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		errs = append(errs, s.problems[p]...)
	}
	s.docs.begin()
	r := reuse{tree: tree, errs: errs, markdown: s.docs.render, images: s.images}
	if th != nil {
		r.templates, r.assets = th.Renderer.T, th.Assets
	}
	return r
}

// diff starts a step that writes to w.
func (s *Session) diff(w render.Output) *diffOutput {
	return &diffOutput{old: s.sums, out: w, sums: map[string]uint64{}}
}

// publish makes sums (the whole output after a step that wrote d) the
// last good output.
func (s *Session) publish(b *Plan, d *diffOutput, sums map[string]uint64, start time.Time) *Update {
	u := &Update{Changed: d.changed, Warnings: b.Warnings}
	for name := range s.sums {
		if _, ok := sums[name]; !ok {
			u.Removed = append(u.Removed, name)
		}
	}
	sort.Strings(u.Changed)
	sort.Strings(u.Removed)
	s.sums = sums
	s.gen++
	u.Took = time.Since(start)
	return u
}

// with returns the last good sums with d's files and without drop.
func (s *Session) with(d *diffOutput, drop func(name string) bool) map[string]uint64 {
	next := make(map[string]uint64, len(s.sums)+len(d.sums))
	for name, sum := range s.sums {
		if drop == nil || !drop(name) {
			next[name] = sum
		}
	}
	maps.Copy(next, d.sums)
	return next
}

// Apply brings the output up to date with the files at paths (slash
// paths below the site root, as a watcher reports them: changed,
// created, removed or renamed files and folders). On error the last good
// output stays and the error is a content.List when content is at fault.
func (s *Session) Apply(paths []string, out render.Output) (*Update, error) {
	start := time.Now()
	if s.sums == nil {
		return s.Reload(out)
	}
	c := classify(paths)
	if c.full {
		return s.Reload(out)
	}
	structural, removed := false, false
	var articles, others []string
	for _, p := range c.content {
		st, err := fs.Stat(s.root, p)
		ext := path.Ext(p)
		isMD := strings.EqualFold(ext, ".md")
		if !isMD && (err == nil && !st.IsDir() || err != nil && ext != "") {
			// An image or download, or a file no page uses (yet).
			s.images.Forget(p)
			others = append(others, p)
			continue
		}
		switch {
		case err == nil && st.IsDir():
			structural = true
			if err := s.loadDir(p); err != nil {
				return nil, err
			}
		case err == nil && isMD:
			f, errs := content.LoadFile(s.root, p)
			s.setFile(p, f, errs)
			if f == nil || f.Kind != content.KindArticle {
				structural = true
			} else {
				articles = append(articles, p)
			}
		case errors.Is(err, fs.ErrNotExist):
			// Editors' temporary files come and go: only known files count.
			known, beyond := s.forget(p)
			removed = removed || known
			structural = structural || beyond
			if !isMD && s.uses([]string{p}) {
				others = append(others, p) // a folder of images that pages show
			}
		default:
			return nil, content.List{content.Wrap(p, 0, 0, content.ErrRead, "", fmt.Errorf("reading: %w", err))}
		}
	}
	if c.theme || s.whole {
		return s.renderAll(start, c.styles, out)
	}
	if len(others) == len(c.content) && !structural && !removed && s.clean && !s.uses(others) {
		return &Update{Warnings: s.good.Warnings, Took: time.Since(start)}, nil
	}
	if !structural && !removed && s.clean && len(others) == 0 {
		if u, ok := s.bodyOnly(articles, start, out); ok {
			return u, nil
		}
	}
	return s.newGraph(structural, start, out)
}

// bodyOnly handles edits that changed only article bodies: same front
// matter, same heading ids, same links. Those change nothing but the
// article's own page (and, in Finish, feeds and the search index), so
// the graph is updated in place and one page rendered per article.
func (s *Session) bodyOnly(paths []string, start time.Time, w render.Output) (*Update, bool) {
	type edit struct {
		a        *site.Article
		f        *content.File
		doc, old *markdown.Doc
		oldFile  *content.File
		undo     func()
	}
	var edits []edit
	for _, p := range paths {
		f := s.files[p]
		a := s.good.Site.Articles[strings.TrimPrefix(p, content.Dir+"/")]
		if f == nil || a == nil || len(s.problems[p]) > 0 || f.BodyLine != a.File.BodyLine || !reflect.DeepEqual(f.Article, a.File.Article) {
			return nil, false
		}
		old, doc, undo, ok := s.docs.rerender(f)
		if !ok {
			return nil, false
		}
		edits = append(edits, edit{a: a, f: f, doc: doc, old: old, oldFile: a.File, undo: undo})
		if !sameRefs(old, doc) {
			undo()
			return nil, false
		}
	}
	for _, e := range edits {
		e.a.SetBody(e.f, e.doc)
	}
	undo := func() {
		for _, e := range edits {
			e.a.SetBody(e.oldFile, e.old)
			e.undo()
		}
	}
	// A page's data holds the article itself, whose body was just
	// replaced; only a description made from the body (none written in
	// the front matter) needs the page data made again.
	jobs := s.good.Jobs
	for _, e := range edits {
		if e.a.Description == "" {
			var err error
			if jobs, err = s.good.Renderer.Jobs(); err != nil {
				undo()
				return nil, false
			}
			break
		}
	}
	want := map[string]bool{}
	for _, e := range edits {
		want[trimSlash(e.a.URL)+"index.html"] = true
	}
	var todo []render.Job
	for _, j := range jobs {
		if want[j.Name] {
			todo = append(todo, j)
		}
	}
	d := s.diff(w)
	if errs := s.good.Renderer.RenderAll(todo, d); len(errs) > 0 || len(todo) != len(edits) {
		undo()
		return nil, false
	}
	s.good.Jobs = jobs
	u := s.publish(s.good, d, s.with(d, nil), start)
	u.Rendered, u.BodyOnly = len(todo), true
	s.stale = true
	return u, true
}

func trimSlash(u string) string { return strings.TrimPrefix(u, "/") }

// newGraph makes a new graph from the parsed files, reusing templates,
// assets and the Markdown of unchanged bodies, and renders the pages
// whose data changed; when something every page shows changed it
// renders everything.
func (s *Session) newGraph(structural bool, start time.Time, w render.Output) (*Update, error) {
	s.clean = false
	compat, _ := s.good.Assets.URL("js/compat.js")
	b, err := load(s.opts, s.reuse(s.good))
	if err != nil {
		return nil, err
	}
	if now, _ := b.Assets.URL("js/compat.js"); now != compat || structural || !siteChecks.same(s.good.Site, b.Site) {
		return s.renderAll(start, nil, w)
	}
	old := make(map[string]*render.Page, len(s.good.Jobs))
	for _, j := range s.good.Jobs {
		old[j.Name] = j.Page
	}
	var todo []render.Job
	for _, j := range b.Jobs {
		if o := old[j.Name]; o == nil || !pageChecks.same(o, j.Page) {
			todo = append(todo, j)
		}
	}
	d := s.diff(w)
	if errs := b.Renderer.RenderAll(todo, d); len(errs) > 0 {
		return nil, templateErrors(errs)
	}
	// Images the last good output lacks: names carry content hashes.
	b.Have = func(name string) bool { _, ok := s.sums[name]; return ok }
	if err := b.writeImages(d); err != nil {
		return nil, err
	}
	// Pages that are gone leave; assets, feeds and the search index stay
	// until Finish.
	for _, j := range b.Jobs {
		delete(old, j.Name)
	}
	u := s.publish(b, d, s.with(d, func(name string) bool { return old[name] != nil }), start)
	u.Rendered = len(todo)
	s.good, s.clean, s.stale = b, true, true
	return u, nil
}

// Finish brings the files derived from the whole site (feeds, sitemaps,
// stylesheets maps the old URL of each changed stylesheet to its new one.
func stylesheets(old, b *Plan, changed []string) map[string]string {
	if old == nil {
		return nil
	}
	m := map[string]string{}
	for _, name := range b.Assets.Names() {
		if !strings.HasSuffix(name, ".css") {
			continue
		}
		o, _ := old.Assets.URL(name)
		n, _ := b.Assets.URL(name)
		if o != n && o != "" {
			m[o] = n
		}
	}
	return m
}
