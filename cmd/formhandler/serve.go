package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/cli"
)

// serveCommand runs the form handler: the HTTP API, the store and the
// delivery outbox, until SIGINT or SIGTERM.
var serveCommand = cli.Command{Name: "serve", Run: runServe}

// serveFlags are formhandler serve's flags.
type serveFlags struct {
	addr, db, basePath, rateLimit          string
	proxyHeader, netlifySecret             string
	origins                                listFlag
	mail                                   cases.MailConfig
	confirm                                bool
	webhookURL, webhookSecret              string
	zendeskURL, zendeskEmail, zendeskToken string
	logFormat                              string
	// the requester's side
	siteURL, timeZone             string
	notify                        bool
	zendeskHookSecret, hookSecret string
	zone                          *time.Location
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen `address`")
	fs.StringVar(&f.db, "db", "", "SQLite file or postgres:// URL (required)")
	fs.Var(&f.origins, "allowed-origin", "site `origin` allowed to post, e.g. https://help.example.com (repeatable)")
	fs.StringVar(&f.basePath, "base-path", "/api", "URL `path` of the API")
	fs.StringVar(&f.rateLimit, "rate-limit", "on", "rate limits per client and email: on|off")
	fs.StringVar(&f.proxyHeader, "trusted-proxy-header", "", "`header` with the client address, e.g. X-Nf-Client-Connection-Ip")
	fs.StringVar(&f.netlifySecret, "netlify-secret", "", "require Netlify's X-Nf-Sign proxy signature made with this `secret`")
	fs.StringVar(&f.mail.Host, "smtp-host", "", "SMTP server `host` (enables mail delivery)")
	fs.IntVar(&f.mail.Port, "smtp-port", 587, "SMTP `port`")
	fs.StringVar(&f.mail.Username, "smtp-user", "", "SMTP AUTH `user`")
	fs.StringVar(&f.mail.Password, "smtp-password", "", "SMTP AUTH `password`")
	fs.StringVar(&f.mail.TLS, "smtp-tls", "starttls", "starttls|opportunistic|tls|none")
	fs.StringVar(&f.mail.From, "mail-from", "", "sender `address` of all mail")
	fs.StringVar(&f.mail.Support, "support-email", "", "`address` that receives cases")
	fs.BoolVar(&f.confirm, "confirm", true, "mail the requester a confirmation with the case number")
	fs.StringVar(&f.webhookURL, "webhook-url", "", "POST each case as signed JSON to this `URL`")
	fs.StringVar(&f.webhookSecret, "webhook-secret", "", "HMAC-SHA256 `key` for the webhook signature")
	fs.StringVar(&f.zendeskURL, "zendesk-url", "", "create tickets at this Zendesk `URL` (https://x.zendesk.com)")
	fs.StringVar(&f.zendeskEmail, "zendesk-email", "", "Zendesk agent `email`")
	fs.StringVar(&f.zendeskToken, "zendesk-token", "", "Zendesk API `token`")
	fs.StringVar(&f.siteURL, "site-url", "", "the help center's `URL`, https://help.example.com: links in mail, and the pages the handler's own take their look from (default: the first --allowed-origin)")
	fs.StringVar(&f.timeZone, "time-zone", "UTC", "time `zone` of the dates on the requester's pages, e.g. Europe/Stockholm")
	fs.BoolVar(&f.notify, "notify", true, "mail the requester when support replies (needs --smtp-host)")
	fs.StringVar(&f.zendeskHookSecret, "zendesk-webhook-secret", "", "signing `secret` of the Zendesk webhook that posts ticket events to /api/hooks/zendesk")
	fs.StringVar(&f.hookSecret, "hook-secret", "", "HMAC `key` of the ticket events other systems post to /api/hooks/generic")
	fs.StringVar(&f.logFormat, "log-format", "text", "text|json")
}

// check reports the flags that are missing or do not go together, before
// anything is opened.
func (f *serveFlags) check() error {
	switch {
	case f.db == "":
		return cli.Usagef("--db is required (a SQLite file path or a postgres:// URL)")
	case f.rateLimit != "on" && f.rateLimit != "off":
		return cli.Usagef("--rate-limit %q: use on or off", f.rateLimit)
	case f.mail.Host != "" && (f.mail.From == "" || f.mail.Support == ""):
		return cli.Usagef("--smtp-host needs --mail-from and --support-email")
	case f.webhookURL != "" && f.webhookSecret == "":
		return cli.Usagef("--webhook-url needs --webhook-secret")
	case f.zendeskURL != "" && (f.zendeskEmail == "" || f.zendeskToken == ""):
		return cli.Usagef("--zendesk-url needs --zendesk-email and --zendesk-token")
	}
	zone, err := time.LoadLocation(f.timeZone)
	if err != nil {
		return cli.Usagef("--time-zone %q: %v (use an IANA name such as Europe/Stockholm)", f.timeZone, err)
	}
	f.zone = zone
	if f.siteURL == "" && len(f.origins) > 0 {
		f.siteURL = f.origins[0]
	}
	if f.siteURL != "" {
		u, err := url.Parse(f.siteURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return cli.Usagef("--site-url %q: give the site's address, such as https://help.example.com", f.siteURL)
		}
		f.siteURL = strings.TrimSuffix(f.siteURL, "/")
	}
	return nil
}

// deliveries are what the flags configure: the senders by kind, the
// sender of sign-in links and the Zendesk account (nil when none).
type deliveries struct {
	senders map[string]cases.Sender
	signIn  cases.SignInSender
	zendesk *cases.ZendeskSender
}

func (f *serveFlags) deliveries(store cases.Store, msgs cases.Messages) deliveries {
	d := deliveries{senders: map[string]cases.Sender{}}
	mail := func(confirmation, notify bool) *cases.MailSender {
		return &cases.MailSender{Config: f.mail, Confirmation: confirmation, Notify: notify, Messages: msgs, Store: store, SiteURL: f.siteURL, BasePath: f.basePath}
	}
	if f.mail.Host != "" {
		support := mail(false, false)
		d.senders[cases.KindSupportMail], d.signIn = support, support
		if f.confirm {
			d.senders[cases.KindConfirmation] = mail(true, false)
		}
		if f.notify {
			d.senders[cases.KindNotify] = mail(false, true)
		}
	}
	if f.webhookURL != "" {
		d.senders[cases.KindWebhook] = &cases.WebhookSender{URL: f.webhookURL, Secret: f.webhookSecret, Store: store}
	}
	if f.zendeskURL != "" {
		d.zendesk = &cases.ZendeskSender{BaseURL: f.zendeskURL, Email: f.zendeskEmail, Token: f.zendeskToken, Store: store, Messages: msgs}
		d.senders[cases.KindZendesk], d.senders[cases.KindZendeskFiles] = d.zendesk, d.zendesk
	}
	return d
}

// hooksOn names the ticket-event hooks that are on.
func (f *serveFlags) hooksOn() string {
	var on []string
	if f.zendeskHookSecret != "" {
		on = append(on, "zendesk")
	}
	if f.hookSecret != "" {
		on = append(on, "generic")
	}
	if len(on) == 0 {
		return "none"
	}
	return strings.Join(on, ",")
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("formhandler serve", stderr)
	var f serveFlags
	f.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if f.logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(handler)

	store, err := cases.Open(f.db)
	if err != nil {
		return err
	}
	defer store.Close()
	msgs, err := cases.LoadMessages()
	if err != nil {
		return err
	}
	d := f.deliveries(store, msgs)
	if len(d.senders) == 0 {
		log.Warn("no delivery configured: cases are stored and only logged; set --smtp-host, --webhook-url or --zendesk-url")
	}
	if d.signIn == nil {
		log.Warn("no mail delivery: readers cannot sign in to follow their cases (sign-in links need --smtp-host)")
	}
	if f.siteURL == "" {
		log.Warn("no --site-url: links in mail point at the address each request came to; set --site-url to the help center's address")
	}
	srv, err := cases.NewServer(cases.Config{
		Store: store, BasePath: f.basePath, AllowedOrigins: f.origins, Senders: d.senders,
		RateLimits:         cases.RateLimits{Off: f.rateLimit == "off"},
		TrustedProxyHeader: f.proxyHeader, NetlifySecret: f.netlifySecret, Logger: log,
		SiteURL: f.siteURL, TimeZone: f.zone, SignInMail: d.signIn, Zendesk: d.zendesk,
		ZendeskWebhookSecret: f.zendeskHookSecret, HookSecret: f.hookSecret,
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another formhandler running?)", f.addr, err)
	}
	schema := srv.Store().Schema()
	log.Info("formhandler listening", "addr", ln.Addr().String(), "db", redactDB(f.db), "schema", schema.Version,
		"migrated", strings.Join(schema.Applied, ","), "delivery", strings.Join(srv.Kinds(), ","),
		"allowed_origins", f.origins.String(), "rate_limit", f.rateLimit, "site", f.siteURL, "hooks", f.hooksOn())
	err = serveUntilDone(ctx, srv, ln, handler)
	log.Info("formhandler stopped")
	return err
}

// serveUntilDone serves srv on ln and runs its outbox until ctx ends, then
// finishes in-flight requests (for up to 30 s) and deliveries.
func serveUntilDone(ctx context.Context, srv *cases.Server, ln net.Listener, handler slog.Handler) error {
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       2 * time.Minute, // room for 50 MB of attachments, not for a slowloris
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(handler, slog.LevelWarn),
	}
	outboxCtx, stopOutbox := context.WithCancel(context.WithoutCancel(ctx))
	outboxDone := make(chan struct{})
	go func() {
		defer close(outboxDone)
		_ = srv.Run(outboxCtx)
	}()
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	var err error
	select {
	case err = <-serveErr:
	case <-ctx.Done():
		slog.New(handler).Info("shutting down: finishing in-flight requests")
		shCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = hs.Shutdown(shCtx)
		cancel()
	}
	stopOutbox()
	<-outboxDone
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// redactDB hides a password in a postgres:// URL for the log.
func redactDB(db string) string {
	if i := strings.Index(db, "://"); i >= 0 {
		if at := strings.LastIndex(db, "@"); at > i {
			if colon := strings.Index(db[i+3:at], ":"); colon >= 0 {
				return db[:i+3+colon] + ":xxxxx" + db[at:]
			}
		}
	}
	return db
}
