package cases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Job kinds: one Sender delivers each.
const (
	KindSupportMail  = "mail"         // the case to the support address
	KindConfirmation = "confirmation" // the case number to the requester
	KindWebhook      = "webhook"      // signed JSON POST
	KindZendesk      = "zendesk"      // Zendesk ticket
	KindLog          = "log"          // written to the log only (preview)
	// KindNotify mails the requester a support reply with a link back to
	// the case (jobs of replies only).
	KindNotify = "notify"
	// KindZendeskFiles fetches the files of a Zendesk support reply, whose
	// webhook event carries only its text (jobs of replies only).
	KindZendeskFiles = "zendesk-files"
)

// Sender delivers a case to one destination. Send must be safe to call
// again for the same job: a crash after the destination accepted but
// before the job was marked done delivers it again, so senders pass the
// case id as an idempotency key where the destination supports one.
type Sender interface {
	Send(ctx context.Context, c *Case, job Job) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, c *Case, job Job) error

// Send implements Sender.
func (f SenderFunc) Send(ctx context.Context, c *Case, job Job) error { return f(ctx, c, job) }

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks a delivery error that retrying cannot fix (the
// destination rejected the content); the job goes straight to dead.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool { return errors.As(err, new(permanentError)) }

// OutboxConfig tunes delivery. The zero value of every field means its
// default.
type OutboxConfig struct {
	// MaxAttempts before a job is dead (default 30, about three weeks at
	// the default delays).
	MaxAttempts int
	// BaseDelay is the delay after the first failure (default 30s); each
	// further failure doubles it up to MaxDelay (default 24h), with jitter.
	BaseDelay, MaxDelay time.Duration
	// Lease is how long a claimed job is reserved for its delivery
	// (default 10m); a crashed delivery is retried after it.
	Lease time.Duration
	// Timeout bounds one delivery (default 2m, below Lease).
	Timeout time.Duration
	// Poll is how often the outbox looks for due jobs when not woken
	// (default 1s).
	Poll time.Duration
	// Concurrency is how many deliveries run at once (default 4).
	Concurrency int
}

// Outbox delivers pending jobs from a Store with the Sender for each job's
// kind.
type Outbox struct {
	OutboxConfig
	Store   Store
	Senders map[string]Sender
	Logger  *slog.Logger
	Metrics *Metrics

	once sync.Once
	wake chan struct{}
}

func (o *Outbox) init() {
	o.once.Do(func() {
		o.wake = make(chan struct{}, 1)
		if o.Logger == nil {
			o.Logger = slog.Default()
		}
		def := func(d *time.Duration, v time.Duration) {
			if *d <= 0 {
				*d = v
			}
		}
		def(&o.BaseDelay, 30*time.Second)
		def(&o.MaxDelay, 24*time.Hour)
		def(&o.Lease, 10*time.Minute)
		def(&o.Timeout, 2*time.Minute)
		def(&o.Poll, time.Second)
		if o.MaxAttempts <= 0 {
			o.MaxAttempts = 30
		}
		if o.Concurrency <= 0 {
			o.Concurrency = 4
		}
	})
}

// Wake makes a running outbox look for due jobs now (a case was stored).
func (o *Outbox) Wake() {
	o.init()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Backoff returns the delay before the next attempt after the given number
// of failed attempts: base·2^(attempts-1), capped at max, with "equal
// jitter" (a random point in the upper half) so a recovering destination
// is not hit by every job at once.
func Backoff(attempts int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempts && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	half := d / 2
	return half + rand.N(half+1)
}

// Run delivers jobs until ctx is done, then lets running deliveries finish
// (each within Timeout) and returns.
func (o *Outbox) Run(ctx context.Context) error {
	o.init()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-o.wake:
		case <-timer.C:
		}
		for ctx.Err() == nil {
			n, err := o.RunOnce(ctx)
			if err != nil {
				o.Logger.Error("outbox: claim jobs", "err", err)
				break
			}
			if n == 0 {
				break
			}
		}
		timer.Reset(o.Poll)
	}
}

// RunOnce claims the jobs due now and delivers them, waiting for all of
// them; it returns how many it claimed.
func (o *Outbox) RunOnce(ctx context.Context) (int, error) {
	o.init()
	jobs, err := o.Store.ClaimJobs(ctx, time.Now(), o.Lease, o.Concurrency*4)
	if err != nil {
		return 0, err
	}
	sem := make(chan struct{}, o.Concurrency)
	var wg sync.WaitGroup
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			o.deliver(context.WithoutCancel(ctx), j)
		}()
	}
	wg.Wait()
	return len(jobs), nil
}

func (o *Outbox) deliver(ctx context.Context, j Job) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	log := o.Logger.With("case", j.CaseID, "job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	err := o.send(ctx, j)
	now := time.Now()
	if err == nil {
		if err := o.Store.CompleteJob(ctx, j.ID, now); err != nil {
			// Delivered but not recorded: the lease runs out and the job
			// is sent again; receivers dedupe on the case id.
			log.Error("outbox: delivered but could not mark done", "err", err)
			return
		}
		o.Metrics.delivered(j.Kind, "done")
		log.Info("outbox: delivered")
		return
	}
	dead := IsPermanent(err) || j.Attempts >= o.MaxAttempts
	next := now.Add(Backoff(j.Attempts, o.BaseDelay, o.MaxDelay))
	if ferr := o.Store.FailJob(ctx, j.ID, now, next, dead, err.Error()); ferr != nil {
		log.Error("outbox: could not record failed delivery", "err", err, "record_err", ferr)
		return
	}
	if dead {
		o.Metrics.delivered(j.Kind, "dead")
		log.Error("outbox: delivery failed for good; list with 'formhandler outbox --state dead', retry with 'formhandler retry'", "err", err)
		return
	}
	o.Metrics.delivered(j.Kind, "retry")
	log.Warn("outbox: delivery failed, will retry", "err", err, "next", next.UTC().Format(time.RFC3339))
}

func (o *Outbox) send(ctx context.Context, j Job) error {
	s, ok := o.Senders[j.Kind]
	if !ok {
		return fmt.Errorf("no sender configured for %q jobs; start formhandler with its delivery flags", j.Kind)
	}
	c, err := o.Store.Case(ctx, j.CaseID)
	if errors.Is(err, ErrNotFound) {
		return Permanent(err)
	}
	if err != nil {
		return err
	}
	return s.Send(ctx, c, j)
}
