package pipeline

import (
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/assets"
	"github.com/inexchange/helpcenter/internal/render"
	"github.com/inexchange/helpcenter/internal/search"
	"github.com/inexchange/helpcenter/internal/site"
)

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
		locale   *site.Locale
		docs     []search.Doc
		synonyms [][]string
	}
	var in []input
	for _, l := range s.good.Site.Locales {
		in = append(in, input{l, searchDocs(l), l.Synonyms})
	}
	job := &IndexJob{gen: s.gen, index: func() ([]assets.File, error) {
		var files []assets.File
		for _, i := range in {
			f, err := indexFiles(i.locale.Code, i.docs, i.synonyms)
			if err != nil {
				return nil, indexError(i.locale, err)
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
