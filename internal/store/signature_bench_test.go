package store

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The signing benchmarks and their raw limit run on the same disk, with
// the same pragmas (WAL, synchronous=FULL) and the same writer connection:
//
//	go test -run '^$' -bench 'Sign|RawInsert' -cpu 2 -count 6 ./internal/store | benchstat -
//
// BenchmarkRawInsert/rows-per-commit=1 is the durable insert rate without
// group commit (one fsync per row); BenchmarkSign/signers=64 is what the
// group committer makes of 64 concurrent signers, each signature being a
// signature row plus its audit event.

func openBench(b *testing.B) *Store {
	b.Helper()
	st, err := Open(context.Background(), Options{DSN: filepath.Join(b.TempDir(), "bench.db"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

var benchPledgeHash = strings.Repeat("3f8a6c0e", 8)

// benchSignature is signature i of a synthetic roster: the signatures
// table has no foreign keys, so the benchmark needs no imported roster.
func benchSignature(i int64) NewSignature {
	return NewSignature{
		ASN:        ASN{ID: uint(i), NIP: fmt.Sprintf("19800101200501%04d", i%10000), DepartmentID: uint(i%200 + 1)},
		CampaignID: 1, SignedAt: time.Now(), TypedName: "Budi Santosa", IP: "127.0.0.1",
		UserAgent: "Mozilla/5.0 (Linux; Android 13) Mobile", PledgeHash: benchPledgeHash,
		CertCode: fmt.Sprintf("IKR-B%015d", i),
	}
}

func BenchmarkSign(b *testing.B) {
	ctx := context.Background()
	b.Run("signers=1", func(b *testing.B) {
		st := openBench(b)
		b.ResetTimer()
		for i := range int64(b.N) {
			if _, err := st.Sign(ctx, benchSignature(i+1)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
	})
	b.Run("signers=64", func(b *testing.B) {
		st := openBench(b)
		var next atomic.Int64
		b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				res, err := st.Sign(ctx, benchSignature(next.Add(1)))
				if err != nil {
					b.Error(err)
					return
				}
				if !res.Created {
					b.Error("a new signer's signature was not created")
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sigs/s")
	})
}

func BenchmarkRawInsert(b *testing.B) {
	for _, batch := range []int{1, 64} {
		b.Run(fmt.Sprintf("rows-per-commit=%d", batch), func(b *testing.B) {
			st := openBench(b)
			db, err := st.w.DB()
			if err != nil {
				b.Fatal(err)
			}
			ins := st.signer.stmts.insert
			b.ResetTimer()
			for i := 0; i < b.N; i += batch {
				tx, err := db.Begin()
				if err != nil {
					b.Fatal(err)
				}
				stmt := tx.Stmt(ins)
				for j := i; j < min(i+batch, b.N); j++ {
					s := benchSignature(int64(j + 1))
					if _, err := stmt.Exec(s.ASN.ID, s.CampaignID, s.ASN.DepartmentID, s.SignedAt.UTC(), s.TypedName, s.DrawnPNG,
						s.IP, s.UserAgent, s.PledgeHash, s.CertCode, s.ASN.NIP, s.ASN.Name, s.ASN.Position, "", ""); err != nil {
						b.Fatal(err)
					}
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
