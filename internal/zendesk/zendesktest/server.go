// Package zendesktest is a fake Zendesk Help Center API for tests and
// benchmarks: an httptest server that answers the requests the importer
// makes with the API's real response shapes — offset pagination
// (next_page, count, page_count) or cursor pagination (meta.has_more,
// links.next), 401 without the right credentials, 429 with Retry-After
// over a rate limit, scripted failures (a 500, a dropped connection) and
// article attachments behind a redirect, as Zendesk serves them.
//
// Sample returns a small bilingual help center whose article bodies are
// real-world-looking HTML (tables with merged cells, nested lists, code,
// images, videos, callout boxes, Zendesk's editor markup); Generate makes
// large ones.
package zendesktest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/inexchange/helpcenter/internal/zendesk"
)

// HelpCenter is the content the fake serves. Items are per locale: an
// article translated into two locales is two Articles with the same ID.
// In bodies, descriptions and URLs, "{{base}}" stands for the server's URL.
type HelpCenter struct {
	Locales       []string
	DefaultLocale string
	Categories    []zendesk.Category
	Sections      []zendesk.Section
	Articles      []zendesk.Article
	Attachments   []zendesk.Attachment
	// Files are the attachments' bytes by attachment id.
	Files map[int64][]byte
	// FileNames name the files of Files that no attachment lists (an
	// image whose attachment was deleted from the list but whose URL
	// still serves it).
	FileNames map[int64]string
}

// Server is a running fake. Set its fields before the first request.
type Server struct {
	*httptest.Server
	HC *HelpCenter
	// Email and Token are the credentials it accepts; both empty accept
	// anonymous requests.
	Email, Token string
	// Offset makes lists use offset pagination (next_page) instead of
	// cursor pagination (meta/links); OffsetKinds does so for some lists
	// only ("articles", "sections", "categories", "article_attachments").
	Offset      bool
	OffsetKinds map[string]bool
	// PageSize caps the items per page (default: the request's size, at
	// most 100; 30 for offset pagination without per_page, as Zendesk).
	PageSize int
	// RateLimit answers 429 with Retry-After to API requests beyond this
	// many per RateWindow (default 1 s; Zendesk's is a minute), counted in
	// fixed windows, and sends X-Rate-Limit, X-Rate-Limit-Remaining and
	// ratelimit-reset with every API answer; 0 is no limit. Downloads of
	// the help center's files are not API requests.
	RateLimit  int
	RateWindow time.Duration
	// Fail scripts answers: the next requests whose path (with query)
	// matches the key get these statuses, in order, before the real answer.
	// Status 0 breaks the connection halfway through a 200 answer.
	Fail map[string][]int
	// Hook, when set, sees every request before it is answered.
	Hook func(r *http.Request)

	mu          sync.Mutex
	requests    []string
	apiAnswered []time.Time
	windowStart time.Time
	windowCount int
	limited     int
}

// New starts a fake serving hc.
func New(hc *HelpCenter) *Server {
	s := &Server{HC: hc, Fail: map[string][]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Requests returns the request paths (with queries) served so far.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// APIAnswered returns when each API request that was not refused with a
// 429 arrived, in order.
func (s *Server) APIAnswered() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.apiAnswered...)
}

// Limited returns how many requests got a 429.
func (s *Server) Limited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// FailNext scripts the next answers to requests for pathQuery.
func (s *Server) FailNext(pathQuery string, statuses ...int) {
	s.mu.Lock()
	s.Fail[pathQuery] = append(s.Fail[pathQuery], statuses...)
	s.mu.Unlock()
}

var (
	listPath       = regexp.MustCompile(`^/api/v2/help_center/([a-z0-9-]+)/(categories|sections|articles)\.json$`)
	attachmentList = regexp.MustCompile(`^/api/v2/help_center/articles/([0-9]+)/attachments\.json$`)
	attachmentFile = regexp.MustCompile(`^/hc/(?:[a-z0-9-]+/)?article_attachments/([0-9]+)(?:/([^/]+))?$`)
	storedFile     = regexp.MustCompile(`^/storage/attachments/([0-9]+)$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.Hook != nil {
		s.Hook(r)
	}
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.RequestURI())
	key := r.URL.RequestURI()
	status, scripted := 0, false
	if q := s.Fail[key]; len(q) > 0 {
		status, scripted = q[0], true
		s.Fail[key] = q[1:]
	}
	var retry time.Duration
	if strings.HasPrefix(r.URL.Path, "/api/") && s.RateLimit > 0 {
		// The limit is the API's: pages and files of the help center
		// itself are not API requests.
		var remaining int
		var reset time.Duration
		retry, remaining, reset = s.overLimit()
		w.Header().Set("X-Rate-Limit", strconv.Itoa(s.RateLimit))
		w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(remaining))
		w.Header().Set("Ratelimit-Reset", strconv.Itoa(int(math.Ceil(reset.Seconds()))))
	}
	s.mu.Unlock()

	if retry == 0 && strings.HasPrefix(r.URL.Path, "/api/") {
		s.mu.Lock()
		s.apiAnswered = append(s.apiAnswered, time.Now())
		s.mu.Unlock()
	}
	if retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "APIRateLimitExceeded", "description": "Number of allowed API requests per minute exceeded"})
		return
	}
	if scripted {
		if status == 0 {
			hj, ok := w.(http.Hijacker)
			if ok {
				if c, buf, err := hj.Hijack(); err == nil {
					// Half an answer, then the connection breaks.
					_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"articles\": [")
					_ = buf.Flush()
					_ = c.Close()
					return
				}
			}
			status = http.StatusBadGateway
		}
		writeJSON(w, status, map[string]string{"error": http.StatusText(status)})
		return
	}
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "MethodNotAllowed"})
		return
	}
	p := r.URL.Path
	if m := storedFile.FindStringSubmatch(p); m != nil {
		// The signed storage URL attachments redirect to: no credentials needed.
		id, _ := strconv.ParseInt(m[1], 10, 64)
		b, ok := s.HC.Files[id]
		if !ok {
			http.NotFound(w, r)
			return
		}
		// As a storage service answers: the type and the file's name.
		name, ctype := s.HC.fileInfo(id)
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		if name != "" {
			w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": name}))
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, _ = w.Write(b)
		return
	}
	if m := attachmentFile.FindStringSubmatch(p); m != nil {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		if _, ok := s.HC.Files[id]; !ok || m[2] != "" && !s.hasAttachment(id, m[2]) {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, "/storage/attachments/"+m[1], http.StatusFound)
		return
	}
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Web Password"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Couldn't authenticate you"})
		return
	}
	switch {
	case p == "/api/v2/help_center/locales.json":
		writeJSON(w, http.StatusOK, zendesk.Locales{Locales: s.HC.Locales, DefaultLocale: s.HC.DefaultLocale})
	case listPath.MatchString(p):
		m := listPath.FindStringSubmatch(p)
		s.serveList(w, r, m[2], s.HC.Items(s.URL, m[1], m[2]))
	case attachmentList.MatchString(p):
		id, _ := strconv.ParseInt(attachmentList.FindStringSubmatch(p)[1], 10, 64)
		var items []any
		for _, a := range s.HC.Attachments {
			if a.ArticleID == id {
				items = append(items, s.HC.FillAttachment(s.URL, a))
			}
		}
		s.serveList(w, r, "article_attachments", items)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "InvalidEndpoint", "description": "Not found"})
	}
}

// overLimit counts an API request against the rate limit and returns how
// long the client must wait (0: answer it), the requests left in the
// window and when it ends. s.mu is held.
func (s *Server) overLimit() (retry time.Duration, remaining int, reset time.Duration) {
	win := s.RateWindow
	if win <= 0 {
		win = time.Second
	}
	now := time.Now()
	if now.Sub(s.windowStart) >= win {
		s.windowStart, s.windowCount = now, 0
	}
	s.windowCount++
	reset = s.windowStart.Add(win).Sub(now)
	if s.windowCount <= s.RateLimit {
		return 0, s.RateLimit - s.windowCount, reset
	}
	s.limited++
	return reset, 0, reset
}

func (s *Server) authorized(r *http.Request) bool {
	if s.Email == "" && s.Token == "" {
		return true
	}
	user, pass, ok := r.BasicAuth()
	return ok && user == s.Email+"/token" && pass == s.Token
}

func (s *Server) hasAttachment(id int64, name string) bool {
	for _, a := range s.HC.Attachments {
		if a.ID == id {
			return url.PathEscape(a.FileName) == url.PathEscape(unescape(name))
		}
	}
	// Inline images that are not in any attachments list still download.
	return true
}

// fileInfo returns the name and type of a file the fake serves.
func (hc *HelpCenter) fileInfo(id int64) (name, ctype string) {
	for _, a := range hc.Attachments {
		if a.ID == id {
			return a.FileName, a.ContentType
		}
	}
	if n, ok := hc.FileNames[id]; ok {
		return n, mime.TypeByExtension(path.Ext(n))
	}
	return "", ""
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// Items returns the items of one locale's list ("categories",
// "sections", "articles") as the API sends them from base: URLs filled
// in, "{{base}}" expanded.
func (hc *HelpCenter) Items(base, locale, kind string) []any {
	expand := func(v string) string { return strings.ReplaceAll(v, "{{base}}", base) }
	var out []any
	switch kind {
	case "categories":
		for _, c := range hc.Categories {
			if c.Locale == locale {
				c.URL = base + fmt.Sprintf("/api/v2/help_center/%s/categories/%d.json", locale, c.ID)
				if c.HTMLURL == "" {
					c.HTMLURL = fmt.Sprintf("%s/hc/%s/categories/%d-%s", base, locale, c.ID, url.PathEscape(Slug(c.Name)))
				}
				c.HTMLURL = expand(c.HTMLURL)
				c.Description = expand(c.Description)
				out = append(out, c)
			}
		}
	case "sections":
		for _, c := range hc.Sections {
			if c.Locale == locale {
				c.URL = base + fmt.Sprintf("/api/v2/help_center/%s/sections/%d.json", locale, c.ID)
				if c.HTMLURL == "" {
					c.HTMLURL = fmt.Sprintf("%s/hc/%s/sections/%d-%s", base, locale, c.ID, url.PathEscape(Slug(c.Name)))
				}
				c.HTMLURL = expand(c.HTMLURL)
				c.Description = expand(c.Description)
				out = append(out, c)
			}
		}
	case "articles":
		for _, a := range hc.Articles {
			if a.Locale == locale {
				a.URL = base + fmt.Sprintf("/api/v2/help_center/%s/articles/%d.json", locale, a.ID)
				if a.HTMLURL == "" {
					a.HTMLURL = fmt.Sprintf("%s/hc/%s/articles/%d-%s", base, locale, a.ID, url.PathEscape(Slug(a.Title)))
				}
				a.HTMLURL = expand(a.HTMLURL)
				a.Body = expand(a.Body)
				if a.Name == "" {
					a.Name = a.Title
				}
				out = append(out, a)
			}
		}
	}
	return out
}

// FillAttachment returns an attachment as the API sends it from base.
func (hc *HelpCenter) FillAttachment(base string, a zendesk.Attachment) zendesk.Attachment {
	a.URL = base + fmt.Sprintf("/api/v2/help_center/articles/attachments/%d.json", a.ID)
	if a.ContentURL == "" {
		a.ContentURL = fmt.Sprintf("%s/hc/article_attachments/%d/%s", base, a.ID, url.PathEscape(a.FileName))
	}
	a.ContentURL = strings.ReplaceAll(a.ContentURL, "{{base}}", base)
	if b, ok := hc.Files[a.ID]; ok && a.Size == 0 {
		a.Size = int64(len(b))
	}
	return a
}

// serveList answers one page of items under key in the configured style.
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, key string, items []any) {
	q := r.URL.Query()
	offset := s.Offset || s.OffsetKinds[key]
	size := 30
	if !offset {
		size = 100
	}
	if v, err := strconv.Atoi(q.Get("page[size]")); err == nil && v > 0 && !offset {
		size = min(v, 100)
	}
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		size = min(v, 100)
	}
	if s.PageSize > 0 {
		size = min(size, s.PageSize)
	}
	self := s.URL + r.URL.Path
	body := map[string]any{}
	if offset {
		page := 1
		if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
			page = v
		}
		start := min((page-1)*size, len(items))
		end := min(start+size, len(items))
		pages := (len(items) + size - 1) / size
		body[key] = nonNil(items[start:end])
		body["count"] = len(items)
		body["page"] = page
		body["per_page"] = size
		body["page_count"] = pages
		body["sort_by"] = "position"
		body["sort_order"] = "asc"
		body["next_page"] = nil
		body["previous_page"] = nil
		if end < len(items) {
			body["next_page"] = fmt.Sprintf("%s?page=%d&per_page=%d", self, page+1, size)
		}
		if page > 1 {
			body["previous_page"] = fmt.Sprintf("%s?page=%d&per_page=%d", self, page-1, size)
		}
		writeJSON(w, http.StatusOK, body)
		return
	}
	start := 0
	if c := q.Get("page[after]"); c != "" {
		n, err := decodeCursor(c)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "InvalidPaginationParameter", "description": "page[after] is not a cursor"})
			return
		}
		start = min(n, len(items))
	}
	end := min(start+size, len(items))
	body[key] = nonNil(items[start:end])
	more := end < len(items)
	meta := map[string]any{"has_more": more, "after_cursor": nil, "before_cursor": nil}
	links := map[string]any{"first": fmt.Sprintf("%s?page%%5Bsize%%5D=%d", self, size), "last": nil, "next": nil, "prev": nil}
	if end > start {
		meta["after_cursor"] = encodeCursor(end)
		meta["before_cursor"] = encodeCursor(start)
	}
	if more {
		links["next"] = fmt.Sprintf("%s?page%%5Bafter%%5D=%s&page%%5Bsize%%5D=%d", self, encodeCursor(end), size)
	}
	if start > 0 {
		links["prev"] = fmt.Sprintf("%s?page%%5Bbefore%%5D=%s&page%%5Bsize%%5D=%d", self, encodeCursor(start), size)
	}
	body["meta"] = meta
	body["links"] = links
	writeJSON(w, http.StatusOK, body)
}

func nonNil(items []any) []any {
	if items == nil {
		return []any{}
	}
	return items
}

func encodeCursor(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(n)))
}

func decodeCursor(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "o:") {
		return 0, fmt.Errorf("bad cursor")
	}
	return strconv.Atoi(string(b[2:]))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Slug makes the title part of a Zendesk URL as Zendesk does: letters and
// digits kept (case and accents too), every run of anything else one
// hyphen. "How do I sign in?" becomes "How-do-I-sign-in-".
func Slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range title {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return b.String()
}

// SortedIDs returns the distinct article ids of hc, ascending.
func (hc *HelpCenter) SortedIDs() []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, a := range hc.Articles {
		if !seen[a.ID] {
			seen[a.ID] = true
			ids = append(ids, a.ID)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
