package report

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/store"
)

// Announced counts what one look for completed units did.
type Announced struct {
	Webhooks int // unit.completed events emitted
	Messages int // "unit at 100 %" messages queued to staff
}

// EmitCompletedUnits announces completed units (AnnounceCompletedUnits)
// and returns the number of unit.completed events emitted.
func EmitCompletedUnits(ctx context.Context, st *store.Store, now time.Time) (int, error) {
	a, err := AnnounceCompletedUnits(ctx, st, now)
	return a.Webhooks, err
}

// AnnounceCompletedUnits is the one place that notices a unit of an open
// campaign whose staff (sub-units included, by the one completion rule)
// have all signed. For each it sends unit.completed once per campaign and
// unit ever: the event id is fixed ("unit-<campaign>-<unit>"), so several
// instances and repeated checks send it once. And it tells the unit's
// heads (and, for a top-level unit, the admins) with an address by email,
// once per campaign and unit too (store.RecordUnitCompleted). A unit that
// falls below 100 % (new staff) and comes back is not announced again.
// Nothing is computed while nobody would hear of it: no subscription and
// no staff user with an address.
func AnnounceCompletedUnits(ctx context.Context, st *store.Store, now time.Time) (Announced, error) {
	var out Announced
	hooks, err := st.Subscribed(ctx, store.EventUnitCompleted)
	if err != nil {
		return out, err
	}
	mail, err := st.StaffMailable(ctx)
	if err != nil || (!hooks && !mail) {
		return out, err
	}
	camps, err := st.OpenCampaigns(ctx)
	if err != nil {
		return out, err
	}
	sc, err := org.All(ctx, st)
	if err != nil {
		return out, err
	}
	for _, camp := range camps {
		rows, _, err := CompletionOf(ctx, st, sc, camp.ID)
		if err != nil {
			return out, err
		}
		for _, r := range rows {
			if r.Roster == 0 || r.Signed < r.Roster {
				continue
			}
			if hooks {
				id := fmt.Sprintf("unit-%d-%d", camp.ID, r.Department.ID)
				data := map[string]any{"campaign_id": camp.ID, "campaign_version": camp.Version, "unit_code": r.Department.Code,
					"unit_name": r.Department.Name, "staff": r.Roster, "signed": r.Signed}
				ok, err := st.EmitWebhookOnce(ctx, id, store.EventUnitCompleted, func() ([]byte, error) {
					return store.WebhookPayload(store.EventUnitCompleted, now, data)
				})
				if err != nil {
					return out, err
				}
				if ok {
					out.Webhooks++
				}
			}
			if mail {
				n, err := st.RecordUnitCompleted(ctx, camp.ID, r.Department)
				if err != nil {
					return out, err
				}
				out.Messages += n
			}
		}
	}
	return out, nil
}

// WatchCompletedUnits runs AnnounceCompletedUnits every interval until ctx ends.
func WatchCompletedUnits(ctx context.Context, st *store.Store, log *slog.Logger, interval time.Duration) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if a, err := AnnounceCompletedUnits(ctx, st, time.Now()); err != nil && ctx.Err() == nil {
				log.Warn("announce completed units", "err", err)
			} else if a.Webhooks > 0 || a.Messages > 0 {
				log.Info("completed units announced", "webhooks", a.Webhooks, "messages", a.Messages)
			}
		}
	}()
	return done
}
