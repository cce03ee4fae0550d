package cases

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// The requester's pages: the list of a signed-in reader's cases, each
// case with its conversation and files, and comments on open cases. A
// case of another address answers exactly as a case that does not exist.

// commentMaxLen bounds a comment: as long as a case's description.
var commentMaxLen = func() int { f, _ := caseform.Lookup(caseform.Description); return f.MaxLen }()

// Message keys of the requester's pages.
const (
	msgCommentClosed      = "cases.error.comment_closed"
	msgCommentServer      = "cases.error.comment_server"
	msgCommentRateLimited = "cases.error.comment_rate_limited" // %s: how long to wait
	msgNoFile             = "cases.error.no_file"
)

// caseJSON is a case as the requester's pages give it to scripts.
type caseJSON struct {
	ID         string        `json:"id"`
	Subject    string        `json:"subject"`
	Status     string        `json:"status"`
	StatusText string        `json:"status_text"`
	Created    time.Time     `json:"created"`
	Updated    time.Time     `json:"updated"`
	URL        string        `json:"url"`
	Closed     bool          `json:"closed"`
	FollowUp   string        `json:"follow_up,omitempty"`
	Messages   []messageJSON `json:"messages,omitempty"`
}

type messageJSON struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	Author      string     `json:"author"`
	AuthorName  string     `json:"author_name,omitempty"`
	Body        string     `json:"body,omitempty"`
	Status      string     `json:"status,omitempty"`
	Created     time.Time  `json:"created"`
	Attachments []fileJSON `json:"attachments,omitempty"`
}

type fileJSON struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

func (s *Server) caseURL(id, locale string) string {
	return s.cfg.BasePath + "/my/cases/" + url.PathEscape(id) + "?locale=" + url.QueryEscape(locale)
}

func (s *Server) fileURL(caseID string, index int) string {
	return s.cfg.BasePath + "/my/cases/" + url.PathEscape(caseID) + "/files/" + strconv.Itoa(index)
}

func (s *Server) myCasesCrumbs(locale string, current bool) []pageLink {
	return []pageLink{{Text: s.msgs.T(locale, "cases.my.title"), URL: s.cfg.BasePath + "/my/cases?locale=" + url.QueryEscape(locale), Current: current}}
}

func (s *Server) getMyCases(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.signedIn(w, r, s.cfg.BasePath+"/my/cases")
	if !ok {
		return
	}
	locale := s.requestLocale(r, sess.Locale)
	filter := r.URL.Query().Get("status")
	if !ValidStatus(filter) {
		filter = ""
	}
	var statuses []string
	if filter != "" {
		statuses = []string{filter}
	}
	list, err := s.store.CasesOf(r.Context(), sess.Email, statuses)
	if err != nil {
		s.log.Error("list a requester's cases", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgServer)
		return
	}
	if wantsJSON(r) {
		out := make([]caseJSON, 0, len(list))
		for _, c := range list {
			out = append(out, s.caseSummary(c, locale))
		}
		writeJSON(w, http.StatusOK, map[string]any{"email": sess.Email, "status": filter, "cases": out})
		return
	}
	p := &page{Template: "my-cases", Locale: locale, Title: s.msgs.T(locale, "cases.my.title"), Email: sess.Email,
		Filter: filter, Crumbs: s.myCasesCrumbs(locale, true), langPath: s.cfg.BasePath + "/my/cases"}
	for _, st := range Statuses {
		p.Filters = append(p.Filters, filterOption{Value: st, Text: s.msgs.T(locale, "cases.status."+st), Selected: st == filter})
	}
	for _, c := range list {
		p.Cases = append(p.Cases, caseRow{ID: c.ID, Subject: c.Fields[caseform.Subject], Status: c.Status,
			StatusText: s.msgs.T(locale, "cases.status."+c.Status), URL: s.caseURL(c.ID, locale),
			Created: s.when(locale, c.Created, false), Updated: s.when(locale, c.Updated, false)})
	}
	if len(list) == 1 {
		p.Count = s.msgs.T(locale, "cases.my.count_one")
	} else {
		p.Count = s.msgs.T(locale, "cases.my.count", len(list))
	}
	s.render(w, r, http.StatusOK, p)
}

func (s *Server) caseSummary(c *Case, locale string) caseJSON {
	return caseJSON{ID: c.ID, Subject: c.Fields[caseform.Subject], Status: c.Status, StatusText: s.msgs.T(locale, "cases.status."+c.Status),
		Created: c.Created, Updated: c.Updated, URL: s.cfg.BasePath + "/my/cases/" + url.PathEscape(c.ID), Closed: c.Status == StatusClosed,
		FollowUp: c.Fields[caseform.FollowUp]}
}

// requesterCase returns the request's session and the case of its path
// if the session may see it, answering the request itself otherwise (ok
// false): no session as signedIn does, and a case that is not the
// session's (none, another address's, spam) with 404 and the message
// notFound, exactly as for a case that does not exist.
func (s *Server) requesterCase(w http.ResponseWriter, r *http.Request, notFound string) (*Session, *Case, bool) {
	id := r.PathValue("id")
	next := ""
	if r.Method == http.MethodGet {
		next = s.cfg.BasePath + "/my/cases/" + id
	}
	sess, ok := s.signedIn(w, r, next)
	if !ok {
		return nil, nil, false
	}
	c, err := s.store.Case(r.Context(), id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		s.log.Error("read case", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgServer)
		return nil, nil, false
	}
	if err != nil || c.Spam || !strings.EqualFold(strings.TrimSpace(c.Fields[caseform.Email]), strings.TrimSpace(sess.Email)) {
		s.fail(w, r, http.StatusNotFound, nil, notFound)
		return nil, nil, false
	}
	return sess, c, true
}

func (s *Server) getMyCase(w http.ResponseWriter, r *http.Request) {
	sess, c, ok := s.requesterCase(w, r, msgNoCase)
	if !ok {
		return
	}
	locale := s.requestLocale(r, sess.Locale)
	p, err := s.casePage(r, c, locale, sess)
	if err != nil {
		s.log.Error("read a case's conversation", "err", err, "case", c.ID)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgServer)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, p.json)
		return
	}
	if r.URL.Query().Get("added") != "" {
		p.page.Notice = s.msgs.T(locale, "cases.case.added")
	}
	s.render(w, r, http.StatusOK, p.page)
}

// casePageData is a case's page and its JSON.
type casePageData struct {
	page *page
	json caseJSON
}

// casePage reads a case's conversation into its page and its JSON.
func (s *Server) casePage(r *http.Request, c *Case, locale string, sess *Session) (*casePageData, error) {
	events, err := s.store.Conversation(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	cv := &caseView{ID: c.ID, Subject: c.Fields[caseform.Subject], Status: c.Status, StatusText: s.msgs.T(locale, "cases.status."+c.Status),
		StatusHelp: s.msgs.T(locale, "cases.status_help."+c.Status), Created: s.when(locale, c.Created, false), Updated: s.when(locale, c.Updated, false),
		Closed: c.Status == StatusClosed}
	if f := c.Fields[caseform.FollowUp]; f != "" {
		cv.FollowUp = &pageLink{Text: f, URL: s.caseURL(f, locale)}
	}
	js := s.caseSummary(c, locale)
	// The case itself opens the conversation.
	first := messageView{ID: 0, Anchor: "message-0", Author: AuthorRequester, By: s.msgs.T(locale, "cases.case.you"),
		Body: bodyHTML(c.Fields[caseform.Description]), When: s.when(locale, c.Created, true)}
	firstJS := messageJSON{ID: 0, Kind: EventComment, Author: AuthorRequester, AuthorName: c.Fields[caseform.Name], Body: c.Fields[caseform.Description], Created: c.Created}
	for _, a := range c.Attachments {
		first.Files = append(first.Files, fileView{Name: a.Name, URL: s.fileURL(c.ID, a.Index), Info: s.fileInfo(locale, a)})
		firstJS.Attachments = append(firstJS.Attachments, fileJSON{Name: a.Name, ContentType: a.ContentType, Size: a.Size, URL: s.fileURL(c.ID, a.Index)})
	}
	cv.Messages = append(cv.Messages, first)
	js.Messages = append(js.Messages, firstJS)
	for _, e := range events {
		mj := messageJSON{ID: e.ID, Kind: e.Kind, Author: e.Author, AuthorName: e.AuthorName, Body: e.Body, Status: e.Status, Created: e.Created}
		if e.Kind == EventStatus {
			cv.Messages = append(cv.Messages, messageView{ID: e.ID, IsStatus: true, Author: e.Author,
				Text: s.msgs.T(locale, "cases.case.status_changed", s.msgs.T(locale, "cases.status."+e.Status)), When: s.when(locale, e.Created, true)})
			js.Messages = append(js.Messages, mj)
			continue
		}
		m := messageView{ID: e.ID, Anchor: "message-" + strconv.FormatInt(e.ID, 10), Author: e.Author, Body: bodyHTML(e.Body), When: s.when(locale, e.Created, true)}
		switch {
		case e.Author == AuthorRequester:
			m.By = s.msgs.T(locale, "cases.case.you")
		case e.AuthorName != "":
			m.By = s.msgs.T(locale, "cases.case.support_named", e.AuthorName)
		default:
			m.By = s.msgs.T(locale, "cases.case.support")
		}
		for _, a := range e.Attachments {
			m.Files = append(m.Files, fileView{Name: a.Name, URL: s.fileURL(c.ID, a.Index), Info: s.fileInfo(locale, a)})
			mj.Attachments = append(mj.Attachments, fileJSON{Name: a.Name, ContentType: a.ContentType, Size: a.Size, URL: s.fileURL(c.ID, a.Index)})
		}
		cv.Messages = append(cv.Messages, m)
		js.Messages = append(js.Messages, mj)
	}
	crumbs := append(s.myCasesCrumbs(locale, false), pageLink{Text: c.ID, URL: s.caseURL(c.ID, locale), Current: true})
	p := &page{Template: "my-case", Locale: locale, Title: cv.Subject, Email: sess.Email, Case: cv, Crumbs: crumbs,
		langPath: s.cfg.BasePath + "/my/cases/" + url.PathEscape(c.ID)}
	return &casePageData{page: p, json: js}, nil
}

func (s *Server) postComment(w http.ResponseWriter, r *http.Request) {
	sess, c, ok := s.requesterCase(w, r, msgNoCase)
	if !ok || !s.allowed(w, r, s.comments, clientAddr(r, s.cfg.TrustedProxyHeader), msgCommentRateLimited) {
		return
	}
	sub, release, ok := s.readBody(w, r, false)
	defer release()
	if !ok {
		return
	}
	locale := s.requestLocale(r, sub.values[caseform.Locale])
	if _, known := s.msgs[sub.values[caseform.Locale]]; known {
		locale = sub.values[caseform.Locale]
	}
	text := strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(sub.values["comment"], "\r\n", "\n"), "\r", "\n"))
	errs := map[string]string{}
	if key := caseform.ValidateField(caseform.Description, text); key != "" {
		errs["comment"] = key
	}
	if sub.fileErr != "" {
		errs["attachments"] = sub.fileErr
	}
	if len(errs) > 0 {
		s.invalidComment(w, r, c, locale, sess, text, errs)
		return
	}
	ev := &Event{CaseID: c.ID, Kind: EventComment, Author: AuthorRequester, AuthorName: c.Fields[caseform.Name], Body: text, Source: SourceWeb, Attachments: sub.files}
	_, err := s.store.AddEvent(r.Context(), ev, s.commentKinds)
	switch {
	case errors.Is(err, ErrClosed):
		s.fail(w, r, http.StatusConflict, nil, msgCommentClosed)
		return
	case err != nil:
		s.log.Error("store comment", "err", err, "case", c.ID)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgCommentServer)
		return
	}
	s.metrics.comments.Add(1)
	s.log.Info("comment stored", "case", c.ID, "event", ev.ID, "attachments", len(ev.Attachments))
	s.outbox.Wake()
	if wantsJSON(r) {
		updated, _ := s.store.Case(r.Context(), c.ID)
		status := c.Status
		if updated != nil {
			status = updated.Status
		}
		writeJSON(w, http.StatusCreated, map[string]any{"id": ev.ID, "case": c.ID, "status": status})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, s.caseURL(c.ID, locale)+"&added=1#message-"+strconv.FormatInt(ev.ID, 10), http.StatusSeeOther)
}

// invalidComment answers a comment that cannot be taken: 422 with the
// errors, as JSON or as the case page again with the text kept.
func (s *Server) invalidComment(w http.ResponseWriter, r *http.Request, c *Case, locale string, sess *Session, text string, errs map[string]string) {
	msg := func(field, key string) string {
		switch key {
		case caseform.ErrTooLong:
			return s.msgs.T(locale, key, commentMaxLen)
		case caseform.ErrFileSize:
			f, _ := caseform.Lookup(caseform.Attachments)
			return s.msgs.T(locale, key, f.MaxFileSizeMB())
		}
		return s.msgs.T(locale, key)
	}
	if wantsJSON(r) {
		out := map[string]fieldError{}
		for f, key := range errs {
			out[f] = fieldError{Key: key, Message: msg(f, key)}
		}
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": out})
		return
	}
	p, err := s.casePage(r, c, locale, sess)
	if err != nil {
		s.log.Error("read a case's conversation", "err", err, "case", c.ID)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgServer)
		return
	}
	if key, ok := errs["comment"]; ok {
		p.page.Errors = append(p.page.Errors, pageError{Field: "comment-body", Label: s.msgs.T(locale, "cases.case.comment"), Message: msg("comment", key)})
	}
	if key, ok := errs["attachments"]; ok {
		p.page.Errors = append(p.page.Errors, pageError{Field: "comment-files", Label: s.msgs.T(locale, "cases.field.attachments"), Message: msg("attachments", key)})
	}
	p.page.Comment = text
	s.render(w, r, http.StatusUnprocessableEntity, p.page)
}

// getFile serves a file of a case to its requester, as a download.
func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	_, c, ok := s.requesterCase(w, r, msgNoFile)
	if !ok {
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	var a *Attachment
	if err == nil && n >= 0 {
		a, err = s.store.Attachment(r.Context(), c.ID, n)
	} else {
		err = ErrNotFound
	}
	if errors.Is(err, ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, nil, msgNoFile)
		return
	}
	if err != nil {
		s.log.Error("read file", "err", err, "case", c.ID)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgServer)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Length", strconv.FormatInt(int64(len(a.Data)), 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": safeFileName(a.Name)}))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(a.Data)
	}
}
