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
	return nil
}

// senders are the deliveries the flags configure, by kind.
func (f *serveFlags) senders(store cases.Store, msgs cases.Messages) map[string]cases.Sender {
	senders := map[string]cases.Sender{}
	if f.mail.Host != "" {
		senders[cases.KindSupportMail] = &cases.MailSender{Config: f.mail, Messages: msgs, Store: store}
		if f.confirm {
			senders[cases.KindConfirmation] = &cases.MailSender{Config: f.mail, Confirmation: true, Messages: msgs, Store: store}
		}
	}
	if f.webhookURL != "" {
		senders[cases.KindWebhook] = &cases.WebhookSender{URL: f.webhookURL, Secret: f.webhookSecret}
	}
	if f.zendeskURL != "" {
		senders[cases.KindZendesk] = &cases.ZendeskSender{BaseURL: f.zendeskURL, Email: f.zendeskEmail, Token: f.zendeskToken, Store: store, Messages: msgs}
	}
	return senders
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
	senders := f.senders(store, msgs)
	if len(senders) == 0 {
		log.Warn("no delivery configured: cases are stored and only logged; set --smtp-host, --webhook-url or --zendesk-url")
	}
	srv, err := cases.NewServer(cases.Config{
		Store: store, BasePath: f.basePath, AllowedOrigins: f.origins, Senders: senders,
		RateLimits:         cases.RateLimits{Off: f.rateLimit == "off"},
		TrustedProxyHeader: f.proxyHeader, NetlifySecret: f.netlifySecret, Logger: log,
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
		"allowed_origins", f.origins.String(), "rate_limit", f.rateLimit)
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
