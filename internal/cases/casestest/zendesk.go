package casestest

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Zendesk is a fake Zendesk Support account: the Tickets API as the form
// handler uses it (uploads, tickets with requesters, comments, the
// account's locales) with Zendesk's request and response shapes, basic
// authentication with an API token, Idempotency-Key on ticket creation,
// and ticket events sent to a webhook as Zendesk sends them (the ticket
// events' JSON, X-Zendesk-Webhook-Signature and -Timestamp). Agents act
// through Reply and SetStatus.
type Zendesk struct {
	*httptest.Server
	// Email and Token are the agent credentials the API accepts.
	Email, Token string
	// WebhookURL and WebhookSecret, when set, receive ticket events.
	WebhookURL, WebhookSecret string
	// Locales are the account's locales (GET /api/v2/locales.json).
	Locales []Locale

	mu       sync.Mutex
	down     bool
	loseNext bool
	nextID   int64
	tickets  map[int64]*Ticket
	byKey    map[string]int64 // Idempotency-Key -> ticket
	after    map[string]int   // posts for a key after it was answered
	answered map[string]bool
	users    map[string]int64 // email -> user id
	uploads  map[string]*upload
	files    map[string][]byte // attachment content by token path
	events   []SentEvent
	requests []Request
}

// Locale is one of the account's locales.
type Locale struct {
	ID     int64  `json:"id"`
	Locale string `json:"locale"`
	Name   string `json:"name"`
}

// Ticket is a ticket of the fake account.
type Ticket struct {
	ID          int64
	ExternalID  string
	Subject     string
	Status      string
	Tags        []string
	RequesterID int64
	Requester   Requester
	Comments    []Comment
	Created     time.Time
	Updated     time.Time
}

// Requester is what a ticket was created with as its requester.
type Requester struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	LocaleID int64  `json:"locale_id"`
}

// Comment is a ticket comment.
type Comment struct {
	ID          int64
	AuthorID    int64
	Body        string
	Public      bool
	Attachments []Attachment
	Created     time.Time
}

// Attachment is a file on a comment.
type Attachment struct {
	ID          int64
	FileName    string
	ContentType string
	Data        []byte
}

type upload struct {
	token string
	att   Attachment
}

// Request is one API request the fake answered.
type Request struct {
	Method, Path, Query string
	Body                []byte
	Header              http.Header
}

// SentEvent is a webhook request the fake made.
type SentEvent struct {
	Type   string
	Body   []byte
	Header http.Header
	Status int // the receiver's answer, 0 if it could not be reached
}

// Agent is the support agent of the account.
const (
	AgentID   = 900001
	AgentName = "Eva Agent"
	accountID = 4242
)

// StartZendesk starts a fake Zendesk on loopback, stopped when the test
// ends, accepting the given agent credentials.
func StartZendesk(t testing.TB, email, token string) *Zendesk {
	z := &Zendesk{Email: email, Token: token, nextID: 35436,
		Locales: []Locale{{ID: 1, Locale: "en-US", Name: "English"}, {ID: 1034, Locale: "sv", Name: "Svenska"}, {ID: 1176, Locale: "en-gb", Name: "English (United Kingdom)"}},
		tickets: map[int64]*Ticket{}, byKey: map[string]int64{}, after: map[string]int{}, answered: map[string]bool{},
		users: map[string]int64{}, uploads: map[string]*upload{}, files: map[string][]byte{}}
	z.Server = httptest.NewServer(z)
	t.Cleanup(z.Close)
	return z
}

// SetDown makes the API answer 503 (down) or work again.
func (z *Zendesk) SetDown(down bool) { z.mu.Lock(); z.down = down; z.mu.Unlock() }

// LoseNextAnswer makes the next ticket creation succeed but answer 504,
// as when the answer is lost on the way.
func (z *Zendesk) LoseNextAnswer() { z.mu.Lock(); z.loseNext = true; z.mu.Unlock() }

func (z *Zendesk) id() int64 { z.nextID++; return z.nextID }

var (
	ticketPath   = regexp.MustCompile(`^/api/v2/tickets/([0-9]+)\.json$`)
	commentsPath = regexp.MustCompile(`^/api/v2/tickets/([0-9]+)/comments\.json$`)
)

// ServeHTTP answers the API.
func (z *Zendesk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	z.mu.Lock()
	defer z.mu.Unlock()
	z.requests = append(z.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body, Header: r.Header.Clone()})
	if strings.HasPrefix(r.URL.Path, "/attachments/token/") {
		data, ok := z.files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(data)
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != z.Email+"/token" || pass != z.Token {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Couldn't authenticate you"})
		return
	}
	if z.down {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "Maintenance"})
		return
	}
	switch p := r.URL.Path; {
	case r.Method == http.MethodGet && p == "/api/v2/locales.json":
		writeJSON(w, http.StatusOK, map[string]any{"locales": z.Locales, "count": len(z.Locales), "next_page": nil, "previous_page": nil})
	case r.Method == http.MethodPost && p == "/api/v2/uploads.json":
		z.upload(w, r, body)
	case r.Method == http.MethodPost && p == "/api/v2/tickets.json":
		z.createTicket(w, r, body)
	case r.Method == http.MethodGet && p == "/api/v2/tickets.json":
		var list []map[string]any
		for _, id := range z.ticketIDs() {
			if t := z.tickets[id]; t.ExternalID == r.URL.Query().Get("external_id") {
				list = append(list, z.ticketJSON(t))
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"tickets": orEmpty(list), "count": len(list), "next_page": nil, "previous_page": nil})
	case r.Method == http.MethodPut && ticketPath.MatchString(p):
		z.updateTicket(w, r, ticketPath.FindStringSubmatch(p)[1], body)
	case r.Method == http.MethodGet && commentsPath.MatchString(p):
		id, _ := strconv.ParseInt(commentsPath.FindStringSubmatch(p)[1], 10, 64)
		t := z.tickets[id]
		if t == nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "RecordNotFound", "description": "Not found"})
			return
		}
		var list []map[string]any
		for _, c := range t.Comments {
			list = append(list, z.commentJSON(c))
		}
		if r.URL.Query().Get("sort_order") == "desc" {
			for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
				list[i], list[j] = list[j], list[i]
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"comments": orEmpty(list), "count": len(list), "next_page": nil, "previous_page": nil})
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "InvalidEndpoint", "description": "Not found"})
	}
}

func orEmpty(l []map[string]any) []map[string]any {
	if l == nil {
		return []map[string]any{}
	}
	return l
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (z *Zendesk) upload(w http.ResponseWriter, r *http.Request, body []byte) {
	name := r.URL.Query().Get("filename")
	if name == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "filename is required"})
		return
	}
	up := &upload{token: randomHex(12), att: Attachment{ID: z.id(), FileName: name, ContentType: r.Header.Get("Content-Type"), Data: body}}
	z.uploads[up.token] = up
	writeJSON(w, http.StatusCreated, map[string]any{"upload": map[string]any{
		"token": up.token, "expires_at": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339),
		"attachment":  z.attachmentJSON(up.att),
		"attachments": []any{z.attachmentJSON(up.att)},
	}})
}

func (z *Zendesk) attachmentJSON(a Attachment) map[string]any {
	path := fmt.Sprintf("/attachments/token/%d/", a.ID)
	z.files[path] = a.Data
	return map[string]any{"id": a.ID, "file_name": a.FileName, "content_type": a.ContentType, "size": len(a.Data),
		"content_url": z.URL + path + "?name=" + a.FileName, "inline": false}
}

// ticketRequest is what the handler sends to create or update a ticket.
type ticketRequest struct {
	Ticket struct {
		Subject    string    `json:"subject"`
		ExternalID string    `json:"external_id"`
		Tags       []string  `json:"tags"`
		Status     string    `json:"status"`
		Requester  Requester `json:"requester"`
		Comment    *struct {
			Body     string   `json:"body"`
			Public   *bool    `json:"public"`
			AuthorID int64    `json:"author_id"`
			Uploads  []string `json:"uploads"`
		} `json:"comment"`
	} `json:"ticket"`
}

func (z *Zendesk) takeUploads(tokens []string) []Attachment {
	var out []Attachment
	for _, tok := range tokens {
		if up := z.uploads[tok]; up != nil {
			out = append(out, up.att)
			delete(z.uploads, tok)
		}
	}
	return out
}

func (z *Zendesk) createTicket(w http.ResponseWriter, r *http.Request, body []byte) {
	var req ticketRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Unprocessable JSON"})
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if z.answered[key] {
		z.after[key]++
	}
	if id, ok := z.byKey[key]; ok && key != "" {
		w.Header().Set("x-idempotency-lookup", "hit")
		writeJSON(w, http.StatusCreated, map[string]any{"ticket": z.ticketJSON(z.tickets[id])})
		z.answered[key] = true
		return
	}
	if req.Ticket.Comment == nil || req.Ticket.Comment.Body == "" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"base": []map[string]string{{"description": "Description: cannot be blank"}}}})
		return
	}
	now := time.Now().UTC()
	uid, ok := z.users[strings.ToLower(req.Ticket.Requester.Email)]
	if !ok {
		uid = z.id()
		z.users[strings.ToLower(req.Ticket.Requester.Email)] = uid
	}
	t := &Ticket{ID: z.id(), ExternalID: req.Ticket.ExternalID, Subject: req.Ticket.Subject, Status: "new", Tags: req.Ticket.Tags,
		RequesterID: uid, Requester: req.Ticket.Requester, Created: now, Updated: now}
	t.Comments = append(t.Comments, Comment{ID: z.id(), AuthorID: uid, Body: req.Ticket.Comment.Body, Public: true,
		Attachments: z.takeUploads(req.Ticket.Comment.Uploads), Created: now})
	z.tickets[t.ID] = t
	if key != "" {
		z.byKey[key] = t.ID
	}
	if z.loseNext {
		z.loseNext = false
		http.Error(w, "upstream request timeout", http.StatusGatewayTimeout)
		return
	}
	z.answered[key] = true
	writeJSON(w, http.StatusCreated, map[string]any{"ticket": z.ticketJSON(t), "audit": map[string]any{"id": z.id(), "ticket_id": t.ID,
		"created_at": now.Format(time.RFC3339), "author_id": uid, "events": []any{map[string]any{"id": t.Comments[0].ID, "type": "Comment", "public": true}}}})
}

func (z *Zendesk) updateTicket(w http.ResponseWriter, r *http.Request, idText string, body []byte) {
	id, _ := strconv.ParseInt(idText, 10, 64)
	t := z.tickets[id]
	if t == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "RecordNotFound", "description": "Not found"})
		return
	}
	var req ticketRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Unprocessable JSON"})
		return
	}
	if t.Status == "closed" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "RecordInvalid", "description": "Record validation errors",
			"details": map[string]any{"status": []map[string]string{{"description": "Status: closed prevents ticket update"}}}})
		return
	}
	now := time.Now().UTC()
	var events []any
	var added *Comment
	if c := req.Ticket.Comment; c != nil {
		author := c.AuthorID
		if author == 0 {
			author = AgentID
		}
		public := c.Public == nil || *c.Public
		cm := Comment{ID: z.id(), AuthorID: author, Body: c.Body, Public: public, Attachments: z.takeUploads(c.Uploads), Created: now}
		t.Comments = append(t.Comments, cm)
		added = &t.Comments[len(t.Comments)-1]
		events = append(events, map[string]any{"id": cm.ID, "type": "Comment", "author_id": author, "body": cm.Body, "public": public, "attachments": z.attachmentsJSON(cm.Attachments)})
		if author == t.RequesterID && (t.Status == "pending" || t.Status == "solved") {
			t.Status = "open"
		}
	}
	t.Updated = now
	writeJSON(w, http.StatusOK, map[string]any{"ticket": z.ticketJSON(t), "audit": map[string]any{"id": z.id(), "ticket_id": t.ID,
		"created_at": now.Format(time.RFC3339), "author_id": AgentID, "events": events}})
	if added != nil {
		// Zendesk reports every comment to the webhook, this one too.
		ev := z.commentEvent(t, *added, added.AuthorID == AgentID)
		go z.deliver(ev)
	}
}

func (z *Zendesk) attachmentsJSON(list []Attachment) []any {
	out := []any{}
	for _, a := range list {
		out = append(out, z.attachmentJSON(a))
	}
	return out
}

func (z *Zendesk) commentJSON(c Comment) map[string]any {
	return map[string]any{"id": c.ID, "type": "Comment", "author_id": c.AuthorID, "body": c.Body, "html_body": "<p>" + c.Body + "</p>",
		"plain_body": c.Body, "public": c.Public, "attachments": z.attachmentsJSON(c.Attachments), "created_at": c.Created.Format(time.RFC3339),
		"via": map[string]any{"channel": "api"}}
}

func (z *Zendesk) ticketJSON(t *Ticket) map[string]any {
	return map[string]any{"id": t.ID, "url": fmt.Sprintf("%s/api/v2/tickets/%d.json", z.URL, t.ID), "external_id": t.ExternalID,
		"subject": t.Subject, "raw_subject": t.Subject, "description": t.Comments[0].Body, "status": t.Status, "priority": nil, "type": nil,
		"requester_id": t.RequesterID, "submitter_id": t.RequesterID, "assignee_id": nil, "tags": t.Tags,
		"created_at": t.Created.Format(time.RFC3339), "updated_at": t.Updated.Format(time.RFC3339), "via": map[string]any{"channel": "api"}}
}

func (z *Zendesk) ticketIDs() []int64 {
	var ids []int64
	for id := range z.tickets {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// TicketOf returns a copy of the ticket whose external_id is ext, nil if
// there is none.
func (z *Zendesk) TicketOf(ext string) *Ticket {
	z.mu.Lock()
	defer z.mu.Unlock()
	for _, id := range z.ticketIDs() {
		if t := z.tickets[id]; t.ExternalID == ext {
			cp := *t
			cp.Comments = append([]Comment(nil), t.Comments...)
			return &cp
		}
	}
	return nil
}

// Tickets counts the tickets made per Idempotency-Key, and the ticket
// posts that came after one was answered.
func (z *Zendesk) Tickets(key string) (made, postsAfterAnswer int) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if _, ok := z.byKey[key]; ok {
		made = 1
	}
	return made, z.after[key]
}

// Requests returns the API requests answered so far.
func (z *Zendesk) Requests() []Request {
	z.mu.Lock()
	defer z.mu.Unlock()
	return append([]Request(nil), z.requests...)
}

// Events returns the webhook requests sent so far.
func (z *Zendesk) Events() []SentEvent {
	z.mu.Lock()
	defer z.mu.Unlock()
	return append([]SentEvent(nil), z.events...)
}

// Reply adds a public comment by the agent to the ticket of case ext,
// with files, and sends its comment_added event; a status, if given, is
// set too and sent as status_changed. It returns the webhook's answers.
func (z *Zendesk) Reply(t testing.TB, ext, body string, files map[string][]byte, status string) []SentEvent {
	t.Helper()
	z.mu.Lock()
	tk := z.find(t, ext)
	now := time.Now().UTC()
	cm := Comment{ID: z.id(), AuthorID: AgentID, Body: body, Public: true, Created: now}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		cm.Attachments = append(cm.Attachments, Attachment{ID: z.id(), FileName: name, ContentType: http.DetectContentType(files[name]), Data: files[name]})
	}
	tk.Comments = append(tk.Comments, cm)
	tk.Updated = now
	evs := []map[string]any{z.commentEvent(tk, cm, true)}
	if status != "" && status != tk.Status {
		evs = append(evs, z.statusEvent(tk, status))
	}
	z.mu.Unlock()
	var out []SentEvent
	for _, ev := range evs {
		out = append(out, z.deliver(ev))
	}
	return out
}

// SetStatus changes the ticket of case ext to status and sends the
// status_changed event; it returns the webhook's answer.
func (z *Zendesk) SetStatus(t testing.TB, ext, status string) SentEvent {
	t.Helper()
	z.mu.Lock()
	tk := z.find(t, ext)
	ev := z.statusEvent(tk, status)
	z.mu.Unlock()
	return z.deliver(ev)
}

// Redeliver sends webhook request i again, signed anew (as Zendesk's
// retries and an admin's "redeliver" do: same event, same id).
func (z *Zendesk) Redeliver(t testing.TB, i int) SentEvent {
	t.Helper()
	z.mu.Lock()
	if i >= len(z.events) {
		z.mu.Unlock()
		t.Fatalf("no webhook request %d to redeliver (%d sent)", i, len(z.events))
	}
	var ev map[string]any
	_ = json.Unmarshal(z.events[i].Body, &ev)
	z.mu.Unlock()
	return z.deliver(ev)
}

func (z *Zendesk) find(t testing.TB, ext string) *Ticket {
	for _, id := range z.ticketIDs() {
		if tk := z.tickets[id]; tk.ExternalID == ext {
			return tk
		}
	}
	z.mu.Unlock()
	t.Fatalf("the fake Zendesk has no ticket with external_id %q", ext)
	return nil
}

// detail is the ticket part of an event, as Zendesk writes it (ids as
// strings, statuses in capitals).
func (z *Zendesk) detail(t *Ticket) map[string]any {
	return map[string]any{"actor_id": strconv.Itoa(AgentID), "assignee_id": strconv.Itoa(AgentID), "brand_id": "360000123",
		"created_at": t.Created.Format(time.RFC3339), "description": t.Comments[0].Body, "external_id": t.ExternalID,
		"form_id": "360000456", "group_id": "360000789", "id": strconv.FormatInt(t.ID, 10), "is_public": true,
		"organization_id": nil, "priority": "NORMAL", "requester_id": strconv.FormatInt(t.RequesterID, 10),
		"status": strings.ToUpper(t.Status), "subject": t.Subject, "submitter_id": strconv.FormatInt(t.RequesterID, 10),
		"tags": t.Tags, "type": "QUESTION", "updated_at": t.Updated.Format(time.RFC3339), "via": map[string]any{"channel": "web_service"}}
}

func (z *Zendesk) envelope(t *Ticket, typ string, event any) map[string]any {
	return map[string]any{"account_id": accountID, "detail": z.detail(t), "event": event,
		"id":      fmt.Sprintf("%s-%s-%s-%s-%s", randomHex(4), randomHex(2), randomHex(2), randomHex(2), randomHex(6)),
		"subject": fmt.Sprintf("zen:ticket:%d", t.ID), "time": time.Now().UTC().Format(time.RFC3339Nano),
		"type": typ, "zendesk_event_version": "2022-11-06"}
}

func (z *Zendesk) commentEvent(t *Ticket, c Comment, staff bool) map[string]any {
	name := AgentName
	if !staff {
		name = t.Requester.Name
	}
	return z.envelope(t, "zen:event-type:ticket.comment_added", map[string]any{"comment": map[string]any{
		"id": c.ID, "body": c.Body, "is_public": c.Public,
		"author": map[string]any{"id": c.AuthorID, "is_staff": staff, "name": name},
	}})
}

func (z *Zendesk) statusEvent(t *Ticket, status string) map[string]any {
	prev := t.Status
	t.Status = status
	t.Updated = time.Now().UTC()
	return z.envelope(t, "zen:event-type:ticket.status_changed", map[string]any{"current": strings.ToUpper(status), "previous": strings.ToUpper(prev)})
}

// Sign is Zendesk's webhook signature: base64 of HMAC-SHA256 keyed with
// the signing secret over the timestamp header followed by the body.
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// deliver POSTs an event to the webhook, signed, and records it.
func (z *Zendesk) deliver(ev map[string]any) SentEvent {
	body, _ := json.Marshal(ev)
	z.mu.Lock()
	url, secret := z.WebhookURL, z.WebhookSecret
	z.mu.Unlock()
	sent := SentEvent{Type: fmt.Sprint(ev["type"]), Body: body, Header: http.Header{}}
	if url != "" {
		ts := time.Now().UTC().Format("2006-01-02T15:04:05Z")
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "Zendesk Webhook")
		req.Header.Set("X-Zendesk-Webhook-Id", "01HQWEBHOOK0000000000000000")
		req.Header.Set("X-Zendesk-Webhook-Invocation-Id", randomHex(8))
		req.Header.Set("X-Zendesk-Webhook-Signature-Timestamp", ts)
		req.Header.Set("X-Zendesk-Webhook-Signature", Sign(secret, ts, body))
		sent.Header = req.Header.Clone()
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			sent.Status = resp.StatusCode
		}
	}
	z.mu.Lock()
	z.events = append(z.events, sent)
	z.mu.Unlock()
	return sent
}
