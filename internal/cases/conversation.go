package cases

import (
	"slices"
	"time"
)

// Case statuses: Zendesk's, which other ticketing systems map onto. The
// requester's pages show them as New, In progress, Waiting for you,
// Waiting for third party, Solved and Closed (i18n keys
// cases.status.<status>).
const (
	StatusNew     = "new"     // received, nobody has started on it
	StatusOpen    = "open"    // a support agent is working on it
	StatusPending = "pending" // support asked the requester something
	StatusHold    = "hold"    // waiting for a third party
	StatusSolved  = "solved"  // support considers it solved
	StatusClosed  = "closed"  // finished; a follow-up is a new case
)

// Statuses lists every status, in the order a case usually moves through
// them.
var Statuses = []string{StatusNew, StatusOpen, StatusPending, StatusHold, StatusSolved, StatusClosed}

// ValidStatus reports whether s is one of Statuses.
func ValidStatus(s string) bool { return slices.Contains(Statuses, s) }

// Event kinds.
const (
	EventComment = "comment" // a message in the conversation
	EventStatus  = "status"  // the case got a new status
)

// Event authors.
const (
	AuthorRequester = "requester"
	AuthorSupport   = "support"
)

// Event sources: where an event came from.
const (
	SourceWeb     = "web"     // the requester's case page
	SourceZendesk = "zendesk" // POST /api/hooks/zendesk
	SourceWebhook = "webhook" // POST /api/hooks/generic (other ticketing systems)
	SourceCLI     = "cli"     // formhandler case status|reply
)

// Event is one entry of a case's conversation: a comment (by the
// requester or the support team) or a change of status. A comment may set
// a status too (a reply that asks the requester something: pending).
type Event struct {
	ID      int64     `json:"id"`
	CaseID  string    `json:"case_id"`
	Created time.Time `json:"created"`
	// Kind is EventComment or EventStatus.
	Kind string `json:"kind"`
	// Author is AuthorRequester or AuthorSupport; AuthorName is the name
	// shown ("" for the support team as a whole).
	Author     string `json:"author"`
	AuthorName string `json:"author_name,omitempty"`
	// Body is a comment's plain text.
	Body string `json:"body,omitempty"`
	// Status is the status the event sets, "" for none.
	Status string `json:"status,omitempty"`
	// Source is where the event came from (SourceWeb …).
	Source string `json:"source"`
	// ExternalID is the ticketing system's id of the event (a Zendesk
	// comment id): the same id is never stored twice for a case.
	ExternalID string `json:"external_id,omitempty"`
	// Delivery, when set, names the webhook delivery the event came in
	// ("zendesk:<event id>"); a delivery is applied once. Not stored
	// with the event.
	Delivery string `json:"-"`
	// Attachments are the comment's files (Data only when adding).
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Public reports whether the requester sees the event: comments do,
// status changes show as the case's status.
func (e *Event) Public() bool { return e.Kind == EventComment }

// SignIn is a mailed sign-in link, stored by the hash of its token.
type SignIn struct {
	Hash   string
	Email  string
	Locale string
	// Next is where the reader goes once signed in (a case page), "" for
	// the list.
	Next    string
	Created time.Time
	Expires time.Time
}

// Session is a signed-in reader, stored by the hash of its id (the
// cookie's value).
type Session struct {
	Hash    string
	Email   string
	Locale  string
	Created time.Time
	Expires time.Time
}

// reopens reports the status a requester's comment leaves a case in
// (Zendesk's rule: an answer to a pending or solved ticket opens it).
func reopens(status string) string {
	if status == StatusPending || status == StatusSolved {
		return StatusOpen
	}
	return status
}
