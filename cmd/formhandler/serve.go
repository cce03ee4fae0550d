package main

import (
	"context"
	"errors"
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

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("formhandler serve", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	db := fs.String("db", "", "SQLite file or postgres:// URL (required)")
	var origins listFlag
	fs.Var(&origins, "allowed-origin", "site `origin` allowed to post, e.g. https://help.example.com (repeatable)")
	basePath := fs.String("base-path", "/api", "URL `path` of the API")
	rateLimit := fs.String("rate-limit", "on", "rate limits per client and email: on|off")
	proxyHeader := fs.String("trusted-proxy-header", "", "`header` with the client address, e.g. X-Nf-Client-Connection-Ip")
	netlifySecret := fs.String("netlify-secret", "", "require Netlify's X-Nf-Sign proxy signature made with this `secret`")
	smtpHost := fs.String("smtp-host", "", "SMTP server `host` (enables mail delivery)")
	smtpPort := fs.Int("smtp-port", 587, "SMTP `port`")
	smtpUser := fs.String("smtp-user", "", "SMTP AUTH `user`")
	smtpPassword := fs.String("smtp-password", "", "SMTP AUTH `password`")
	smtpTLS := fs.String("smtp-tls", "starttls", "starttls|opportunistic|tls|none")
	from := fs.String("mail-from", "", "sender `address` of all mail")
	support := fs.String("support-email", "", "`address` that receives cases")
	confirm := fs.Bool("confirm", true, "mail the requester a confirmation with the case number")
	webhookURL := fs.String("webhook-url", "", "POST each case as signed JSON to this `URL`")
	webhookSecret := fs.String("webhook-secret", "", "HMAC-SHA256 `key` for the webhook signature")
	zendeskURL := fs.String("zendesk-url", "", "create tickets at this Zendesk `URL` (https://x.zendesk.com)")
	zendeskEmail := fs.String("zendesk-email", "", "Zendesk agent `email`")
	zendeskToken := fs.String("zendesk-token", "", "Zendesk API `token`")
	logFormat := fs.String("log-format", "text", "text|json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *db == "" {
		return cli.Usagef("--db is required (a SQLite file path or a postgres:// URL)")
	}
	if *rateLimit != "on" && *rateLimit != "off" {
		return cli.Usagef("--rate-limit %q: use on or off", *rateLimit)
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(handler)

	store, err := cases.Open(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	msgs, err := cases.LoadMessages()
	if err != nil {
		return err
	}
	senders := map[string]cases.Sender{}
	if *smtpHost != "" {
		if *from == "" || *support == "" {
			return cli.Usagef("--smtp-host needs --mail-from and --support-email")
		}
		mc := cases.MailConfig{Host: *smtpHost, Port: *smtpPort, Username: *smtpUser, Password: *smtpPassword, TLS: *smtpTLS, From: *from, Support: *support}
		senders[cases.KindSupportMail] = &cases.MailSender{Config: mc, Messages: msgs, Store: store}
		if *confirm {
			senders[cases.KindConfirmation] = &cases.MailSender{Config: mc, Confirmation: true, Messages: msgs, Store: store}
		}
	}
	if *webhookURL != "" {
		if *webhookSecret == "" {
			return cli.Usagef("--webhook-url needs --webhook-secret")
		}
		senders[cases.KindWebhook] = &cases.WebhookSender{URL: *webhookURL, Secret: *webhookSecret}
	}
	if *zendeskURL != "" {
		if *zendeskEmail == "" || *zendeskToken == "" {
			return cli.Usagef("--zendesk-url needs --zendesk-email and --zendesk-token")
		}
		senders[cases.KindZendesk] = &cases.ZendeskSender{BaseURL: *zendeskURL, Email: *zendeskEmail, Token: *zendeskToken, Store: store, Messages: msgs}
	}
	if len(senders) == 0 {
		log.Warn("no delivery configured: cases are stored and only logged; set --smtp-host, --webhook-url or --zendesk-url")
	}
	srv, err := cases.NewServer(cases.Config{
		Store: store, BasePath: *basePath, AllowedOrigins: origins, Senders: senders,
		RateLimits:         cases.RateLimits{Off: *rateLimit == "off"},
		TrustedProxyHeader: *proxyHeader, NetlifySecret: *netlifySecret, Logger: log,
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another formhandler running?)", *addr, err)
	}
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
	log.Info("formhandler listening", "addr", ln.Addr().String(), "db", redactDB(*db),
		"delivery", strings.Join(srv.Kinds(), ","), "allowed_origins", origins.String(), "rate_limit", *rateLimit)

	select {
	case err = <-serveErr:
	case <-ctx.Done():
		log.Info("shutting down: finishing in-flight requests")
		shCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = hs.Shutdown(shCtx)
		cancel()
	}
	stopOutbox()
	<-outboxDone
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	log.Info("formhandler stopped")
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
