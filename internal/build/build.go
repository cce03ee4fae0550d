// Package build is the one pipeline that turns a site root into a
// published site: load content → site graph → render (layouts, minify,
// fingerprint) → publish. `helpcenter build` and `helpcenter check` run it
// once; `helpcenter serve` keeps its result and asks it to redo what a
// change touches.
package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	helpcenter "github.com/inexchange/helpcenter"
	"github.com/inexchange/helpcenter/internal/assets"
	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/markdown"
	"github.com/inexchange/helpcenter/internal/overlay"
	"github.com/inexchange/helpcenter/internal/render"
	"github.com/inexchange/helpcenter/internal/site"
)

// Options configure one build. The zero value builds "." into "public"
// with the current time.
type Options struct {
	// Source is the site root holding content/, layouts/ and static/.
	Source string
	// Dest is the output folder; Build replaces it atomically.
	Dest string
	// BaseURL overrides the settings' base_url.
	BaseURL string
	// Drafts and Future include draft and scheduled articles.
	Drafts, Future bool
	// Now is the build's clock; zero means time.Now (or SOURCE_DATE_EPOCH).
	Now time.Time
	// Preview renders for helpcenter serve (live reload, badges).
	Preview bool
	// Defaults are the built-in layouts and static files; nil uses the
	// embedded ones.
	Defaults fs.FS
}

// Result describes a finished build.
type Result struct {
	Site     *site.Site
	Pages    int // HTML pages
	Files    int // every file written
	Warnings content.List
	Took     time.Duration
}

// Site is a loaded and rendered-in-memory site: everything needed to
// write it or to serve it.
type Site struct {
	Opts     Options
	Site     *site.Site
	Renderer *render.Renderer
	Assets   *assets.Set
	Jobs     []render.Job
	// release lets article bodies go as soon as they are used (one-off
	// builds only; see render.Renderer.Release).
	release bool
	// Extra are generated files besides pages and assets: the search
	// index, built by WriteTo when nil.
	Extra    []assets.File
	Warnings content.List
}

func (o *Options) defaults() {
	if o.Source == "" {
		o.Source = "."
	}
	if o.Dest == "" {
		o.Dest = filepath.Join(o.Source, "public")
	}
	if o.Now.IsZero() {
		o.Now = Now()
	}
	if o.Defaults == nil {
		o.Defaults = helpcenter.Defaults
	}
}

// Now is the build clock: SOURCE_DATE_EPOCH when set (reproducible
// builds), else the current time.
func Now() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		var sec int64
		if _, err := fmt.Sscan(s, &sec); err == nil {
			return time.Unix(sec, 0).UTC()
		}
	}
	return time.Now().UTC()
}

// Load runs every step short of writing: content, graph, templates,
// assets and the list of pages. Content problems come back as a
// content.List error holding every error of the run.
func Load(opts Options) (*Site, error) {
	opts.defaults()
	return load(opts, reuse{})
}

// reuse is what a Session hands to load from its previous builds; the
// zero value loads everything.
type reuse struct {
	// tree and errs are the parsed content/ and its problems; nil tree
	// reads content/.
	tree *content.Tree
	errs content.List
	// templates and assets (static/ already added) are reused when set.
	templates *render.Templates
	assets    *assets.Set
	// markdown renders a body for a Markdown configuration (a string
	// naming it): site.Options.Markdown.
	markdown func(config string, r *markdown.Renderer, f *content.File, resolve markdown.Resolver) (*markdown.Doc, error)
}

// load is Load with what re provides instead of reading it again.
func load(opts Options, re reuse) (*Site, error) {
	root := os.DirFS(opts.Source)
	layered := overlay.FS{Upper: root, Lower: opts.Defaults}
	tree, errs := re.tree, re.errs
	if tree == nil {
		tree, errs = content.Load(root)
	}
	if tree == nil {
		return nil, errs
	}
	if tree.Settings == nil {
		return nil, errs
	}
	locales := tree.Settings.Settings.Locales
	set, tmpl := re.assets, re.templates
	if tmpl == nil {
		set = assets.NewSet(assets.Minifier())
		var err error
		tmpl, err = render.LoadTemplates(layered, locales, render.Funcs{Asset: set.URL})
		if err != nil {
			return nil, content.List{{Path: "layouts", Err: err, Hint: "fix the layout or UI strings file named"}}
		}
	}
	words := map[string]map[string]string{} // UI strings callout.<word>
	for _, l := range locales {
		words[l] = map[string]string{}
		for _, k := range []string{"note", "tip", "important", "warning", "caution", "table"} {
			words[l][k] = tmpl.T(l, "callout."+k)
		}
	}
	sopts := site.Options{BaseURL: opts.BaseURL, Drafts: opts.Drafts, Future: opts.Future, Now: opts.Now, Words: words}
	if re.markdown != nil && len(locales) > 0 {
		sopts.Markdown = func(r *markdown.Renderer, f *content.File, resolve markdown.Resolver) (*markdown.Doc, error) {
			l := f.Locale
			if l == "" {
				l = locales[0]
			}
			howTo := f.Article != nil && f.Article.Layout == "how-to"
			return re.markdown(fmt.Sprint(tree.Settings.Settings.UnsafeHTML, l, words[l], howTo), r, f, resolve)
		}
	}
	s, serrs := site.Build(tree, sopts)
	errs = append(errs, serrs...)
	if s != nil {
		errs = append(errs, requirements(s)...)
	}
	if len(errs.Errors()) > 0 {
		return nil, errs
	}
	if re.templates == nil {
		if err := set.AddFS(layered, "static"); err != nil {
			return nil, content.List{{Path: "static", Err: err}}
		}
	}
	b := &Site{Opts: opts, Site: s, Assets: set, Warnings: errs.Warnings()}
	if err := generated(b); err != nil {
		return nil, err
	}
	b.Renderer = &render.Renderer{T: tmpl, M: set.Minifier(), Site: s, Now: opts.Now, Preview: opts.Preview}
	var err error
	if b.Jobs, err = b.Renderer.Jobs(); err != nil {
		return nil, err
	}
	return b, nil
}

// WriteTo renders every file into out. The search index is built while
// the pages render: it runs on one core, the pages on all of them.
func (b *Site) WriteTo(out render.Output) error {
	var searchErr error
	var wg sync.WaitGroup
	if b.Extra == nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			searchErr = searchIndex(b)
		}()
	}
	errs := b.Renderer.RenderAll(b.Jobs, out)
	wg.Wait()
	if len(errs) > 0 {
		return templateErrors(errs)
	}
	if searchErr != nil {
		return searchErr
	}
	if err := b.Renderer.Extras(out); err != nil {
		return err
	}
	if err := writeAll(out, b.Assets.Files()); err != nil {
		return err
	}
	return writeAll(out, b.Extra)
}

// writeAll writes files with several goroutines: creating many small
// files is bound by the kernel, not the CPU, and overlaps well.
func writeAll(out render.Output, files []assets.File) error {
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(files); i += workers {
				if err := out.WriteFile(files[i].Name, files[i].Data); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// templateErrors reports each distinct template failure once, with the
// first page it broke and how many others.
func templateErrors(errs []error) error {
	type failure struct {
		page  string
		count int
	}
	seen := map[string]*failure{}
	var order []string
	for _, e := range errs {
		msg, page := e.Error(), ""
		if m := renderingRe.FindStringSubmatch(msg); m != nil {
			page, msg = m[1], m[2]
		}
		if f, ok := seen[msg]; ok {
			f.count++
			continue
		}
		seen[msg] = &failure{page: page, count: 1}
		order = append(order, msg)
	}
	var l content.List
	for _, msg := range order {
		f := seen[msg]
		hint := "while rendering " + f.page
		if f.count > 1 {
			hint += fmt.Sprintf(" and %d other pages", f.count-1)
		}
		l = append(l, &content.Error{Path: "layouts", Err: fmt.Errorf("%w: %s", content.ErrTemplate, msg), Hint: hint})
	}
	return l
}

var renderingRe = regexp.MustCompile(`^rendering (\S+): (?:template: )?(.*)$`)

// Build loads the site and writes it to opts.Dest, replacing the previous
// output only when everything succeeded.
func Build(opts Options) (*Result, error) {
	start := time.Now()
	opts.defaults()
	b, err := Load(opts)
	if err != nil {
		return nil, err
	}
	// Every body is rendered and checked: a one-off build needs the
	// sources no more (serve keeps them, for incremental rebuilds).
	for _, f := range b.Site.Articles {
		f.File.Body = nil
	}
	b.release, b.Renderer.Release = true, true
	out, err := NewDirOutput(opts.Dest)
	if err != nil {
		return nil, err
	}
	if err := b.WriteTo(out); err != nil {
		out.Discard()
		return nil, err
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	return &Result{Site: b.Site, Pages: len(b.Jobs), Files: out.Count(), Warnings: b.Warnings, Took: time.Since(start)}, nil
}

// Check runs the whole build, templates included, without writing.
func Check(opts Options) (*Result, error) {
	start := time.Now()
	b, err := Load(opts)
	if err != nil {
		return nil, err
	}
	d := &discard{}
	if err := b.WriteTo(d); err != nil {
		return nil, err
	}
	return &Result{Site: b.Site, Pages: len(b.Jobs), Files: d.n, Warnings: b.Warnings, Took: time.Since(start)}, nil
}

type discard struct {
	mu sync.Mutex
	n  int
}

func (d *discard) WriteFile(string, []byte) error {
	d.mu.Lock()
	d.n++
	d.mu.Unlock()
	return nil
}

// DirOutput writes into a temporary folder beside the destination and
// swaps it in on Commit, so a failed build leaves the old output alone.
type DirOutput struct {
	dest, tmp string
	mu        sync.Mutex
	dirs      map[string]bool
	n         int
}

// NewDirOutput prepares a temporary folder next to dest.
func NewDirOutput(dest string) (*DirOutput, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary output folder: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	return &DirOutput{dest: dest, tmp: tmp, dirs: map[string]bool{}}, nil
}

// WriteFile implements render.Output.
func (o *DirOutput) WriteFile(name string, data []byte) error {
	if strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
		return fmt.Errorf("refusing to write outside the output folder: %q", name)
	}
	p := filepath.Join(o.tmp, filepath.FromSlash(name))
	dir := filepath.Dir(p)
	o.mu.Lock()
	known := o.dirs[dir]
	o.n++
	o.mu.Unlock()
	if !known {
		// Mkdir first: the parent almost always exists already.
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("creating %s: %w", dir, err)
			}
		}
		o.mu.Lock()
		o.dirs[dir] = true
		o.mu.Unlock()
	}
	if err := writeNew(p, data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// Count is the number of files written.
func (o *DirOutput) Count() int { return o.n }

// Discard removes the temporary folder.
func (o *DirOutput) Discard() { _ = os.RemoveAll(o.tmp) }

// Commit swaps the new output in place of the old.
func (o *DirOutput) Commit() error {
	old := ""
	if _, err := os.Stat(o.dest); err == nil {
		old = o.tmp + ".old"
		if err := os.Rename(o.dest, old); err != nil {
			o.Discard()
			return fmt.Errorf("moving the previous output aside: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		o.Discard()
		return err
	}
	if err := os.Rename(o.tmp, o.dest); err != nil {
		if old != "" {
			_ = os.Rename(old, o.dest)
		}
		o.Discard()
		return fmt.Errorf("publishing %s: %w", o.dest, err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("removing the previous output: %w", err)
		}
	}
	return nil
}
