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

// TestStreamLinksCSVMatchesSheet: the streamed CSV, sorted by the database,
// is byte for byte the CSV of the sheet sorted in Go, on SQLite and on
// PostgreSQL (where the query asks for byte order: a server whose
// collation is not C would otherwise order "b" before "Z"), for the whole
// roster and for one unit.
func TestStreamLinksCSVMatchesSheet(t *testing.T) { storetest.Each(t, testStreamLinksCSVMatchesSheet) }

func testStreamLinksCSVMatchesSheet(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st := storetest.Open(t, b)
	names := []string{"budi", "Budi", "Zainal", "Ádi", "adi", "Budi", "ＡＢ", "=SUM(A1)", "Çitra"}
	units := []string{"Dinas b", "Dinas Z", "dinas a", "Dinas Ä"}
	var rows []store.ImportRow
	for i := range 40 {
		rows = append(rows, store.ImportRow{Line: i + 2, NIP: fmt.Sprintf("19800101200501%04d", i), Name: names[i%len(names)],
			Position: "Staf", Department: units[i%len(units)], Kind: "PNS"})
	}
	tok := 0
	if _, err := st.ImportRoster(ctx, "test", "r.csv", rows, store.ImportOptions{NewToken: func() string { tok++; return fmt.Sprintf("tok-%026d", tok) },
		NewAccessCode: func() string { return "ABCDEFGH" }}); err != nil {
		t.Fatal(err)
	}
	all, err := org.All(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	camp := store.Campaign{Instansi: "Pemkot", Title: "Ikrar"}
	scopes := []org.Scope{all}
	for _, d := range all.All[:1] {
		scopes = append(scopes, all.Narrow(d.ID))
	}
	for _, sc := range scopes {
		sheet, err := BuildLinks(ctx, st, sc, "https://ikrar.example", camp, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var want, got bytes.Buffer
		if err := WriteLinksCSV(&want, sheet); err != nil {
			t.Fatal(err)
		}
		n, err := StreamLinksCSV(ctx, &got, st, sc, "https://ikrar.example")
		if err != nil || n != len(sheet.Links) || len(sheet.Links) == 0 {
			t.Fatalf("streamed %d links (sheet %d), %v", n, len(sheet.Links), err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("streamed CSV differs from the sheet's:\n got %s\nwant %s", got.String(), want.String())
		}
	}
}
