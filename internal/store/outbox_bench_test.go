package store

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkQueueReminders queues one reminder step for 100,000 pending
// people with an address (200 units) in one statement, beside its raw
// limit: copying the same 100,000 rows with a bare INSERT ... SELECT.
//
//	go test -run '^$' -bench 'QueueReminders|RawOutboxCopy' -benchtime 1x ./internal/store
func BenchmarkQueueReminders(b *testing.B) {
	st, campaignID := outboxBenchDB(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		res, err := st.QueueMessages(ctx, "bench", QueueSpec{CampaignID: campaignID, Kind: "reminder", Step: fmt.Sprintf("h-%d", i)})
		if err != nil || res.Queued != importRows {
			b.Fatalf("queued %+v, err %v", res, err)
		}
	}
	b.ReportMetric(float64(importRows*b.N)/b.Elapsed().Seconds(), "messages/s")
}

func BenchmarkRawOutboxCopy(b *testing.B) {
	st, campaignID := outboxBenchDB(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		res := st.w.WithContext(ctx).Exec(`INSERT INTO outbox_messages (asn_id, campaign_id, kind, step, channel, recipient, state, next_at, attempts, last_error, created_at, updated_at)
			SELECT id, ?, 'raw', ?, 'email', email, 'queued', created_at, 0, '', created_at, created_at FROM asns`, campaignID, fmt.Sprintf("raw-%d", i))
		if res.Error != nil || res.RowsAffected != importRows {
			b.Fatalf("copied %d, err %v", res.RowsAffected, res.Error)
		}
	}
	b.ReportMetric(float64(importRows*b.N)/b.Elapsed().Seconds(), "messages/s")
}

func outboxBenchDB(b *testing.B) (*Store, uint) {
	b.Helper()
	st := openBench(b)
	rows := importBenchRows()
	for i := range rows {
		rows[i].Email = fmt.Sprintf("pegawai%d@dinas.example.test", i)
	}
	tok := 0
	ctx := context.Background()
	if _, err := st.ImportRoster(ctx, "bench", "bench.csv", rows, ImportOptions{NewToken: func() string { tok++; return fmt.Sprintf("tok-%026d", tok) },
		NewAccessCode: func() string { return "ABCDEFGH" }}); err != nil {
		b.Fatal(err)
	}
	c := Campaign{Slug: "b", Version: 1, Title: "B", Preamble: "P", Points: `["a"]`, Closing: "C", Instansi: "I", TextHash: fmt.Sprintf("%064d", 0), Status: "open"}
	if err := st.CreateCampaign(ctx, "bench", &c); err != nil {
		b.Fatal(err)
	}
	return st, c.ID
}
