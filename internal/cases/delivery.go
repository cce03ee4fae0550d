package cases

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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

// MailSender sends mail by SMTP. By default it sends the support team a
// case with its attachments, or a requester's later comment with its files
// (the case number in the subject, threaded under the case's mail);
// with Confirmation it sends the requester the case number, with Notify a
// support reply and a link back to the case. It also sends sign-in links
// (SendSignIn).
type MailSender struct {
	Config       MailConfig
	Confirmation bool
	Notify       bool
	Messages     Messages
	Store        Store // for attachments and comments
	// SiteURL is the help center's address, for links back to the case
	// (the requester's pages live under SiteURL + BasePath, default /api).
	SiteURL  string
	BasePath string
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

// domain is the part of the From address after @, for Message-IDs.
func (m *MailSender) domain() string {
	if at := strings.LastIndexByte(m.Config.From, '@'); at >= 0 {
		return strings.Trim(m.Config.From[at+1:], "> ")
	}
	return "helpcenter"
}

// caseURL is the requester's page of a case, for links in mail.
func (m *MailSender) caseURL(c *Case) string {
	base := m.BasePath
	if base == "" {
		base = "/api"
	}
	return strings.TrimRight(m.SiteURL, "/") + base + "/my/cases/" + url.PathEscape(c.ID) + "?locale=" + url.QueryEscape(c.Locale)
}

// newMsg starts a message from the configured sender with a stable
// Message-ID (the receiving side drops a re-sent copy).
func (m *MailSender) newMsg(id string) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(m.Config.From); err != nil {
		return nil, Permanent(fmt.Errorf("from address %q: %w", m.Config.From, err))
	}
	msg.SetMessageIDWithValue(id + "@" + m.domain())
	msg.SetDate()
	return msg, nil
}

func (m *MailSender) send(ctx context.Context, msg *mail.Msg) error {
	client, err := m.client()
	if err != nil {
		return Permanent(err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp %s: %w", m.Config.Host, err)
	}
	return nil
}

func attachAll(msg *mail.Msg, files []Attachment) error {
	for _, a := range files {
		if err := msg.AttachReader(safeFileName(a.Name), bytes.NewReader(a.Data),
			mail.WithFileContentType(mail.ContentType(a.ContentType))); err != nil {
			return fmt.Errorf("attach %q: %w", a.Name, err)
		}
	}
	return nil
}

// toSupport starts a message to the support address that a reply sends
// to the requester.
func (m *MailSender) toSupport(id string, c *Case) (*mail.Msg, error) {
	msg, err := m.newMsg(id)
	if err != nil {
		return nil, err
	}
	if err := msg.To(m.Config.Support); err != nil {
		return nil, Permanent(fmt.Errorf("support address %q: %w", m.Config.Support, err))
	}
	if err := msg.ReplyToFormat(c.Fields[caseform.Name], c.Fields[caseform.Email]); err != nil {
		return nil, Permanent(fmt.Errorf("reply-to address: %w", err))
	}
	return msg, nil
}

// Send implements Sender.
func (m *MailSender) Send(ctx context.Context, c *Case, job Job) error {
	switch {
	case m.Notify:
		return m.sendReply(ctx, c, job)
	case m.Confirmation:
		return m.sendConfirmation(ctx, c, job)
	case job.EventID != 0:
		return m.sendComment(ctx, c, job)
	}
	msg, err := m.toSupport(fmt.Sprintf("%s.%s", job.Kind, c.ID), c)
	if err != nil {
		return err
	}
	f := c.Fields
	msg.Subject(m.Messages.T(DefaultLocale, "cases.mail.support_subject", c.ID, f[caseform.Subject]))
	msg.SetBodyString(mail.TypeTextPlain, caseText(m.Messages, c))
	files, err := m.Store.Attachments(ctx, c.ID)
	if err != nil {
		return err
	}
	if err := attachAll(msg, files); err != nil {
		return err
	}
	return m.send(ctx, msg)
}

func (m *MailSender) sendConfirmation(ctx context.Context, c *Case, job Job) error {
	msg, err := m.newMsg(fmt.Sprintf("%s.%s", job.Kind, c.ID))
	if err != nil {
		return err
	}
	f := c.Fields
	if err := msg.To(f[caseform.Email]); err != nil {
		return Permanent(fmt.Errorf("requester address: %w", err))
	}
	msg.Subject(m.Messages.T(c.Locale, "cases.mail.confirm_subject", c.ID))
	body := m.Messages.T(c.Locale, "cases.mail.confirm_body", f[caseform.Name], c.ID, f[caseform.Subject])
	if m.SiteURL != "" {
		body += m.Messages.T(c.Locale, "cases.mail.confirm_link", m.caseURL(c))
	}
	msg.SetBodyString(mail.TypeTextPlain, body)
	return m.send(ctx, msg)
}

// sendComment mails support a requester's comment, with its files,
// threaded under the case's own mail.
func (m *MailSender) sendComment(ctx context.Context, c *Case, job Job) error {
	ev, err := m.Store.Event(ctx, job.EventID)
	if err != nil {
		return eventErr(err)
	}
	msg, err := m.toSupport(fmt.Sprintf("%s.%s.%d", job.Kind, c.ID, ev.ID), c)
	if err != nil {
		return err
	}
	f := c.Fields
	thread := fmt.Sprintf("<%s.%s@%s>", KindSupportMail, c.ID, m.domain())
	msg.SetGenHeader(mail.HeaderInReplyTo, thread)
	msg.SetGenHeader(mail.HeaderReferences, thread)
	msg.Subject(m.Messages.T(DefaultLocale, "cases.mail.comment_subject", c.ID, f[caseform.Subject]))
	msg.SetBodyString(mail.TypeTextPlain, commentText(c, ev))
	files, err := m.Store.EventAttachments(ctx, ev.ID)
	if err != nil {
		return err
	}
	if err := attachAll(msg, files); err != nil {
		return err
	}
	return m.send(ctx, msg)
}

// sendReply mails the requester a support reply and the way back to the
// case.
func (m *MailSender) sendReply(ctx context.Context, c *Case, job Job) error {
	if job.EventID == 0 {
		return Permanent(fmt.Errorf("a %s job without a reply to send", job.Kind))
	}
	ev, err := m.Store.Event(ctx, job.EventID)
	if err != nil {
		return eventErr(err)
	}
	msg, err := m.newMsg(fmt.Sprintf("%s.%s.%d", job.Kind, c.ID, ev.ID))
	if err != nil {
		return err
	}
	f := c.Fields
	if err := msg.To(f[caseform.Email]); err != nil {
		return Permanent(fmt.Errorf("requester address: %w", err))
	}
	msg.Subject(m.Messages.T(c.Locale, "cases.mail.reply_subject", c.ID, f[caseform.Subject]))
	msg.SetBodyString(mail.TypeTextPlain, m.Messages.T(c.Locale, "cases.mail.reply_body", f[caseform.Name], c.ID, f[caseform.Subject], ev.Body, m.caseURL(c)))
	return m.send(ctx, msg)
}

// SendSignIn implements SignInSender.
func (m *MailSender) SendSignIn(ctx context.Context, to, locale, link string) error {
	var b [9]byte
	_, _ = rand.Read(b[:])
	msg, err := m.newMsg("signin." + hex.EncodeToString(b[:]))
	if err != nil {
		return err
	}
	if err := msg.To(to); err != nil {
		return Permanent(fmt.Errorf("requester address: %w", err))
	}
	msg.Subject(m.Messages.T(locale, "cases.mail.signin_subject"))
	msg.SetBodyString(mail.TypeTextPlain, m.Messages.T(locale, "cases.mail.signin_body", link))
	return m.send(ctx, msg)
}

// eventErr: a job whose event is gone (purged with its case) cannot be
// delivered.
func eventErr(err error) error {
	if errors.Is(err, ErrNotFound) {
		return Permanent(err)
	}
	return err
}

// commentText renders a requester's comment for the support team.
func commentText(c *Case, ev *Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Case %s: new comment from %s <%s>, %s\n\n%s\n", c.ID, c.Fields[caseform.Name], c.Fields[caseform.Email], ev.Created.Format(time.RFC3339), ev.Body)
	for _, a := range ev.Attachments {
		fmt.Fprintf(&b, "\nAttachment: %s (%s, %d bytes)", a.Name, a.ContentType, a.Size)
	}
	return b.String()
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

// casePayload is the JSON a webhook receives for a new case.
type casePayload struct {
	Type        string          `json:"type"`
	ID          string          `json:"id"`
	Created     time.Time       `json:"created"`
	Locale      string          `json:"locale"`
	Fields      caseform.Values `json:"fields"`
	Attachments []Attachment    `json:"attachments"`
}

// commentPayload is the JSON a webhook receives for a requester's comment
// on a case.
type commentPayload struct {
	Type    string `json:"type"`
	Case    string `json:"case"`
	Comment struct {
		ID          int64        `json:"id"`
		Created     time.Time    `json:"created"`
		Author      string       `json:"author"`
		AuthorName  string       `json:"author_name"`
		Email       string       `json:"email"`
		Body        string       `json:"body"`
		Attachments []Attachment `json:"attachments"`
	} `json:"comment"`
}

// Webhook event types the handler sends.
const (
	webhookCaseCreated  = "case_created"
	webhookCommentAdded = "comment_added"
)

// WebhookSender POSTs each case, and each requester's comment on one, as
// JSON to URL ("type" says which: case_created, comment_added). The body
// is signed: X-Helpcenter-Signature is "sha256=" and the hex HMAC-SHA256,
// keyed with Secret, of the X-Helpcenter-Timestamp value, a ".", and the
// body, so a receiver can reject forged and replayed requests.
// Idempotency-Key is the case id, or "<case id>/<comment id>".
type WebhookSender struct {
	URL    string
	Secret string
	Store  Store        // for comments
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
	key := c.ID
	var v any = casePayload{Type: webhookCaseCreated, ID: c.ID, Created: c.Created, Locale: c.Locale, Fields: c.Fields, Attachments: c.Attachments}
	if job.EventID != 0 {
		if w.Store == nil {
			return Permanent(errors.New("the webhook sender has no store to read comments from"))
		}
		ev, err := w.Store.Event(ctx, job.EventID)
		if err != nil {
			return eventErr(err)
		}
		p := commentPayload{Type: webhookCommentAdded, Case: c.ID}
		p.Comment.ID, p.Comment.Created, p.Comment.Author, p.Comment.AuthorName = ev.ID, ev.Created, ev.Author, ev.AuthorName
		p.Comment.Email, p.Comment.Body, p.Comment.Attachments = c.Fields[caseform.Email], ev.Body, ev.Attachments
		if p.Comment.Attachments == nil {
			p.Comment.Attachments = []Attachment{}
		}
		v, key = p, fmt.Sprintf("%s/%d", c.ID, ev.ID)
	}
	body, err := json.Marshal(v)
	if err != nil {
		return Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("webhook url %q: %w", w.URL, err))
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
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
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
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

// LogSender "delivers" by logging the case, comment or reply, and logs
// sign-in links instead of mailing them; helpcenter serve uses it so
// writers can try the form and the requester's pages without a mail
// server.
type LogSender struct {
	Logger *slog.Logger
	Store  Store // for comments and replies
}

func (l LogSender) logger() *slog.Logger {
	if l.Logger == nil {
		return slog.Default()
	}
	return l.Logger
}

// Send implements Sender.
func (l LogSender) Send(ctx context.Context, c *Case, job Job) error {
	log := l.logger()
	if job.EventID != 0 && l.Store != nil {
		ev, err := l.Store.Event(ctx, job.EventID)
		if err != nil {
			return eventErr(err)
		}
		what := "comment from the requester received (log delivery only)"
		if ev.Author == AuthorSupport {
			what = "support reply to mail the requester (log delivery only)"
		}
		log.InfoContext(ctx, what, "case", c.ID, "event", ev.ID, "email", c.Fields[caseform.Email],
			"attachments", len(ev.Attachments), "text", ev.Body)
		return nil
	}
	log.InfoContext(ctx, "case received (log delivery only)", "case", c.ID,
		"email", c.Fields[caseform.Email], "subject", c.Fields[caseform.Subject],
		"category", c.Fields[caseform.Category], "article", c.Fields[caseform.Article],
		"attachments", len(c.Attachments))
	return nil
}

// SendSignIn implements SignInSender: the link goes to the log, where a
// writer trying the preview finds it.
func (l LogSender) SendSignIn(ctx context.Context, to, locale, link string) error {
	l.logger().InfoContext(ctx, "sign-in link (log delivery only: open it to sign in)", "email", to, "link", link)
	return nil
}
