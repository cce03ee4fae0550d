package cases

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
	"github.com/wneessen/go-mail"
)

// MailConfig says how to reach the SMTP server.
type MailConfig struct {
	// Host and Port of the SMTP server (Port default 587).
	Host string
	Port int
	// Username and Password for SMTP AUTH; empty means no authentication.
	Username, Password string
	// TLS is "starttls" (required; the default), "opportunistic", "tls"
	// (implicit TLS, usually port 465) or "none" (loopback tests only).
	TLS string
	// From is the sender address of every mail, e.g. "Help center
	// <noreply@example.com>".
	From string
	// Support is the address cases are sent to.
	Support string
}

// MailSender sends a case by SMTP: the whole case with its attachments to
// the support address (Confirmation false), or the case number to the
// requester (Confirmation true).
type MailSender struct {
	Config       MailConfig
	Confirmation bool
	Messages     Messages
	Store        Store // for attachments
}

func (m *MailSender) client() (*mail.Client, error) {
	cfg := m.Config
	opts := []mail.Option{mail.WithTimeout(30 * time.Second)}
	if cfg.Port != 0 {
		opts = append(opts, mail.WithPort(cfg.Port))
	}
	switch cfg.TLS {
	case "", "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "opportunistic":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, fmt.Errorf("smtp tls mode %q: use starttls, opportunistic, tls or none", cfg.TLS)
	}
	if cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	return mail.NewClient(cfg.Host, opts...)
}

// Send implements Sender.
func (m *MailSender) Send(ctx context.Context, c *Case, job Job) error {
	msg := mail.NewMsg()
	if err := msg.From(m.Config.From); err != nil {
		return Permanent(fmt.Errorf("from address %q: %w", m.Config.From, err))
	}
	domain := "helpcenter"
	if at := strings.LastIndexByte(m.Config.From, '@'); at >= 0 {
		domain = strings.Trim(m.Config.From[at+1:], "> ")
	}
	// A stable Message-ID lets the receiving side drop a re-sent copy.
	msg.SetMessageIDWithValue(fmt.Sprintf("%s.%s@%s", job.Kind, c.ID, domain))
	msg.SetDate()
	f := c.Fields
	if m.Confirmation {
		if err := msg.To(f[caseform.Email]); err != nil {
			return Permanent(fmt.Errorf("requester address: %w", err))
		}
		msg.Subject(m.Messages.T(c.Locale, "cases.mail.confirm_subject", c.ID))
		msg.SetBodyString(mail.TypeTextPlain, m.Messages.T(c.Locale, "cases.mail.confirm_body", f[caseform.Name], c.ID, f[caseform.Subject]))
	} else {
		if err := msg.To(m.Config.Support); err != nil {
			return Permanent(fmt.Errorf("support address %q: %w", m.Config.Support, err))
		}
		if err := msg.ReplyToFormat(f[caseform.Name], f[caseform.Email]); err != nil {
			return Permanent(fmt.Errorf("reply-to address: %w", err))
		}
		msg.Subject(m.Messages.T(DefaultLocale, "cases.mail.support_subject", c.ID, f[caseform.Subject]))
		msg.SetBodyString(mail.TypeTextPlain, caseText(m.Messages, c))
		files, err := m.Store.Attachments(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, a := range files {
			if err := msg.AttachReader(safeFileName(a.Name), bytes.NewReader(a.Data),
				mail.WithFileContentType(mail.ContentType(a.ContentType))); err != nil {
				return fmt.Errorf("attach %q: %w", a.Name, err)
			}
		}
	}
	client, err := m.client()
	if err != nil {
		return Permanent(err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp %s: %w", m.Config.Host, err)
	}
	return nil
}

// caseText renders a case as the plain-text body the support team reads.
func caseText(msgs Messages, c *Case) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Case %s, %s (%s)\n\n", c.ID, c.Created.Format(time.RFC3339), c.Locale)
	for _, f := range caseform.Fields {
		v := c.Fields[f.Name]
		if f.Name == caseform.Description || f.Name == caseform.IdempotencyKey || f.Name == caseform.Locale || v == "" || f.Input == caseform.InputFile {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", msgs.T(DefaultLocale, f.LabelKey()), v)
	}
	fmt.Fprintf(&b, "\n%s\n", c.Fields[caseform.Description])
	for _, a := range c.Attachments {
		fmt.Fprintf(&b, "\nAttachment: %s (%s, %d bytes)", a.Name, a.ContentType, a.Size)
	}
	return b.String()
}

// safeFileName keeps an uploaded file name printable and header-safe.
func safeFileName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, name)
	if name == "" {
		return "attachment"
	}
	return name
}

// casePayload is the JSON a webhook receives.
type casePayload struct {
	ID          string          `json:"id"`
	Created     time.Time       `json:"created"`
	Locale      string          `json:"locale"`
	Fields      caseform.Values `json:"fields"`
	Attachments []Attachment    `json:"attachments"`
}

// WebhookSender POSTs each case as JSON to URL. The body is signed:
// X-Helpcenter-Signature is "sha256=" and the hex HMAC-SHA256, keyed with
// Secret, of the X-Helpcenter-Timestamp value, a ".", and the body, so a
// receiver can reject forged and replayed requests. Idempotency-Key is
// the case id.
type WebhookSender struct {
	URL    string
	Secret string
	Client *http.Client // default: 30s timeout
}

// Sign returns the signature header value for body sent at timestamp ts.
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Send implements Sender.
func (w *WebhookSender) Send(ctx context.Context, c *Case, job Job) error {
	body, err := json.Marshal(casePayload{ID: c.ID, Created: c.Created, Locale: c.Locale, Fields: c.Fields, Attachments: c.Attachments})
	if err != nil {
		return Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("webhook url %q: %w", w.URL, err))
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", c.ID)
	req.Header.Set("X-Helpcenter-Timestamp", ts)
	req.Header.Set("X-Helpcenter-Signature", Sign(w.Secret, ts, body))
	return doHTTP(httpClient(w.Client), req, nil)
}

func httpClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// doHTTP sends req and decodes a JSON answer into out (if not nil). 4xx
// answers other than 408 and 429 are permanent: sending the same thing
// again will not help.
func doHTTP(client *http.Client, req *http.Request, out any) error {
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", req.Method, req.URL.Redacted(), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		err := fmt.Errorf("%s %s: %s: %.200s", req.Method, req.URL.Redacted(), resp.Status, data)
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != 408 && resp.StatusCode != 409 && resp.StatusCode != 429 {
			return Permanent(err)
		}
		return err
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", req.Method, req.URL.Redacted(), err)
		}
	}
	return nil
}

// ZendeskSender creates a Zendesk ticket per case with the Tickets API:
// attachments go first to /api/v2/uploads.json, then POST
// /api/v2/tickets.json with the upload tokens, the requester, and the case
// id as Idempotency-Key and external_id, so a retried job never makes a
// second ticket.
type ZendeskSender struct {
	// BaseURL is https://<subdomain>.zendesk.com.
	BaseURL string
	// Email and Token authenticate as an agent with an API token.
	Email, Token string
	Store        Store // for attachments
	Messages     Messages
	Client       *http.Client
}

func (z *ZendeskSender) newRequest(ctx context.Context, path string, body io.Reader, contentType string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(z.BaseURL, "/")+path, body)
	if err != nil {
		return nil, Permanent(fmt.Errorf("zendesk url %q: %w", z.BaseURL, err))
	}
	req.SetBasicAuth(z.Email+"/token", z.Token)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// Send implements Sender.
func (z *ZendeskSender) Send(ctx context.Context, c *Case, job Job) error {
	client := httpClient(z.Client)
	files, err := z.Store.Attachments(ctx, c.ID)
	if err != nil {
		return err
	}
	var tokens []string
	for _, a := range files {
		req, err := z.newRequest(ctx, "/api/v2/uploads.json?filename="+url.QueryEscape(safeFileName(a.Name)), bytes.NewReader(a.Data), a.ContentType)
		if err != nil {
			return err
		}
		var out struct {
			Upload struct {
				Token string `json:"token"`
			} `json:"upload"`
		}
		if err := doHTTP(client, req, &out); err != nil {
			return fmt.Errorf("zendesk upload %q: %w", a.Name, err)
		}
		tokens = append(tokens, out.Upload.Token)
	}
	f := c.Fields
	ticket := map[string]any{
		"subject":     f[caseform.Subject],
		"external_id": c.ID,
		"tags":        []string{"helpcenter", f[caseform.Category]},
		"requester":   map[string]string{"name": f[caseform.Name], "email": f[caseform.Email], "locale": c.Locale},
		"comment":     map[string]any{"body": caseText(z.Messages, c), "uploads": tokens},
	}
	body, err := json.Marshal(map[string]any{"ticket": ticket})
	if err != nil {
		return Permanent(err)
	}
	req, err := z.newRequest(ctx, "/api/v2/tickets.json", bytes.NewReader(body), "application/json")
	if err != nil {
		return err
	}
	req.Header.Set("Idempotency-Key", c.ID)
	if err := doHTTP(client, req, nil); err != nil {
		return fmt.Errorf("zendesk ticket: %w", err)
	}
	return nil
}

// LogSender "delivers" by logging the case; helpcenter serve uses it so
// writers can try the form without a mail server.
type LogSender struct{ Logger *slog.Logger }

// Send implements Sender.
func (l LogSender) Send(ctx context.Context, c *Case, job Job) error {
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "case received (log delivery only)", "case", c.ID,
		"email", c.Fields[caseform.Email], "subject", c.Fields[caseform.Subject],
		"category", c.Fields[caseform.Category], "article", c.Fields[caseform.Article],
		"attachments", len(c.Attachments))
	return nil
}
