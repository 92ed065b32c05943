package reach_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/reach/smtptest"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// BenchmarkSenderRate delivers ten seconds' worth of queued messages
// through a real SMTP server with the rate cap at 600 and at 3,000 a
// minute and reports the rate achieved, beside the raw limit: the same
// server taking 300 messages sent back to back without the outbox.
//
//	go test -run '^$' -bench 'SenderRate|RawSMTP' -benchtime 1x ./internal/reach
func BenchmarkSenderRate(b *testing.B) {
	for _, perMinute := range []int{600, 3000} {
		b.Run(fmt.Sprintf("cap%d", perMinute), func(b *testing.B) { benchSender(b, perMinute, perMinute/6) })
	}
}

func benchSender(b *testing.B, perMinute, n int) {
	for range b.N {
		b.StopTimer()
		srv := smtptest.Start(b)
		st := storetest.Open(b, storetest.SQLite)
		ctx := context.Background()
		camp := store.Campaign{Slug: "b", Version: 1, Title: "B", Preamble: "P", Points: `["a"]`, Closing: "C", Instansi: "I", TextHash: fmt.Sprintf("%064d", 0), Status: "open"}
		if err := st.CreateCampaign(ctx, "bench", &camp); err != nil {
			b.Fatal(err)
		}
		rows := make([]store.ImportRow, n)
		for i := range rows {
			rows[i] = store.ImportRow{Line: i + 2, NIP: fmt.Sprintf("19%016d", i), Name: fmt.Sprintf("Pegawai %d", i), Position: "Staf", Department: "Dinas", Kind: "PNS",
				Email: fmt.Sprintf("p%d@example.test", i)}
		}
		k := 0
		if _, err := st.ImportRoster(ctx, "bench", "b", rows, store.ImportOptions{NewToken: func() string { k++; return fmt.Sprintf("btoken-%030d", k) },
			NewAccessCode: func() string { return "ABCDEFGH" }}); err != nil {
			b.Fatal(err)
		}
		if _, err := reach.Queue(ctx, st, time.Now(), reach.Request{Kind: reach.KindInvitation, Campaign: camp}); err != nil {
			b.Fatal(err)
		}
		m, err := reach.NewSMTP(srv.URL(), "ikrar@example.test")
		if err != nil {
			b.Fatal(err)
		}
		s := &reach.Sender{Store: st, Mailer: m, BaseURL: "http://ikrar.test", Rate: perMinute, Log: quiet(), Idle: 10 * time.Millisecond}
		runCtx, stop := context.WithCancel(ctx)
		b.StartTimer()
		start := time.Now()
		done := make(chan struct{})
		go func() { s.Run(runCtx); close(done) }()
		for len(srv.Messages()) < n {
			time.Sleep(20 * time.Millisecond)
		}
		took := time.Since(start)
		b.StopTimer()
		stop()
		<-done
		b.ReportMetric(float64(n)/took.Minutes(), "messages/min")
		b.ReportMetric(float64(n)/took.Minutes()/float64(perMinute), "of-cap")
	}
}

func BenchmarkRawSMTP(b *testing.B) {
	const n = 300
	for range b.N {
		b.StopTimer()
		srv := smtptest.Start(b)
		m, err := reach.NewSMTP(srv.URL(), "ikrar@example.test")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		for i := 0; i < n; i++ {
			if err := m.Send(context.Background(), reach.Mail{To: fmt.Sprintf("p%d@example.test", i), Subject: "s", Text: "t", HTML: "<p>t</p>"}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)/time.Since(start).Minutes(), "messages/min")
	}
}
