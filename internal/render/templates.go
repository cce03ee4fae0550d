package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/inexchange/helpcenter/internal/compat"
	"github.com/inexchange/helpcenter/internal/site"
)

// The page kinds: Page.Kind, and the page templates a layouts folder
// provides, one file each (layouts/<kind>.html defining "main"), wrapped
// by layouts/base.html.
const (
	KindHome     = "home"     // a locale's home, /<locale>/
	KindCategory = "category" // /<locale>/categories/<slug>/
	KindSection  = "section"  // /<locale>/sections/<slug>/
	KindArticle  = "article"  // /<locale>/articles/<slug>/
	KindLabel    = "label"    // /<locale>/labels/<label>/
	KindSearch   = "search"   // /<locale>/search/
	KindCases    = "cases"    // /<locale>/cases/: sign in to your cases (the form handler serves the rest)
	KindNotFound = "404"      // /<locale>/404.html and /404.html
	KindRoot     = "root"     // the language chooser, /index.html
)

// Kinds lists every page kind.
var Kinds = []string{KindHome, KindCategory, KindSection, KindArticle, KindLabel, KindSearch, KindCases, KindNotFound, KindRoot}

// Strings are the UI strings of one locale: key → text.
type Strings map[string]string

// Templates are the parsed layouts, one set per locale and page kind.
type Templates struct {
	sets    map[string]map[string]*template.Template // locale -> kind -> set
	Strings map[string]Strings
}

// Funcs are the template functions that do not depend on the locale.
type Funcs struct {
	// Asset maps a logical asset name ("js/site.js") to its URL.
	Asset func(name string) (string, bool)
}

// LoadTemplates parses layouts/ of fsys (already overlaid on the built-in
// layouts) for the given locales.
func LoadTemplates(fsys fs.FS, locales []string, f Funcs) (*Templates, error) {
	strs, err := loadStrings(fsys, locales)
	if err != nil {
		return nil, err
	}
	common := template.New("base").Funcs(baseFuncs(f, nil))
	partials, err := fs.Glob(fsys, "layouts/partials/*.html")
	if err != nil {
		return nil, err
	}
	sort.Strings(partials)
	for _, name := range append([]string{"layouts/base.html"}, partials...) {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if _, err := common.New(name).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("parsing %w", err)
		}
	}
	t := &Templates{sets: map[string]map[string]*template.Template{}, Strings: strs}
	kinds := map[string]*template.Template{}
	for _, k := range Kinds {
		name := "layouts/" + k + ".html"
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		set, err := common.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := set.New(name).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("parsing %w", err)
		}
		kinds[k] = set
	}
	for _, loc := range locales {
		t.sets[loc] = map[string]*template.Template{}
		cache := &partialCache{m: map[string]template.HTML{}}
		for k, set := range kinds {
			c, err := set.Clone()
			if err != nil {
				return nil, err
			}
			funcs := baseFuncs(f, strs[loc])
			funcs["cache"] = cache.fn(c)
			t.sets[loc][k] = c.Funcs(funcs)
		}
	}
	return t, nil
}

// partialCache holds partials rendered once per locale: {{cache "footer"
// .}} renders the footer for the first page and reuses it for every other
// page of that locale. Use it only for partials whose output depends on
// the locale and the site alone, never on the page.
type partialCache struct {
	mu sync.Mutex
	m  map[string]template.HTML
}

func (c *partialCache) fn(set *template.Template) func(name string, data any) (template.HTML, error) {
	return func(name string, data any) (template.HTML, error) {
		c.mu.Lock()
		h, ok := c.m[name]
		c.mu.Unlock()
		if ok {
			return h, nil
		}
		var b bytes.Buffer
		if err := set.ExecuteTemplate(&b, name, data); err != nil {
			return "", err
		}
		h = template.HTML(b.String())
		c.mu.Lock()
		c.m[name] = h
		c.mu.Unlock()
		return h, nil
	}
}

// Execute renders the page kind for a locale into w.
func (t *Templates) Execute(w *bytes.Buffer, locale, kind string, data any) error {
	set := t.sets[locale][kind]
	if set == nil {
		return fmt.Errorf("no %s template for locale %q", kind, locale)
	}
	return set.ExecuteTemplate(w, "base", data)
}

// T returns the string for key in locale, or the key itself.
func (t *Templates) T(locale, key string) string {
	if s, ok := t.Strings[locale][key]; ok {
		return s
	}
	return key
}

func baseFuncs(f Funcs, strs Strings) template.FuncMap {
	tr := func(key string, args ...any) (string, error) {
		s, ok := strs[key]
		if !ok {
			return "", fmt.Errorf("no UI string %q: add it to layouts/i18n/<locale>/*.toml", key)
		}
		if len(args) > 0 {
			s = fmt.Sprintf(s, args...)
		}
		return s, nil
	}
	return template.FuncMap{
		"t": tr,
		// cache is replaced per locale in LoadTemplates.
		"cache": func(string, any) (template.HTML, error) { return "", nil },
		"asset": func(name string) (string, error) {
			if f.Asset == nil {
				return "", nil
			}
			u, ok := f.Asset(name)
			if !ok {
				return "", fmt.Errorf("asset %q not found: add static/%s", name, name)
			}
			return u, nil
		},
		"json": func(v any) (template.JS, error) {
			b, err := json.Marshal(v)
			return template.JS(b), err
		},
		"date": func(t time.Time) (string, error) {
			if t.IsZero() {
				return "", nil
			}
			month, err := tr(fmt.Sprintf("date.month.%d", int(t.Month())))
			if err != nil {
				return "", err
			}
			return tr("date.format", t.Day(), month, t.Year())
		},
		"isodate": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2006-01-02")
		},
		"add": func(a, b int) int { return a + b },
		"first": func(n int, list []*site.Article) []*site.Article {
			if len(list) > n {
				return list[:n]
			}
			return list
		},
		"browserKeys": func(b compat.Browsers) []string {
			var out []string
			for _, k := range compat.BrowserKeys() {
				_, s := b.Supported[k]
				_, r := b.Recommended[k]
				if s || r {
					out = append(out, k)
				}
			}
			return out
		},
		"upper":     strings.ToUpper,
		"hasprefix": strings.HasPrefix,
	}
}

// loadStrings reads layouts/i18n/<locale>/*.toml and checks that every
// locale has every key.
func loadStrings(fsys fs.FS, locales []string) (map[string]Strings, error) {
	out := map[string]Strings{}
	where := map[string]string{} // key -> file, of the first locale defining it
	var problems []string
	for _, loc := range locales {
		files, err := fs.Glob(fsys, "layouts/i18n/"+loc+"/*.toml")
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("layouts/i18n/%s: no UI strings for locale %q: copy layouts/i18n/%s and translate it", loc, loc, locales[0])
		}
		sort.Strings(files)
		m := Strings{}
		for _, name := range files {
			src, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, err
			}
			var kv map[string]string
			if _, err := toml.Decode(string(src), &kv); err != nil {
				return nil, fmt.Errorf("%s: %w (write one key = \"text\" per line)", name, err)
			}
			for k, v := range kv {
				if _, dup := m[k]; dup {
					problems = append(problems, fmt.Sprintf("%s: key %q is defined twice in layouts/i18n/%s", name, k, loc))
				}
				m[k] = v
				if _, ok := where[k]; !ok {
					where[k] = name
				}
			}
		}
		out[loc] = m
	}
	for k, file := range where {
		for _, loc := range locales {
			if _, ok := out[loc][k]; !ok {
				problems = append(problems, fmt.Sprintf("layouts/i18n/%s: missing key %q (defined in %s)", loc, k, path.Base(path.Dir(file))+"/"+path.Base(file)))
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("UI strings: %s", strings.Join(problems, "; "))
	}
	return out, nil
}
