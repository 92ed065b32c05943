package report

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/excelcsv"
	"github.com/ikrar/ikrar/internal/wib"
)

// injectionPayloads are cell values a spreadsheet would evaluate.
var injectionPayloads = []string{`=HYPERLINK("http://x")`, `@SUM(1)`, `-2+3`, `+1`, "\t=1", "\r=1"}

// parseCSV reads an export the way Excel with the id-ID locale does: it
// checks the BOM, splits on ";" and returns the records (blank lines
// skipped). NIPs come back as the ="…" text form.
func parseCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV does not start with the UTF-8 BOM: % x", data[:min(len(data), 3)])
	}
	cr := csv.NewReader(bytes.NewReader(data[3:]))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1 // the summary and people sections differ in width
	records, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	return records
}

// assertNoFormula fails if any cell could be evaluated by a spreadsheet.
func assertNoFormula(t *testing.T, records [][]string) {
	t.Helper()
	for i, rec := range records {
		for j, cell := range rec {
			if excelcsv.Untext(cell) != cell {
				continue // ="digits": text, never a formula
			}
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("record %d field %d starts with a formula character: %q", i+1, j+1, cell)
			}
		}
	}
}

func TestWriteCSVDepartmentReport(t *testing.T) {
	r := departmentReport(120)
	r.Departments = []DepartmentStat{
		{Code: "1.05", Name: "Dinas Pendidikan, Pemuda, dan Olahraga", Roster: 100, Signed: 57, OwnRoster: 80},
		{Code: "1.05.1", ParentCode: "1.05", Name: "Bidang Pendidikan Dasar", Depth: 1, Roster: 20, Signed: 19, OwnRoster: 20},
	}
	r.Total.OwnRoster = r.Total.Roster
	for i, payload := range injectionPayloads {
		r.People[i].Name = payload
	}
	r.People[10].Name = "<script>alert('x')</script>"
	r.People[11].Position = "Analis, \"Ahli\" Muda\nBaris kedua"
	r.People[12].Name = "Budi;=2*21" // issue 11: one cell in Excel id-ID, no formula

	var buf bytes.Buffer
	if err := WriteCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	writeSample(t, "department.csv", buf.Bytes())
	recs := parseCSV(t, buf.Bytes())

	// Summary: header, two departments, totals; then people header and rows.
	if got, want := len(recs), 1+2+1+1+len(r.People); got != want {
		t.Fatalf("got %d records, want %d", got, want)
	}
	if !slices.Equal(recs[0], csvSummaryHeader) {
		t.Errorf("summary header = %q", recs[0])
	}
	// Code, parent code, level, name, own staff, staff with sub-units.
	if want := []string{"1.05", "", "1", "Dinas Pendidikan, Pemuda, dan Olahraga", "80", "100", "57", "43", "57,0"}; !slices.Equal(recs[1], want) {
		t.Errorf("first department = %q, want %q", recs[1], want)
	}
	if want := []string{"1.05.1", "1.05", "2", "Bidang Pendidikan Dasar", "20", "20", "19", "1", "95,0"}; !slices.Equal(recs[2], want) {
		t.Errorf("second department = %q, want %q", recs[2], want)
	}
	tot := recs[3]
	if tot[3] != "Jumlah" || tot[4] != strconv.Itoa(r.Total.OwnRoster) || tot[5] != strconv.Itoa(r.Total.Roster) || tot[6] != strconv.Itoa(r.Total.Signed) ||
		tot[7] != strconv.Itoa(r.Total.Pending()) {
		t.Errorf("totals row = %q, want roster %d signed %d", tot, r.Total.Roster, r.Total.Signed)
	}
	if !slices.Equal(recs[4], csvPeopleHeader) {
		t.Errorf("people header = %q", recs[4])
	}
	people := recs[5:]
	signedRows := 0
	for i, rec := range people {
		p := r.People[i]
		if rec[0] != `="`+p.NIP+`"` {
			t.Errorf("row %d NIP = %q, want %q", i, rec[0], p.NIP)
		}
		switch rec[4] {
		case "sudah":
			signedRows++
			if want := p.SignedAt.In(wib.Zone).Format("2006-01-02 15:04:05"); rec[5] != want {
				t.Errorf("row %d time = %q, want %q (WIB)", i, rec[5], want)
			}
			if rec[6] != p.CertificateCode {
				t.Errorf("row %d certificate = %q", i, rec[6])
			}
		case "belum":
			if rec[5] != "" || p.Signed() {
				t.Errorf("row %d pending but time %q / signed %v", i, rec[5], p.Signed())
			}
		default:
			t.Errorf("row %d status = %q", i, rec[4])
		}
	}
	if signedRows != r.Total.Signed {
		t.Errorf("%d signed rows, want %d", signedRows, r.Total.Signed)
	}
	assertNoFormula(t, recs)
	for i, payload := range injectionPayloads {
		if got := people[i][1]; got != excelcsv.Neutralize(payload) || got[0] != '\'' {
			t.Errorf("payload %q written as %q, want apostrophe prefix", payload, got)
		}
	}
	// CSV is not HTML: markup passes through untouched, quotes and newlines
	// survive the round trip.
	if got := people[10][1]; got != "<script>alert('x')</script>" {
		t.Errorf("script text = %q", got)
	}
	if got := people[11][2]; got != r.People[11].Position {
		t.Errorf("quoted position = %q", got)
	}
	if got := people[12][1]; got != "Budi;'=2*21" {
		t.Errorf("name with a separator = %q, want one neutralised cell", got)
	}
}

func TestWriteCSVSummaryHasNoPeopleSection(t *testing.T) {
	r := summaryReport(30)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	recs := parseCSV(t, buf.Bytes())
	if len(recs) != 1+30+1 {
		t.Fatalf("got %d records, want header + 30 departments + totals", len(recs))
	}
	sum := 0
	// Own staff summed over the rows is the roster (issue 10: staff
	// including sub-units once summed to more than the roster).
	for _, rec := range recs[1:31] {
		n, err := strconv.Atoi(rec[4])
		if err != nil {
			t.Fatalf("own staff %q is not an integer", rec[4])
		}
		sum += n
	}
	if got := recs[31][4]; got != strconv.Itoa(sum) || got != strconv.Itoa(r.Total.Roster) {
		t.Errorf("totals own staff %s, departments sum to %d, roster %d", got, sum, r.Total.Roster)
	}
	if !strings.HasSuffix(buf.String(), "\r\n") {
		t.Error("records should end with CRLF for Excel")
	}
}

func TestWriteLinksCSV(t *testing.T) {
	s := sampleLinks(10)
	s.Links[3].Name = "=cmd|' /C calc'!A0"
	s.Links[4].Name = "Zoë O'Neil"
	var buf bytes.Buffer
	if err := WriteLinksCSV(&buf, s); err != nil {
		t.Fatal(err)
	}
	recs := parseCSV(t, buf.Bytes())
	if want := []string{"nip", "nama", "jabatan", "unit_kerja", "tautan", "kode_akses"}; !slices.Equal(recs[0], want) {
		t.Fatalf("header = %q, want %q", recs[0], want)
	}
	if len(recs) != 11 {
		t.Fatalf("got %d records, want 11", len(recs))
	}
	for i, l := range s.Links {
		want := []string{`="` + l.NIP + `"`, excelcsv.Neutralize(l.Name), l.Position, l.Department, l.URL, l.AccessCode}
		if !slices.Equal(recs[i+1], want) {
			t.Errorf("row %d = %q, want %q", i+1, recs[i+1], want)
		}
	}
	if recs[4][1] != "'=cmd|' /C calc'!A0" || recs[5][1] != "Zoë O'Neil" {
		t.Errorf("names = %q, %q", recs[4][1], recs[5][1])
	}
	assertNoFormula(t, recs)
}

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Budi Santosa", "Budi Santosa"},
		{"198705122010011002", "198705122010011002"},
		{"O'Neil", "O'Neil"},
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://x")`, `'=HYPERLINK("http://x")`},
		{"+62 812", "'+62 812"},
		{"-2+3", "'-2+3"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
		{"<script>", "<script>"},
		{"'already", "'already"},
	}
	for _, tt := range tests {
		if got := Neutralize(tt.in); got != tt.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPercentFormatting(t *testing.T) {
	tests := []struct {
		roster, signed int
		id, csv        string
		pending        int
	}{
		{0, 0, "—", "", 0},             // nobody to sign: no figure
		{100, 57, "57,0%", "57,0", 43}, // float 57/100*100 is 56.99999…
		{3, 1, "33,3%", "33,3", 2},
		{10000, 9999, "99,9%", "99,9", 1}, // never rounds up to 100 with someone missing
		{5, 5, "100,0%", "100,0", 0},
		{5, 7, "100,0%", "100,0", 0}, // inconsistent input is clamped
	}
	for _, tt := range tests {
		d := DepartmentStat{Roster: tt.roster, Signed: tt.signed}
		if got := formatPercentID(d); got != tt.id {
			t.Errorf("formatPercentID(%d/%d) = %q, want %q", tt.signed, tt.roster, got, tt.id)
		}
		if got := formatPercentCSV(d); got != tt.csv {
			t.Errorf("formatPercentCSV(%d/%d) = %q, want %q", tt.signed, tt.roster, got, tt.csv)
		}
		if got := d.Pending(); got != tt.pending {
			t.Errorf("Pending(%d/%d) = %d, want %d", tt.signed, tt.roster, got, tt.pending)
		}
	}
}

func TestIndonesianFormatting(t *testing.T) {
	if got, want := wib.DateTime(time.Date(2026, 2, 28, 17, 5, 0, 0, time.UTC)), "1 Maret 2026 00.05 WIB"; got != want {
		t.Errorf("wib.DateTime = %q, want %q (UTC+7 crosses midnight)", got, want)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1.000", 5600: "5.600", 1234567: "1.234.567", -4200: "-4.200"} {
		if got := formatIntID(n); got != want {
			t.Errorf("formatIntID(%d) = %q, want %q", n, got, want)
		}
	}
}
