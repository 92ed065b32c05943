package report

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestStreamDepartmentMatchesReport: a unit's CSV report streamed batch
// by batch is byte for byte the CSV of BuildDepartment's report, and its
// streamed XLSX has the cells, styles and filters of WriteXLSX's (signed,
// pending, moved after signing), on SQLite and PostgreSQL, with more people
// in each unit than one batch (2,000) holds.
func TestStreamDepartmentMatchesReport(t *testing.T) {
	storetest.Each(t, testStreamDepartmentMatchesReport)
}

func testStreamDepartmentMatchesReport(t *testing.T, b storetest.Backend) {
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

		wb.Reset()
		gb.Reset()
		if err := WriteXLSX(&wb, want); err != nil {
			t.Fatal(err)
		}
		if got, err = StreamDepartmentXLSX(ctx, &gb, st, sc, d, camp, now); err != nil || got.Total != want.Total {
			t.Fatalf("%s: streamed XLSX %+v, %v", d.Name, got.Total, err)
		}
		sameWorkbook(t, d.Name, wb.Bytes(), gb.Bytes(), len(want.People))
	}
}

// sameWorkbook fails unless the two workbooks have the same sheets, and in
// each the same cells: raw value, type and style, and the same filters.
func sameWorkbook(t *testing.T, name string, want, got []byte, people int) {
	t.Helper()
	open := func(b []byte) *excelize.File {
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: workbook does not open: %v", name, err)
		}
		t.Cleanup(func() { _ = f.Close() })
		return f
	}
	wf, gf := open(want), open(got)
	if w, g := wf.GetSheetList(), gf.GetSheetList(); !slices.Equal(w, g) {
		t.Fatalf("%s: sheets %q, want %q", name, g, w)
	}
	if a := gf.GetActiveSheetIndex(); a != 0 || wf.GetActiveSheetIndex() != 0 {
		t.Fatalf("%s: active sheet %d, want the summary", name, a)
	}
	for _, sheet := range wf.GetSheetList() {
		wr, err := wf.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		gr, err := gf.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(gr) != len(wr) {
			t.Fatalf("%s: sheet %s has %d rows, want %d", name, sheet, len(gr), len(wr))
		}
		for r := range wr {
			if !slices.Equal(gr[r], wr[r]) {
				t.Fatalf("%s: %s row %d = %q, want %q", name, sheet, r+1, gr[r], wr[r])
			}
			for c := range max(len(wr[r]), 10) {
				cell := cellName(c+1, r+1)
				ws, _ := wf.GetCellStyle(sheet, cell)
				gs, _ := gf.GetCellStyle(sheet, cell)
				wt, _ := wf.GetCellType(sheet, cell)
				gt, _ := gf.GetCellType(sheet, cell)
				for _, typ := range []*excelize.CellType{&wt, &gt} {
					if *typ == excelize.CellTypeSharedString {
						*typ = excelize.CellTypeInlineString // both are text
					}
				}
				if ws != gs || wt != gt {
					t.Fatalf("%s: %s!%s style %d type %v, want style %d type %v", name, sheet, cell, gs, gt, ws, wt)
				}
			}
		}
	}
	filters := func(f *excelize.File) []string {
		var out []string
		for _, dn := range f.GetDefinedName() {
			out = append(out, dn.Scope+" "+dn.Name+" "+dn.RefersTo)
		}
		return out
	}
	if w, g := filters(wf), filters(gf); !slices.Equal(w, g) {
		t.Fatalf("%s: filters %q, want %q", name, g, w)
	}
	if people > 0 {
		if p, err := gf.GetPanes(SheetPeople); err != nil || !p.Freeze || p.YSplit != 1 {
			t.Fatalf("%s: people header not frozen: %+v %v", name, p, err)
		}
	}
}
