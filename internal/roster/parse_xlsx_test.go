package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite testdata/roster.xlsx from testdata/roster.csv")

// xlsxBytes builds a workbook whose first sheet holds rows, starting at row
// 1. A nil row leaves that spreadsheet row empty. Cells are strings unless
// they are float64, which excelize stores as numbers.
func xlsxBytes(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Pegawai"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	// A second sheet must be ignored: only the first one is read.
	if _, err := f.NewSheet("Catatan"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Catatan", "A1", &[]any{"nip", "nama", "jabatan", "unit_kerja"}); err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		if row == nil {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readSampleCSV(t testing.TB) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "roster.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestSampleXLSXMatchesCSV keeps the two committed samples in step and, with
// -update, regenerates the XLSX one. Its header uses other accepted names
// than the CSV's, so the samples also show both.
func TestSampleXLSXMatchesCSV(t *testing.T) {
	path := filepath.Join("testdata", "roster.xlsx")
	if *update {
		recs := readSampleCSV(t)
		rows := [][]any{{"NIP", "Nama Lengkap", "Jabatan", "Unit Kerja", "E-mail", "No HP", "Jenis ASN"}}
		for _, r := range recs[1:] {
			row := make([]any, len(r))
			for i, c := range r {
				row[i] = c
			}
			rows = append(rows, row)
		}
		if err := os.WriteFile(path, xlsxBytes(t, rows), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fromCSV := sampleRows(t, "roster.csv")
	fromXLSX := sampleRows(t, "roster.xlsx")
	if !reflect.DeepEqual(fromCSV, fromXLSX) {
		t.Errorf("roster.xlsx parses to\n%+v\nroster.csv to\n%+v", fromXLSX, fromCSV)
	}
}

func sampleRows(t testing.TB, name string) []Row {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := Parse(f, name)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return rows
}

func TestParseXLSX(t *testing.T) {
	header := []any{"NIP", "Nama", "Jabatan", "Unit Kerja", "Telepon"}
	tests := []struct {
		name     string
		rows     [][]any
		want     []Row
		problems []wantProblem // Line, Column and a part of EN
	}{
		{
			name: "rows with gaps keep spreadsheet row numbers",
			rows: [][]any{
				{"DAFTAR PEGAWAI KEMANTREN GONDOKUSUMAN"},
				nil,
				header,
				{"198511302010011004", "Heru Wibowo, S.IP.", "Mantri Pamong Praja", "Kemantren Gondokusuman", "0274 512345"},
				nil,
				{"200103052024211002", "  Dimas   Arya Saputra ", "Pranata Komputer", "Kemantren Gondokusuman"},
			},
			want: []Row{
				{Line: 4, NIP: "198511302010011004", Name: "Heru Wibowo, S.IP.", Position: "Mantri Pamong Praja", Department: "Kemantren Gondokusuman", Phone: "62274512345", Kind: "PNS"},
				{Line: 6, NIP: "200103052024211002", Name: "Dimas Arya Saputra", Position: "Pranata Komputer", Department: "Kemantren Gondokusuman", Kind: "PPPK"},
			},
		},
		{
			// Issue 14: tools other than Excel store all 18 digits.
			name: "NIP in a numeric cell with all 18 digits",
			rows: [][]any{header, {int64(198703122010121002), "Budi", "Staf", "Inspektorat"}},
			want: []Row{{Line: 2, NIP: "198703122010121002", Name: "Budi", Position: "Staf", Department: "Inspektorat", Kind: "PNS"}},
		},
		{
			name: "NIP with dots and dashes",
			rows: [][]any{header, {"19870312.201012.1.002", "Budi", "Staf", "Inspektorat"}, {"19851130-201001-1-004", "Heru", "Staf", "Inspektorat"}},
			want: []Row{
				{Line: 2, NIP: "198703122010121002", Name: "Budi", Position: "Staf", Department: "Inspektorat", Kind: "PNS"},
				{Line: 3, NIP: "198511302010011004", Name: "Heru", Position: "Staf", Department: "Inspektorat", Kind: "PNS"},
			},
		},
		{
			name:     "NIP stored as a number",
			rows:     [][]any{header, {198703122010121002.0, "Budi", "Staf", "Inspektorat"}},
			problems: []wantProblem{{Line: 2, Column: "nip", EN: "serial number (digits 16–18) must not be 000; if this came from Excel, the NIP column may be stored as a number"}},
		},
		{
			name: "every problem with its row",
			rows: [][]any{
				header,
				{"19870312201012100", "Budi", "Staf", "Inspektorat"},
				{"198703122010121002", "", "Staf", "Inspektorat", "abc"},
			},
			problems: []wantProblem{
				{Line: 2, Column: "nip", EN: "NIP must be 18 digits (got 17)"},
				{Line: 3, Column: "nama", EN: "name is empty"},
				{Line: 3, Column: "telepon", EN: `phone number "abc" may only contain`},
			},
		},
		{
			name:     "header only",
			rows:     [][]any{header},
			problems: []wantProblem{{EN: "no employee rows"}},
		},
		{
			name:     "empty sheet",
			rows:     nil,
			problems: []wantProblem{{EN: "the file is empty"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := parseXLSX(bytes.NewReader(xlsxBytes(t, tt.rows)), testConfig())
			checkResult(t, rows, err, tt.want, tt.problems)
		})
	}
}

func TestParseXLSXNotAWorkbook(t *testing.T) {
	for name, in := range map[string][]byte{
		"csv text":      []byte("nip,nama\n"),
		"empty":         nil,
		"truncated zip": xlsxBytes(t, [][]any{{"nip"}})[:200],
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseXLSX(bytes.NewReader(in))
			var e *Errors
			if !errors.As(err, &e) || len(e.Problems) != 1 || !strings.Contains(e.Problems[0].In("en"), "not a valid XLSX") {
				t.Fatalf("ParseXLSX error = %v, want one 'not a valid XLSX' problem", err)
			}
		})
	}
}

func FuzzParseXLSX(f *testing.F) {
	sample, err := os.ReadFile(filepath.Join("testdata", "roster.xlsx"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add(xlsxBytes(f, [][]any{{"nip", "nama", "jabatan", "unit"}, {"198703122010121002", "Budi", "Staf", "Inspektorat"}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := parseXLSX(bytes.NewReader(b), testConfig())
		checkFuzzResult(t, rows, err)
	})
}
