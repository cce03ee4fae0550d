package hosting

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/inexchange/helpcenter/internal/content"
)

// Check reports what in the rules would not do what it says on Netlify,
// for a deploy of the named published files ("en/index.html"):
//
//   - header rules with different paths that both set one header for a
//     path the site serves: Netlify sends both values joined in one
//     header (a year-long and a revalidating Cache-Control, two CSPs);
//   - one header name written in different cases (Netlify's build warns);
//   - header rules that match nothing the site publishes (warnings);
//   - redirect rules that never apply: an earlier rule matches every
//     request they match, a file shadows them (not forced, exact path),
//     they redirect to themselves, or they have a condition Netlify does
//     not know;
//   - rewrites and 404 rules whose target is not published;
//   - Role conditions, which need Netlify Identity (warnings).
//
// Every problem is a *content.Error at the rule's file and line, wrapping
// ErrConflict.
func (rs *Rules) Check(names []string) content.List {
	var out content.List
	files := sortedNames(names)
	if !sort.StringsAreSorted(names) {
		files = sortedNames(slices.Sorted(slices.Values(names)))
	}
	served := servedPaths(files)
	for _, d := range rs.duplicates {
		out = append(out, conflict(d.dropped, true, "keep one copy",
			"the rule %s is repeated at %s: Netlify keeps only that copy, in its place", d.rule, d.kept))
	}
	out = append(out, rs.checkHeaders(served)...)
	out = append(out, rs.checkRedirects(files)...)
	return out
}

func conflict(pos Pos, warning bool, hint, format string, args ...any) *content.Error {
	e := content.Errorf(pos.File, pos.Line, 0, ErrConflict, hint, format, args...)
	e.Warning = warning
	return e
}

// servedPaths are the URL paths the published files are served at: each
// file's own path, and a folder's index.html also at the folder with its
// slash.
func servedPaths(names []string) []string {
	var out []string
	for _, n := range names {
		if notServed[n] {
			continue
		}
		if n == "index.html" || strings.HasSuffix(n, "/index.html") {
			out = append(out, "/"+strings.TrimSuffix(n, "index.html"))
		}
		out = append(out, "/"+n)
	}
	return out
}

// sortedNames is Files over a sorted list of names.
type sortedNames []string

func (s sortedNames) Has(name string) bool {
	_, ok := slices.BinarySearch(s, name)
	return ok
}

// example is a path a pattern matches: each * and :placeholder filled in.
func example(pattern string) string {
	var segs []string
	for _, s := range strings.Split(pattern, "/") {
		switch {
		case strings.HasPrefix(s, ":"):
			s = "x"
		default:
			s = strings.ReplaceAll(s, "*", "x")
		}
		segs = append(segs, s)
	}
	return strings.Join(segs, "/")
}

func (rs *Rules) checkHeaders(served []string) content.List {
	var out content.List
	candidates := append([]string(nil), served...)
	for _, h := range rs.Headers {
		candidates = append(candidates, example(h.For))
	}
	for _, r := range rs.Redirects {
		if !isURL(r.From) {
			candidates = append(candidates, example(r.From))
		}
	}
	// Overlapping rules that join one header. Which candidates each rule
	// matches is worked out once, when a pair needs it.
	matched := make([][]int32, len(rs.Headers))
	matches := func(i int) []int32 {
		if matched[i] == nil {
			matched[i] = []int32{}
			for k, p := range candidates {
				if rs.Headers[i].Matches(p) {
					matched[i] = append(matched[i], int32(k))
				}
			}
		}
		return matched[i]
	}
	for j, b := range rs.Headers {
		for i, a := range rs.Headers[:j] {
			if a.For == b.For {
				continue // the same path: the later value replaces the earlier
			}
			for _, bv := range b.Values {
				if _, ok := a.Get(bv.Name); !ok {
					continue
				}
				k := firstCommon(matches(i), matches(j))
				if k < 0 {
					continue
				}
				p := candidates[k]
				joined := rs.HeadersFor(p).Get(bv.Name)
				out = append(out, conflict(b.Pos, false,
					"give the header one rule per path: make the paths disjoint (or drop the header from one rule); Netlify joins the values of every matching rule",
					"header %s is set for %q here and for %q at %s: Netlify applies both and sends %s: %q for %s",
					bv.Name, b.For, a.For, a.Pos, http.CanonicalHeaderKey(bv.Name), joined, p))
			}
		}
	}
	// One header in different cases.
	seen := map[string]Header{}
	var seenAt = map[string]Pos{}
	for _, h := range rs.Headers {
		for _, v := range h.Values {
			k := strings.ToLower(v.Name)
			if prev, ok := seen[k]; ok && prev.Name != v.Name {
				out = append(out, conflict(h.Pos, true, "write a header name the same way everywhere",
					"header %q is also written %q (at %s)", v.Name, prev.Name, seenAt[k]))
				continue
			}
			if _, ok := seen[k]; !ok {
				seen[k], seenAt[k] = v, h.Pos
			}
		}
	}
	// Rules for nothing.
	for _, h := range rs.Headers {
		found := false
		for _, p := range served {
			if h.Matches(p) {
				found = true
				break
			}
		}
		if !found && len(served) > 0 {
			out = append(out, conflict(h.Pos, true, "fix the path or remove the rule", "the header rule for %q matches nothing the site publishes", h.For))
		}
	}
	return out
}

// firstCommon returns the first index in both ascending lists, or -1.
func firstCommon(a, b []int32) int {
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] == b[0]:
			return int(a[0])
		case a[0] < b[0]:
			a = a[1:]
		default:
			b = b[1:]
		}
	}
	return -1
}

func (rs *Rules) checkRedirects(files Files) content.List {
	var out content.List
	for j, b := range rs.Redirects {
		switch {
		case len(b.Conditions.Other) > 0:
			keys := make([]string, 0, len(b.Conditions.Other))
			for k := range b.Conditions.Other {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			out = append(out, conflict(b.Pos, false, "use Language, Country, Role or Cookie",
				"the rule %s never applies: Netlify knows no condition %s", b, strings.Join(keys, ", ")))
			continue
		case len(b.Conditions.Role) > 0:
			out = append(out, conflict(b.Pos, true, "", "the rule %s needs Netlify Identity roles, which the preview and the tests do not have: they answer 404, as Netlify does to a visitor without the role", b))
		}
		if selfRedirect(b) {
			out = append(out, conflict(b.Pos, false, "point the rule somewhere else or remove it",
				"the rule %s redirects to itself: Netlify ignores it", b))
			continue
		}
		if covered := coveredBy(rs.Redirects[:j], b); covered != nil {
			out = append(out, conflict(b.Pos, false, "remove the rule, or move it above the broader one",
				"the rule %s never applies: the rule %s at %s comes first and matches every request this one does", b, covered, covered.Pos))
			continue
		}
		if !b.Force && exactPath(b.From) {
			if f, _ := Static(files, b.From); f != "" {
				out = append(out, conflict(b.Pos, false, "force it (add ! to the status, force = true) or remove it",
					"the rule %s never applies: %s is a published file (%s), which Netlify serves instead of a rule that is not forced", b, b.From, f))
				continue
			}
		}
		if st := b.EffectiveStatus(); !redirects(st) && !isURL(b.To) && !strings.Contains(b.To, ":") {
			target, _, _ := strings.Cut(b.To, "?")
			if f, _ := Static(files, target); f == "" {
				out = append(out, conflict(b.Pos, false, "publish the target or change the rule",
					"the rule %s answers with %s, which is not in the published site: Netlify answers 404 instead", b, target))
			}
		}
	}
	return out
}

// exactPath reports whether a rule's From is one path: no splat, no
// placeholder, no host.
func exactPath(from string) bool {
	return !isURL(from) && !strings.Contains(from, "*") && !strings.Contains(from, "/:")
}

// selfRedirect reports whether a redirect sends its From to itself.
func selfRedirect(r *Redirect) bool {
	return redirects(r.EffectiveStatus()) && exactPath(r.From) && len(r.Query) == 0 &&
		strings.TrimSuffix(r.To, "/") == strings.TrimSuffix(r.From, "/")
}

// coveredBy returns the first of earlier that applies to every request b
// applies to (so b never does), or nil.
func coveredBy(earlier []*Redirect, b *Redirect) *Redirect {
	for _, a := range earlier {
		if covers(a, b) {
			return a
		}
	}
	return nil
}

func covers(a, b *Redirect) bool {
	if len(a.Conditions.Other) > 0 || selfRedirect(a) {
		return false // a never matches
	}
	if !strings.EqualFold(a.host(), b.host()) || !(a.Force || !b.Force) {
		return false
	}
	if !patternCovers(pathOf(a.From), pathOf(b.From)) {
		return false
	}
	for k, av := range a.Query {
		bv, ok := b.Query[k]
		if !ok || (!strings.HasPrefix(av, ":") && av != bv) {
			return false
		}
	}
	ac, bc := a.Conditions, b.Conditions
	if len(ac.Language) > 0 {
		if len(bc.Language) == 0 {
			return false
		}
		for _, l := range bc.Language {
			if !anyLanguage(ac.Language, l) {
				return false
			}
		}
	}
	if len(ac.Country) > 0 && !subsetFold(bc.Country, ac.Country) {
		return false
	}
	if len(ac.Cookie) > 0 && !subsetFold(bc.Cookie, ac.Cookie) {
		return false
	}
	return true
}

// subsetFold reports whether sub is non-empty and each of it is in set.
func subsetFold(sub, set []string) bool {
	if len(sub) == 0 {
		return false
	}
	for _, s := range sub {
		if !anyFold(set, s) {
			return false
		}
	}
	return true
}

func pathOf(from string) string {
	if !isURL(from) {
		return from
	}
	_, rest, _ := strings.Cut(strings.SplitN(from, "://", 2)[1], "/")
	return "/" + rest
}

// patternCovers reports whether pattern a matches every path pattern b
// matches, for patterns whose only splat is at the end.
func patternCovers(a, b string) bool {
	if a == b {
		return true
	}
	as, aSplat := segments(a)
	bs, bSplat := segments(b)
	if as == nil || bs == nil {
		return false // a splat inside: only identical patterns compare
	}
	if !aSplat && (bSplat || len(as) != len(bs)) {
		return false
	}
	if len(bs) < len(as) {
		return false
	}
	for i, s := range as {
		t := bs[i]
		switch {
		case strings.HasPrefix(s, ":"):
			if t == "" {
				return false
			}
		case s != t:
			return false
		}
	}
	return true
}

// segments splits a pattern into its segments without a trailing slash
// or final splat (reported in splat); nil when a splat sits elsewhere.
func segments(p string) (segs []string, splat bool) {
	p = strings.TrimPrefix(p, "/")
	if strings.HasSuffix(p, "/*") || p == "*" {
		p, splat = strings.TrimSuffix(strings.TrimSuffix(p, "*"), "/"), true
	} else {
		p = strings.TrimSuffix(p, "/")
	}
	if strings.Contains(p, "*") {
		return nil, false
	}
	if p == "" {
		return []string{}, splat
	}
	return strings.Split(p, "/"), splat
}
