package build

import (
	"errors"
	"fmt"

	"github.com/inexchange/helpcenter/internal/compat"
	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/site"
)

// requirements checks that every locale's system-requirements article
// states the same rules: they drive one banner.
func requirements(s *site.Site) content.List {
	byLocale := map[string]compat.Requirements{}
	var first *site.Article
	for _, l := range s.Locales {
		if a := l.Requirements; a != nil && a.Front.Requirements != nil {
			byLocale[l.Code] = *a.Front.Requirements
			if first == nil {
				first = a
			}
		}
	}
	if len(byLocale) < 2 {
		return nil
	}
	if err := compat.Agree(byLocale); err != nil {
		var errs content.List
		var de *compat.DisagreementError
		for _, l := range s.Locales {
			a := l.Requirements
			if a == nil || a == first {
				continue
			}
			if errors.As(err, &de) || err != nil {
				errs = append(errs, content.Errorf(a.File.Path, a.File.KeyLine("requirements"), 1, content.ErrRequirements,
					"the banner has one set of rules: make every locale's requirements: the same as "+first.File.Path, "%v", err))
				break
			}
		}
		return errs
	}
	return nil
}

// generated adds the assets and files built from content: the
// compatibility script and the search index.
func generated(b *Site) error {
	s := b.Site
	for _, l := range s.Locales {
		if a := l.Requirements; a != nil && a.Front.Requirements != nil {
			js, err := compat.Script(*a.Front.Requirements)
			if err != nil {
				return content.List{content.Errorf(a.File.Path, a.File.KeyLine("requirements"), 1, content.ErrRequirements, "", "%v", err)}
			}
			if err := b.Assets.Add("js/compat.js", js); err != nil {
				return fmt.Errorf("adding compat.js: %w", err)
			}
			break
		}
	}
	return nil
}
