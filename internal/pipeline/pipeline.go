// Package pipeline is the one pipeline that turns a site root into a
// published site: load (content files → site graph, templates, assets,
// the list of pages: a Plan) → render (layouts, minify, fingerprint, the
// search index) → publish (an Output: a folder swapped in atomically, or
// memory). `helpcenter build` and `helpcenter check` run it once (Build,
// Check); `helpcenter serve` keeps a Session, which holds the last Plan and
// redoes only what a change touches.
//
// The files: pipeline.go (Options, Load, Plan.WriteTo), build.go (Build,
// Check), output.go (the atomic output folder, the Session's diffing
// output), generated.go (the compatibility script, the search index),
// release.go (letting bodies go in one-off builds), and the Session of
// incremental rebuilds by concern: session.go (its steps), changes.go
// (classifying changed paths, re-reading files), compare.go (what a step
// compares between two graphs, one table per type), cache.go (rendered
// Markdown by configuration) and index.go (the search index, off the
// Session's goroutine).
//
// Words used with one meaning throughout: a build is one run that writes
// the output folder (helpcenter build); to load is to read sources into a
// Plan; to render is to turn page data into files; a step is one Session
// update; to publish is to make a step's output the last good one.
package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	helpcenter "github.com/inexchange/helpcenter"
	"github.com/inexchange/helpcenter/internal/assets"
	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/images"
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
	// CacheDir keeps processed images between builds; empty means
	// DefaultCacheDir below Source.
	CacheDir string
}

// DefaultCacheDir is where processed images are kept between builds,
// below the site root, unless --cache-dir says otherwise.
const DefaultCacheDir = ".cache/helpcenter"

// Plan is a loaded site with everything decided short of rendering: the
// graph, its renderer and templates, the assets and the list of pages.
// WriteTo carries it out; a Session keeps the last good one.
type Plan struct {
	Opts     Options
	Site     *site.Site
	Renderer *render.Renderer
	Assets   *assets.Set
	Jobs     []render.Job
	// released says the articles' bodies go once used (release.go).
	released bool
	// SearchIndex holds the files of every locale's search index
	// (search/<locale>/…); WriteTo builds them when it is nil.
	SearchIndex []assets.File
	Warnings    content.List
	// Images processes the site's images and downloads.
	Images *images.Processor
	// Have, when set, reports files the output holds already (a
	// Session's last good output): images whose names (content hashes)
	// it knows are not written again.
	Have func(name string) bool
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
	if o.CacheDir == "" {
		o.CacheDir = filepath.Join(o.Source, filepath.FromSlash(DefaultCacheDir))
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

// Load reads the site root into a Plan: content, graph, templates,
// assets and the list of pages, every step short of rendering. Content problems come back as a
// content.List error holding every error of the run.
func Load(opts Options) (*Plan, error) {
	opts.defaults()
	return load(opts, reuse{})
}

// reuse is what a Session hands to load from its previous steps; the
// zero value loads everything.
type reuse struct {
	// tree and errs are the parsed content/ and its problems; nil tree
	// reads content/.
	tree *content.Tree
	errs content.List
	// templates and assets (static/ already added) are reused when set.
	templates *render.Templates
	assets    *assets.Set
	// markdown renders a body in place of the site's renderer (a cache:
	// site.Options.Markdown); nil renders every body.
	markdown func(r *markdown.Renderer, f *content.File, resolve markdown.Resolver, files markdown.FileResolver) (*markdown.Doc, error)
	// images is the session's image processor, which remembers what it
	// probed; nil makes a new one.
	images *images.Processor
}

// load is Load with what re provides instead of reading it again.
func load(opts Options, re reuse) (*Plan, error) {
	root := os.DirFS(opts.Source)
	layered := overlay.FS{Upper: root, Lower: opts.Defaults}
	tree, errs := re.tree, re.errs
	if tree == nil {
		tree, errs = content.Load(root)
	}
	if tree == nil || tree.Settings == nil {
		if len(errs.Errors()) == 0 {
			errs = append(errs, content.Errorf(content.Dir+"/_index.md", 0, 0, content.ErrStructure, "run in the site root or pass --source", "no site settings"))
		}
		return nil, errs
	}
	locales := tree.Settings.Settings.Locales
	set, tmpl := re.assets, re.templates
	if tmpl == nil {
		set = assets.NewSet(assets.Minifier())
		var err error
		tmpl, err = render.LoadTemplates(layered, locales, render.Funcs{Asset: set.URL})
		if err != nil {
			return nil, content.List{content.Wrap("layouts", 0, 0, content.ErrTemplate, "fix the layout or UI strings file named", err)}
		}
	}
	words := map[string]map[string]string{} // UI strings callout.<word>
	for _, l := range locales {
		words[l] = map[string]string{}
		for _, k := range []string{"note", "tip", "important", "warning", "caution", "table"} {
			words[l][k] = tmpl.T(l, "callout."+k)
		}
	}
	proc := re.images
	if proc == nil {
		proc = images.New(root, images.Options{CacheDir: opts.CacheDir})
	}
	sopts := site.Options{BaseURL: opts.BaseURL, Drafts: opts.Drafts, Future: opts.Future, Now: opts.Now, Words: words, Images: proc, Markdown: re.markdown}
	s, serrs := site.New(tree, sopts)
	errs = append(errs, serrs...)
	if s == nil && len(errs.Errors()) == 0 {
		errs = append(errs, content.Errorf(tree.Settings.Path, 0, 0, content.ErrStructure, "", "the site has no locales"))
	}
	if s != nil {
		errs = append(errs, requirements(s)...)
	}
	if len(errs.Errors()) > 0 {
		return nil, errs
	}
	if re.templates == nil {
		if err := set.AddFS(layered, "static"); err != nil {
			return nil, content.List{content.Wrap("static", 0, 0, content.ErrAsset, "", err)}
		}
	}
	p := &Plan{Opts: opts, Site: s, Assets: set, Images: proc, Warnings: errs.Warnings()}
	if err := generated(p); err != nil {
		return nil, err
	}
	p.Renderer = &render.Renderer{T: tmpl, M: set.Minifier(), Site: s, Now: opts.Now, Preview: opts.Preview}
	for _, logo := range []string{"img/logo.svg", "img/logo.png"} {
		if u, ok := set.URL(logo); ok {
			p.Renderer.Logo = u
			break
		}
	}
	var err error
	if p.Jobs, err = p.Renderer.Jobs(); err != nil {
		return nil, asList(err)
	}
	return p, nil
}

// asList makes a content error a content.List, as every other content
// problem comes back.
func asList(err error) error {
	var e *content.Error
	if errors.As(err, &e) {
		return content.List{e}
	}
	return err
}

// WriteTo renders every file into out. The search index is built while
// the pages render: it runs on one core, the pages on all of them.
func (p *Plan) WriteTo(out render.Output) error {
	var searchErr error
	var wg sync.WaitGroup
	if p.SearchIndex == nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			searchErr = searchIndex(p)
		}()
	}
	var imageErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		imageErr = p.writeImages(out)
	}()
	errs := p.Renderer.RenderAll(p.Jobs, out)
	wg.Wait()
	if len(errs) > 0 {
		return templateErrors(errs)
	}
	if searchErr != nil {
		return searchErr
	}
	if imageErr != nil {
		return imageErr
	}
	if err := p.Renderer.Extras(out); err != nil {
		return err
	}
	if err := writeAll(out, p.Assets.Files()); err != nil {
		return err
	}
	return writeAll(out, p.SearchIndex)
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

// writeImages writes the images and downloads the pages show, those the
// output lacks.
func (p *Plan) writeImages(out render.Output) error {
	imgs, files := p.Site.Images, p.Site.Files
	if p.Have != nil {
		var need []*images.Image
		for _, im := range imgs {
			for _, v := range im.Variants() {
				if !p.Have(v.Name) {
					need = append(need, im)
					break
				}
			}
		}
		var needFiles []*images.File
		for _, f := range files {
			if !p.Have(f.Out.Name) {
				needFiles = append(needFiles, f)
			}
		}
		imgs, files = need, needFiles
	}
	if err := p.Images.Write(out, imgs, files); err != nil {
		return fmt.Errorf("processing images: %w", err)
	}
	return nil
}
