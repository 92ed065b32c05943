package web

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/ikrar/ikrar/internal/store"
)

// openKey is one person's link for one campaign.
type openKey struct{ asn, campaign uint }

// openRecorder notes the first visit of each personal signing link
// ("dibuka") without slowing the visit: the page only adds the visit to a
// map; a short-lived goroutine writes what gathered in one transaction a
// moment later (one commit for a burst of visits, not one per visit), and
// a person already noted is not noted again by this process. The database
// keeps only the first visit (INSERT ... ON CONFLICT DO NOTHING), so
// another instance or a restart noting it again changes nothing.
type openRecorder struct {
	store *store.Store
	log   *slog.Logger
	delay time.Duration

	mu       sync.Mutex
	pending  map[openKey]time.Time
	seen     map[openKey]struct{}
	flushing bool
}

// maxSeen bounds the memory of visits already noted (about 50 bytes
// each); past it the set starts over, which costs only a redundant insert.
const maxSeen = 200_000

func newOpenRecorder(st *store.Store, log *slog.Logger) *openRecorder {
	return &openRecorder{store: st, log: log, delay: 500 * time.Millisecond,
		pending: map[openKey]time.Time{}, seen: map[openKey]struct{}{}}
}

// Note records a visit; it never blocks on the database.
func (r *openRecorder) Note(asnID, campaignID uint, at time.Time) {
	k := openKey{asnID, campaignID}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.seen[k]; ok {
		return
	}
	if len(r.seen) >= maxSeen {
		r.seen = map[openKey]struct{}{}
	}
	r.seen[k] = struct{}{}
	r.pending[k] = at
	if !r.flushing {
		r.flushing = true
		go r.flushLoop()
	}
}

// flushLoop writes the gathered visits until none are left, then ends.
func (r *openRecorder) flushLoop() {
	for {
		time.Sleep(r.delay)
		r.mu.Lock()
		if len(r.pending) == 0 {
			r.flushing = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		r.flush(ctx)
		cancel()
	}
}

// flush writes the visits gathered so far.
func (r *openRecorder) flush(ctx context.Context) {
	r.mu.Lock()
	batch := r.pending
	r.pending = map[openKey]time.Time{}
	r.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	opens := make([]store.LinkOpen, 0, len(batch))
	for k, at := range batch {
		opens = append(opens, store.LinkOpen{ASNID: k.asn, CampaignID: k.campaign, OpenedAt: at})
	}
	if err := r.store.RecordOpens(ctx, opens); err != nil {
		// A lost "opened" mark is not worth failing anything for; let the
		// next visit try again.
		r.log.Warn("record link opens", "n", len(opens), "err", err)
		r.mu.Lock()
		for k := range batch {
			delete(r.seen, k)
		}
		r.mu.Unlock()
	}
}
