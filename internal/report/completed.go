package report

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/store"
)

// EmitCompletedUnits sends unit.completed for every unit of an open
// campaign whose staff (sub-units included, by the one completion rule)
// have all signed, once per campaign and unit ever: the event id is fixed
// ("unit-<campaign>-<unit>"), so several instances and repeated checks
// send it once. A unit that falls below 100 % (new staff) and comes back is
// not announced again. Nothing is computed without a subscription.
func EmitCompletedUnits(ctx context.Context, st *store.Store, now time.Time) (int, error) {
	if ok, err := st.Subscribed(ctx, store.EventUnitCompleted); err != nil || !ok {
		return 0, err
	}
	camps, err := st.OpenCampaigns(ctx)
	if err != nil {
		return 0, err
	}
	sc, err := org.All(ctx, st)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, camp := range camps {
		rows, _, err := CompletionOf(ctx, st, sc, camp.ID)
		if err != nil {
			return sent, err
		}
		for _, r := range rows {
			if r.Roster == 0 || r.Signed < r.Roster {
				continue
			}
			id := fmt.Sprintf("unit-%d-%d", camp.ID, r.Department.ID)
			data := map[string]any{"campaign_id": camp.ID, "campaign_version": camp.Version, "unit_code": r.Department.Code,
				"unit_name": r.Department.Name, "staff": r.Roster, "signed": r.Signed}
			ok, err := st.EmitWebhookOnce(ctx, id, store.EventUnitCompleted, func() ([]byte, error) {
				return store.WebhookPayload(store.EventUnitCompleted, now, data)
			})
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	return sent, nil
}

// WatchCompletedUnits runs EmitCompletedUnits every interval until ctx ends.
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
			if n, err := EmitCompletedUnits(ctx, st, time.Now()); err != nil && ctx.Err() == nil {
				log.Warn("unit.completed webhooks", "err", err)
			} else if n > 0 {
				log.Info("unit.completed webhooks queued", "units", n)
			}
		}
	}()
	return done
}
