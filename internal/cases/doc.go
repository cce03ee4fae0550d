// Package cases receives support cases and article feedback from the help
// center, stores them durably and delivers them to the support team.
//
// The data flows one way:
//
//	HTTP (Server) -> caseform.Validate -> Store.CreateCase (case + its
//	delivery jobs in one transaction, committed before the answer)
//	-> Outbox (claims due jobs, runs a Sender per job kind, retries with
//	exponential backoff and jitter, dead-letters after MaxAttempts)
//
// A Store is either an embedded SQLite file ([OpenSQLite], WAL, synchronous
// commits grouped so concurrent requests share one fsync) or PostgreSQL
// ([OpenPostgres]) for several handlers behind a load balancer; both run
// the same SQL through one implementation with a small dialect. Each
// store's schema is a numbered list of migrations (migrations/<dialect>/
// NNNN_name.sql, see migrate.go), applied when a store is opened, under a
// lock, one transaction per step, and recorded in schema_migrations; a
// database newer than the binary is refused ([ErrSchemaTooNew]). A new
// table is one new numbered file in each dialect's folder.
//
// Request bodies are limited by kind ([BodyLimits]): urlencoded and JSON
// cases 64 KiB, votes 4 KiB, and only multipart cases get room for
// attachments, with a memory budget shared by all uploads in flight.
//
// Senders deliver one kind of job each: [MailSender] (support mail and the
// requester's confirmation, over SMTP), [WebhookSender] (JSON signed with
// HMAC-SHA256), [ZendeskSender] (Tickets API with uploads and an
// Idempotency-Key) and [LogSender] (writes to slog; for the preview server).
// A job whose delivery crashes midway keeps its lease until it expires and
// is then claimed again, so nothing is silently dropped; receivers see the
// case id as an idempotency key (Message-ID, Idempotency-Key header).
//
// The help center's search page also reports the queries that found
// nothing or few articles (POST /api/searches, see searches.go): they are
// counted per day, locale and normalized query text, with email addresses
// and long numbers blanked out and nothing about who searched, and
// formhandler searches lists the most missed for the writers.
//
// [NewServer] wires it together for cmd/formhandler and for the in-process
// handler of helpcenter serve.
package cases
