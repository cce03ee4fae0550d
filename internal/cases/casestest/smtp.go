// Package casestest holds the outside services the form handler's tests
// talk to, started on loopback: a real SMTP server (go-smtp) that keeps
// what it receives, and a fake Zendesk that answers the Tickets API
// requests the handler makes with the API's real request and response
// shapes and, like Zendesk, sends signed webhook events when a ticket
// changes. It does not import package cases, so that package's own tests
// can use it.
package casestest

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one message the SMTP server received.
type Mail struct {
	From string
	To   []string
	Data []byte
}

// Header returns a header of the message, decoded ("" if absent).
func (m Mail) Header(name string) string {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return ""
	}
	v := msg.Header.Get(name)
	if d, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// Text returns the message's plain-text body (the first text/plain part
// of a multipart message), decoded.
func (m Mail) Text() string {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return ""
	}
	return textOf(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

func textOf(ctype, encoding string, body io.Reader) string {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return ""
			}
			if t := textOf(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); t != "" {
				return t
			}
		}
	}
	if mt != "text/plain" {
		return ""
	}
	data, _ := io.ReadAll(body)
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		data, _ = io.ReadAll(newQPReader(data))
	case "base64":
		data, _ = io.ReadAll(newB64Reader(data))
	}
	return string(data)
}

// SMTP is a real SMTP server on loopback that can be taken down and
// brought back on the same address.
type SMTP struct {
	t    testing.TB
	addr string
	mu   sync.Mutex
	got  []Mail
	srv  *smtp.Server
}

// StartSMTP starts an SMTP server on 127.0.0.1, stopped when the test
// ends.
func StartSMTP(t testing.TB) *SMTP {
	s := &SMTP{t: t}
	s.Up("127.0.0.1:0")
	t.Cleanup(s.Down)
	return s
}

// Up (re)starts the server on addr.
func (s *SMTP) Up(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatalf("smtp listen: %v", err)
	}
	s.mu.Lock()
	s.addr = ln.Addr().String()
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	s.srv = srv
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// Down stops the server.
func (s *SMTP) Down() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Addr is the server's host:port.
func (s *SMTP) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Port is the server's port.
func (s *SMTP) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr())
	n, _ := strconv.Atoi(p)
	return n
}

// Mails returns what the server received so far.
func (s *SMTP) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.got...)
}

// WaitFor returns the first mail that match accepts, waiting up to 60
// seconds for it (a hang guard, not a speed assertion).
func (s *SMTP) WaitFor(t testing.TB, what string, match func(Mail) bool) Mail {
	t.Helper()
	return s.WaitForAfter(t, 0, what, match)
}

// WaitForAfter is WaitFor among the mails after the first n.
func (s *SMTP) WaitForAfter(t testing.TB, n int, what string, match func(Mail) bool) Mail {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := s.Mails()
		for _, m := range got[min(n, len(got)):] {
			if match(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail %s arrived in 60s (got %d mails)", what, len(s.Mails()))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type session struct {
	s    *SMTP
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}
func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.got = append(x.s.got, Mail{From: x.from, To: x.to, Data: data})
	x.s.mu.Unlock()
	return nil
}
