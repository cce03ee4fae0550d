package pipeline

import (
	"sync"
	"time"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/site"
)

// CacheMaxAge is how long a processed image stays in the cache folder
// after the last build that used it.
const CacheMaxAge = 30 * 24 * time.Hour

// Result describes a finished build.
type Result struct {
	Site     *site.Site
	Pages    int // HTML pages
	Files    int // every file written
	Warnings content.List
	Took     time.Duration
}

// Build loads the site and writes it to opts.Dest, replacing the previous
// output only when everything succeeded.
func Build(opts Options) (*Result, error) {
	start := time.Now()
	opts.defaults()
	p, err := Load(opts)
	if err != nil {
		return nil, err
	}
	p.releaseAfterUse()
	out, err := NewDirOutput(opts.Dest)
	if err != nil {
		return nil, err
	}
	rec := newRecorder(out)
	if err := p.WriteTo(rec); err != nil {
		out.Discard()
		return nil, err
	}
	problems := checkHosting(opts, rec)
	if len(problems.Errors()) > 0 {
		out.Discard()
		return nil, problems
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	if err := p.Images.Prune(p.Site.Images, CacheMaxAge); err != nil {
		return nil, err
	}
	return &Result{Site: p.Site, Pages: len(p.Jobs), Files: out.Count(), Warnings: append(p.Warnings, problems...), Took: time.Since(start)}, nil
}

// Check runs the whole build, templates included, and the hosting check
// (netlify.toml and the generated rules, as Netlify will serve them),
// without writing.
func Check(opts Options) (*Result, error) {
	start := time.Now()
	opts.defaults()
	p, err := Load(opts)
	if err != nil {
		return nil, err
	}
	d := &discard{}
	rec := newRecorder(d)
	if err := p.WriteTo(rec); err != nil {
		return nil, err
	}
	problems := checkHosting(opts, rec)
	if len(problems.Errors()) > 0 {
		return nil, problems
	}
	return &Result{Site: p.Site, Pages: len(p.Jobs), Files: d.n, Warnings: append(p.Warnings, problems...), Took: time.Since(start)}, nil
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
