package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// Config configures a Server. The zero value of every field but Store/DB
// works.
type Config struct {
	// Store holds the cases. If nil, NewServer opens DB.
	Store Store
	// DB is a SQLite file path, or a postgres:// URL (see Open).
	DB string
	// BasePath is where the API lives (default "/api"); Netlify proxies
	// the site's /api/* here unchanged.
	BasePath string
	// AllowedOrigins are the site origins (scheme://host[:port]) that may
	// post cross-origin, e.g. the Netlify site URL. Same-origin posts are
	// always allowed; other browser posts get 403.
	AllowedOrigins []string
	// Senders deliver each job kind. Empty means log delivery only.
	Senders map[string]Sender
	// Outbox tunes delivery (retries, backoff).
	Outbox OutboxConfig
	// RateLimits per client and per email.
	RateLimits RateLimits
	// TrustedProxyHeader names the header holding the real client address,
	// set by the proxy in front (Netlify: X-Nf-Client-Connection-Ip). Leave
	// empty when clients connect directly: the header could be forged.
	TrustedProxyHeader string
	// NetlifySecret, if set, requires every API request to carry a valid
	// X-Nf-Sign header signed with it (Netlify's signed proxy redirects).
	NetlifySecret string
	// BodyLimits bound request bodies by kind (urlencoded and JSON cases,
	// multipart cases with files, votes) and the memory uploads may hold.
	BodyLimits BodyLimits
	// Logger receives structured logs (default slog.Default()).
	Logger *slog.Logger

	// SiteURL is the help center's address (https://help.example.com):
	// sign-in links and the requester's mails point there, and the
	// handler's pages take their frame (header, footer, stylesheet) from
	// its /<locale>/cases/ pages. Default: the first of AllowedOrigins,
	// else the address the request came to.
	SiteURL string
	// Frames, if set, supplies those pages instead of fetching them from
	// SiteURL (helpcenter serve reads them from its build).
	Frames FrameFunc
	// FrameTTL is how long a page fetched from SiteURL serves as the
	// frame before it is fetched again (default 5 minutes).
	FrameTTL time.Duration
	// TimeZone dates the requester's pages (default UTC).
	TimeZone *time.Location
	// SignInMail sends sign-in links. Nil means none can be sent (the log
	// says so); helpcenter serve logs the links instead.
	SignInMail SignInSender
	// ZendeskWebhookSecret is the signing secret of the Zendesk webhook
	// that POSTs ticket events to /api/hooks/zendesk; empty turns the
	// hook off (404).
	ZendeskWebhookSecret string
	// HookSecret keys the X-Helpcenter-Signature of events POSTed to
	// /api/hooks/generic by other ticketing systems; empty turns the hook
	// off (404).
	HookSecret string
	// HookWindow is how far a webhook's signed timestamp may be from now
	// (default 5 minutes); older and later ones are refused as replays.
	HookWindow time.Duration
	// Zendesk, if set, lets the Zendesk hook fetch the files of support
	// replies (the hook's events carry only their text).
	Zendesk *ZendeskSender
}

// Open opens the store named by db: a postgres:// or postgresql:// URL
// opens PostgreSQL, anything else is a SQLite file path.
func Open(db string) (Store, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return OpenPostgres(db)
	}
	if db == "" {
		return nil, errors.New("no database: give --db PATH (a SQLite file) or a postgres:// URL")
	}
	return OpenSQLite(db)
}

// Server is the form handler: HTTP API, store and outbox.
type Server struct {
	cfg       Config
	store     Store
	ownsStore bool
	msgs      Messages
	metrics   *Metrics
	outbox    *Outbox
	kinds     []string
	log       *slog.Logger
	cases     *limiter
	emails    *limiter
	votes     *limiter
	searches  *limiter
	bodies    *bodyReader
	handler   http.Handler

	frames       *frames
	zone         *time.Location
	signinIP     *limiter
	signinEmail  *limiter
	comments     *limiter
	signins      *signinQueue
	commentKinds []string // jobs of a requester's comment
	replyKinds   []string // jobs of a support reply
}

// NewServer builds a Server from cfg. Call Run to deliver jobs, serve
// Handler, and Close when done.
func NewServer(cfg Config) (*Server, error) {
	if cfg.BasePath == "" {
		cfg.BasePath = "/api"
	}
	cfg.BasePath = "/" + strings.Trim(cfg.BasePath, "/")
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.BodyLimits = cfg.BodyLimits.withDefaults()
	msgs, err := LoadMessages()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, msgs: msgs, metrics: NewMetrics(), log: cfg.Logger, store: cfg.Store, bodies: newBodyReader(cfg.BodyLimits)}
	if s.store == nil {
		if s.store, err = Open(cfg.DB); err != nil {
			return nil, err
		}
		s.ownsStore = true
	}
	senders := cfg.Senders
	if len(senders) == 0 {
		// Log only (the preview): replies to the requester are logged too.
		logged := LogSender{Logger: cfg.Logger, Store: s.store}
		senders = map[string]Sender{KindLog: logged, KindNotify: logged}
	}
	for k := range senders {
		if k != KindNotify {
			s.kinds = append(s.kinds, k)
		}
	}
	sort.Strings(s.kinds)
	s.outbox = &Outbox{OutboxConfig: cfg.Outbox, Store: s.store, Senders: senders, Logger: cfg.Logger, Metrics: s.metrics}
	s.cases = newLimiter(cfg.RateLimits.CasesPerClient, Limit{30 * time.Second, 10})
	s.emails = newLimiter(cfg.RateLimits.CasesPerEmail, Limit{5 * time.Minute, 5})
	s.votes = newLimiter(cfg.RateLimits.VotesPerClient, Limit{2 * time.Second, 30})
	s.searches = newLimiter(cfg.RateLimits.SearchesPerClient, Limit{2 * time.Second, 30})
	s.signinIP = newLimiter(cfg.RateLimits.SignInsPerClient, Limit{time.Minute, 5})
	s.signinEmail = newLimiter(cfg.RateLimits.SignInsPerEmail, Limit{10 * time.Minute, 3})
	s.comments = newLimiter(cfg.RateLimits.CommentsPerClient, Limit{30 * time.Second, 10})
	for _, k := range s.kinds {
		switch k {
		case KindConfirmation, KindNotify:
		default:
			s.commentKinds = append(s.commentKinds, k)
		}
	}
	if _, ok := senders[KindNotify]; ok {
		s.replyKinds = []string{KindNotify}
	} else if _, ok := senders[KindLog]; ok {
		s.replyKinds = []string{KindLog}
	}
	s.zone = cfg.TimeZone
	if s.zone == nil {
		s.zone = time.UTC
	}
	s.frames = newFrames(cfg.SiteURL, cfg.BasePath, cfg.Frames, cfg.FrameTTL, msgs, cfg.Logger)
	s.signins = newSigninQueue(s)

	cop := http.NewCrossOriginProtection()
	for _, o := range cfg.AllowedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			s.Close()
			return nil, fmt.Errorf("allowed origin %q: %w (use scheme://host[:port])", o, err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Info("rejected cross-origin request", "origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"), "path", r.URL.Path)
		s.fail(w, r, http.StatusForbidden, nil, msgForbidden)
	}))
	api := http.NewServeMux()
	b := cfg.BasePath
	api.HandleFunc("POST "+b+"/cases", s.postCase)
	api.HandleFunc("GET "+b+"/cases/{id}", s.getConfirmation)
	api.HandleFunc("POST "+b+"/feedback", s.postFeedback)
	api.HandleFunc("GET "+b+"/feedback", s.getFeedback)
	api.HandleFunc("POST "+b+"/searches", s.postSearch)
	api.HandleFunc("POST "+b+"/signin", s.postSignIn)
	api.HandleFunc("GET "+b+"/signin/sent", s.getSignInSent)
	api.HandleFunc("GET "+b+"/signin/{token}", s.getSignIn)
	api.HandleFunc("POST "+b+"/signout", s.postSignOut)
	api.HandleFunc("GET "+b+"/my/cases", s.getMyCases)
	api.HandleFunc("GET "+b+"/my/cases/{id}", s.getMyCase)
	api.HandleFunc("POST "+b+"/my/cases/{id}/comments", s.postComment)
	api.HandleFunc("GET "+b+"/my/cases/{id}/files/{n}", s.getFile)
	api.HandleFunc("POST "+b+"/hooks/zendesk", s.postZendeskHook)
	api.HandleFunc("POST "+b+"/hooks/generic", s.postGenericHook)
	// Everything else under the API gets a localized 405 or 404 rather
	// than the mux's plain-text one.
	api.HandleFunc(b+"/cases", s.methodNotAllowed("POST"))
	api.HandleFunc(b+"/cases/{id}", s.methodNotAllowed("GET, HEAD"))
	api.HandleFunc(b+"/feedback", s.methodNotAllowed("GET, HEAD, POST"))
	api.HandleFunc(b+"/searches", s.methodNotAllowed("POST"))
	api.HandleFunc(b+"/signin", s.methodNotAllowed("POST"))
	api.HandleFunc(b+"/signout", s.methodNotAllowed("POST"))
	api.HandleFunc(b+"/my/cases", s.methodNotAllowed("GET, HEAD"))
	api.HandleFunc(b+"/my/cases/{id}", s.methodNotAllowed("GET, HEAD"))
	api.HandleFunc(b+"/my/cases/{id}/comments", s.methodNotAllowed("POST"))
	api.HandleFunc(b+"/hooks/zendesk", s.methodNotAllowed("POST"))
	api.HandleFunc(b+"/hooks/generic", s.methodNotAllowed("POST"))
	api.HandleFunc(b+"/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, nil, msgNotFound)
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /metrics", s.serveMetrics)
	mux.Handle(b+"/", s.instrument(s.verifyProxy(cop.Handler(api))))
	s.handler = mux
	return s, nil
}

// ServeHTTP serves /healthz, /metrics and the API under BasePath.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Store returns the server's store.
func (s *Server) Store() Store { return s.store }

// Kinds returns the job kinds each new case gets, sorted.
func (s *Server) Kinds() []string { return s.kinds }

// Run delivers outbox jobs and deletes expired sign-in links and
// sessions until ctx is done.
func (s *Server) Run(ctx context.Context) error {
	go s.expire(ctx)
	return s.outbox.Run(ctx)
}

// expire deletes what has expired every ten minutes.
func (s *Server) expire(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if n, err := s.store.DeleteExpired(ctx, time.Now()); err != nil && ctx.Err() == nil {
			s.log.Error("delete expired sign-in links and sessions", "err", err)
		} else if n > 0 {
			s.log.Info("deleted expired sign-in links, sessions and old webhook deliveries", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close stops sending sign-in links and closes the store if NewServer
// opened it.
func (s *Server) Close() error {
	s.signins.close()
	if s.ownsStore {
		return s.store.Close()
	}
	return nil
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) instrument(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		s.metrics.request(r.Method+" "+routeOf(strings.TrimPrefix(r.URL.Path, s.cfg.BasePath)), sw.code, time.Since(start))
	})
}

// routeOf names the API route of a path for /metrics, without the ids
// and tokens in it.
func routeOf(p string) string {
	switch {
	case p == "/cases" || p == "/feedback" || p == "/searches" || p == "/signin" || p == "/signout" || p == "/my/cases" || p == "/signin/sent" ||
		p == "/hooks/zendesk" || p == "/hooks/generic":
		return p
	case strings.HasPrefix(p, "/cases/"):
		return "/cases/{id}"
	case strings.HasPrefix(p, "/signin/"):
		return "/signin/{token}"
	case strings.HasPrefix(p, "/my/cases/"):
		rest := strings.Split(strings.TrimPrefix(p, "/my/cases/"), "/")
		switch {
		case len(rest) == 1:
			return "/my/cases/{id}"
		case len(rest) == 2 && rest[1] == "comments":
			return "/my/cases/{id}/comments"
		case len(rest) == 3 && rest[1] == "files":
			return "/my/cases/{id}/files/{n}"
		}
	}
	return "other"
}

func (s *Server) verifyProxy(h http.Handler) http.Handler {
	if s.cfg.NetlifySecret == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := verifyNetlifySignature(r.Header.Get("X-Nf-Sign"), s.cfg.NetlifySecret, time.Now()); err != nil {
			s.log.Warn("rejected request not signed by the proxy", "err", err, "client", r.RemoteAddr, "path", r.URL.Path)
			s.fail(w, r, http.StatusForbidden, nil, msgForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("health check failed", "err", err)
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	if err := s.metrics.WriteTo(r.Context(), w, s.store); err != nil {
		s.log.Error("write metrics", "err", err)
	}
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// fieldError is one invalid field in a 422 answer.
type fieldError struct {
	Key     string `json:"key"`
	Message string `json:"message"`
}

// fail answers an error with the message key (formatted with args) in
// the reader's language: JSON {"error": {"key", "message"}} for scripts,
// else an HTML page. The client sees only the localized message; callers
// log the cause.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, extra http.Header, key string, args ...any) {
	for k, v := range extra {
		w.Header()[k] = v
	}
	locale := s.requestLocale(r, "")
	msg := s.msgs.T(locale, key, args...)
	if wantsJSON(r) {
		writeJSON(w, code, map[string]any{"error": fieldError{Key: key, Message: msg}})
		return
	}
	p := &page{Locale: locale, Title: s.msgs.T(locale, s.failTitle(r, code)), Message: msg}
	if s.requesterPath(r.URL.Path) {
		// The same page whatever was asked for: the language links go to
		// the list, not to the address (a case number) that failed.
		p.langPath = s.cfg.BasePath + "/my/cases"
		p.Crumbs = s.myCasesCrumbs(locale, false)
		if code == http.StatusUnauthorized {
			p.Links = []pageLink{{Text: s.msgs.T(locale, "cases.signin.again"), URL: casesPage(locale)}}
		} else {
			p.Links = []pageLink{{Text: s.msgs.T(locale, "cases.case.back"), URL: s.cfg.BasePath + "/my/cases?locale=" + url.QueryEscape(locale)}}
		}
	}
	s.render(w, r, code, p)
}

// requesterPath reports whether p is one of the requester's pages.
func (s *Server) requesterPath(p string) bool {
	b := s.cfg.BasePath
	return strings.HasPrefix(p, b+"/my/") || p == b+"/my" || strings.HasPrefix(p, b+"/signin") || p == b+"/signout"
}

// failTitle is the key of an error page's title: what did not happen.
func (s *Server) failTitle(r *http.Request, code int) string {
	switch {
	case code == http.StatusNotFound || code == http.StatusMethodNotAllowed:
		return "cases.error.not_found_title"
	case strings.HasPrefix(r.URL.Path, s.cfg.BasePath+"/feedback"):
		return "cases.feedback.page_title"
	case s.requesterPath(r.URL.Path):
		return "cases.my.title"
	}
	return "cases.error.page_title"
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// Message keys of the answers that are not about one field.
const (
	msgForbidden        = "cases.error.forbidden"
	msgServer           = "cases.error.server"
	msgNotFound         = "cases.error.not_found"
	msgNoCase           = "cases.error.no_case"
	msgMethod           = "cases.error.method"
	msgRateLimited      = "cases.error.rate_limited"       // %s: how long to wait
	msgRateLimitedEmail = "cases.error.rate_limited_email" // %s: how long to wait
	msgVoteRateLimited  = "cases.feedback.rate_limited"    // %s: how long to wait
	msgVoteInvalid      = "cases.feedback.invalid"
	msgVoteFailed       = "cases.feedback.failed"
	msgCountsFailed     = "cases.feedback.counts_failed"
	msgBadArticle       = "cases.feedback.bad_article"
)

// readBody parses the request body, answering the client itself when the
// body cannot be taken (ok false). Call release when done with sub.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, feedback bool) (sub *submission, release func(), ok bool) {
	sub, release, err := s.bodies.read(w, r, feedback)
	if err == nil {
		return sub, release, true
	}
	var ce *clientError
	if !errors.As(err, &ce) {
		ce = &clientError{code: http.StatusBadRequest, key: msgUnreadable, err: err}
	}
	var extra http.Header
	if ce.code == http.StatusServiceUnavailable {
		extra = http.Header{"Retry-After": {"30"}}
	}
	s.log.Info("refused request body", "status", ce.code, "err", ce.err, "path", r.URL.Path, "content_type", r.Header.Get("Content-Type"), "content_length", r.ContentLength)
	s.fail(w, r, ce.code, extra, ce.key, ce.args...)
	return nil, release, false
}

// rateLimited answers 429 with Retry-After and a message (key) that says
// which limit was hit and how long to wait.
func (s *Server) rateLimited(w http.ResponseWriter, r *http.Request, key string, wait time.Duration) {
	locale := s.msgs.Negotiate(r.URL.Query().Get("locale"), r.Header.Get("Accept-Language"))
	s.fail(w, r, http.StatusTooManyRequests, http.Header{"Retry-After": {strconv.Itoa(retryAfterSeconds(wait))}},
		key, s.waitText(locale, wait))
}

// allowed takes a token of lim for key, or answers 429 with the message
// msg and reports false.
func (s *Server) allowed(w http.ResponseWriter, r *http.Request, lim *limiter, key, msg string) bool {
	if s.cfg.RateLimits.Off {
		return true
	}
	if ok, wait := lim.allow(key, time.Now()); !ok {
		s.rateLimited(w, r, msg, wait)
		return false
	}
	return true
}

// waitText says how long to wait, roughly: "a moment", "a minute" or
// "N minutes".
func (s *Server) waitText(locale string, d time.Duration) string {
	switch {
	case d <= 10*time.Second:
		return s.msgs.T(locale, "cases.wait.moment")
	case d <= time.Minute:
		return s.msgs.T(locale, "cases.wait.minute")
	}
	return s.msgs.T(locale, "cases.wait.minutes", int((d+time.Minute-1)/time.Minute))
}

// methodNotAllowed answers 405 for a known address with the wrong method.
func (s *Server) methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusMethodNotAllowed, http.Header{"Allow": {allow}}, msgMethod)
	}
}

// checkFollowUp keeps the case a new case follows up (from the form, or
// the form page's ?follow_up= in the Referer) only if it is a case of the
// same address: the link is context, and another address's case is
// neither linked nor revealed.
func (s *Server) checkFollowUp(r *http.Request, values caseform.Values, errs caseform.Errors) {
	if values[caseform.FollowUp] == "" {
		if u, err := url.Parse(r.Header.Get("Referer")); err == nil {
			values[caseform.FollowUp] = strings.TrimSpace(u.Query().Get("follow_up"))
		}
	}
	f := values[caseform.FollowUp]
	delete(errs, caseform.FollowUp)
	if f == "" || caseform.ValidateField(caseform.FollowUp, f) != "" {
		delete(values, caseform.FollowUp)
		return
	}
	c, err := s.store.Case(r.Context(), f)
	if err != nil || !strings.EqualFold(c.Fields[caseform.Email], values[caseform.Email]) {
		delete(values, caseform.FollowUp)
	}
}

// articleFromReferer is the no-JS fallback for the article field: the
// case-form link carries ?article=<path>, and the browser sends that page
// as Referer.
func articleFromReferer(ref string) string {
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	return u.Query().Get("article")
}

func (s *Server) postCase(w http.ResponseWriter, r *http.Request) {
	client := clientAddr(r, s.cfg.TrustedProxyHeader)
	if !s.allowed(w, r, s.cases, client, msgRateLimited) {
		return
	}
	sub, release, ok := s.readBody(w, r, false)
	defer release()
	if !ok {
		return
	}
	spam := sub.values[caseform.Honeypot] != ""
	values := caseform.Normalize(sub.values)
	if values[caseform.Article] == "" {
		if a := articleFromReferer(r.Header.Get("Referer")); a != "" {
			values[caseform.Article] = strings.TrimSpace(a)
		}
	}
	locale := s.msgs.Negotiate(values[caseform.Locale], r.Header.Get("Accept-Language"))
	values[caseform.Locale] = locale
	errs := caseform.Validate(values)
	if _, bad := errs[caseform.Article]; bad {
		// The article is context, not something the reader typed: drop a
		// bad one rather than reject the case.
		delete(values, caseform.Article)
		delete(errs, caseform.Article)
	}
	s.checkFollowUp(r, values, errs)
	if sub.fileErr != "" {
		errs[caseform.Attachments] = sub.fileErr
	}
	if len(errs) > 0 {
		s.invalid(w, r, locale, values, errs)
		return
	}
	if !spam && !s.allowed(w, r, s.emails, strings.ToLower(values[caseform.Email]), msgRateLimitedEmail) {
		return
	}
	c := &Case{Fields: values, Locale: locale, Client: client, Spam: spam, Attachments: sub.files}
	id, existed, err := s.store.CreateCase(r.Context(), c, s.kinds)
	if err != nil {
		s.log.Error("store case", "err", err, "client", client)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgServer)
		return
	}
	switch {
	case spam:
		s.metrics.spam.Add(1)
		s.log.Info("spam case kept apart", "case", id, "client", client)
	case existed:
		s.metrics.duplicates.Add(1)
		s.log.Info("duplicate submission", "case", id, "client", client)
	default:
		s.metrics.cases.Add(1)
		s.log.Info("case stored", "case", id, "client", client, "attachments", len(sub.files))
		s.outbox.Wake()
	}
	if wantsJSON(r) {
		code := http.StatusCreated
		if existed {
			code = http.StatusOK
		}
		writeJSON(w, code, map[string]string{"id": id})
		return
	}
	loc := s.cfg.BasePath + "/cases/" + url.PathEscape(id) + "?locale=" + url.QueryEscape(locale)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, loc, http.StatusSeeOther)
}

// invalid answers a case with invalid fields: 422 with per-field errors,
// as JSON or as the form again with what was typed and every error listed.
func (s *Server) invalid(w http.ResponseWriter, r *http.Request, locale string, values caseform.Values, errs caseform.Errors) {
	if wantsJSON(r) {
		out := map[string]fieldError{}
		for name, key := range errs {
			out[name] = fieldError{Key: key, Message: s.errorText(locale, name, key)}
		}
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": out})
		return
	}
	p := &page{msgs: s.msgs, Locale: locale, Title: s.msgs.T(locale, "cases.error.page_title"), Action: s.cfg.BasePath + "/cases", Values: values}
	for _, f := range caseform.Fields {
		if key, ok := errs[f.Name]; ok {
			p.Errors = append(p.Errors, pageError{Field: f.Name, Label: s.msgs.T(locale, f.LabelKey()), Message: s.errorText(locale, f.Name, key)})
		}
	}
	p.Fields = caseform.Fields
	p.fieldErrs = errs
	s.render(w, r, http.StatusUnprocessableEntity, p)
}

// errorText is the localized message for an error key on a field.
func (s *Server) errorText(locale, field, key string) string {
	f, _ := caseform.Lookup(field)
	switch key {
	case caseform.ErrTooLong:
		return s.msgs.T(locale, key, f.MaxLen)
	case caseform.ErrFileSize:
		return s.msgs.T(locale, key, f.MaxFileSizeMB())
	}
	return s.msgs.T(locale, key)
}

func (s *Server) getConfirmation(w http.ResponseWriter, r *http.Request) {
	locale := s.msgs.Negotiate(r.URL.Query().Get("locale"), r.Header.Get("Accept-Language"))
	c, err := s.store.Case(r.Context(), r.PathValue("id"))
	if errors.Is(err, ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, nil, msgNoCase)
		return
	}
	if err != nil {
		s.log.Error("read case for confirmation", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgServer)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, &page{msgs: s.msgs, Locale: locale, Title: s.msgs.T(locale, "cases.done.title"),
		CaseID: c.ID, Article: c.Fields[caseform.Article]})
}

// validArticle accepts a site-relative path as article id.
func validArticle(a string) bool {
	return a != "" && caseform.ValidateField(caseform.Article, a) == ""
}

func (s *Server) postFeedback(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, s.votes, clientAddr(r, s.cfg.TrustedProxyHeader), msgVoteRateLimited) {
		return
	}
	sub, release, ok := s.readBody(w, r, true)
	defer release()
	if !ok {
		return
	}
	article := strings.TrimSpace(sub.values["article"])
	vote := sub.values["helpful"]
	helpful := vote == "yes"
	if (vote != "yes" && vote != "no") || !validArticle(article) {
		s.fail(w, r, http.StatusUnprocessableEntity, nil, msgVoteInvalid)
		return
	}
	if err := s.store.AddFeedback(r.Context(), article, helpful); err != nil {
		s.log.Error("store feedback", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgVoteFailed)
		return
	}
	s.metrics.votes.Add(1)
	if wantsJSON(r) {
		fc, err := s.store.Feedback(r.Context(), article)
		if err != nil {
			s.log.Error("read feedback", "err", err)
		}
		writeJSON(w, http.StatusOK, fc)
		return
	}
	locale := s.msgs.Negotiate(sub.values[caseform.Locale], r.Header.Get("Accept-Language"))
	s.render(w, r, http.StatusOK, &page{msgs: s.msgs, Locale: locale, Title: s.msgs.T(locale, "cases.feedback.thanks"), Article: article, Feedback: true})
}

func (s *Server) getFeedback(w http.ResponseWriter, r *http.Request) {
	article := r.URL.Query().Get("article")
	if !validArticle(article) {
		s.fail(w, r, http.StatusBadRequest, nil, msgBadArticle)
		return
	}
	fc, err := s.store.Feedback(r.Context(), article)
	if err != nil {
		s.log.Error("read feedback", "err", err)
		s.fail(w, r, http.StatusServiceUnavailable, http.Header{"Retry-After": {"5"}}, msgCountsFailed)
		return
	}
	writeJSON(w, http.StatusOK, fc)
}
