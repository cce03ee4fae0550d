package cases

import (
	"context"
	"errors"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// Case is one support case as stored.
type Case struct {
	// ID is the case number shown to the requester, e.g. "HC-7K3M9Q2PXA".
	ID string `json:"id"`
	// Created is when the case was stored (UTC).
	Created time.Time `json:"created"`
	// Fields holds the normalized text fields by caseform name.
	Fields caseform.Values `json:"fields"`
	// Locale is the requester's language ("en", "sv").
	Locale string `json:"locale"`
	// Client is the client address the request came from.
	Client string `json:"client,omitempty"`
	// Spam is set when the honeypot was filled; spam is never delivered.
	Spam bool `json:"spam,omitempty"`
	// Attachments are the uploaded files; Data is loaded only by
	// Store.Attachments.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// IdempotencyKey is the client-chosen key that makes double submits give
// the same case.
func (c *Case) IdempotencyKey() string { return c.Fields[caseform.IdempotencyKey] }

// Attachment is a file uploaded with a case.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Data        []byte `json:"-"`
}

// Job states.
const (
	JobPending = "pending" // waiting for its next attempt
	JobDone    = "done"    // delivered
	JobDead    = "dead"    // gave up; an operator can retry it
)

// Job is one delivery of one case to one destination (its Kind).
type Job struct {
	ID        int64     `json:"id"`
	CaseID    string    `json:"case_id"`
	Kind      string    `json:"kind"`
	State     string    `json:"state"`
	Attempts  int       `json:"attempts"`
	NextAt    time.Time `json:"next_at"`
	LastError string    `json:"last_error,omitempty"`
	Updated   time.Time `json:"updated"`
}

// FeedbackCounts are the votes on one article.
type FeedbackCounts struct {
	Article string `json:"article"`
	Helpful int64  `json:"helpful"`
	Total   int64  `json:"total"`
}

// MissedSearch is a query readers searched for that found nothing or few
// articles, with how often, in the period asked for. Only the query text
// and the locale are kept: nothing about who searched.
type MissedSearch struct {
	Locale string `json:"locale"`
	Query  string `json:"query"`
	// Nothing counts the searches that found no article, Few those that
	// found only a few (the site's search page says how many is few).
	Nothing int64 `json:"nothing"`
	Few     int64 `json:"few"`
	// Last is the last day (UTC) the query was counted.
	Last time.Time `json:"last"`
}

// ErrNotFound is returned for a case or job that does not exist.
var ErrNotFound = errors.New("not found")

// Store keeps cases, their delivery jobs and feedback votes. All methods
// are safe for concurrent use.
type Store interface {
	// CreateCase stores c (with attachments) and one pending job per kind
	// in one transaction, durable when it returns. If a case with the same
	// idempotency key exists, nothing is written and its id is returned
	// with existed set. CreateCase assigns c.ID and c.Created.
	CreateCase(ctx context.Context, c *Case, kinds []string) (id string, existed bool, err error)
	// Case returns a case without attachment data.
	Case(ctx context.Context, id string) (*Case, error)
	// Attachments returns a case's files with their data.
	Attachments(ctx context.Context, id string) ([]Attachment, error)
	// EachCase calls fn for every case in creation order, attachments
	// without data. Spam is included only if spam is true.
	EachCase(ctx context.Context, spam bool, fn func(*Case) error) error
	// DeleteCasesBefore deletes cases created before t, with their files
	// and jobs, and returns how many cases it deleted.
	DeleteCasesBefore(ctx context.Context, t time.Time) (int64, error)

	// ClaimJobs leases up to limit pending jobs due at now for lease, counts
	// the attempt and returns them. A leased job is not claimed again until
	// the lease runs out, so a crashed delivery is retried later.
	ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Job, error)
	// CompleteJob marks a claimed job delivered.
	CompleteJob(ctx context.Context, id int64, now time.Time) error
	// FailJob records a failed attempt: the job is due again at next, or
	// dead if dead is set.
	FailJob(ctx context.Context, id int64, now, next time.Time, dead bool, msg string) error
	// Jobs lists jobs in a state ("" for all), oldest first.
	Jobs(ctx context.Context, state string) ([]Job, error)
	// RetryJobs makes the given jobs (all dead jobs if ids is empty)
	// pending and due at now with their attempts reset, and returns how
	// many it changed.
	RetryJobs(ctx context.Context, now time.Time, ids []int64) (int64, error)
	// PendingJobs counts jobs per state, for /metrics.
	JobCounts(ctx context.Context) (map[string]int64, error)

	// AddFeedback records a vote.
	AddFeedback(ctx context.Context, article string, helpful bool) error
	// Feedback returns the votes on an article.
	Feedback(ctx context.Context, article string) (FeedbackCounts, error)

	// AddMissedSearch counts one search for query in locale on the day of
	// at (UTC) that found nothing (few false) or few articles (few true).
	AddMissedSearch(ctx context.Context, at time.Time, locale, query string, few bool) error
	// MissedSearches returns the queries counted on or after since's day,
	// the most often missed first (found nothing, then few), at most limit
	// (0: all).
	MissedSearches(ctx context.Context, since time.Time, limit int) ([]MissedSearch, error)
	// DeleteMissedSearchesBefore deletes the counts of days before t's day
	// and returns how many it deleted.
	DeleteMissedSearchesBefore(ctx context.Context, t time.Time) (int64, error)

	// Schema says which schema version the database is at and which
	// migrations opening the store applied.
	Schema() SchemaState
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
	// Close waits for queued writes and closes the store.
	Close() error
}
