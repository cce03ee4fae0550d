package content

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/inexchange/helpcenter/internal/compat"
	"github.com/inexchange/helpcenter/internal/hours"
)

// Kind says what a content file is, from where it lies.
type Kind int

// The kinds of content files.
const (
	KindSettings   Kind = iota // content/_index.md
	KindLocaleHome             // content/<locale>/_index.md
	KindCategory               // content/<locale>/<category>/_index.md
	KindSection                // content/<locale>/<category>/<section>/_index.md
	KindArticle                // content/<locale>/<category>/<section>/<name>.md or <name>/index.md
)

func (k Kind) String() string {
	return [...]string{"site settings", "locale home", "category", "section", "article"}[k]
}

// File is one parsed content file. Exactly one of Settings, Home, Branch
// and Article is set, according to Kind.
type File struct {
	Path     string // as shown in errors: "content/en/a/b/c.md"
	Rel      string // relative to content/: "en/a/b/c.md"
	Kind     Kind
	Locale   string // first folder; "" for the settings file
	Category string // folder names, as on disk
	Section  string
	Name     string // file name without .md; "_index" for branches; a bundle's folder name
	// Bundle marks an article that is a folder's index.md: the folder
	// holds the article's images and files.
	Bundle bool

	Settings *Settings
	Home     *LocaleHome
	Branch   *Branch
	Article  *Article

	Body     []byte // Markdown after the front matter
	BodyLine int    // line of the file on which Body starts

	fm parsed
}

// Dir is the folder of the file below the site root: where relative
// image and link paths in its Markdown start ("content/en/a/b" for
// content/en/a/b/c.md, "content/en/a/b/c" for the bundle c/index.md).
func (f *File) Dir() string { return path.Dir(f.Path) }

// Key is the article's path below its locale with a bundle written as
// a file ("a/b/c.md" for both a/b/c.md and a/b/c/index.md), so that a
// translation may be a bundle where its source is not.
func (f *File) Key() string {
	rel := strings.TrimPrefix(f.Rel, f.Locale+"/")
	if f.Bundle {
		return path.Dir(rel) + ".md"
	}
	return rel
}

// Tree is everything loaded from content/.
type Tree struct {
	Settings *File
	Files    []*File // all other files, sorted by Rel
	// NoSettingsFile says content/_index.md is missing: Settings stands
	// in for it, with the top folders as locales.
	NoSettingsFile bool
}

// Dir is the folder below the site root that holds content.
const Dir = "content"

// Load reads and parses every Markdown file below content/ in fsys (the
// site root). It returns all problems found, not just the first; the
// tree is usable for the files that parsed.
func Load(fsys fs.FS) (*Tree, List) {
	var names []string
	var errs List
	err := fs.WalkDir(fsys, Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == Dir {
				return err
			}
			errs = append(errs, Wrap(p, 0, 0, ErrRead, "", fmt.Errorf("reading: %w", err)))
			return nil
		}
		if p != Dir && Ignored(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil // editor and OS droppings
		}
		if !d.IsDir() && strings.EqualFold(path.Ext(d.Name()), ".md") {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, List{Wrap(Dir, 0, 0, ErrRead, "run in the site root or pass --source", fmt.Errorf("reading content folder: %w", err))}
	}
	sort.Strings(names)
	files := make([]*File, len(names))
	fileErrs := make([]List, len(names))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				files[i], fileErrs[i] = LoadFile(fsys, names[i])
			}
		}()
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	t := &Tree{}
	for i, f := range files {
		errs = append(errs, fileErrs[i]...)
		if f == nil {
			continue
		}
		if f.Kind == KindSettings {
			t.Settings = f
			continue
		}
		t.Files = append(t.Files, f)
	}
	if t.Settings == nil {
		t.Settings, t.NoSettingsFile = defaultSettings(t.Files), true
	}
	return t, errs
}

// Ignored reports whether a file or folder name is one the generator
// passes over: hidden files and the droppings of editors and operating
// systems (".DS_Store", ".#draft.md", "draft.md~", "#draft.md#").
func Ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || strings.HasPrefix(name, "#")
}

// DefaultTitle is the site title when content/_index.md gives none.
const DefaultTitle = "Help Center"

// defaultSettings stands in for a missing content/_index.md: the locales
// are the top folders, English first when present, then alphabetical.
func defaultSettings(files []*File) *File {
	seen := map[string]bool{}
	var locales []string
	for _, f := range files {
		if f.Locale != "" && !seen[f.Locale] {
			seen[f.Locale] = true
			locales = append(locales, f.Locale)
		}
	}
	sort.Slice(locales, func(i, j int) bool {
		if (locales[i] == "en") != (locales[j] == "en") {
			return locales[i] == "en"
		}
		return locales[i] < locales[j]
	})
	st := &Settings{Title: DefaultTitle, Locales: locales}
	return &File{Path: Dir + "/_index.md", Rel: "_index.md", Kind: KindSettings, Name: "_index", Settings: st}
}

// LoadFile reads and parses one content file; p is the slash path below
// the site root ("content/en/…"). It returns nil and the errors when the
// file cannot be used at all.
func LoadFile(fsys fs.FS, p string) (*File, List) {
	src, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, List{Wrap(p, 0, 0, ErrRead, "", fmt.Errorf("reading: %w", err))}
	}
	return ParseFile(p, src)
}

// ParseFile parses one content file's bytes; p is the slash path below the
// site root ("content/en/…"). Byte order marks and CRLF line endings are
// accepted.
func ParseFile(p string, src []byte) (*File, List) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(src, '\r') >= 0 {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
		src = bytes.ReplaceAll(src, []byte("\r"), []byte("\n"))
	}
	rel := strings.TrimPrefix(p, Dir+"/")
	parts := strings.Split(rel, "/")
	f := &File{Path: p, Rel: rel, Name: strings.TrimSuffix(parts[len(parts)-1], path.Ext(parts[len(parts)-1]))}
	isIndex := f.Name == "_index"
	switch {
	case len(parts) == 1 && isIndex:
		f.Kind = KindSettings
	case len(parts) == 2 && isIndex:
		f.Kind, f.Locale = KindLocaleHome, parts[0]
	case len(parts) == 3 && isIndex:
		f.Kind, f.Locale, f.Category = KindCategory, parts[0], parts[1]
	case len(parts) == 4 && isIndex:
		f.Kind, f.Locale, f.Category, f.Section = KindSection, parts[0], parts[1], parts[2]
	case len(parts) == 4:
		f.Kind, f.Locale, f.Category, f.Section = KindArticle, parts[0], parts[1], parts[2]
	case len(parts) == 5 && f.Name == "index" && strings.EqualFold(path.Ext(parts[4]), ".md"):
		f.Kind, f.Locale, f.Category, f.Section = KindArticle, parts[0], parts[1], parts[2]
		f.Name, f.Bundle = parts[3], true
	case len(parts) == 5 && !isIndex:
		return nil, List{Errorf(p, 0, 0, ErrStructure, fmt.Sprintf("rename it %s/index.md if it is the article; an article folder (bundle) holds one article and its files", path.Dir(p)), "Markdown file inside the article folder %q is not index.md", parts[3])}
	default:
		return nil, List{Errorf(p, 0, 0, ErrStructure, "articles go in content/<locale>/<category>/<section>/<name>.md; branches have an _index.md", "file is not where a %s can be", "help-center page")}
	}
	var v any
	switch f.Kind {
	case KindSettings:
		f.Settings = &Settings{}
		v = f.Settings
	case KindLocaleHome:
		f.Home = &LocaleHome{}
		v = f.Home
	case KindCategory, KindSection:
		f.Branch = &Branch{}
		v = f.Branch
	case KindArticle:
		f.Article = &Article{}
		v = f.Article
	}
	pr, errs := decodeFrontMatter(p, src, v)
	f.fm = pr
	if pr.body == nil && pr.format == fmNone {
		return nil, errs
	}
	// The body is the tail of src: share it rather than keep the front
	// matter parser's larger buffer alive.
	f.Body, f.BodyLine = src[len(src)-len(pr.body):], pr.bodyLine
	f.fm.body = nil
	f.fm.fmData = append([]byte(nil), pr.fmData...)
	for _, e := range errs {
		if errors.Is(e, ErrFrontMatter) {
			// Undecodable front matter: anything check said would be noise.
			return f, errs
		}
	}
	errs = append(errs, f.check()...)
	return f, errs
}

// check validates a file's keys beyond their types.
func (f *File) check() List {
	var errs List
	line := func(key string) int { return f.KeyLine(key) }
	need := func(title, hint string) {
		if strings.TrimSpace(title) == "" {
			errs = append(errs, Errorf(f.Path, f.fm.openLine, 1, ErrMissingKey, hint, "missing required key %q", "title"))
		}
	}
	switch f.Kind {
	case KindSettings:
		if len(f.Settings.Locales) == 0 {
			errs = append(errs, Errorf(f.Path, f.fm.fmLine, 1, ErrMissingKey, "list the locale folders, default first: locales: [en, sv]", "missing required key %q", "locales"))
		}
		seen := map[string]bool{}
		for _, l := range f.Settings.Locales {
			if !validLocale(l) || seen[l] {
				errs = append(errs, Errorf(f.Path, line("locales"), 1, ErrInvalidValue, "use language codes such as en, sv, en-gb, each once", "locale %q", l))
			}
			seen[l] = true
		}
		if u := f.Settings.Organization.URL; u != "" {
			if pu, err := url.Parse(u); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
				errs = append(errs, Errorf(f.Path, line("organization"), 1, ErrInvalidValue, "give the organization's web site as an absolute URL, e.g. url: https://www.example.com/", "organization url %q", u))
			}
		}
	case KindLocaleHome:
		need(f.Home.Title, "give the locale home a title, e.g. title: Help Center")
		errs = append(errs, f.checkAliases(f.Home.Aliases)...)
	case KindCategory, KindSection:
		need(f.Branch.Title, "add title: to the front matter")
		errs = append(errs, f.checkAliases(f.Branch.Aliases)...)
		if f.Branch.Slug != "" && Slugify(f.Branch.Slug) != f.Branch.Slug {
			errs = append(errs, Errorf(f.Path, line("slug"), 1, ErrInvalidValue, fmt.Sprintf("use %q", Slugify(f.Branch.Slug)), "slug %q is not lowercase letters, digits and hyphens", f.Branch.Slug))
		}
	case KindArticle:
		a := f.Article
		need(a.Title, "add title: to the front matter")
		if a.Slug != "" && Slugify(a.Slug) != a.Slug {
			errs = append(errs, Errorf(f.Path, line("slug"), 1, ErrInvalidValue, fmt.Sprintf("use %q", Slugify(a.Slug)), "slug %q is not lowercase letters, digits and hyphens", a.Slug))
		}
		known := false
		for _, l := range Layouts {
			known = known || l == a.Layout
		}
		if !known {
			errs = append(errs, Errorf(f.Path, line("layout"), 1, ErrUnknownLayout, "known layouts: "+strings.Join(TypedLayouts(), ", "), "unknown layout %q", a.Layout))
		}
		errs = append(errs, f.checkTyped()...)
		errs = append(errs, f.checkAliases(a.Aliases)...)
		for _, l := range a.Labels {
			if Slugify(l) == "" {
				errs = append(errs, Errorf(f.Path, line("labels"), 1, ErrInvalidValue, "labels need at least one letter or digit", "label %q", l))
			}
		}
		if !a.ExpiresAt.IsZero() && !a.PublishAt.IsZero() && !a.ExpiresAt.After(a.PublishAt.Time) {
			errs = append(errs, Errorf(f.Path, line("expires_at"), 1, ErrInvalidValue, "expires_at must be after publish_at", "expires_at %s", a.ExpiresAt.Format("2006-01-02")))
		}
	}
	return errs
}

// checkAliases checks that aliases are site paths, or prefixes of them
// ending in *.
func (f *File) checkAliases(aliases []string) List {
	var errs List
	for _, al := range aliases {
		if problem := aliasProblem(al); problem != "" {
			errs = append(errs, Errorf(f.Path, f.KeyLine("aliases"), 1, ErrInvalidValue, "aliases are site paths such as /hc/en-us/articles/360001234567, or prefixes ending in * such as /hc/en-us/articles/360001234567-*", "alias %q %s", al, problem))
		}
	}
	return errs
}

// aliasProblem says what keeps al from being an alias, or "". An alias is
// a path on this site; one ending in * (a prefix) stands for every path
// that starts with what comes before the *, which Netlify's _redirects
// matches as a splat: /hc/en-us/articles/123-* answers the old URL with
// any title after the id.
func aliasProblem(al string) string {
	switch {
	case !strings.HasPrefix(al, "/"):
		return "is not a path: it must start with /"
	case strings.ContainsAny(al, " \t\n\r"):
		return "holds a space: percent-encode it as %20"
	case strings.ContainsAny(al, "?#"):
		return "holds a query or fragment (? or #): an alias is a path only"
	case strings.Contains(strings.TrimSuffix(al, "*"), "*"):
		return "has a * before its end: * may only end a prefix"
	case strings.Contains(al, "/:"):
		return "has a segment starting with :, which Netlify reads as a placeholder"
	}
	return ""
}

// checkTyped checks that typed keys come with their layout and vice versa.
func (f *File) checkTyped() List {
	var errs List
	a := f.Article
	typed := []struct {
		key, layout string
		set         bool
	}{
		{"requirements", LayoutRequirements, a.Requirements != nil},
		{"cookies", LayoutCookies, a.Cookies != nil},
		{"hours", LayoutPhoneHours, a.Hours != nil},
	}
	for _, t := range typed {
		switch {
		case t.set && a.Layout != t.layout:
			errs = append(errs, Errorf(f.Path, f.KeyLine(t.key), 1, ErrLayout, fmt.Sprintf("add layout: %s, or remove %s:", t.layout, t.key), "key %q belongs to layout %q", t.key, t.layout))
		case !t.set && a.Layout == t.layout:
			errs = append(errs, Errorf(f.Path, f.KeyLine("layout"), 1, ErrMissingKey, fmt.Sprintf("layout %s takes its data from %s: in the front matter", t.layout, t.key), "missing required key %q", t.key))
		}
	}
	errs = append(errs, f.checkTypedData()...)
	return errs
}

// checkTypedData validates the contents of typed keys.
func (f *File) checkTypedData() List {
	var errs List
	for i, c := range f.Article.Cookies {
		if strings.TrimSpace(c.Name) == "" || strings.TrimSpace(c.Purpose) == "" {
			errs = append(errs, Errorf(f.Path, f.KeyLine("cookies"), 1, ErrLayout, "each cookie needs name, provider, purpose, type and duration", "cookies[%d] lacks a name or purpose", i))
		}
		if c.Type != "session" && c.Type != "persistent" {
			errs = append(errs, Errorf(f.Path, f.KeyLine("cookies"), 1, ErrLayout, "type is session or persistent", "cookies[%d].type %q", i, c.Type))
		}
	}
	if r := f.Article.Requirements; r != nil {
		for _, err := range r.Validate() {
			var fe *compat.FieldError
			key := "requirements"
			if errors.As(err, &fe) {
				key = fe.Field[strings.LastIndexByte(fe.Field, '.')+1:]
			}
			errs = append(errs, Errorf(f.Path, f.KeyLine(key), 1, ErrRequirements, "", "%v", err))
		}
		for _, w := range r.Warnings() {
			e := Errorf(f.Path, f.KeyLine(w.Browser), 1, ErrRequirements, "", "%s", w.String())
			e.Warning = true
			errs = append(errs, e)
		}
	}
	if h := f.Article.Hours; h != nil {
		if err := h.Validate(); err != nil {
			var list hours.Errors
			if errors.As(err, &list) {
				for _, e := range list {
					key := e.Field[strings.LastIndexByte(e.Field, '.')+1:]
					if i := strings.IndexByte(key, '['); i >= 0 {
						key = key[:i]
					}
					errs = append(errs, Errorf(f.Path, f.KeyLine(key), 1, ErrLayout, "", "%v", e))
				}
			} else {
				errs = append(errs, Errorf(f.Path, f.KeyLine("hours"), 1, ErrLayout, "", "%v", err))
			}
		}
	}
	return errs
}

func validLocale(s string) bool {
	if len(s) < 2 || len(s) > 10 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '-' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
