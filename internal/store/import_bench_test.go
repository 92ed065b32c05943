package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkImportRoster imports a 100,000-entry roster into an empty
// database in one transaction (200 departments, tokens and access codes
// made per entry), beside its raw limit: the same rows inserted with one
// prepared multi-row INSERT over database/sql in one transaction.
//
//	go test -run '^$' -bench 'ImportRoster|RawImport' -benchtime 3x -cpu 2 ./internal/store
//
// The whole command, parsing included, is measured with
// /usr/bin/time -v ikrar roster import (see docs/bench.sh).

const importRows = 100_000

func importBenchRows() []ImportRow {
	rows := make([]ImportRow, importRows)
	for i := range rows {
		rows[i] = ImportRow{Line: i + 2, NIP: fmt.Sprintf("19%016d", i), Name: fmt.Sprintf("Pegawai Nomor %d, S.Kom.", i),
			Position: "Analis Kebijakan Ahli Muda", Department: fmt.Sprintf("Dinas Nomor %03d", i%200), Kind: "PNS"}
	}
	return rows
}

func BenchmarkImportRoster(b *testing.B) {
	rows := importBenchRows()
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		st := openBench(b)
		tok := 0
		opts := ImportOptions{NewToken: func() string { tok++; return fmt.Sprintf("tok-%026d", tok) },
			NewAccessCode: func() string { return "ABCDEFGH" }}
		b.StartTimer()
		res, err := st.ImportRoster(ctx, "bench", "bench.csv", rows, opts)
		if err != nil || res.Added != importRows {
			b.Fatalf("added %d, err %v", res.Added, err)
		}
	}
	b.ReportMetric(float64(importRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkRawImport(b *testing.B) {
	rows := importBenchRows()
	const perInsert = 500
	q := "INSERT INTO asns (nip, name, position, department_id, kind, email, phone, active, token, access_code, created_at, updated_at) VALUES " +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, '', '', true, ?, ?, ?, ?),", perInsert), ",")
	for range b.N {
		b.StopTimer()
		st := openBench(b)
		db, err := st.w.DB()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		stmt, err := tx.Prepare(q)
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now().UTC()
		args := make([]any, 0, perInsert*9)
		for start := 0; start < len(rows); start += perInsert {
			args = args[:0]
			for i, r := range rows[start : start+perInsert] {
				args = append(args, r.NIP, r.Name, r.Position, (start+i)%200+1, r.Kind, fmt.Sprintf("tok-%026d", start+i), "ABCDEFGH", now, now)
			}
			if _, err := stmt.Exec(args...); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(importRows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
