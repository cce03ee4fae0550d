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
	// Status is where the case stands, one of Statuses (Zendesk's); a new
	// case is StatusNew.
	Status string `json:"status"`
	// Updated is when the case last changed: created, commented on or
	// given a new status (UTC).
	Updated time.Time `json:"updated"`
	// TicketID is the case's ticket in the ticketing system (Zendesk), if
	// known; RequesterID is the requester's user id there.
	TicketID    string `json:"ticket_id,omitempty"`
	RequesterID string `json:"requester_id,omitempty"`
}

// IdempotencyKey is the client-chosen key that makes double submits give
// the same case.
func (c *Case) IdempotencyKey() string { return c.Fields[caseform.IdempotencyKey] }

// Attachment is a file uploaded with a case or added to its conversation.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Data        []byte `json:"-"`
	// Index numbers the files of a case from 0, the case's own first;
	// the requester's pages name a file by it.
	Index int `json:"-"`
	// EventID is the comment the file belongs to, 0 for the case's own.
	EventID int64 `json:"-"`
}

// Job states.
const (
	JobPending = "pending" // waiting for its next attempt
	JobDone    = "done"    // delivered
	JobDead    = "dead"    // gave up; an operator can retry it
)

// Job is one delivery of one case to one destination (its Kind).
type Job struct {
	ID       int64     `json:"id"`
	CaseID   string    `json:"case_id"`
	Kind     string    `json:"kind"`
	State    string    `json:"state"`
	Attempts int       `json:"attempts"`
	NextAt   time.Time `json:"next_at"`
	// EventID is the comment or reply the job delivers; 0 delivers the
	// case itself.
	EventID   int64     `json:"event_id,omitempty"`
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

// ErrNotFound is returned for a case, event, file, sign-in link or
// session that does not exist (or no longer counts: used, expired).
var ErrNotFound = errors.New("not found")

// ErrClosed is returned for a requester's comment on a closed case.
var ErrClosed = errors.New("case is closed")

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
	// Attachments returns a case's own files (not those of its comments)
	// with their data.
	Attachments(ctx context.Context, id string) ([]Attachment, error)
	// EachCase calls fn for every case in creation order, attachments
	// without data. Spam is included only if spam is true.
	EachCase(ctx context.Context, spam bool, fn func(*Case) error) error
	// DeleteCasesBefore deletes the cases last changed (created,
	// commented on, given a status) before t, with their files,
	// conversations and jobs, and the sign-in links and sessions
	// of addresses left without a case, and returns how many cases it
	// deleted.
	DeleteCasesBefore(ctx context.Context, t time.Time) (int64, error)

	// CasesOf lists the cases of an email address (letter case aside),
	// spam excluded, newest first, without files; statuses, when given,
	// keeps those in one of them.
	CasesOf(ctx context.Context, email string, statuses []string) ([]*Case, error)
	// HasCases reports whether an email address has a case (spam aside).
	HasCases(ctx context.Context, email string) (bool, error)
	// Conversation returns a case's events (comments and status changes)
	// in order, with their files' names and sizes.
	Conversation(ctx context.Context, caseID string) ([]Event, error)
	// Event returns one event with its files' names and sizes.
	Event(ctx context.Context, id int64) (*Event, error)
	// EventAttachments returns an event's files with their data.
	EventAttachments(ctx context.Context, eventID int64) ([]Attachment, error)
	// Attachment returns file number index of a case (its own or a
	// comment's) with its data.
	Attachment(ctx context.Context, caseID string, index int) (*Attachment, error)
	// AddEvent stores ev (with its attachments' data) on its case, updates
	// the case's status and update time, and queues one job per kind for
	// it, in one transaction. It is idempotent: with ev.Delivery set, a
	// delivery already applied writes nothing, and with ev.ExternalID
	// set, an event the case already has writes nothing; both report
	// existed. A requester's comment on a closed case is ErrClosed; one on
	// a pending or solved case reopens it. AddEvent assigns ev.ID and
	// ev.Created (if zero).
	AddEvent(ctx context.Context, ev *Event, kinds []string) (existed bool, err error)
	// AddEventFiles adds files to an event (a reply whose files came
	// later), numbered after the case's others.
	AddEventFiles(ctx context.Context, eventID int64, files []Attachment) error
	// SetEventExternalID records the ticketing system's id of an event
	// delivered there.
	SetEventExternalID(ctx context.Context, eventID int64, externalID string) error
	// LinkRequesterComment gives the newest requester comment of a case
	// made here after since, with this body and no external id yet, the
	// external id: a webhook that reports the comment back before its
	// delivery recorded the id finds it so. It reports whether one was
	// linked.
	LinkRequesterComment(ctx context.Context, caseID, body, externalID string, since time.Time) (bool, error)
	// SetTicket records the case's ticket and requester in the ticketing
	// system.
	SetTicket(ctx context.Context, caseID, ticketID, requesterID string) error
	// CaseByTicket returns the case whose ticket is ticketID.
	CaseByTicket(ctx context.Context, ticketID string) (*Case, error)

	// CreateSignIn stores a sign-in link (by its token's hash).
	CreateSignIn(ctx context.Context, si *SignIn) error
	// Redeem uses the sign-in link whose token hashes to tokenHash, once:
	// it marks it used and stores sess with the link's email and locale,
	// in one transaction, and returns the link. A link that is unknown,
	// used or expired at now is ErrNotFound, all alike.
	Redeem(ctx context.Context, tokenHash string, sess *Session, now time.Time) (*SignIn, error)
	// Session returns the session whose id hashes to idHash, ErrNotFound
	// when there is none or it expired at now.
	Session(ctx context.Context, idHash string, now time.Time) (*Session, error)
	// DeleteSession ends a session (signing out).
	DeleteSession(ctx context.Context, idHash string) error
	// DeleteExpired deletes sign-in links and sessions expired at now and
	// webhook deliveries recorded more than a month before, and returns
	// how many rows went.
	DeleteExpired(ctx context.Context, now time.Time) (int64, error)

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
