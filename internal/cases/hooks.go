package cases

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Status changes and support replies coming in.
//
// POST /api/hooks/zendesk takes Zendesk's webhook requests for ticket
// events (a webhook subscribed to zen:event-type:ticket.status_changed and
// zen:event-type:ticket.comment_added). Zendesk signs each request:
// X-Zendesk-Webhook-Signature is base64(HMAC-SHA256(signing secret,
// X-Zendesk-Webhook-Signature-Timestamp + body)); a request whose
// signature does not match, or whose timestamp is more than HookWindow
// from now, is refused (403), so a captured request cannot be replayed
// later. Within the window a redelivery is recognised by the event's id
// (and a comment by its comment id) and changes nothing.
//
// POST /api/hooks/generic takes the same events from other ticketing
// systems, as JSON signed the way the handler signs its own webhook
// (X-Helpcenter-Timestamp in Unix seconds, X-Helpcenter-Signature
// "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)):
//
//	{"id": "evt-1", "type": "status_changed", "case": "HC-…", "status": "pending"}
//	{"id": "evt-2", "type": "comment_added", "case": "HC-…", "status": "pending",
//	 "comment": {"id": "c-9", "body": "…", "author": "support", "author_name": "Eva",
//	             "public": true, "attachments": [{"name": "a.pdf", "content_type": "application/pdf", "data": "<base64>"}]}}
//
// A case is found by its number (Zendesk: the ticket's external_id, which
// the handler sets) or by its ticket id. Events for tickets that are not
// cases of this handler, private comments and unknown event types are
// answered 200 and ignored, so the sender does not retry them.

// Body limits of the hooks: Zendesk's events are small; a generic event
// may carry files.
const (
	zendeskHookLimit = 1 << 20
	genericHookLimit = 16 << 20
	// hookFileMax bounds one file of a support reply.
	hookFileMax = 20 << 20
)

// defaultHookWindow is how far a hook's timestamp may be from now.
const defaultHookWindow = 5 * time.Minute

// hookEvent is a ticket event from either hook.
type hookEvent struct {
	source, delivery              string
	caseID, ticketID, requesterID string
	status                        string
	comment                       *hookComment
}

type hookComment struct {
	id, body, authorName string
	support, public      bool
	files                []Attachment
}

// hookResult is what a hook request did.
type hookResult string

const (
	hookApplied   hookResult = "applied"
	hookDuplicate hookResult = "duplicate"
	hookIgnored   hookResult = "ignored"
)

// errHookRefused marks a hook request that failed its signature or
// freshness check.
var errHookRefused = errors.New("refused")

// readHook reads a hook's body up to limit; ok false means the request
// was answered.
func (s *Server) readHook(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	if r.ContentLength > limit {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("the event is over %d bytes", limit)})
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		code := http.StatusBadRequest
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			code = http.StatusRequestEntityTooLarge
		}
		writeJSON(w, code, map[string]string{"error": "the event could not be read"})
		return nil, false
	}
	return body, true
}

// hookTime reads a signed timestamp: RFC 3339 (Zendesk) or Unix seconds.
func hookTime(ts string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, ts); err == nil {
		return t, nil
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q is neither RFC 3339 nor Unix seconds", ts)
	}
	return time.Unix(n, 0), nil
}

// fresh checks a signed timestamp against the window around now.
func (s *Server) fresh(ts string, now time.Time) error {
	if ts == "" {
		return fmt.Errorf("%w: no timestamp", errHookRefused)
	}
	t, err := hookTime(ts)
	if err != nil {
		return fmt.Errorf("%w: %v", errHookRefused, err)
	}
	window := s.cfg.HookWindow
	if window <= 0 {
		window = defaultHookWindow
	}
	if d := now.Sub(t); d > window || d < -window {
		return fmt.Errorf("%w: timestamp %s is %v from now, outside the %v window (a replay, or a clock that is off)", errHookRefused, ts, d.Round(time.Second), window)
	}
	return nil
}

// ZendeskSignature is the X-Zendesk-Webhook-Signature of body sent at
// timestamp ts, signed with the webhook's signing secret.
func ZendeskSignature(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func verifyZendesk(secret, ts, sig string, body []byte) error {
	want, err := base64.StdEncoding.DecodeString(ZendeskSignature(secret, ts, body))
	if err != nil {
		return err
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sig))
	if err != nil || !hmac.Equal(got, want) {
		return fmt.Errorf("%w: X-Zendesk-Webhook-Signature does not match the signing secret", errHookRefused)
	}
	return nil
}

func verifyGeneric(secret, ts, sig string, body []byte) error {
	want := Sign(secret, ts, body)
	if !hmac.Equal([]byte(strings.TrimSpace(sig)), []byte(want)) {
		return fmt.Errorf("%w: X-Helpcenter-Signature does not match the secret", errHookRefused)
	}
	return nil
}

// flexString is a JSON string or number (Zendesk writes ids as either).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or a number, got %s", b)
	}
	*f = flexString(n.String())
	return nil
}

// zendeskPayload is a Zendesk webhook event (the ticket events' schema).
type zendeskPayload struct {
	Type    string     `json:"type"`
	ID      flexString `json:"id"`
	Subject string     `json:"subject"`
	Detail  struct {
		ID          flexString `json:"id"`
		ExternalID  flexString `json:"external_id"`
		RequesterID flexString `json:"requester_id"`
		Status      string     `json:"status"`
	} `json:"detail"`
	Event json.RawMessage `json:"event"`
}

// Zendesk's ticket event types the hook applies.
const (
	zendeskStatusChanged = "zen:event-type:ticket.status_changed"
	zendeskCommentAdded  = "zen:event-type:ticket.comment_added"
)

// parseZendesk turns a Zendesk event into a hookEvent, nil for an event
// the hook does not apply.
func parseZendesk(body []byte, invocation string) (*hookEvent, error) {
	var p zendeskPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("read the event: %w", err)
	}
	he := &hookEvent{source: SourceZendesk, caseID: string(p.Detail.ExternalID), ticketID: string(p.Detail.ID), requesterID: string(p.Detail.RequesterID)}
	if he.ticketID == "" {
		he.ticketID, _ = strings.CutPrefix(p.Subject, "zen:ticket:")
	}
	id := string(p.ID)
	if id == "" {
		id = invocation
	}
	if id == "" {
		sum := sha256.Sum256(body)
		id = hex.EncodeToString(sum[:])
	}
	he.delivery = SourceZendesk + ":" + id
	switch p.Type {
	case zendeskStatusChanged:
		var ev struct {
			Current json.RawMessage `json:"current"`
		}
		if err := json.Unmarshal(p.Event, &ev); err != nil {
			return nil, fmt.Errorf("read the status change: %w", err)
		}
		var current string
		if json.Unmarshal(ev.Current, &current) != nil {
			var obj struct {
				Status string `json:"status"`
			}
			_ = json.Unmarshal(ev.Current, &obj)
			current = obj.Status
		}
		if current == "" {
			current = p.Detail.Status
		}
		he.status = strings.ToLower(strings.TrimSpace(current))
		if !ValidStatus(he.status) {
			return nil, nil // a custom status Zendesk maps to none of ours
		}
	case zendeskCommentAdded:
		var ev struct {
			Comment struct {
				ID       flexString `json:"id"`
				Body     string     `json:"body"`
				IsPublic *bool      `json:"is_public"`
				Author   struct {
					ID      flexString `json:"id"`
					IsStaff bool       `json:"is_staff"`
					Name    string     `json:"name"`
				} `json:"author"`
			} `json:"comment"`
		}
		if err := json.Unmarshal(p.Event, &ev); err != nil {
			return nil, fmt.Errorf("read the comment: %w", err)
		}
		c := ev.Comment
		he.comment = &hookComment{id: string(c.ID), body: c.Body, authorName: c.Author.Name,
			support: c.Author.IsStaff, public: c.IsPublic == nil || *c.IsPublic}
	default:
		return nil, nil
	}
	return he, nil
}

// genericPayload is an event for /api/hooks/generic.
type genericPayload struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Case    string `json:"case"`
	Ticket  string `json:"ticket"`
	Status  string `json:"status"`
	Comment *struct {
		ID          string `json:"id"`
		Body        string `json:"body"`
		Author      string `json:"author"`
		AuthorName  string `json:"author_name"`
		Public      *bool  `json:"public"`
		Attachments []struct {
			Name        string `json:"name"`
			ContentType string `json:"content_type"`
			Data        []byte `json:"data"`
		} `json:"attachments"`
	} `json:"comment"`
}

// Generic event types.
const (
	genericStatusChanged = "status_changed"
	genericCommentAdded  = "comment_added"
)

func parseGeneric(body []byte, idempotencyKey string) (*hookEvent, error) {
	var p genericPayload
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("read the event: %w", err)
	}
	id := p.ID
	if id == "" {
		id = idempotencyKey
	}
	if id == "" {
		return nil, errors.New(`the event has no "id" (nor an Idempotency-Key header): give each event a unique id, so a redelivery is recognised`)
	}
	he := &hookEvent{source: SourceWebhook, delivery: SourceWebhook + ":" + id, caseID: p.Case, ticketID: p.Ticket, status: strings.ToLower(p.Status)}
	if he.caseID == "" && he.ticketID == "" {
		return nil, errors.New(`the event names no case: give "case" (the case number) or "ticket"`)
	}
	if he.status != "" && !ValidStatus(he.status) {
		return nil, fmt.Errorf("status %q: use one of %s", p.Status, strings.Join(Statuses, ", "))
	}
	switch p.Type {
	case genericStatusChanged:
		if he.status == "" {
			return nil, errors.New(`a status_changed event needs "status"`)
		}
	case genericCommentAdded:
		c := p.Comment
		if c == nil || strings.TrimSpace(c.Body) == "" {
			return nil, errors.New(`a comment_added event needs "comment" with a "body"`)
		}
		if c.Author != AuthorSupport && c.Author != AuthorRequester {
			return nil, fmt.Errorf(`comment author %q: use "support" or "requester"`, c.Author)
		}
		hc := &hookComment{id: c.ID, body: c.Body, authorName: c.AuthorName, support: c.Author == AuthorSupport, public: c.Public == nil || *c.Public}
		if hc.id == "" {
			hc.id = id
		}
		for _, a := range c.Attachments {
			if len(a.Data) > hookFileMax {
				return nil, fmt.Errorf("file %q is over %d MB", a.Name, hookFileMax>>20)
			}
			hc.files = append(hc.files, Attachment{Name: safeFileName(a.Name), ContentType: fileType(a.ContentType, a.Data), Data: a.Data})
		}
		he.comment = hc
	default:
		return nil, fmt.Errorf("event type %q: use %s or %s", p.Type, genericStatusChanged, genericCommentAdded)
	}
	return he, nil
}

// fileType is a file's media type without parameters: the one given if it
// is well-formed, else what its content looks like.
func fileType(given string, data []byte) string {
	t, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(given)), ";")
	t = strings.TrimSpace(t)
	if main, sub, ok := strings.Cut(t, "/"); ok && main != "" && sub != "" && !strings.ContainsAny(t, " \"\\") {
		return t
	}
	ct, _, _ := strings.Cut(http.DetectContentType(data), ";")
	return ct
}

func (s *Server) postZendeskHook(w http.ResponseWriter, r *http.Request) {
	if s.cfg.ZendeskWebhookSecret == "" {
		s.fail(w, r, http.StatusNotFound, nil, msgNotFound)
		return
	}
	body, ok := s.readHook(w, r, zendeskHookLimit)
	if !ok {
		return
	}
	ts := r.Header.Get("X-Zendesk-Webhook-Signature-Timestamp")
	err := verifyZendesk(s.cfg.ZendeskWebhookSecret, ts, r.Header.Get("X-Zendesk-Webhook-Signature"), body)
	if err == nil {
		err = s.fresh(ts, time.Now())
	}
	if err != nil {
		s.hookRefused(w, r, err)
		return
	}
	he, err := parseZendesk(body, r.Header.Get("X-Zendesk-Webhook-Invocation-Id"))
	s.answerHook(w, r, he, err)
}

func (s *Server) postGenericHook(w http.ResponseWriter, r *http.Request) {
	if s.cfg.HookSecret == "" {
		s.fail(w, r, http.StatusNotFound, nil, msgNotFound)
		return
	}
	body, ok := s.readHook(w, r, genericHookLimit)
	if !ok {
		return
	}
	ts := r.Header.Get("X-Helpcenter-Timestamp")
	err := verifyGeneric(s.cfg.HookSecret, ts, r.Header.Get("X-Helpcenter-Signature"), body)
	if err == nil {
		err = s.fresh(ts, time.Now())
	}
	if err != nil {
		s.hookRefused(w, r, err)
		return
	}
	he, err := parseGeneric(body, r.Header.Get("Idempotency-Key"))
	s.answerHook(w, r, he, err)
}

func (s *Server) hookRefused(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Warn("refused a webhook request", "path", r.URL.Path, "err", err, "client", clientAddr(r, s.cfg.TrustedProxyHeader))
	writeJSON(w, http.StatusForbidden, map[string]string{"error": "signature or timestamp refused"})
}

func (s *Server) answerHook(w http.ResponseWriter, r *http.Request, he *hookEvent, err error) {
	if err != nil {
		s.log.Warn("webhook event not understood", "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	res := hookIgnored
	if he != nil {
		if res, err = s.applyHook(r.Context(), he); err != nil {
			s.log.Error("apply webhook event", "err", err, "delivery", he.delivery)
			w.Header().Set("Retry-After", "30")
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "the event could not be stored; send it again"})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": string(res)})
}

// applyHook applies a ticket event to its case.
func (s *Server) applyHook(ctx context.Context, he *hookEvent) (hookResult, error) {
	c, err := s.hookCase(ctx, he)
	if err != nil || c == nil {
		return hookIgnored, err
	}
	ev := &Event{CaseID: c.ID, Source: he.source, Delivery: he.delivery, Author: AuthorSupport}
	var kinds []string
	switch {
	case he.comment != nil && !he.comment.public:
		return hookIgnored, nil
	case he.comment != nil && he.comment.support:
		ev.Kind, ev.Body, ev.AuthorName, ev.ExternalID, ev.Status = EventComment, he.comment.body, he.comment.authorName, he.comment.id, he.status
		ev.Attachments = he.comment.files
		kinds = s.replyKinds
		if he.source == SourceZendesk && s.cfg.Zendesk != nil {
			kinds = append(append([]string(nil), kinds...), KindZendeskFiles)
		}
	case he.comment != nil:
		// The requester wrote in the ticketing system (an answer by mail),
		// or it reports back a comment made here.
		if he.comment.id != "" {
			linked, err := s.store.LinkRequesterComment(ctx, c.ID, strings.TrimSpace(he.comment.body), he.comment.id, time.Now().Add(-24*time.Hour))
			if err != nil || linked {
				return hookDuplicate, err
			}
		}
		ev.Kind, ev.Author, ev.Body, ev.AuthorName, ev.ExternalID, ev.Status = EventComment, AuthorRequester, he.comment.body, he.comment.authorName, he.comment.id, he.status
		ev.Attachments = he.comment.files
	case he.status == c.Status:
		return hookIgnored, nil
	default:
		ev.Kind, ev.Status = EventStatus, he.status
	}
	existed, err := s.store.AddEvent(ctx, ev, kinds)
	switch {
	case errors.Is(err, ErrClosed):
		return hookIgnored, nil
	case err != nil:
		return "", err
	case existed:
		return hookDuplicate, nil
	}
	s.metrics.hookEvents.Add(1)
	s.log.Info("ticket event applied", "case", c.ID, "event", ev.ID, "kind", ev.Kind, "status", ev.Status, "delivery", he.delivery)
	if len(kinds) > 0 {
		s.outbox.Wake()
	}
	return hookApplied, nil
}

// hookCase finds the case of an event (nil if it is not one of this
// handler's) and records its ticket if that was not known.
func (s *Server) hookCase(ctx context.Context, he *hookEvent) (*Case, error) {
	var c *Case
	var err error
	if he.caseID != "" && caseIDPattern.MatchString(he.caseID) {
		c, err = s.store.Case(ctx, he.caseID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	if c == nil && he.ticketID != "" {
		c, err = s.store.CaseByTicket(ctx, he.ticketID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	if c == nil {
		s.log.Info("webhook event for a ticket that is not a case here: ignored", "ticket", he.ticketID, "delivery", he.delivery)
		return nil, nil
	}
	if he.source == SourceZendesk && he.ticketID != "" && c.TicketID == "" {
		if err := s.store.SetTicket(ctx, c.ID, he.ticketID, he.requesterID); err != nil {
			return nil, err
		}
		c.TicketID, c.RequesterID = he.ticketID, he.requesterID
	}
	return c, nil
}
