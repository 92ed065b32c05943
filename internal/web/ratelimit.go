package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ikrar/ikrar/internal/i18n"
)

// Limits are the failure budgets of the rate limits, each per purpose and
// per target, so failures on one purpose never block another. Per-address
// budgets are high because a whole kantor (hundreds of people) can share
// one NAT address at morning assembly; per-target budgets (one NIP, one
// account) stay strict because they are what a guesser aims at. All
// windows are Window long and start at their first failure.
type Limits struct {
	Window time.Duration

	SignPerNIP     int // wrong access codes for one NIP
	SignPerAddress int // wrong NIP + code pairs from one address
	LinkPerAddress int // unknown signing links from one address
	CodePerAddress int // unknown certificate codes (/verify/{code}) from one address

	LoginPerAccountAddress int // wrong passwords for one account from one address
	LoginPerAddress        int // wrong passwords from one address, any account
	// LoginPerAccount bounds wrong passwords for one account from
	// everywhere. It does not apply to browsers in which the account has
	// logged in before (a signed cookie), so a stranger cannot lock the
	// admin out of their own browser.
	LoginPerAccount int
	// SecondFactorPerAccount bounds wrong two-factor codes for one
	// account (whoever tries already knows its password).
	SecondFactorPerAccount int
}

// DefaultLimits are the budgets ikrar runs with (documented in README).
func DefaultLimits() Limits {
	return Limits{
		Window:                 15 * time.Minute,
		SignPerNIP:             5,
		SignPerAddress:         300,
		LinkPerAddress:         300,
		CodePerAddress:         300,
		LoginPerAccountAddress: 5,
		LoginPerAddress:        100,
		LoginPerAccount:        50,
		SecondFactorPerAccount: 5,
	}
}

// limiter counts failures per key in a fixed window. Successes never
// count, so honest users are not locked out by their colleagues.
//
// With one instance the counters live in memory. When several instances
// share a database (store.MultiInstance), they live in the database, so a
// guesser gets the same number of attempts whichever instance the load
// balancer sends them to.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	hits   map[string]*window

	name      string         // distinguishes this limiter's keys in the shared table
	shared    failureCounter // nil: in memory
	log       *slog.Logger
	lastPurge time.Time
}

// failureCounter is the database side of a shared limiter (store.Store).
type failureCounter interface {
	RecordFailure(ctx context.Context, bucket string, now time.Time, window time.Duration) error
	Failures(ctx context.Context, bucket string, now time.Time, window time.Duration) (int, time.Time, error)
	ResetFailures(ctx context.Context, bucket string) error
	PurgeFailures(ctx context.Context, cutoff time.Time) error
}

type window struct {
	start time.Time
	n     int
}

func newLimiter(name string, max int, per time.Duration, now func() time.Time) *limiter {
	return &limiter{name: name, max: max, window: per, now: now, hits: map[string]*window{}}
}

// sharedVia moves the counters into the database.
func (l *limiter) sharedVia(fc failureCounter, log *slog.Logger) {
	l.shared, l.log = fc, log
}

// sharedTimeout bounds a counter query: the limiter sits in front of login
// and signing, and a slow database must not hold those requests for long.
const sharedTimeout = 2 * time.Second

// bucket names key in the shared table. Keys are IPs, NIPs and typed
// usernames: hashing keeps them out of the table and bounds their length.
func (l *limiter) bucket(key string) string {
	sum := sha256.Sum256([]byte(key))
	return l.name + ":" + hex.EncodeToString(sum[:16])
}

// Blocked returns how much longer key has no attempts left (0: not blocked).
func (l *limiter) Blocked(key string) time.Duration {
	now := l.now()
	if l.shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
		defer cancel()
		n, start, err := l.shared.Failures(ctx, l.bucket(key), now, l.window)
		if err != nil {
			// Fail open: a database that cannot answer this fails the
			// request that follows anyway, with a clearer error.
			l.log.Warn("rate limit: read failures", "limiter", l.name, "err", err)
			return 0
		}
		if n < l.max {
			return 0
		}
		return max(start.Add(l.window).Sub(now), time.Second)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.hits[key]
	if !ok || now.Sub(w.start) >= l.window || w.n < l.max {
		return 0
	}
	return max(w.start.Add(l.window).Sub(now), time.Second)
}

// Fail records one failure for key.
func (l *limiter) Fail(key string) {
	if l.shared != nil {
		l.failShared(key)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.hits) > 100_000 {
		// Bound memory under a spray of distinct keys: drop expired windows.
		for k, w := range l.hits {
			if now.Sub(w.start) >= l.window {
				delete(l.hits, k)
			}
		}
	}
	w, ok := l.hits[key]
	if !ok || now.Sub(w.start) >= l.window {
		l.hits[key] = &window{start: now, n: 1}
		return
	}
	w.n++
}

func (l *limiter) failShared(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	now := l.now()
	if err := l.shared.RecordFailure(ctx, l.bucket(key), now, l.window); err != nil {
		l.log.Warn("rate limit: record failure", "limiter", l.name, "err", err)
	}
	// Expired windows are swept at most once per window by each instance,
	// which bounds the table under a spray of distinct keys.
	l.mu.Lock()
	due := now.Sub(l.lastPurge) >= l.window
	if due {
		l.lastPurge = now
	}
	l.mu.Unlock()
	if due {
		if err := l.shared.PurgeFailures(ctx, now.Add(-l.window)); err != nil {
			l.log.Warn("rate limit: purge", "limiter", l.name, "err", err)
		}
	}
}

// Reset forgets key, after a success that ends the suspicion.
func (l *limiter) Reset(key string) {
	if l.shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
		defer cancel()
		if err := l.shared.ResetFailures(ctx, l.bucket(key)); err != nil {
			l.log.Warn("rate limit: reset", "limiter", l.name, "err", err)
		}
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}

// limiters are the server's rate limits, one per purpose and target.
type limiters struct {
	signNIP, signAddr   *limiter
	linkAddr, codeAddr  *limiter
	loginAccAddr        *limiter
	loginAddr, loginAcc *limiter
	secondFactor        *limiter
}

func newLimiters(l Limits, now func() time.Time) limiters {
	w := l.Window
	return limiters{
		signNIP:      newLimiter("sign-nip", l.SignPerNIP, w, now),
		signAddr:     newLimiter("sign-ip", l.SignPerAddress, w, now),
		linkAddr:     newLimiter("token-ip", l.LinkPerAddress, w, now),
		codeAddr:     newLimiter("code-ip", l.CodePerAddress, w, now),
		loginAccAddr: newLimiter("login-user-ip", l.LoginPerAccountAddress, w, now),
		loginAddr:    newLimiter("login-ip", l.LoginPerAddress, w, now),
		loginAcc:     newLimiter("login-user", l.LoginPerAccount, w, now),
		secondFactor: newLimiter("totp-user", l.SecondFactorPerAccount, w, now),
	}
}

func (ls limiters) all() []*limiter {
	return []*limiter{ls.signNIP, ls.signAddr, ls.linkAddr, ls.codeAddr, ls.loginAccAddr, ls.loginAddr, ls.loginAcc, ls.secondFactor}
}

// waitMinutes rounds a wait up to whole minutes, at least one.
func waitMinutes(d time.Duration) int {
	return max(int((d+time.Minute-1)/time.Minute), 1)
}

// tooManyMessage says, in the page language, how long to wait.
func tooManyMessage(lang string, wait time.Duration) string {
	return i18n.T(lang, "too_many_wait", waitMinutes(wait))
}

// tooMany refuses a request that used up its attempts, as an error page
// that says how many minutes remain (both languages: error pages have no
// form to re-render).
func tooMany(c echo.Context, wait time.Duration) error {
	retryAfter(c, wait)
	return echo.NewHTTPError(http.StatusTooManyRequests, i18n.New("too_many_wait", waitMinutes(wait)))
}

// retryAfter tells clients when to try again.
func retryAfter(c echo.Context, wait time.Duration) {
	c.Response().Header().Set("Retry-After", fmt.Sprint(int((wait+time.Second-1)/time.Second)))
}
