package cases

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
	"golang.org/x/sync/semaphore"
)

// BodyLimits bound request bodies by what each kind can carry. The zero
// value of every field means its default.
//
// A body is checked twice: its declared Content-Length before anything is
// read (a larger one is answered 413 at once), and what is actually read
// (a chunked body stops at the limit). Only multipart bodies carry files,
// so only they get room for attachments.
type BodyLimits struct {
	// Text bounds a case sent as application/x-www-form-urlencoded or
	// JSON (default 64 KiB: every field at its longest, in any language
	// written mostly in Latin script, percent-encoded).
	Text int64
	// Feedback bounds a vote of any type (default 4 KiB; a vote is an
	// article path and yes or no).
	Feedback int64
	// Multipart bounds a case sent as multipart/form-data (default: the
	// attachment field's MaxFiles × MaxFileSize, plus Text for the fields
	// and 16 KiB for the parts' headers).
	Multipart int64
	// Memory bounds the multipart bytes all requests together may hold at
	// once (default twice Multipart, at least Multipart). A multipart post
	// reserves its Content-Length (Multipart when it has none) before its
	// body is read and waits up to MemoryWait for room, so memory stays
	// flat however many uploads arrive at once.
	Memory int64
	// MemoryWait is how long a multipart post waits for room before it is
	// answered 503 with Retry-After (default 30s).
	MemoryWait time.Duration
}

// Default body limits.
const (
	DefaultTextLimit     = 64 << 10
	DefaultFeedbackLimit = 4 << 10
	multipartOverhead    = 16 << 10
)

func (l BodyLimits) withDefaults() BodyLimits {
	if l.Text <= 0 {
		l.Text = DefaultTextLimit
	}
	if l.Feedback <= 0 {
		l.Feedback = DefaultFeedbackLimit
	}
	if l.Multipart <= 0 {
		f, _ := caseform.Lookup(caseform.Attachments)
		l.Multipart = int64(f.MaxFiles)*f.MaxFileSize + l.Text + multipartOverhead
	}
	if l.Memory <= 0 {
		l.Memory = 2 * l.Multipart
	}
	l.Memory = max(l.Memory, l.Multipart)
	if l.MemoryWait <= 0 {
		l.MemoryWait = 30 * time.Second
	}
	return l
}

// bodyKind is what a request body is for and how it is encoded.
type bodyKind int

const (
	bodyText      bodyKind = iota // a case, urlencoded or JSON
	bodyMultipart                 // a case, multipart/form-data
	bodyFeedback                  // a vote, any type
)

// limit is the most a body of kind k may hold.
func (l BodyLimits) limit(k bodyKind) int64 {
	switch k {
	case bodyMultipart:
		return l.Multipart
	case bodyFeedback:
		return l.Feedback
	}
	return l.Text
}

// clientError is a request the handler refuses before it gets to the
// fields: the status, the message key the client sees (with its
// arguments) and the cause for the log.
type clientError struct {
	code int
	key  string
	args []any
	err  error
}

func (e *clientError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("%d %s", e.code, e.key)
	}
	return fmt.Sprintf("%d %s: %v", e.code, e.key, e.err)
}

func (e *clientError) Unwrap() error { return e.err }

// Message keys of the answers to bodies the handler cannot take.
const (
	msgUnsupportedType  = "cases.error.unsupported_type"
	msgUnreadable       = "cases.error.unreadable"
	msgTooLarge         = "cases.error.too_large"      // %d: the multipart limit in MB
	msgTextTooLarge     = "cases.error.text_too_large" // %d: the text limit in KB
	msgFeedbackTooLarge = "cases.feedback.too_large"   // %d: the vote limit in KB
	msgBusy             = "cases.error.busy"
)

// tooLarge is the 413 answer for a body of kind k.
func (l BodyLimits) tooLarge(k bodyKind, cause error) *clientError {
	switch k {
	case bodyMultipart:
		return &clientError{http.StatusRequestEntityTooLarge, msgTooLarge, []any{l.Multipart >> 20}, cause}
	case bodyFeedback:
		return &clientError{http.StatusRequestEntityTooLarge, msgFeedbackTooLarge, []any{max(1, l.Feedback>>10)}, cause}
	}
	return &clientError{http.StatusRequestEntityTooLarge, msgTextTooLarge, []any{max(1, l.Text>>10)}, cause}
}

// bodyReader admits request bodies: it checks their type and size and
// holds multipart bodies to the shared memory budget.
type bodyReader struct {
	limits BodyLimits
	memory *semaphore.Weighted
}

func newBodyReader(l BodyLimits) *bodyReader {
	l = l.withDefaults()
	return &bodyReader{limits: l, memory: semaphore.NewWeighted(l.Memory)}
}

// read parses r's body as a case (feedback false) or a vote. Nothing is
// read from a body whose type is not accepted or whose Content-Length is
// over its limit. The returned release frees the body's share of the
// memory budget: call it when the request is done with the submission.
// Errors are *clientError.
func (b *bodyReader) read(w http.ResponseWriter, r *http.Request, feedback bool) (sub *submission, release func(), err error) {
	release = func() {}
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, release, &clientError{http.StatusUnsupportedMediaType, msgUnsupportedType, nil, fmt.Errorf("content type %q: %w", r.Header.Get("Content-Type"), err)}
	}
	kind := bodyText
	switch {
	case ct != "application/x-www-form-urlencoded" && ct != "application/json" && ct != "multipart/form-data":
		return nil, release, &clientError{http.StatusUnsupportedMediaType, msgUnsupportedType, nil, fmt.Errorf("content type %q", ct)}
	case feedback:
		kind = bodyFeedback
	case ct == "multipart/form-data":
		kind = bodyMultipart
	}
	limit := b.limits.limit(kind)
	if r.ContentLength > limit {
		return nil, release, b.limits.tooLarge(kind, fmt.Errorf("Content-Length %d over the limit of %d", r.ContentLength, limit))
	}
	if kind == bodyMultipart {
		n := limit
		if r.ContentLength >= 0 {
			n = r.ContentLength
		}
		ctx, cancel := context.WithTimeout(r.Context(), b.limits.MemoryWait)
		err := b.memory.Acquire(ctx, n)
		cancel()
		if err != nil {
			return nil, release, &clientError{http.StatusServiceUnavailable, msgBusy, nil, fmt.Errorf("no room for a %d-byte upload in the body memory budget: %w", n, err)}
		}
		release = func() { b.memory.Release(n) }
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	sub, err = parseSubmission(r, ct, params)
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return sub, release, nil
	case errors.As(err, &mbe):
		return nil, release, b.limits.tooLarge(kind, err)
	case errors.Is(err, errFieldTooLong) && kind == bodyMultipart:
		// The files fit; one text field does not.
		return nil, release, b.limits.tooLarge(bodyText, err)
	case errors.Is(err, errFieldTooLong):
		return nil, release, b.limits.tooLarge(kind, err)
	default:
		return nil, release, &clientError{http.StatusBadRequest, msgUnreadable, nil, err}
	}
}
