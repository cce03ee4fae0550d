package pipeline

import (
	"github.com/inexchange/helpcenter/internal/render"
	"github.com/inexchange/helpcenter/internal/site"
)

// Memory release, one-off builds only. A build renders each article's
// page once and indexes its text once, and the bodies of a 100,000-article
// site take gigabytes; so Build lets each part of an article go as soon as
// its last reader is done, through site.Article.Release, the one change
// to the graph after site.New:
//
//   - after Load, the Markdown sources: every body is rendered and its
//     links checked;
//   - once an article's page is rendered, its HTML (no other page shows
//     it);
//   - once a locale's search index is built, its articles' plain text
//     (descriptions and feeds use Summary).
//
// A released Plan cannot be written again. A Session renders its graph
// again on every change and never releases; Check writes nothing and
// keeps everything, which costs it memory, not correctness.

// releaseAfterUse makes p let each article's parts go once used, and lets
// the sources go now.
func (p *Plan) releaseAfterUse() {
	p.released = true
	for _, a := range p.Site.Articles {
		a.Release(site.Source)
	}
	p.Renderer.Rendered = func(j render.Job) {
		if j.Page.Kind == render.KindArticle && j.Page.Article != nil {
			j.Page.Article.Release(site.HTML)
		}
	}
}

// indexed lets the plain text of a locale's articles go once its search
// index is built, when p releases.
func (p *Plan) indexed(l *site.Locale) {
	if !p.released {
		return
	}
	for _, a := range l.Articles {
		a.Release(site.Text)
	}
}
