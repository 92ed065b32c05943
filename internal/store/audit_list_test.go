package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestAuditEventsFilters runs the audit page's query on both databases.
func TestAuditEventsFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		st := storetest.Open(t, b)
		ctx := context.Background()
		d := store.Department{Code: "dinkes", Name: "Dinas Kesehatan"}
		if err := st.CreateDepartment(ctx, "user:admin", &d); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			if err := st.Record(ctx, "user:budi_100%", "report.exported", "report:x", nil); err != nil {
				t.Fatal(err)
			}
		}
		count := func(f store.AuditFilter) int {
			t.Helper()
			evs, _, err := st.AuditEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return len(evs)
		}
		for name, tt := range map[string]struct {
			f    store.AuditFilter
			want int
		}{
			"all":              {store.AuditFilter{}, 6},
			"kind":             {store.AuditFilter{Kind: "report.exported"}, 5},
			"kind prefix":      {store.AuditFilter{Kind: "department"}, 1},
			"not a prefix":     {store.AuditFilter{Kind: "depart"}, 0},
			"actor with %":     {store.AuditFilter{Actor: "BUDI_100%"}, 5},
			"actor wildcard":   {store.AuditFilter{Actor: "budi_1000"}, 0},
			"unit":             {store.AuditFilter{Units: []store.Department{d}}, 1},
			"future":           {store.AuditFilter{From: time.Now().Add(time.Hour)}, 0},
			"page":             {store.AuditFilter{Limit: 4}, 4},
			"before the third": {store.AuditFilter{BeforeID: 3}, 2},
		} {
			if got := count(tt.f); got != tt.want {
				t.Errorf("%s: %d events, want %d", name, got, tt.want)
			}
		}
		n := 0
		if err := st.StreamAuditEvents(ctx, store.AuditFilter{Kind: "report"}, func(evs []store.AuditEvent) error { n += len(evs); return nil }); err != nil || n != 5 {
			t.Errorf("stream: %d %v", n, err)
		}
	})
}
