package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"maps"
	"os"
	"path"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/inexchange/helpcenter/internal/assets"
	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/images"
	"github.com/inexchange/helpcenter/internal/markdown"
	"github.com/inexchange/helpcenter/internal/render"
	"github.com/inexchange/helpcenter/internal/search"
	"github.com/inexchange/helpcenter/internal/site"
	"net/url"
)

// Session keeps a site loaded between builds, for helpcenter serve: the
// parsed content files, the templates and assets, every rendered Markdown
// body and the last good output, in memory. Apply takes the paths that
// changed and redoes only the slice of the pipeline they touch:
//
//   - an article whose front matter, heading ids and links stay the same
//     (the usual edit while writing) has its body re-rendered into the
//     graph and its page rendered again, and nothing else;
//   - any other content change rebuilds the graph from the parsed files,
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
	docs     *docCache
	images   *images.Processor // remembers the images it probed

	good   *Plan             // the site of the last good output
	sums   map[string]uint64 // the last good output: file → hash of its content
	extras map[string]bool   // the files of the last Renderer.Extras
	clean  bool              // good was built from the files as they are now
	whole  bool              // the last full build failed: the next step is full too
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
	return &Session{opts: opts, root: root, docs: &docCache{m: map[string]*docEntry{}}, images: images.New(root, images.Options{CacheDir: opts.CacheDir})}
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
	s.files, s.problems, s.settings = map[string]*content.File{}, map[string]content.List{}, nil
	if tree != nil {
		s.settings = tree.Settings
		for _, f := range tree.Files {
			s.files[f.Path] = f
		}
	}
	for _, e := range errs {
		s.problems[e.Path] = append(s.problems[e.Path], e)
	}
	return s.full(start, nil, out)
}

// full loads the site from the parsed files with fresh templates and
// assets and renders everything.
func (s *Session) full(start time.Time, styles []string, w render.Output) (*Update, error) {
	s.clean, s.whole = false, true
	b, err := load(s.opts, s.reuse(nil))
	if err == nil && b == nil {
		err = content.List{{Path: content.Dir, Err: errors.New("no site settings"), Hint: "run in the site root or pass --source"}}
	}
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
	tree := &content.Tree{Settings: s.settings}
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

// change sorts the changed paths of one Apply.
type change struct {
	content []string // content files and folders
	theme   bool     // layouts/ or static/
	styles  []string // static/ stylesheets, when nothing else changed
	full    bool     // settings, unknown paths
}

func classify(paths []string) change {
	var c change
	others := false
	for _, p := range paths {
		p = path.Clean(strings.TrimPrefix(p, "./"))
		top, _, _ := strings.Cut(p, "/")
		switch {
		case ignored(p):
		case p == content.Dir+"/_index.md" || p == content.Dir:
			c.full = true
		case top == content.Dir:
			c.content = append(c.content, p)
			others = true
		case top == "layouts":
			c.theme, others = true, true
		case top == "static":
			c.theme = true
			if strings.HasSuffix(p, ".css") {
				c.styles = append(c.styles, p)
			} else {
				c.full = true // keep it simple: scripts and images reload pages
			}
		default:
			c.full = true
		}
	}
	if others {
		c.styles = nil
	}
	return c
}

// ignored reports editor and OS droppings, which content.Load skips too.
func ignored(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if content.Ignored(part) {
			return true
		}
	}
	return false
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
		case err == nil && strings.EqualFold(path.Ext(p), ".md"):
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
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
	}
	if c.theme || s.whole {
		return s.full(start, c.styles, out)
	}
	if len(others) == len(c.content) && !structural && !removed && s.clean && !s.uses(others) {
		return &Update{Warnings: s.good.Warnings, Took: time.Since(start)}, nil
	}
	if !structural && !removed && s.clean && len(others) == 0 {
		if u, ok := s.fast(articles, start, out); ok {
			return u, nil
		}
	}
	return s.rebuild(structural, start, out)
}

// setFile records a parsed file (nil when it could not be used).
func (s *Session) setFile(p string, f *content.File, errs content.List) {
	if f != nil {
		s.files[p] = f
	} else {
		delete(s.files, p)
	}
	if len(errs) > 0 {
		s.problems[p] = errs
	} else {
		delete(s.problems, p)
	}
}

// forget drops a removed file or every file below a removed folder and
// reports whether it knew any, and whether the change goes beyond one
// article.
func (s *Session) forget(p string) (known, structural bool) {
	prefix := p + "/"
	for k, f := range s.files {
		if k == p || strings.HasPrefix(k, prefix) {
			known = true
			structural = structural || k != p || f.Kind != content.KindArticle
			delete(s.files, k)
		}
	}
	for k := range s.problems {
		if k == p || strings.HasPrefix(k, prefix) {
			known = true
			structural = structural || k != p
			delete(s.problems, k)
		}
	}
	return known, structural || known && strings.EqualFold(path.Base(p), "_index.md")
}

// loadDir (re)reads every Markdown file below a created or renamed folder.
func (s *Session) loadDir(dir string) error {
	s.forget(dir)
	return fs.WalkDir(s.root, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // gone again while we looked
			}
			return fmt.Errorf("reading %s: %w", p, err)
		}
		if ignored(strings.TrimPrefix(p, content.Dir+"/")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.EqualFold(path.Ext(p), ".md") {
			f, errs := content.LoadFile(s.root, p)
			s.setFile(p, f, errs)
		}
		return nil
	})
}

// fast handles edits that changed only article bodies: same front
// matter, same heading ids, same links. Those change nothing but the
// article's own page (and, in Finish, feeds and the search index), so
// the graph is updated in place and one page rendered per article.
func (s *Session) fast(paths []string, start time.Time, w render.Output) (*Update, bool) {
	type edit struct {
		a        *site.Article
		f        *content.File
		doc, old *markdown.Doc
		oldFile  *content.File
	}
	var edits []edit
	for _, p := range paths {
		f := s.files[p]
		a := s.good.Site.Articles[strings.TrimPrefix(p, content.Dir+"/")]
		if f == nil || a == nil || len(s.problems[p]) > 0 || f.BodyLine != a.File.BodyLine || !reflect.DeepEqual(f.Article, a.File.Article) {
			return nil, false
		}
		old, doc, ok := s.docs.rerender(f)
		if !ok || !sameRefs(old, doc) {
			return nil, false
		}
		edits = append(edits, edit{a: a, f: f, doc: doc, old: old, oldFile: a.File})
	}
	for _, e := range edits {
		e.a.SetBody(e.f, e.doc)
	}
	undo := func() {
		for _, e := range edits {
			e.a.SetBody(e.oldFile, e.old)
			s.docs.put(e.oldFile, e.old, s.docs.filesOf(e.oldFile))
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

// sameRefs reports whether two renderings of a body have the same
// element ids, links, images and files, so that no other page's links or
// anchors can be affected by the change from one to the other and no
// image or file needs writing.
func sameRefs(a, b *markdown.Doc) bool {
	if a == nil || b == nil || !maps.Equal(a.IDs, b.IDs) || len(a.Links) != len(b.Links) || len(a.Refs) != len(b.Refs) {
		return false
	}
	for i := range a.Refs {
		if refResult(a.Refs[i].Resolved, a.Refs[i].Err) != refResult(b.Refs[i].Resolved, b.Refs[i].Err) || a.Refs[i].Err != nil {
			return false
		}
	}
	for i := range a.Links {
		x, y := a.Links[i], b.Links[i]
		if x.Dest != y.Dest || x.Target != y.Target || x.Anchor != y.Anchor || x.Found != y.Found {
			return false
		}
	}
	return true
}

// rebuild rebuilds the graph from the parsed files, reusing templates,
// assets and the Markdown of unchanged bodies, and renders the pages
// whose data changed; when something every page shows changed it
// renders everything.
func (s *Session) rebuild(structural bool, start time.Time, w render.Output) (*Update, error) {
	s.clean = false
	compat, _ := s.good.Assets.URL("js/compat.js")
	b, err := load(s.opts, s.reuse(s.good))
	if err != nil {
		return nil, err
	}
	if now, _ := b.Assets.URL("js/compat.js"); now != compat || structural || !sameSiteWide(s.good, b) {
		return s.full(start, nil, w)
	}
	old := make(map[string]*render.Page, len(s.good.Jobs))
	for _, j := range s.good.Jobs {
		old[j.Name] = j.Page
	}
	var todo []render.Job
	for _, j := range b.Jobs {
		if o := old[j.Name]; o == nil || !samePage(o, j.Page) {
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
// redirects) up to date after Apply and returns the search index to
// build, off the session's goroutine, with IndexJob.Run; nil when
// nothing lags.
func (s *Session) Finish(w render.Output) (*Update, *IndexJob, error) {
	if !s.stale || s.good == nil {
		return nil, nil, nil
	}
	start := time.Now()
	d := s.diff(w)
	if err := s.good.Renderer.Extras(d); err != nil {
		return nil, nil, err
	}
	u := s.publish(s.good, d, s.with(d, func(name string) bool { return s.extras[name] }), start)
	s.extras = map[string]bool{}
	for name := range d.sums {
		s.extras[name] = true
	}
	s.stale = false
	type input struct {
		locale   string
		docs     []search.Doc
		synonyms [][]string
	}
	var in []input
	for _, l := range s.good.Site.Locales {
		in = append(in, input{l.Code, searchDocs(l), l.Synonyms})
	}
	job := &IndexJob{gen: s.gen, index: func() ([]assets.File, error) {
		var files []assets.File
		for _, i := range in {
			f, err := indexFiles(i.locale, i.docs, i.synonyms)
			if err != nil {
				return nil, fmt.Errorf("building the %s search index: %w", i.locale, err)
			}
			files = append(files, f...)
		}
		return files, nil
	}}
	return u, job, nil
}

// IndexJob builds the search index of a site state. Run may be called on
// any goroutine; the result goes back through Session.Adopt.
type IndexJob struct {
	gen   int
	index func() ([]assets.File, error)
	files []assets.File
	err   error
	took  time.Duration
}

// Run builds the index.
func (j *IndexJob) Run() {
	start := time.Now()
	j.files, j.err = j.index()
	j.took = time.Since(start)
}

// Adopt writes a finished IndexJob's changed files to w unless a newer
// site state has been published since it started (nil, nil then: a
// newer job follows).
func (s *Session) Adopt(j *IndexJob, w render.Output) (*Update, error) {
	if j.err != nil {
		return nil, j.err
	}
	if j.gen != s.gen {
		return nil, nil
	}
	d := s.diff(w)
	for _, f := range j.files {
		if err := d.WriteFile(f.Name, f.Data); err != nil {
			return nil, err
		}
	}
	u := s.publish(s.good, d, s.with(d, func(name string) bool { return strings.HasPrefix(name, "search/") }), time.Now().Add(-j.took))
	return u, nil
}

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

// sameSiteWide compares what every page of a locale shows (header,
// footer, breadcrumbs, cached partials): site data, locales, categories,
// sections and the articles linked from every page.
func sameSiteWide(a, b *Plan) bool {
	x, y := a.Site, b.Site
	if x.Settings.Title != y.Settings.Title || x.Settings.Description != y.Settings.Description || x.BaseURL != y.BaseURL || x.API != y.API || x.RootHTML != y.RootHTML || len(x.Locales) != len(y.Locales) || len(x.Aliases) != len(y.Aliases) {
		return false
	}
	for i, l := range x.Locales {
		m := y.Locales[i]
		if l.Code != m.Code || l.Title != m.Title || l.Description != m.Description || l.Intro != m.Intro || l.URL != m.URL ||
			!sameList(l.Promoted, m.Promoted) || !sameLink(l.Requirements, m.Requirements) || !sameLink(l.CaseForm, m.CaseForm) || !sameLink(l.PhoneHours, m.PhoneHours) ||
			len(l.Categories) != len(m.Categories) || len(l.Sections) != len(m.Sections) {
			return false
		}
		for j, c := range l.Categories {
			d := m.Categories[j]
			if c.Title != d.Title || c.URL != d.URL || c.Description != d.Description || c.Intro != d.Intro || len(c.Sections) != len(d.Sections) || len(c.Translations) != len(d.Translations) {
				return false
			}
		}
		for j, c := range l.Sections {
			d := m.Sections[j]
			if c.Title != d.Title || c.URL != d.URL || c.Description != d.Description || c.Intro != d.Intro || len(c.Translations) != len(d.Translations) {
				return false
			}
		}
	}
	return true
}

func sameLink(a, b *site.Article) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.URL == b.URL && a.Title == b.Title
}

// sameCard compares what a list of articles shows of each.
func sameCard(a, b *site.Article) bool {
	return a.Title == b.Title && a.URL == b.URL && a.Draft == b.Draft && a.Scheduled == b.Scheduled &&
		a.Description == b.Description && a.Updated.Equal(b.Updated) && a.File.Path == b.File.Path
}

func sameList(a, b []*site.Article) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameCard(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameArticle compares everything an article's own page shows of it.
func sameArticle(a, b *site.Article) bool {
	if a == nil || b == nil {
		return a == b
	}
	if !sameCard(a, b) || a.HTML != b.HTML || a.Layout != b.Layout || !a.Date.Equal(b.Date) ||
		!sameList(a.Related, b.Related) || !sameList(a.Translations, b.Translations) || len(a.Labels) != len(b.Labels) {
		return false
	}
	if a.File != b.File && !reflect.DeepEqual(a.Front, b.Front) {
		return false
	}
	for i := range a.Labels {
		if a.Labels[i].Name != b.Labels[i].Name || a.Labels[i].URL != b.Labels[i].URL {
			return false
		}
	}
	return true
}

// samePage compares the data of a page between two builds, as far as
// sameSiteWide has not covered it.
func samePage(a, b *render.Page) bool {
	if a.Kind != b.Kind || a.Title != b.Title || a.Description != b.Description || a.URL != b.URL || a.Permalink != b.Permalink ||
		a.FeedURL != b.FeedURL || a.FeedTitle != b.FeedTitle || a.MoreInSection != b.MoreInSection || a.NoIndex != b.NoIndex ||
		!reflect.DeepEqual(a.Breadcrumbs, b.Breadcrumbs) || !reflect.DeepEqual(a.Alternates, b.Alternates) ||
		!sameArticle(a.Article, b.Article) || !sameList(a.SectionArticles, b.SectionArticles) ||
		(a.Hours != nil || b.Hours != nil) && !reflect.DeepEqual(a.Hours, b.Hours) {
		return false
	}
	if (a.Section == nil) != (b.Section == nil) || a.Section != nil && !sameList(a.Section.Articles, b.Section.Articles) {
		return false
	}
	if (a.Label == nil) != (b.Label == nil) || a.Label != nil && (a.Label.Name != b.Label.Name || !sameList(a.Label.Articles, b.Label.Articles)) {
		return false
	}
	if (a.Category == nil) != (b.Category == nil) {
		return false
	}
	if a.Category != nil && a.Kind == render.KindCategory {
		for i, sec := range a.Category.Sections {
			if !sameList(sec.Articles, b.Category.Sections[i].Articles) {
				return false
			}
		}
	}
	return true
}

// diffOutput passes on the files of a step whose content differs from
// the last good output, and records the hash of every file written.
type diffOutput struct {
	old     map[string]uint64
	out     render.Output
	mu      sync.Mutex
	sums    map[string]uint64
	changed []string
}

var sumSeed = maphash.MakeSeed()

// WriteFile implements render.Output.
func (d *diffOutput) WriteFile(name string, data []byte) error {
	sum := maphash.Bytes(sumSeed, data)
	d.mu.Lock()
	d.sums[name] = sum
	old, ok := d.old[name]
	if !ok || old != sum {
		d.changed = append(d.changed, name)
	}
	d.mu.Unlock()
	if ok && old == sum {
		return nil
	}
	return d.out.WriteFile(name, data)
}

// docCache remembers each file's rendered Markdown with the URLs its
// links resolved to and the files its images and downloads resolved to,
// and hands it back while body, Markdown settings, link targets and
// referenced files stay the same.
type docCache struct {
	mu      sync.Mutex
	m       map[string]*docEntry // by path
	locales map[string]localeMarkdown
}

// localeMarkdown is how the last graph rendered a locale's Markdown.
type localeMarkdown struct {
	config  string
	r       *markdown.Renderer
	resolve markdown.Resolver
}

type docEntry struct {
	config string
	body   []byte
	doc    *markdown.Doc
	urls   []string // what each link's target resolved to
	files  markdown.FileResolver
	refs   []string // what each image and file reference resolved to
}

// begin forgets how the previous graph rendered Markdown: a new one is
// being built.
func (c *docCache) begin() {
	c.mu.Lock()
	c.locales = map[string]localeMarkdown{}
	c.mu.Unlock()
}

// render implements site.Options.Markdown for one Markdown configuration.
func (c *docCache) render(config string, r *markdown.Renderer, f *content.File, resolve markdown.Resolver, files markdown.FileResolver) (*markdown.Doc, error) {
	c.mu.Lock()
	e := c.m[f.Path]
	if _, ok := c.locales[f.Locale]; !ok && f.Kind != content.KindSettings {
		c.locales[f.Locale] = localeMarkdown{config: config, r: r, resolve: resolve}
	}
	c.mu.Unlock()
	if e != nil && e.config == config && bytes.Equal(e.body, f.Body) && e.valid(resolve, files) {
		e.files = files
		return e.doc, nil
	}
	d, err := r.Render(f.Body, f.Rel, resolve, files)
	if err != nil {
		return nil, err
	}
	c.put(f, d, files)
	c.mu.Lock()
	c.m[f.Path].config = config
	c.mu.Unlock()
	return d, nil
}

// put records d as the rendering of f's body with the current resolvers.
func (c *docCache) put(f *content.File, d *markdown.Doc, files markdown.FileResolver) {
	c.mu.Lock()
	lm := c.locales[f.Locale]
	c.mu.Unlock()
	e := &docEntry{config: lm.config, body: f.Body, doc: d, files: files}
	if lm.resolve != nil {
		for _, l := range d.Links {
			e.urls = append(e.urls, resolved(lm.resolve, l.Target))
		}
	}
	for _, r := range d.Refs {
		e.refs = append(e.refs, refResult(r.Resolved, r.Err))
	}
	c.mu.Lock()
	c.m[f.Path] = e
	c.mu.Unlock()
}

func resolved(resolve markdown.Resolver, target string) string {
	if target == "" {
		return ""
	}
	u, ok := resolve(target)
	if !ok {
		return "\x00"
	}
	return u
}

// refResult names what a file reference resolved to: its output, whose
// name carries the content hash, or the error.
func refResult(r markdown.Resolved, err error) string {
	switch {
	case err != nil:
		return "\x00" + err.Error()
	case r.Image != nil:
		return r.Image.Full.Name
	case r.File != nil:
		return r.File.Out.Name
	}
	return ""
}

func (e *docEntry) valid(resolve markdown.Resolver, files markdown.FileResolver) bool {
	if len(e.urls) != len(e.doc.Links) || len(e.refs) != len(e.doc.Refs) {
		return false
	}
	for i, l := range e.doc.Links {
		if resolved(resolve, l.Target) != e.urls[i] {
			return false
		}
	}
	for i, r := range e.doc.Refs {
		if r.Remote || strings.HasPrefix(r.Dest, "data:") {
			continue
		}
		if files == nil {
			return false
		}
		p := r.Dest
		if u, err := url.Parse(r.Dest); err == nil {
			p = u.Path
		}
		got, err := files(p, r.IsImage)
		if refResult(got, err) != e.refs[i] {
			return false
		}
	}
	return true
}

// rerender renders f's body as the last graph would and returns the
// previous document of the file too.
func (c *docCache) rerender(f *content.File) (old, doc *markdown.Doc, ok bool) {
	c.mu.Lock()
	lm, lok := c.locales[f.Locale]
	e := c.m[f.Path]
	c.mu.Unlock()
	if !lok || e == nil || e.config != lm.config {
		return nil, nil, false
	}
	d, err := lm.r.Render(f.Body, f.Rel, lm.resolve, e.files)
	if err != nil {
		return nil, nil, false
	}
	c.put(f, d, e.files)
	return e.doc, d, true
}

// filesOf returns the file resolver f's body was last rendered with.
func (c *docCache) filesOf(f *content.File) markdown.FileResolver {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[f.Path]; e != nil {
		return e.files
	}
	return nil
}

// uses reports whether a page of the last good output shows or offers
// one of the files at paths.
func (s *Session) uses(paths []string) bool {
	if s.good == nil {
		return true
	}
	want := map[string]bool{}
	for _, p := range paths {
		want[p] = true
	}
	hit := func(name string) bool {
		for p := range want {
			if name == p || strings.HasPrefix(name, p+"/") {
				return true
			}
		}
		return false
	}
	for _, im := range s.good.Site.Images {
		if hit(im.Path) {
			return true
		}
	}
	for _, f := range s.good.Site.Files {
		if hit(f.Path) {
			return true
		}
	}
	return false
}
