package cases

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// page is the data of the handler's own HTML pages: the confirmation, the
// feedback thank-you, the invalid-case form, error pages, and the
// requester's pages (the sign-in answers, the list of cases, a case).
// Each renders its main content with one template of pages.html into the
// site's frame (frame.go), in the reader's language, for browsers with or
// without JavaScript.
type page struct {
	msgs  Messages
	frame *frame
	// Template is the pages.html template of the main content ("message"
	// when empty).
	Template string
	Locale   string
	Title    string
	Message  string
	Help     string
	// CaseID is set on the confirmation page.
	CaseID string
	// Article is the article to link back to, if known.
	Article  string
	Feedback bool
	// Links are offered under a message.
	Links []pageLink
	// Crumbs follow the home in the breadcrumbs; the last is the page.
	Crumbs []pageLink
	// Action, Fields, Values and Errors render the case form again.
	Action    string
	Fields    []caseform.Field
	Values    caseform.Values
	Errors    []pageError
	fieldErrs caseform.Errors
	// The requester's pages.
	API      string
	Email    string
	Cases    []caseRow
	Count    string
	Filter   string
	Filters  []filterOption
	Case     *caseView
	Notice   string
	Comment  string
	langPath string // the page's path, for the language links
}

type pageError struct {
	Field, Label, Message string
}

// pageLink is a link in the breadcrumbs or under a message.
type pageLink struct {
	Text, URL string
	Current   bool
}

type filterOption struct {
	Value, Text string
	Selected    bool
}

// when is a date as a page shows it: machine-readable and in words.
type when struct {
	ISO, Text string
}

// caseRow is one case in the list.
type caseRow struct {
	ID, Subject, Status, StatusText, URL string
	Created, Updated                     when
}

// caseView is a case's page.
type caseView struct {
	ID, Subject, Status, StatusText, StatusHelp string
	Created, Updated                            when
	Closed                                      bool
	FollowUp                                    *pageLink
	Messages                                    []messageView
}

// messageView is one entry of a conversation.
type messageView struct {
	ID       int64
	Anchor   string
	IsStatus bool
	Author   string // requester | support
	By       string
	Text     string // a status change, in words
	Body     template.HTML
	When     when
	Files    []fileView
}

type fileView struct {
	Name, URL, Info string
}

// T localizes key for the page's locale.
func (p *page) T(key string, args ...any) string { return p.msgs.T(p.Locale, key, args...) }

// ErrorFor returns the message for an invalid field, "" if it is valid.
func (p *page) ErrorFor(name string) string {
	for _, e := range p.Errors {
		if e.Field == name {
			return e.Message
		}
	}
	return ""
}

// Required marks a required field (for the template).
func (p *page) Required(f caseform.Field) bool { return f.Required }

// Home is the locale's home page; HomeTitle names it in the breadcrumbs.
func (p *page) Home() string {
	if p.frame != nil && p.frame.Home != "" {
		return p.frame.Home
	}
	return "/" + p.Locale + "/"
}

// HomeTitle names the locale's home.
func (p *page) HomeTitle() string {
	if p.frame != nil && p.frame.HomeTitle != "" {
		return p.frame.HomeTitle
	}
	return p.T("cases.done.back")
}

// CaseFormURL is the site's case form, "" if unknown.
func (p *page) CaseFormURL() string {
	if p.frame == nil {
		return ""
	}
	return p.frame.CaseFormURL
}

// The comment field's limits, for the form's attributes.
func (p *page) CommentMax() int { return commentMaxLen }

// Accept is the comment files' accept attribute.
func (p *page) Accept() string { f, _ := caseform.Lookup(caseform.Attachments); return f.AcceptAttr() }

// MaxFiles is how many files a comment takes.
func (p *page) MaxFiles() int { f, _ := caseform.Lookup(caseform.Attachments); return f.MaxFiles }

// MaxFileSize is the largest file a comment takes, in bytes.
func (p *page) MaxFileSize() int64 {
	f, _ := caseform.Lookup(caseform.Attachments)
	return f.MaxFileSize
}

//go:embed pages.html
var pagesSource string

var pageTemplates = template.Must(template.New("pages").Parse(pagesSource))

// pageCSP is the policy of the handler's pages: the site's own, since
// they are the site's page (stylesheet, scripts and images from the
// site's origin, which the proxy makes the handler's too).
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"

// render answers with p in its frame.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, p *page) {
	p.msgs = s.msgs
	p.API = s.cfg.BasePath
	p.frame = s.frames.get(r.Context(), p.Locale)
	name := p.Template
	if name == "" {
		name = "message"
	}
	var main bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&main, name, p); err != nil {
		s.log.Error("render page", "err", err, "template", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	title := p.Title
	if p.frame.HomeTitle != "" {
		title += " – " + p.frame.HomeTitle
	}
	langPath := p.langPath
	if langPath == "" {
		langPath = r.URL.Path
	}
	var out bytes.Buffer
	_ = p.frame.write(&out, title, main.Bytes(), func(locale string) string {
		if !strings.HasPrefix(langPath, s.cfg.BasePath+"/") {
			return langPath
		}
		return langPath + "?locale=" + url.QueryEscape(locale)
	})
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(code)
	_, _ = w.Write(out.Bytes())
}

// dateText says t in the page's language and the handler's time zone:
// "2 December 2026", with the time if withTime.
func (s *Server) when(locale string, t time.Time, withTime bool) when {
	t = t.In(s.zone)
	day := s.msgs.T(locale, "cases.date", t.Day(), s.msgs.T(locale, "cases.month."+strconv.Itoa(int(t.Month()))), t.Year())
	w := when{ISO: t.Format(time.RFC3339), Text: day}
	if withTime {
		w.Text = s.msgs.T(locale, "cases.datetime", day, t.Format(s.msgs.T(locale, "cases.time_layout")))
	}
	return w
}

// fileInfo says a file's type and size: "PNG, 12 KB".
func (s *Server) fileInfo(locale string, a Attachment) string {
	kind := strings.ToUpper(strings.TrimPrefix(a.ContentType[strings.LastIndexByte(a.ContentType, '/')+1:], "x-"))
	switch a.ContentType {
	case "text/plain":
		kind = "TXT"
	case "image/jpeg":
		kind = "JPEG"
	}
	var size string
	if a.Size < 1<<20 {
		size = s.msgs.T(locale, "cases.size.kb", max(1, (a.Size+512)>>10))
	} else {
		n := strconv.FormatFloat(float64(a.Size)/(1<<20), 'f', 1, 64)
		size = s.msgs.T(locale, "cases.size.mb", strings.Replace(n, ".", s.msgs.T(locale, "cases.decimal"), 1))
	}
	return kind + ", " + size
}

var linkPattern = regexp.MustCompile(`https?://[^\s<>"']+`)

// bodyHTML shows a message's plain text as HTML: escaped, paragraphs at
// blank lines, line breaks kept, and web addresses as links.
func bodyHTML(text string) template.HTML {
	var b strings.Builder
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		para = strings.Trim(para, "\n")
		if strings.TrimSpace(para) == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>")
			}
			writeLinked(&b, line)
		}
		b.WriteString("</p>")
	}
	return template.HTML(b.String())
}

func writeLinked(b *strings.Builder, line string) {
	last := 0
	for _, m := range linkPattern.FindAllStringIndex(line, -1) {
		start, end := m[0], m[1]
		// Sentence punctuation after an address is not part of it.
		for end > start && strings.ContainsRune(".,;:!?)]", rune(line[end-1])) {
			end--
		}
		b.WriteString(template.HTMLEscapeString(line[last:start]))
		u := line[start:end]
		fmt.Fprintf(b, `<a href="%s" rel="nofollow noopener noreferrer">%s</a>`, template.HTMLEscapeString(u), template.HTMLEscapeString(u))
		last = end
	}
	b.WriteString(template.HTMLEscapeString(line[last:]))
}
