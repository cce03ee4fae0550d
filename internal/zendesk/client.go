package zendesk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// StatusError is a response the client does not retry: a 4xx other than
// 429, or a 5xx that kept failing.
type StatusError struct {
	URL    string
	Status int
	Body   string // the start of the response body, for the message
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("GET %s: %d %s", e.URL, e.Status, http.StatusText(e.Status))
	switch e.Status {
	case http.StatusUnauthorized:
		msg += " (check --email and the API token: Admin Center > Apps and integrations > Zendesk API)"
	case http.StatusForbidden:
		msg += " (the user needs to be a Guide admin or an agent who may see every article)"
	}
	return msg
}

// client sends GET requests to the Help Center API with authentication,
// rate-limit waits and retries.
type client struct {
	http       *http.Client
	base       *url.URL
	auth       string // "Basic …" or ""
	maxRetries int
	backoff    time.Duration
	maxBackoff time.Duration
	sleep      func(ctx context.Context, d time.Duration) error
	prog       *progress

	mu         sync.Mutex
	pauseUntil time.Time // the account's rate limit: nobody sends before this
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waitGate blocks while the rate limit pause lasts.
func (c *client) waitGate(ctx context.Context) error {
	for {
		c.mu.Lock()
		d := time.Until(c.pauseUntil)
		c.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		c.prog.waiting(d)
		if err := c.sleep(ctx, d); err != nil {
			return err
		}
	}
}

func (c *client) pause(d time.Duration) {
	c.mu.Lock()
	if t := time.Now().Add(d); t.After(c.pauseUntil) {
		c.pauseUntil = t
	}
	c.mu.Unlock()
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h http.Header, fallback time.Duration) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return fallback
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
		return time.Duration(n * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return fallback
}

// sameHost reports whether u is on the help center's host, the only one
// that gets the credentials.
func (c *client) sameHost(u *url.URL) bool {
	return strings.EqualFold(u.Host, c.base.Host) && u.Scheme == c.base.Scheme
}

// resolve makes ref absolute against the help center's URL.
func (c *client) resolve(ref string) (*url.URL, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %w", ref, err)
	}
	return c.base.ResolveReference(u), nil
}

// get fetches ref and hands the response body to read. Rate limits (429)
// are waited out for every worker; 5xx answers and broken connections are
// retried with exponential backoff; other statuses are a *StatusError.
func (c *client) get(ctx context.Context, ref string, read func(*http.Response) error) error {
	u, err := c.resolve(ref)
	if err != nil {
		return err
	}
	backoff := c.backoff
	failures := 0
	limited := 0
	for {
		if err := c.waitGate(ctx); err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", "helpcenter-import")
		if c.auth != "" && c.sameHost(u) {
			req.Header.Set("Authorization", c.auth)
		}
		c.prog.request()
		resp, err := c.http.Do(req)
		retry := false
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			retry, wait = true, backoff
			err = fmt.Errorf("GET %s: %w", redact(u), err)
		case resp.StatusCode == http.StatusTooManyRequests:
			wait = retryAfter(resp.Header, 10*time.Second)
			drain(resp)
			limited++
			if limited > 50 {
				return &StatusError{URL: redact(u), Status: resp.StatusCode}
			}
			c.prog.limited()
			c.pause(wait)
			continue // not a failure: the wait is what the server asked for
		case resp.StatusCode >= 500:
			wait = retryAfter(resp.Header, backoff)
			retry = true
			err = &StatusError{URL: redact(u), Status: resp.StatusCode, Body: snippet(resp)}
		case resp.StatusCode != http.StatusOK:
			se := &StatusError{URL: redact(u), Status: resp.StatusCode, Body: snippet(resp)}
			return se
		default:
			// The last request of the account's minute: wait for the next
			// one instead of asking for 429s.
			if rem := resp.Header.Get("X-Rate-Limit-Remaining"); rem == "0" {
				if reset, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Ratelimit-Reset"))); err == nil && reset > 0 && reset <= 3600 {
					c.pause(time.Duration(reset) * time.Second)
				}
			}
			rerr := read(resp)
			cerr := resp.Body.Close()
			if rerr == nil && cerr == nil {
				return nil
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var pe *parseError
			if errors.As(rerr, &pe) {
				return rerr // the body arrived whole but is not what we expect
			}
			// The connection broke while reading: try again.
			retry, wait = true, backoff
			err = fmt.Errorf("GET %s: reading the response: %w", redact(u), errors.Join(rerr, cerr))
		}
		if !retry {
			return err
		}
		failures++
		if failures > c.maxRetries {
			return fmt.Errorf("giving up after %d attempts: %w", failures, err)
		}
		c.prog.retry()
		if err := c.sleep(ctx, wait); err != nil {
			return err
		}
		backoff = min(backoff*2, c.maxBackoff)
	}
}

// parseError marks a complete response whose body does not parse.
type parseError struct{ err error }

func (e *parseError) Error() string { return e.err.Error() }
func (e *parseError) Unwrap() error { return e.err }

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

func snippet(resp *http.Response) string {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	drain(resp)
	return strings.TrimSpace(string(b))
}

// redact drops user information from a URL for messages.
func redact(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}
