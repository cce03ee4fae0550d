package cases

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is a token bucket: Burst requests at once, refilled at one per
// Every.
type Limit struct {
	Every time.Duration
	Burst int
}

// RateLimits configures the rate limits. The zero value means the
// defaults; Off disables them (benchmarks, local preview).
type RateLimits struct {
	Off bool
	// CasesPerClient limits case submissions per client address
	// (default 10 at once, then one per 30s).
	CasesPerClient Limit
	// CasesPerEmail limits case submissions per requester email
	// (default 5 at once, then one per 5 minutes).
	CasesPerEmail Limit
	// VotesPerClient limits feedback votes per client address (default 30
	// at once, then one per 2s).
	VotesPerClient Limit
	// SearchesPerClient limits missed-search reports per client address
	// (default 30 at once, then one per 2s).
	SearchesPerClient Limit
	// SignInsPerClient limits sign-in link requests per client address
	// (default 5 at once, then one per minute).
	SignInsPerClient Limit
	// SignInsPerEmail limits sign-in links per email address, whoever
	// asks (default 3 at once, then one per 10 minutes).
	SignInsPerEmail Limit
	// CommentsPerClient limits requesters' comments per client address
	// (default 10 at once, then one per 30s).
	CommentsPerClient Limit
}

// limiter keeps one token bucket per key, forgetting idle keys.
type limiter struct {
	limit Limit
	mu    sync.Mutex
	m     map[string]*bucket
	sweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(l, def Limit) *limiter {
	if l.Every <= 0 {
		l.Every = def.Every
	}
	if l.Burst <= 0 {
		l.Burst = def.Burst
	}
	return &limiter{limit: l, m: map[string]*bucket{}}
}

// allow takes a token for key, or reports how long to wait for one.
func (l *limiter) allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// A bucket idle for Burst·Every is full again: forget it.
	idle := time.Duration(l.limit.Burst) * l.limit.Every
	if now.Sub(l.sweep) > idle && len(l.m) > 0 {
		for k, b := range l.m {
			if now.Sub(b.seen) > idle {
				delete(l.m, k)
			}
		}
		l.sweep = now
	}
	b := l.m[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.limit.Every), l.limit.Burst)}
		l.m[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// retryAfterSeconds formats a Retry-After value (whole seconds, at least 1).
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// clientAddr returns the client's address: the first address in the
// trusted proxy header if one is configured and present (Netlify sets
// X-Nf-Client-Connection-Ip), else the connection's remote host.
func clientAddr(r *http.Request, trustedHeader string) string {
	if trustedHeader != "" {
		if v := r.Header.Get(trustedHeader); v != "" {
			first, _, _ := strings.Cut(v, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// verifyNetlifySignature checks Netlify's signed proxy header: a JWS
// (HS256) in X-Nf-Sign, signed with the secret configured on the proxy
// redirect, whose claims say iss "netlify" and, if present, an exp in the
// future. It proves the request came through the site's own proxy.
func verifyNetlifySignature(token, secret string, now time.Time) error {
	if token == "" {
		return errors.New("no X-Nf-Sign header")
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("malformed X-Nf-Sign token")
	}
	header, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return errors.New("malformed X-Nf-Sign header part")
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(header, &h) != nil || h.Alg != "HS256" {
		return errors.New("X-Nf-Sign is not HS256")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return errors.New("malformed X-Nf-Sign signature")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return errors.New("X-Nf-Sign signature does not match the secret")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return errors.New("malformed X-Nf-Sign claims")
	}
	var claims struct {
		Iss string   `json:"iss"`
		Exp *float64 `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return errors.New("malformed X-Nf-Sign claims")
	}
	if claims.Iss != "netlify" {
		return errors.New("X-Nf-Sign issuer is not netlify")
	}
	if claims.Exp != nil && now.Unix() > int64(*claims.Exp) {
		return errors.New("X-Nf-Sign token expired")
	}
	return nil
}
