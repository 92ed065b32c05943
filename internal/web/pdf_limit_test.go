package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
)

// TestPDFTooLargeRefused: the PDFs that list people (a unit's report, the
// link cards, the pending list and its cards) refuse a unit of more people
// than report.MaxPDFPeople with 422 and a page that says why in both
// languages (the reader's first) and points to CSV and XLSX, which are
// still served; a small unit's PDFs are not affected. (?lang=en sticks
// for the requests after it, as in a browser.)
func TestPDFTooLargeRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var rows []store.ImportRow
	for i := range report.MaxPDFPeople + 1 {
		rows = append(rows, store.ImportRow{Line: i + 2, NIP: fmt.Sprintf("19700101199501%04d", i), Name: fmt.Sprintf("Pegawai %d", i),
			Position: "Staf", Department: "Dinas Besar", Kind: "PNS"})
	}
	tok := 0
	opts := store.ImportOptions{NewToken: func() string { tok++; return fmt.Sprintf("tok-%026d", tok) }, NewAccessCode: func() string { return "ABCDEFGH" }}
	if _, err := e.st.ImportRoster(ctx, "test", "besar.csv", rows, opts); err != nil {
		t.Fatal(err)
	}
	admin := e.adminLogin("admin", "admin")
	for _, tc := range []struct {
		path string
		code int
	}{
		{"/reports/departments/dinas-besar.pdf", http.StatusUnprocessableEntity},
		{"/reports/departments/dinas-besar.pdf?lang=en", http.StatusUnprocessableEntity},
		{"/admin/exports/links.pdf", http.StatusUnprocessableEntity},
		{"/admin/exports/links.pdf?department=dinas-besar", http.StatusUnprocessableEntity},
		{"/dashboard/departments/dinas-besar/pending/belum.pdf", http.StatusUnprocessableEntity},
		{"/dashboard/departments/dinas-besar/pending/kartu.pdf", http.StatusUnprocessableEntity},
		{"/reports/departments/dinas-besar.csv", http.StatusOK},
		{"/reports/departments/dinas-besar.xlsx", http.StatusOK},
		{"/admin/exports/links.csv?department=dinas-besar", http.StatusOK},
		{"/reports/departments/dinas-kesehatan.pdf", http.StatusOK},
		{"/admin/exports/links.pdf?department=dinas-kesehatan", http.StatusOK},
		{"/reports/summary.pdf", http.StatusOK},
	} {
		code, body := e.get(admin, tc.path)
		if code != tc.code {
			t.Errorf("%s: %d, want %d", tc.path, code, tc.code)
			continue
		}
		if code == http.StatusOK {
			// The unit's CSV report is streamed whole: everyone in it.
			if strings.HasSuffix(tc.path, "dinas-besar.csv") && strings.Count(body, ";Pegawai ") != report.MaxPDFPeople+1 {
				t.Errorf("%s: %d people, want %d", tc.path, strings.Count(body, ";Pegawai "), report.MaxPDFPeople+1)
			}
			continue
		}
		id := strings.Index(body, "paling banyak 10.000 orang")
		en := strings.Index(body, "at most 10,000")
		if id < 0 || en < 0 || !strings.Contains(body, "laporan juga tersedia sebagai XLSX") {
			t.Errorf("%s: the page does not say why in both languages:\n%s", tc.path, body)
		} else if english := strings.Contains(body, `<html lang="en"`); english != (en < id) {
			t.Errorf("%s: the reader's language does not come first", tc.path)
		}
	}
}
