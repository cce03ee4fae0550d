package zendesk

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Export is a fetched help center read back from its folder.
type Export struct {
	Dir     string
	State   *State // nil for a folder without fetch.json
	Locales Locales
	// Per Zendesk locale, in the order of Locales.Locales.
	Categories map[string][]*Category
	Sections   map[string][]*Section
	Articles   map[string][]*Article
	// Attachments by article id.
	Attachments map[int64][]*Attachment

	files *files
}

// ReadExport loads the export in dir. Items are deduplicated by id per
// locale (a list that shifted between pages during the fetch may repeat
// one).
func ReadExport(dir string) (*Export, error) {
	e := &Export{Dir: dir, Categories: map[string][]*Category{}, Sections: map[string][]*Section{}, Articles: map[string][]*Article{}, Attachments: map[int64][]*Attachment{}, files: &files{dir: dir, byID: map[int64][]string{}}}
	st, err := readState(dir)
	if err != nil {
		return nil, err
	}
	e.State = st
	b, err := os.ReadFile(filepath.Join(dir, "locales.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no locales.json: it is not a folder written by 'helpcenter import zendesk --out'", dir)
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &e.Locales); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "locales.json"), err)
	}
	if st != nil && !st.Complete {
		return nil, fmt.Errorf("the fetch into %s did not finish: run the same 'helpcenter import zendesk --url … --out %s' again to complete it", dir, dir)
	}
	locales := e.Locales.Locales
	if st != nil && len(st.Locales) > 0 {
		locales = st.Locales
	}
	e.Locales.Locales = locales
	// The lists are independent: read them on every core.
	var mu sync.Mutex
	var jobs []func() error
	for _, l := range locales {
		jobs = append(jobs,
			listJob(&mu, filepath.Join(dir, l, "categories"), "categories", func(c *Category) int64 { return c.ID }, func(v []*Category) { e.Categories[l] = v }),
			listJob(&mu, filepath.Join(dir, l, "sections"), "sections", func(s *Section) int64 { return s.ID }, func(v []*Section) { e.Sections[l] = v }),
			listJob(&mu, filepath.Join(dir, l, "articles"), "articles", func(a *Article) int64 { return a.ID }, func(v []*Article) { e.Articles[l] = v }))
	}
	entries, err := os.ReadDir(filepath.Join(dir, "articles"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, ent := range entries {
		id, err := strconv.ParseInt(ent.Name(), 10, 64)
		if err != nil || !ent.IsDir() {
			continue
		}
		jobs = append(jobs, listJob(&mu, filepath.Join(dir, "articles", ent.Name(), "attachments"), "article_attachments", func(a *Attachment) int64 { return a.ID }, func(v []*Attachment) { e.Attachments[id] = v }))
	}
	errs := make([]error, len(jobs))
	next := make(chan int, len(jobs))
	for i := range jobs {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0)*2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = jobs[i]()
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return e, nil
}

// listJob reads one list (readList) and hands its items to set under mu.
func listJob[T any](mu *sync.Mutex, dir, key string, id func(*T) int64, set func([]*T)) func() error {
	return func() error {
		var items []*T
		err := readList(dir, key, id, func(v *T) { items = append(items, v) })
		mu.Lock()
		set(items)
		mu.Unlock()
		return err
	}
}

// readList reads dir/page-1.json … in order, adding each item under key
// once.
func readList[T any](dir, key string, id func(*T) int64, add func(*T)) error {
	seen := map[int64]bool{}
	for n := 1; ; n++ {
		name := filepath.Join(dir, pageName(n))
		b, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		_, items, err := parsePage(b, key)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for i, raw := range items {
			v := new(T)
			if err := json.Unmarshal(raw, v); err != nil {
				return fmt.Errorf("%s: %s[%d]: %w", name, key, i, err)
			}
			if k := id(v); !seen[k] {
				seen[k] = true
				add(v)
			}
		}
	}
}

// File returns the path of an exported attachment ("article_attachments/<id>/<name>").
func (e *Export) File(local string) string { return filepath.Join(e.Dir, filepath.FromSlash(local)) }

// Missing returns the files the fetch could not download, by attachment id.
func (e *Export) Missing() map[int64]MissingFile {
	m := map[int64]MissingFile{}
	if e.State != nil {
		for _, f := range e.State.Missing {
			m[f.ID] = f
		}
	}
	return m
}

// Hosts returns the hosts the help center answered on: the API's and
// those of its pages' html_url (a host-mapped domain such as
// help.example.com), lowercased and sorted.
func (e *Export) Hosts() []string {
	seen := map[string]bool{}
	add := func(raw string) {
		if h := hostOf(raw); h != "" {
			seen[h] = true
		}
	}
	if e.State != nil {
		add(e.State.URL)
	}
	for _, l := range e.Locales.Locales {
		for _, c := range e.Categories[l] {
			add(c.HTMLURL)
		}
		for _, s := range e.Sections[l] {
			add(s.HTMLURL)
		}
		for _, a := range e.Articles[l] {
			add(a.HTMLURL)
		}
	}
	out := make([]string, 0, len(seen))
	for h := range seen {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

func hostOf(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return ""
	}
	rest := raw[i+3:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	return strings.ToLower(rest)
}
