package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"
)

// limiter counts failures per key in a fixed window. It guards login and
// access-code guessing; successes never count, so honest users are not
// locked out by their colleagues behind the same office NAT.
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
	Failures(ctx context.Context, bucket string, now time.Time, window time.Duration) (int, error)
	ResetFailures(ctx context.Context, bucket string) error
	PurgeFailures(ctx context.Context, cutoff time.Time) error
}

type window struct {
	start time.Time
	n     int
}

func newLimiter(max int, per time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: per, now: now, hits: map[string]*window{}}
}

// sharedVia moves the counters into the database under name.
func (l *limiter) sharedVia(name string, fc failureCounter, log *slog.Logger) *limiter {
	l.name, l.shared, l.log = name, fc, log
	return l
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

// Blocked reports whether key has used up its failures in this window.
func (l *limiter) Blocked(key string) bool {
	if l.shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
		defer cancel()
		n, err := l.shared.Failures(ctx, l.bucket(key), l.now(), l.window)
		if err != nil {
			// Fail open: a database that cannot answer this fails the
			// request that follows anyway, with a clearer error.
			l.log.Warn("rate limit: read failures", "limiter", l.name, "err", err)
			return false
		}
		return n >= l.max
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.hits[key]
	return ok && l.now().Sub(w.start) < l.window && w.n >= l.max
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

// Reset forgets key, after a successful login.
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
