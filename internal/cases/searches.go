package cases

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Missed searches: the help center's search page posts the queries that
// found nothing or few articles to POST /api/searches (q, locale,
// results), and formhandler searches lists the most frequent, so that
// writers see what readers look for and do not find. Only the query text
// and the locale are kept, per day; the client address serves the rate
// limit and is not stored. A site turns the reports off with
// search_misses: false in its settings.

// FewResults is the most results a search may find and still count as
// missed ("few"); static/js/search-ui.js reports up to this many.
const FewResults = 3

// maxQueryRunes bounds a counted query: longer ones are cut.
const maxQueryRunes = 100

var (
	// An email address, or a run of digits long enough to be a personal
	// identity number, a phone number or an account: what a reader may
	// type into a search box and the counts must not keep.
	emailRe  = regexp.MustCompile(`[^\s@]+@[^\s@]+`)
	numberRe = regexp.MustCompile(`\+?[0-9][0-9 \-]{4,}[0-9]`)
	spaceRe  = regexp.MustCompile(`\s+`)
	localeRe = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})?$`)
)

// NormalizeQuery is how a missed query is counted: lower case, spaces
// collapsed, at most 100 characters, an email address as <email> and a
// long number as <number>. It returns "" for a query with nothing left.
func NormalizeQuery(q string) string {
	q = strings.ToLower(strings.ToValidUTF8(q, ""))
	q = emailRe.ReplaceAllString(q, "<email>")
	q = numberRe.ReplaceAllString(q, "<number>")
	q = strings.TrimSpace(spaceRe.ReplaceAllString(q, " "))
	if utf8.RuneCountInString(q) > maxQueryRunes {
		r := []rune(q)
		q = strings.TrimSpace(string(r[:maxQueryRunes]))
	}
	return q
}

// Messages of the searches endpoint (internal/cases/messages).
const (
	msgSearchInvalid     = "cases.searches.invalid"
	msgSearchFailed      = "cases.searches.failed"
	msgSearchRateLimited = "cases.searches.rate_limited" // %s: how long to wait
)

func (s *Server) postSearch(w http.ResponseWriter, r *http.Request) {
	client := clientAddr(r, s.cfg.TrustedProxyHeader)
	if !s.cfg.RateLimits.Off {
		if ok, wait := s.searches.allow(client, time.Now()); !ok {
			s.rateLimited(w, r, msgSearchRateLimited, wait)
			return
		}
	}
	sub, release, ok := s.readBody(w, r, true)
	defer release()
	if !ok {
		return
	}
	q := NormalizeQuery(sub.values["q"])
	locale := strings.ToLower(strings.TrimSpace(sub.values["locale"]))
	results, err := strconv.Atoi(strings.TrimSpace(sub.values["results"]))
	if q == "" || !localeRe.MatchString(locale) || err != nil || results < 0 {
		s.fail(w, r, http.StatusUnprocessableEntity, nil, msgSearchInvalid)
		return
	}
	if results > FewResults {
		// Found enough: nothing to count (an older page may still send it).
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err := s.store.AddMissedSearch(r.Context(), time.Now(), locale, q, results > 0); err != nil {
		s.log.Error("count missed search", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgSearchFailed)
		return
	}
	s.metrics.missed.Add(1)
	w.WriteHeader(http.StatusNoContent)
}
