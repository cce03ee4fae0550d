package cases

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// ZendeskSender delivers to Zendesk with the Tickets API, as an agent with
// an API token:
//
//   - a case becomes a ticket: its files go first to /api/v2/uploads.json,
//     then POST /api/v2/tickets.json with the upload tokens, the requester
//     (name, email and locale_id, the Zendesk id of the case's language),
//     and the case number as Idempotency-Key and external_id, so a
//     retried job never makes a second ticket. The ticket's id and the
//     requester's user id are recorded on the case.
//   - a requester's comment becomes a public comment on the ticket with
//     the requester as author (PUT /api/v2/tickets/{id}.json); the
//     comment's id in Zendesk is recorded, so the webhook that reports it
//     back adds nothing. A case whose ticket is not recorded (created
//     before the handler recorded them) is found by external_id.
//   - a support reply's files (KindZendeskFiles jobs: Zendesk's webhook
//     events carry only a comment's text) are fetched from the ticket's
//     comments and stored with the reply.
type ZendeskSender struct {
	// BaseURL is https://<subdomain>.zendesk.com.
	BaseURL string
	// Email and Token authenticate as an agent with an API token.
	Email, Token string
	Store        Store // for attachments, comments and tickets
	Messages     Messages
	Client       *http.Client

	mu      sync.Mutex
	locales map[string]int64 // our locale -> Zendesk locale_id (0: none)
}

func (z *ZendeskSender) newRequest(ctx context.Context, method, path string, body io.Reader, contentType string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(z.BaseURL, "/")+path, body)
	if err != nil {
		return nil, Permanent(fmt.Errorf("zendesk url %q: %w", z.BaseURL, err))
	}
	req.SetBasicAuth(z.Email+"/token", z.Token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// zendeskTicket is the part of a ticket the handler reads.
type zendeskTicket struct {
	ID          int64  `json:"id"`
	RequesterID int64  `json:"requester_id"`
	ExternalID  string `json:"external_id"`
	Status      string `json:"status"`
}

// zendeskComment is the part of a ticket comment the handler reads.
type zendeskComment struct {
	ID          int64  `json:"id"`
	AuthorID    int64  `json:"author_id"`
	Body        string `json:"body"`
	Public      bool   `json:"public"`
	Attachments []struct {
		FileName    string `json:"file_name"`
		ContentURL  string `json:"content_url"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
	} `json:"attachments"`
}

// Send implements Sender.
func (z *ZendeskSender) Send(ctx context.Context, c *Case, job Job) error {
	switch {
	case job.Kind == KindZendeskFiles:
		return z.fetchReplyFiles(ctx, c, job)
	case job.EventID != 0:
		return z.addComment(ctx, c, job)
	}
	return z.createTicket(ctx, c)
}

// upload sends files to /api/v2/uploads.json and returns their tokens.
func (z *ZendeskSender) upload(ctx context.Context, files []Attachment) ([]string, error) {
	client := httpClient(z.Client)
	tokens := []string{}
	for _, a := range files {
		req, err := z.newRequest(ctx, http.MethodPost, "/api/v2/uploads.json?filename="+url.QueryEscape(safeFileName(a.Name)), bytes.NewReader(a.Data), a.ContentType)
		if err != nil {
			return nil, err
		}
		var out struct {
			Upload struct {
				Token string `json:"token"`
			} `json:"upload"`
		}
		if err := doHTTP(client, req, &out); err != nil {
			return nil, fmt.Errorf("zendesk upload %q: %w", a.Name, err)
		}
		tokens = append(tokens, out.Upload.Token)
	}
	return tokens, nil
}

func (z *ZendeskSender) createTicket(ctx context.Context, c *Case) error {
	files, err := z.Store.Attachments(ctx, c.ID)
	if err != nil {
		return err
	}
	tokens, err := z.upload(ctx, files)
	if err != nil {
		return err
	}
	f := c.Fields
	requester := map[string]any{"name": f[caseform.Name], "email": f[caseform.Email]}
	if id, err := z.localeID(ctx, c.Locale); err != nil {
		return err
	} else if id != 0 {
		requester["locale_id"] = id
	}
	tags := []string{"helpcenter", f[caseform.Category]}
	if f[caseform.FollowUp] != "" {
		tags = append(tags, "follow-up")
	}
	ticket := map[string]any{
		"subject":     f[caseform.Subject],
		"external_id": c.ID,
		"tags":        tags,
		"requester":   requester,
		"comment":     map[string]any{"body": caseText(z.Messages, c), "uploads": tokens},
	}
	body, err := json.Marshal(map[string]any{"ticket": ticket})
	if err != nil {
		return Permanent(err)
	}
	req, err := z.newRequest(ctx, http.MethodPost, "/api/v2/tickets.json", bytes.NewReader(body), "application/json")
	if err != nil {
		return err
	}
	req.Header.Set("Idempotency-Key", c.ID)
	var out struct {
		Ticket zendeskTicket `json:"ticket"`
	}
	if err := doHTTP(httpClient(z.Client), req, &out); err != nil {
		return fmt.Errorf("zendesk ticket: %w", err)
	}
	if out.Ticket.ID == 0 {
		return fmt.Errorf("zendesk ticket: the answer names no ticket id")
	}
	return z.Store.SetTicket(ctx, c.ID, strconv.FormatInt(out.Ticket.ID, 10), strconv.FormatInt(out.Ticket.RequesterID, 10))
}

// localeID returns Zendesk's locale_id of one of our locales (en, sv),
// from the account's locales (GET /api/v2/locales.json), 0 when the
// account has none for it (the ticket is then made without one).
func (z *ZendeskSender) localeID(ctx context.Context, locale string) (int64, error) {
	z.mu.Lock()
	if z.locales != nil {
		id := z.locales[locale]
		z.mu.Unlock()
		return id, nil
	}
	z.mu.Unlock()
	req, err := z.newRequest(ctx, http.MethodGet, "/api/v2/locales.json", nil, "")
	if err != nil {
		return 0, err
	}
	var out struct {
		Locales []struct {
			ID     int64  `json:"id"`
			Locale string `json:"locale"`
		} `json:"locales"`
	}
	if err := doHTTP(httpClient(z.Client), req, &out); err != nil {
		return 0, fmt.Errorf("zendesk locales: %w", err)
	}
	m := map[string]int64{}
	for _, l := range out.Locales {
		code := strings.ToLower(l.Locale)
		lang, _, _ := strings.Cut(code, "-")
		// An exact match wins over a regional variant (en over en-gb).
		if code == lang || m[lang] == 0 {
			m[lang] = l.ID
		}
	}
	z.mu.Lock()
	z.locales = m
	z.mu.Unlock()
	return m[locale], nil
}

// ticket returns the case's ticket id and requester id, looking the
// ticket up by external_id (and recording it) when the case does not
// know it yet.
func (z *ZendeskSender) ticket(ctx context.Context, c *Case) (ticketID, requesterID string, err error) {
	if c.TicketID != "" && c.RequesterID != "" && c.RequesterID != "0" {
		return c.TicketID, c.RequesterID, nil
	}
	req, err := z.newRequest(ctx, http.MethodGet, "/api/v2/tickets.json?external_id="+url.QueryEscape(c.ID), nil, "")
	if err != nil {
		return "", "", err
	}
	var out struct {
		Tickets []zendeskTicket `json:"tickets"`
	}
	if err := doHTTP(httpClient(z.Client), req, &out); err != nil {
		return "", "", fmt.Errorf("zendesk ticket of case %s: %w", c.ID, err)
	}
	if len(out.Tickets) == 0 {
		// The case's own job has not made the ticket yet: try later.
		return "", "", fmt.Errorf("zendesk has no ticket with external_id %s yet", c.ID)
	}
	t := out.Tickets[0]
	ticketID, requesterID = strconv.FormatInt(t.ID, 10), strconv.FormatInt(t.RequesterID, 10)
	if err := z.Store.SetTicket(ctx, c.ID, ticketID, requesterID); err != nil {
		return "", "", err
	}
	return ticketID, requesterID, nil
}

// comments lists a ticket's comments, newest first (one page: enough to
// find a comment just made).
func (z *ZendeskSender) comments(ctx context.Context, ticketID string) ([]zendeskComment, error) {
	req, err := z.newRequest(ctx, http.MethodGet, "/api/v2/tickets/"+url.PathEscape(ticketID)+"/comments.json?sort_order=desc", nil, "")
	if err != nil {
		return nil, err
	}
	var out struct {
		Comments []zendeskComment `json:"comments"`
	}
	if err := doHTTP(httpClient(z.Client), req, &out); err != nil {
		return nil, fmt.Errorf("zendesk comments of ticket %s: %w", ticketID, err)
	}
	return out.Comments, nil
}

// addComment adds a requester's comment to the ticket as a public comment
// by the requester. A retry first looks whether an earlier attempt got
// through (the Tickets API takes no idempotency key on updates).
func (z *ZendeskSender) addComment(ctx context.Context, c *Case, job Job) error {
	ev, err := z.Store.Event(ctx, job.EventID)
	if err != nil {
		return eventErr(err)
	}
	if ev.ExternalID != "" {
		return nil // in Zendesk already (reported back by the webhook)
	}
	ticketID, requesterID, err := z.ticket(ctx, c)
	if err != nil {
		return err
	}
	author, err := strconv.ParseInt(requesterID, 10, 64)
	if err != nil || author == 0 {
		return fmt.Errorf("case %s: requester id %q of ticket %s is not a Zendesk user id", c.ID, requesterID, ticketID)
	}
	if job.Attempts > 1 {
		list, err := z.comments(ctx, ticketID)
		if err != nil {
			return err
		}
		for _, zc := range list {
			if zc.AuthorID == author && strings.TrimSpace(zc.Body) == strings.TrimSpace(ev.Body) {
				return z.Store.SetEventExternalID(ctx, ev.ID, strconv.FormatInt(zc.ID, 10))
			}
		}
	}
	files, err := z.Store.EventAttachments(ctx, ev.ID)
	if err != nil {
		return err
	}
	tokens, err := z.upload(ctx, files)
	if err != nil {
		return err
	}
	body, err := json.Marshal(map[string]any{"ticket": map[string]any{
		"comment": map[string]any{"body": ev.Body, "public": true, "author_id": author, "uploads": tokens},
	}})
	if err != nil {
		return Permanent(err)
	}
	req, err := z.newRequest(ctx, http.MethodPut, "/api/v2/tickets/"+url.PathEscape(ticketID)+".json", bytes.NewReader(body), "application/json")
	if err != nil {
		return err
	}
	var out struct {
		Audit struct {
			Events []struct {
				ID   int64  `json:"id"`
				Type string `json:"type"`
			} `json:"events"`
		} `json:"audit"`
	}
	if err := doHTTP(httpClient(z.Client), req, &out); err != nil {
		return fmt.Errorf("zendesk comment on ticket %s: %w", ticketID, err)
	}
	for _, e := range out.Audit.Events {
		if e.Type == "Comment" && e.ID != 0 {
			return z.Store.SetEventExternalID(ctx, ev.ID, strconv.FormatInt(e.ID, 10))
		}
	}
	return nil
}

// fetchReplyFiles stores the files of a support reply that came in by
// the Zendesk webhook.
func (z *ZendeskSender) fetchReplyFiles(ctx context.Context, c *Case, job Job) error {
	ev, err := z.Store.Event(ctx, job.EventID)
	if err != nil {
		return eventErr(err)
	}
	if len(ev.Attachments) > 0 || ev.ExternalID == "" {
		return nil // fetched already, or nothing to find it by
	}
	ticketID, _, err := z.ticket(ctx, c)
	if err != nil {
		return err
	}
	list, err := z.comments(ctx, ticketID)
	if err != nil {
		return err
	}
	var zc *zendeskComment
	for i := range list {
		if strconv.FormatInt(list[i].ID, 10) == ev.ExternalID {
			zc = &list[i]
		}
	}
	if zc == nil || len(zc.Attachments) == 0 {
		return nil
	}
	var files []Attachment
	for _, a := range zc.Attachments {
		if a.Size > hookFileMax {
			continue
		}
		data, err := z.download(ctx, a.ContentURL)
		if err != nil {
			return err
		}
		files = append(files, Attachment{Name: safeFileName(a.FileName), ContentType: fileType(a.ContentType, data), Data: data})
	}
	return z.Store.AddEventFiles(ctx, ev.ID, files)
}

// download fetches an attachment's content, authenticated when it is on
// the account's own host (private attachments need it).
func (z *ZendeskSender) download(ctx context.Context, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, Permanent(fmt.Errorf("zendesk attachment url %q", raw))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, Permanent(err)
	}
	if base, err := url.Parse(z.BaseURL); err == nil && base.Host == u.Host {
		req.SetBasicAuth(z.Email+"/token", z.Token)
	}
	resp, err := httpClient(z.Client).Do(req)
	if err != nil {
		return nil, fmt.Errorf("zendesk attachment: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("zendesk attachment %s: %s", u.Redacted(), resp.Status)
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusForbidden {
			return nil, Permanent(err)
		}
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, hookFileMax+1))
	if err != nil {
		return nil, fmt.Errorf("zendesk attachment: %w", err)
	}
	if len(data) > hookFileMax {
		return nil, Permanent(errors.New("zendesk attachment over the size limit"))
	}
	return data, nil
}
