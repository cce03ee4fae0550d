package cases

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// Signing in, without accounts.
//
// A reader asks for a link with an email address (POST /api/signin). The
// answer is the same whatever the address: the request is queued and the
// handler answers at once, so neither the page nor its timing says
// whether the address has cases. In the background a sender checks: an
// address with cases gets a single-use link, <site>/api/signin/<token>,
// valid for SignInLifetime; others get nothing. The token exists in
// plain text only in the mail (and in memory until it is sent): the
// store keeps its SHA-256. Following the link (GET) spends it and starts
// a session: a random id in a session cookie (__Host-, HttpOnly, Secure
// unless the site is plain HTTP on loopback, SameSite=Lax; gone when the
// browser closes), stored as its SHA-256, ending on the server after
// SessionLifetime or at sign-out. A queued link
// lost in a crash is asked for again; nothing else depends on it.

// SignInLifetime is how long a mailed sign-in link works.
const SignInLifetime = 30 * time.Minute

// SessionLifetime is how long a session lasts (the sign-in page says so).
const SessionLifetime = 4 * time.Hour

// Session cookie names: with the __Host- prefix (Secure, no Domain,
// Path=/) wherever the site is served over HTTPS; without it for a site on
// plain HTTP on loopback (the preview), where browsers would refuse a
// Secure cookie.
const (
	sessionCookie         = "__Host-helpcenter_session"
	sessionCookieLoopback = "helpcenter_session"
)

// SignInSender mails a sign-in link.
type SignInSender interface {
	SendSignIn(ctx context.Context, to, locale, link string) error
}

// newSecret returns a random 256-bit token and the hex SHA-256 the store
// keeps of it.
func newSecret() (token, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, hashSecret(token)
}

func hashSecret(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// tokenPattern is the form of a token newSecret makes.
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// signinRequest is a sign-in link to send, if the address has cases.
type signinRequest struct {
	email, locale, next, site string
}

// signinQueue sends sign-in links in the background, so that every
// request gets the same answer at the same speed.
type signinQueue struct {
	s      *Server
	ch     chan signinRequest
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// signinWorkers send links at once; signinBacklog is how many requests
// may wait (more are dropped with a warning: the reader asks again).
const (
	signinWorkers = 2
	signinBacklog = 512
)

func newSigninQueue(s *Server) *signinQueue {
	q := &signinQueue{s: s, ch: make(chan signinRequest, signinBacklog)}
	q.ctx, q.cancel = context.WithCancel(context.Background())
	for range signinWorkers {
		q.wg.Add(1)
		go q.work()
	}
	return q
}

func (q *signinQueue) add(r signinRequest) {
	select {
	case q.ch <- r:
	default:
		q.s.log.Warn("sign-in link dropped: too many waiting to be sent")
	}
}

func (q *signinQueue) close() {
	q.once.Do(func() {
		q.cancel()
		q.wg.Wait()
	})
}

func (q *signinQueue) work() {
	defer q.wg.Done()
	for {
		select {
		case <-q.ctx.Done():
			return
		case r := <-q.ch:
			q.send(r)
		}
	}
}

// signinRetries are the waits before the attempts after the first: a
// mail server that is briefly down still gets the link out while it is
// worth having.
var signinRetries = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute}

func (q *signinQueue) send(r signinRequest) {
	s := q.s
	ctx := q.ctx
	has, err := s.store.HasCases(ctx, r.email)
	if err != nil {
		s.log.Error("sign-in link not sent: could not look up the address", "err", err)
		return
	}
	if !has {
		s.log.Info("sign-in link not sent: no cases from the address")
		return
	}
	if s.cfg.SignInMail == nil {
		s.log.Warn("sign-in link not sent: no mail delivery is configured (start formhandler serve with --smtp-host)")
		return
	}
	token, hash := newSecret()
	now := time.Now().UTC()
	if err := s.store.CreateSignIn(ctx, &SignIn{Hash: hash, Email: r.email, Locale: r.locale, Next: r.next, Created: now, Expires: now.Add(SignInLifetime)}); err != nil {
		s.log.Error("sign-in link not sent: could not store it", "err", err)
		return
	}
	link := r.site + s.cfg.BasePath + "/signin/" + token
	for attempt := 0; ; attempt++ {
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		err := s.cfg.SignInMail.SendSignIn(sctx, r.email, r.locale, link)
		cancel()
		if err == nil {
			s.metrics.signinSent.Add(1)
			s.log.Info("sign-in link sent")
			return
		}
		if attempt == len(signinRetries) || IsPermanent(err) {
			s.log.Error("sign-in link not sent", "err", err, "attempts", attempt+1)
			return
		}
		s.log.Warn("sign-in link not sent yet, will retry", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(signinRetries[attempt]):
		}
	}
}

// siteURL is the site's address for links in mail.
func (s *Server) siteURL(r *http.Request) string {
	switch {
	case s.cfg.SiteURL != "":
		return strings.TrimRight(s.cfg.SiteURL, "/")
	case len(s.cfg.AllowedOrigins) > 0:
		return strings.TrimRight(s.cfg.AllowedOrigins[0], "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// loopbackSite reports whether the site is served over plain HTTP on a
// loopback address (the preview, tests), where cookies cannot be Secure.
func (s *Server) loopbackSite(r *http.Request) bool {
	u, err := url.Parse(s.siteURL(r))
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) cookieName(r *http.Request) string {
	if s.loopbackSite(r) {
		return sessionCookieLoopback
	}
	return sessionCookie
}

// session returns the signed-in reader of a request, nil if none.
func (s *Server) session(r *http.Request) (*Session, error) {
	c, err := r.Cookie(s.cookieName(r))
	if err != nil || !tokenPattern.MatchString(c.Value) {
		return nil, nil
	}
	sess, err := s.store.Session(r.Context(), hashSecret(c.Value), time.Now())
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return sess, err
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(r), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: !s.loopbackSite(r), SameSite: http.SameSiteLaxMode,
	})
}

// requestLocale picks the language of a page: the query's locale, else
// the one given (the form's, the session's), else Accept-Language.
func (s *Server) requestLocale(r *http.Request, given string) string {
	if q := r.URL.Query().Get("locale"); q != "" {
		if _, ok := s.msgs[q]; ok {
			return q
		}
	}
	return s.msgs.Negotiate(given, r.Header.Get("Accept-Language"))
}

// casesPage is the site's sign-in page in a locale.
func casesPage(locale string) string { return "/" + locale + "/cases/" }

// validNext accepts where a reader may be sent after signing in: the
// list or one case of the requester's pages.
func (s *Server) validNext(next string) string {
	list := s.cfg.BasePath + "/my/cases"
	if next == list {
		return next
	}
	if id, ok := strings.CutPrefix(next, list+"/"); ok && caseIDPattern.MatchString(id) {
		return next
	}
	return ""
}

// caseIDPattern is what a case number looks like in a path.
var caseIDPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,40}$`)

// nextFromReferer is the no-JS way of carrying where to go after signing
// in: the handler sends a reader who is not signed in to the sign-in page
// with ?next=, and the browser sends that page as Referer with the form.
func nextFromReferer(ref string) string {
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	return u.Query().Get("next")
}

// Message keys of the sign-in answers.
const (
	msgSignInRequired    = "cases.signin.required"
	msgSignInRateLimited = "cases.signin.rate_limited" // %s: how long to wait
	msgSignInServer      = "cases.error.signin_server"
)

func (s *Server) postSignIn(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, s.signinIP, clientAddr(r, s.cfg.TrustedProxyHeader), msgSignInRateLimited) {
		return
	}
	sub, release, ok := s.readBody(w, r, false)
	defer release()
	if !ok {
		return
	}
	locale := s.requestLocale(r, sub.values[caseform.Locale])
	email := strings.TrimSpace(sub.values[caseform.Email])
	if key := caseform.ValidateField(caseform.Email, email); key != "" {
		if wantsJSON(r) {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": map[string]fieldError{
				caseform.Email: {Key: key, Message: s.msgs.T(locale, key)}}})
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, &page{Locale: locale, Title: s.msgs.T(locale, "cases.my.title"),
			Message: s.msgs.T(locale, key), Links: []pageLink{{Text: s.msgs.T(locale, "cases.signin.again"), URL: casesPage(locale)}},
			Crumbs: []pageLink{{Text: s.msgs.T(locale, "cases.my.title"), URL: casesPage(locale), Current: true}}})
		return
	}
	if !s.allowed(w, r, s.signinEmail, strings.ToLower(email), msgSignInRateLimited) {
		return
	}
	next := sub.values["next"]
	if next == "" {
		next = nextFromReferer(r.Header.Get("Referer"))
	}
	s.signins.add(signinRequest{email: email, locale: locale, next: s.validNext(next), site: s.siteURL(r)})
	s.metrics.signinAsked.Add(1)
	if wantsJSON(r) {
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "sent"})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, s.cfg.BasePath+"/signin/sent?locale="+url.QueryEscape(locale), http.StatusSeeOther)
}

func (s *Server) getSignInSent(w http.ResponseWriter, r *http.Request) {
	locale := s.requestLocale(r, "")
	s.render(w, r, http.StatusOK, &page{Locale: locale, Title: s.msgs.T(locale, "cases.signin.sent_title"),
		Message: s.msgs.T(locale, "cases.signin.sent"), Help: s.msgs.T(locale, "cases.signin.sent_help"),
		Links:  []pageLink{{Text: s.msgs.T(locale, "cases.signin.again"), URL: casesPage(locale)}},
		Crumbs: []pageLink{{Text: s.msgs.T(locale, "cases.my.title"), URL: casesPage(locale)}, {Text: s.msgs.T(locale, "cases.signin.sent_title"), Current: true}}})
}

// getSignIn follows a mailed link: a good one starts a session and sends
// the reader on; a used, expired or unknown one gets one answer.
func (s *Server) getSignIn(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	token := r.PathValue("token")
	var si *SignIn
	id, idHash := newSecret()
	now := time.Now().UTC()
	err := ErrNotFound
	if tokenPattern.MatchString(token) {
		si, err = s.store.Redeem(r.Context(), hashSecret(token), &Session{Hash: idHash, Created: now, Expires: now.Add(SessionLifetime)}, now)
	}
	if errors.Is(err, ErrNotFound) {
		locale := s.requestLocale(r, "")
		s.log.Info("refused a sign-in link: unknown, used or expired")
		if wantsJSON(r) {
			writeJSON(w, http.StatusForbidden, map[string]any{"error": fieldError{Key: "cases.signin.invalid", Message: s.msgs.T(locale, "cases.signin.invalid")}})
			return
		}
		s.render(w, r, http.StatusForbidden, &page{Locale: locale, Title: s.msgs.T(locale, "cases.signin.invalid_title"),
			Message: s.msgs.T(locale, "cases.signin.invalid"), langPath: casesPage(locale),
			Links:  []pageLink{{Text: s.msgs.T(locale, "cases.signin.again"), URL: casesPage(locale)}},
			Crumbs: []pageLink{{Text: s.msgs.T(locale, "cases.my.title"), URL: casesPage(locale)}, {Text: s.msgs.T(locale, "cases.signin.invalid_title"), Current: true}}})
		return
	}
	if err != nil {
		s.log.Error("sign in", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgSignInServer)
		return
	}
	s.metrics.signins.Add(1)
	// A session cookie (no Max-Age): it goes when the browser closes, and
	// the session itself ends on the server after SessionLifetime.
	s.setSessionCookie(w, r, id, 0)
	to := si.Next
	if to == "" {
		to = s.cfg.BasePath + "/my/cases"
	}
	http.Redirect(w, r, to+"?locale="+url.QueryEscape(si.Locale), http.StatusSeeOther)
}

func (s *Server) postSignOut(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.log.Error("sign out", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgServer)
		return
	}
	given := ""
	if sess != nil {
		if err := s.store.DeleteSession(r.Context(), sess.Hash); err != nil {
			s.log.Error("sign out", "err", err)
			s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgServer)
			return
		}
		given = sess.Locale
	}
	s.setSessionCookie(w, r, "", -1)
	if r.Header.Get("Content-Type") != "" {
		// The form's locale; the body is tiny and only read for it.
		if err := r.ParseForm(); err == nil && r.PostForm.Get("locale") != "" {
			given = r.PostForm.Get("locale")
		}
	}
	locale := s.requestLocale(r, given)
	if wantsJSON(r) {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, casesPage(locale), http.StatusSeeOther)
}

// signedIn returns the request's session, answering the request itself
// when there is none (ok false): scripts get 401, browsers go to the
// sign-in page, which brings them back to next.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request, next string) (*Session, bool) {
	sess, err := s.session(r)
	if err != nil {
		s.log.Error("read session", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgServer)
		return nil, false
	}
	if sess != nil {
		return sess, true
	}
	locale := s.requestLocale(r, "")
	if wantsJSON(r) || r.Method != http.MethodGet {
		s.fail(w, r, http.StatusUnauthorized, nil, msgSignInRequired)
		return nil, false
	}
	to := casesPage(locale)
	if next != "" && next != s.cfg.BasePath+"/my/cases" {
		to += "?next=" + url.QueryEscape(next)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil, false
}
