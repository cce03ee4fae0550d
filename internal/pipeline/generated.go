package pipeline

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/inexchange/helpcenter/internal/assets"
	"github.com/inexchange/helpcenter/internal/search"

	"github.com/inexchange/helpcenter/internal/compat"
	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/site"
)

// requirements checks that every locale's system-requirements article
// states the same rules: they drive one banner. Each difference is
// reported at the differing article's line for that field.
func requirements(s *site.Site) content.List {
	byLocale := map[string]compat.Requirements{}
	for _, l := range s.Locales {
		if a := l.Requirements; a != nil && a.Front.Requirements != nil {
			byLocale[l.Code] = *a.Front.Requirements
		}
	}
	err := compat.Agree(byLocale)
	if err == nil {
		return nil
	}
	var de *compat.DisagreementError
	if !errors.As(err, &de) {
		return content.List{content.Wrap(content.Dir, 0, 0, content.ErrRequirements, "", err)}
	}
	ref := s.Locale(de.Reference).Requirements.File.Path
	var errs content.List
	for _, d := range de.Diffs {
		f := s.Locale(d.Locale).Requirements.File
		key := d.Field[strings.LastIndexByte(d.Field, '.')+1:]
		errs = append(errs, content.Errorf(f.Path, f.KeyLine(key), 1, content.ErrRequirements,
			"the banner has one set of rules: state the same requirements in every locale",
			"requirements.%s is %s here but %s in %s", d.Field, d.Got, d.Want, ref))
	}
	return errs
}

// generated adds the assets and files built from content: the
// compatibility script and the search index.
func generated(p *Plan) error {
	s := p.Site
	for _, l := range s.Locales {
		if a := l.Requirements; a != nil && a.Front.Requirements != nil {
			js, err := compat.Script(*a.Front.Requirements)
			if err != nil {
				return content.List{content.Errorf(a.File.Path, a.File.KeyLine("requirements"), 1, content.ErrRequirements, "", "%v", err)}
			}
			if err := p.Assets.Add("js/compat.js", js); err != nil {
				return content.List{content.Wrap(a.File.Path, a.File.KeyLine("requirements"), 1, content.ErrAsset, "", fmt.Errorf("adding compat.js: %w", err))}
			}
			break
		}
	}
	return nil
}

// searchIndex builds each locale's search index under search/<locale>/
// into p.SearchIndex, the locales in parallel.
func searchIndex(p *Plan) error {
	s := p.Site
	files := make([][]assets.File, len(s.Locales))
	errs := make([]error, len(s.Locales))
	var wg sync.WaitGroup
	for i, l := range s.Locales {
		wg.Add(1)
		go func() {
			defer wg.Done()
			files[i], errs[i] = localeIndex(l)
			p.indexed(l)
		}()
	}
	wg.Wait()
	for i, l := range s.Locales {
		if errs[i] != nil {
			return indexError(l, errs[i])
		}
		p.SearchIndex = append(p.SearchIndex, files[i]...)
	}
	return nil
}

// indexError reports that a locale's search index could not be built, at
// the locale home, whose synonyms are the input the index checks.
func indexError(l *site.Locale, err error) error {
	path := content.Dir + "/" + l.Code
	if l.Home != nil {
		path = l.Home.Path
	}
	return content.List{content.Wrap(path, 0, 0, content.ErrSearchIndex, "check synonyms: in this file", fmt.Errorf("building the search index: %w", err))}
}

func localeIndex(l *site.Locale) ([]assets.File, error) {
	return indexFiles(l.Code, searchDocs(l), l.Synonyms)
}

// searchDocs is what the search index reads of a locale's articles.
func searchDocs(l *site.Locale) []search.Doc {
	promoted := map[*site.Article]bool{}
	for _, a := range l.Promoted {
		promoted[a] = true
	}
	docs := make([]search.Doc, 0, len(l.Articles))
	for i, a := range l.Articles {
		d := search.Doc{
			URL: a.URL, Title: a.Title, Description: a.Description, Section: a.Section.Title, SectionURL: a.Section.URL,
			Category: a.Section.Category.Title, CategoryURL: a.Section.Category.URL,
			Text: a.Text, Weight: i, Promoted: promoted[a],
		}
		for _, h := range a.Headings {
			d.Headings = append(d.Headings, h.Text)
		}
		docs = append(docs, d)
	}
	return docs
}

// indexFiles builds one locale's search index files.
func indexFiles(locale string, docs []search.Doc, synonyms [][]string) ([]assets.File, error) {
	out, err := search.Index(locale, docs, synonyms)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	sort.Strings(names)
	files := make([]assets.File, 0, len(names))
	for _, n := range names {
		files = append(files, assets.File{Name: "search/" + locale + "/" + n, Data: out[n]})
	}
	return files, nil
}
