package pipeline

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/hosting"
	"github.com/inexchange/helpcenter/internal/render"
)

// recorder passes files on to an Output and keeps what the hosting check
// needs: every name, and the rules files.
type recorder struct {
	render.Output
	mu    sync.Mutex
	names []string
	rules map[string][]byte // _redirects, _headers
}

func newRecorder(out render.Output) *recorder {
	return &recorder{Output: out, rules: map[string][]byte{}}
}

func (r *recorder) WriteFile(name string, data []byte) error {
	r.mu.Lock()
	r.names = append(r.names, name)
	if name == "_redirects" || name == "_headers" {
		r.rules[name] = data
	}
	r.mu.Unlock()
	return r.Output.WriteFile(name, data)
}

// checkHosting checks the deploy as Netlify will serve it: netlify.toml at
// the site root with the _redirects and _headers the build wrote, over
// the files it wrote (see hosting.Rules.Check). Problems come back as
// content errors and warnings at the rule's file and line; the generated
// files are named as published ("public/_headers" for dest "public").
func checkHosting(opts Options, rec *recorder) content.List {
	toml, err := os.ReadFile(filepath.Join(opts.Source, "netlify.toml"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return content.List{{Path: "netlify.toml", Err: err}}
	}
	published := func(name string) string {
		src, err1 := filepath.Abs(opts.Source)
		dest, err2 := filepath.Abs(filepath.Join(opts.Dest, name))
		rel, err3 := filepath.Rel(src, dest)
		if err1 != nil || err2 != nil || err3 != nil {
			return name
		}
		return filepath.ToSlash(rel)
	}
	rules, perr := hosting.Parse(hosting.Source{Name: "netlify.toml", Data: toml},
		hosting.Source{Name: published("_redirects"), Data: rec.rules["_redirects"]},
		hosting.Source{Name: published("_headers"), Data: rec.rules["_headers"]})
	var out content.List
	var list content.List
	if errors.As(perr, &list) {
		out = append(out, list...)
	}
	names := append([]string(nil), rec.names...)
	sort.Strings(names)
	return append(out, rules.Check(names)...)
}
