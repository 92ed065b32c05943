package report

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestStreamDepartmentCSVMatchesReport: a unit's CSV report streamed batch
// by batch is byte for byte the CSV of BuildDepartment's report (signed,
// pending, moved after signing), on SQLite and PostgreSQL, with more people
// in each unit than one batch (2,000) holds.
func TestStreamDepartmentCSVMatchesReport(t *testing.T) {
	storetest.Each(t, testStreamDepartmentCSVMatchesReport)
}

func testStreamDepartmentCSVMatchesReport(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st := storetest.Open(t, b)
	camp := store.Campaign{Slug: "t", Version: 1, Title: "T", Preamble: "P", Points: `["a"]`, Closing: "C", Instansi: "I", TextHash: "h", Status: store.CampaignOpen}
	if err := st.CreateCampaign(ctx, "test", &camp); err != nil {
		t.Fatal(err)
	}
	var rows []store.ImportRow
	for i := range 4500 {
		rows = append(rows, store.ImportRow{Line: i + 2, NIP: fmt.Sprintf("19800101200501%04d", i), Name: fmt.Sprintf("Orang %d", i%700),
			Position: "Staf", Department: fmt.Sprintf("Bidang %d", i%2), Kind: "PNS"})
	}
	tok := 0
	opts := store.ImportOptions{NewToken: func() string { tok++; return fmt.Sprintf("tok-%026d", tok) }, NewAccessCode: func() string { return "ABCDEFGH" }}
	if _, err := st.ImportRoster(ctx, "test", "r.csv", rows, opts); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4500; i += 7 {
		a, err := st.ASNByNIP(ctx, rows[i].NIP)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Sign(ctx, store.NewSignature{ASN: a, CampaignID: camp.ID, SignedAt: time.Date(2024, 2, 1, 8, 0, i, 0, time.UTC),
			TypedName: a.Name, PledgeHash: "h", CertCode: fmt.Sprintf("IKR-D-%06d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	rows[0].Department = "Bidang 1" // signed, then moved
	if _, err := st.ImportRoster(ctx, "test", "r2.csv", rows, opts); err != nil {
		t.Fatal(err)
	}
	sc, err := org.All(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 2, 2, 8, 0, 0, 0, time.UTC)
	for _, d := range sc.All {
		want, err := BuildDepartment(ctx, st, sc, d, camp, now)
		if err != nil {
			t.Fatal(err)
		}
		var wb, gb bytes.Buffer
		if err := WriteCSV(&wb, want); err != nil {
			t.Fatal(err)
		}
		got, err := StreamDepartmentCSV(ctx, &gb, st, sc, d, camp, now)
		if err != nil || got.Total != want.Total {
			t.Fatalf("%s: streamed %+v, %v", d.Name, got.Total, err)
		}
		if !bytes.Equal(gb.Bytes(), wb.Bytes()) {
			t.Fatalf("%s: streamed CSV differs from the report's (%d and %d bytes)", d.Name, gb.Len(), wb.Len())
		}
	}
}
