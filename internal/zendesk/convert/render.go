package convert

import (
	"bytes"
	"fmt"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/inexchange/helpcenter/internal/zendesk"
)

// parallel runs n jobs on every core.
func parallel(n int, job func(i int)) { parallelN(n, runtime.GOMAXPROCS(0), job) }

// parallelN runs n jobs on the given number of workers.
func parallelN(n, workers int, job func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				job(i)
			}
		}()
	}
	wg.Wait()
}

// The front matter the import writes, in the order writers read it.
type articleMatter struct {
	Title          string         `yaml:"title"`
	Slug           string         `yaml:"slug,omitempty"`
	Date           string         `yaml:"date,omitempty"`
	Updated        string         `yaml:"updated,omitempty"`
	Draft          bool           `yaml:"draft,omitempty"`
	Weight         int            `yaml:"weight,omitempty"`
	Labels         []string       `yaml:"labels,omitempty,flow"`
	TranslationKey string         `yaml:"translation_key,omitempty"`
	Aliases        []string       `yaml:"aliases,omitempty"`
	Params         map[string]any `yaml:"params,omitempty"`
}

type branchMatter struct {
	Title          string         `yaml:"title"`
	Description    string         `yaml:"description,omitempty"`
	Slug           string         `yaml:"slug,omitempty"`
	Weight         int            `yaml:"weight,omitempty"`
	TranslationKey string         `yaml:"translation_key,omitempty"`
	Aliases        []string       `yaml:"aliases,omitempty"`
	Params         map[string]any `yaml:"params,omitempty"`
}

type homeMatter struct {
	Title    string   `yaml:"title"`
	Promoted []string `yaml:"promoted,omitempty"`
	Aliases  []string `yaml:"aliases,omitempty"`
}

type settingsMatter struct {
	Title   string   `yaml:"title"`
	Locales []string `yaml:"locales,flow"`
}

func frontMatter(v any, body string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	b.WriteString("---\n")
	if body != "" {
		b.WriteString("\n")
		b.WriteString(body)
	}
	return b.Bytes(), nil
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// render makes every file's bytes.
func (c *converter) render() error {
	// The settings file: written when there is none, and kept up to date
	// while it is the import's own.
	if _, err := readFile(c.opts.Site, "content/_index.md"); err != nil || c.manifest.Files["_index.md"] != "" {
		var locales []string
		for _, l := range c.locales {
			locales = append(locales, l.site)
		}
		b, err := frontMatter(settingsMatter{Title: word(c.locales[0].site, "home"), Locales: locales}, "")
		if err != nil {
			return err
		}
		c.out["_index.md"] = b
	}
	promoted := c.promoted()
	for _, p := range c.order {
		var v any
		body := ""
		switch p.kind {
		case "home":
			h := homeMatter{Title: word(p.locale.site, "home"), Promoted: promoted[p.locale.zd], Aliases: []string{"/hc/" + p.locale.zd}}
			if p.locale == c.locales[0] {
				h.Aliases = append([]string{"/hc"}, h.Aliases...)
			}
			v = h
		case "category", "section":
			m := branchMatter{Title: p.title, Description: strings.TrimSpace(p.section.Description), Weight: p.section.Position, Aliases: c.aliases(p), TranslationKey: c.translationKey(p), Params: map[string]any{"zendesk_id": p.id}}
			if folder := path.Base(path.Dir(p.rel)); p.slug != folder {
				m.Slug = p.slug
			}
			v = m
		case "article":
			a := p.article
			m := articleMatter{Title: a.Title, Date: date(a.CreatedAt), Draft: p.draft, Weight: a.Position, Labels: labels(a.LabelNames), Aliases: c.aliases(p), TranslationKey: c.translationKey(p), Params: map[string]any{"zendesk_id": p.id}}
			if a.EditedAt != nil {
				m.Updated = date(*a.EditedAt)
			} else {
				m.Updated = date(a.UpdatedAt)
			}
			if m.Updated == m.Date {
				m.Updated = ""
			}
			name := strings.TrimSuffix(path.Base(p.rel), ".md")
			if name == "index" {
				name = path.Base(path.Dir(p.rel))
				m.Slug = p.slug
			}
			if p.slug != name {
				m.Slug = p.slug
			}
			if a.Restricted() {
				m.Params["zendesk_user_segment"] = true
			}
			v, body = m, p.md
			for _, f := range p.files {
				if f.data != nil {
					c.out[path.Join(path.Dir(p.rel), f.name)] = f.data
					c.rep.count(p.locale.site, "file", false)
					continue
				}
				c.copies[path.Join(path.Dir(p.rel), f.name)] = f.local
			}
		}
		b, err := frontMatter(v, body)
		if err != nil {
			return fmt.Errorf("%s: %w", p.rel, err)
		}
		c.out[p.rel] = b
		c.rep.count(p.locale.site, p.kind, p.draft)
	}
	for rel := range c.copies {
		c.rep.count(strings.SplitN(rel, "/", 2)[0], "file", false)
	}
	return nil
}

// labels keeps the labels the site can use: at least one letter or digit.
func labels(in []string) []string {
	var out []string
	for _, l := range in {
		if strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

// aliases are a page's old paths (zendesk.OldPaths). Zendesk's URLs
// without a locale go to the default locale's version, or, when that
// has none, to the first version the import has.
func (c *converter) aliases(p *page) []string {
	m := c.pagesOf(p)
	first := m[c.locales[0].zd]
	if first == nil || first.oldURL == "" {
		first = nil
		for _, l := range c.locales {
			if q := m[l.zd]; q != nil && q.oldURL != "" {
				first = q
				break
			}
		}
	}
	return zendesk.OldPaths(p.oldURL, p == first)
}

// pagesOf returns the versions of p's item by Zendesk locale.
func (c *converter) pagesOf(p *page) map[string]*page {
	switch p.kind {
	case "article":
		return c.articles[p.id]
	case "section":
		return c.sections[p.id]
	case "category":
		return c.categories[p.id]
	}
	return nil
}

// translationKey links the versions of one Zendesk item in front matter,
// "zendesk-<id>" ("zendesk-section-<id>", "zendesk-category-<id>"), when
// the import writes more than one of them. They share a path below each
// locale folder too, but the key keeps them together when a writer moves
// or renames one.
func (c *converter) translationKey(p *page) string {
	if len(c.pagesOf(p)) < 2 {
		return ""
	}
	if p.kind == "article" {
		return fmt.Sprintf("zendesk-%d", p.id)
	}
	return fmt.Sprintf("zendesk-%s-%d", p.kind, p.id)
}

// promoted lists each locale's promoted, published articles in reading
// order, as paths relative to the locale folder.
func (c *converter) promoted() map[string][]string {
	weight := map[string]int{}
	for _, p := range c.order {
		if p.kind == "category" || p.kind == "section" {
			weight[p.locale.zd+"/"+path.Dir(p.rel)] = p.section.Position
		}
	}
	out := map[string][]string{}
	for _, l := range c.locales {
		var list []*page
		for _, p := range c.order {
			if p.kind != "article" || p.locale != l || !p.article.Promoted {
				continue
			}
			if p.draft {
				c.rep.warn(p.oldURL, "content/"+p.rel, "promoted in Zendesk but a draft here: not in the home page's promoted list")
				continue
			}
			list = append(list, p)
		}
		key := func(p *page) [3]int {
			sec := path.Dir(p.rel)
			if strings.HasSuffix(p.rel, "/index.md") {
				sec = path.Dir(sec)
			}
			return [3]int{weight[l.zd+"/"+path.Dir(sec)], weight[l.zd+"/"+sec], p.article.Position}
		}
		sort.SliceStable(list, func(i, j int) bool {
			a, b := key(list[i]), key(list[j])
			for k := range a {
				if a[k] != b[k] {
					return a[k] < b[k]
				}
			}
			return false
		})
		for _, p := range list {
			out[l.zd] = append(out[l.zd], strings.TrimPrefix(p.rel, l.site+"/"))
		}
	}
	return out
}
