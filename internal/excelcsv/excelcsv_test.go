package excelcsv

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Budi Santosa", "Budi Santosa"},
		{"198705122010011002", "198705122010011002"},
		{"O'Neil", "O'Neil"},
		{"=1+1", "'=1+1"},
		{"+62 812", "'+62 812"},
		{"-2+3", "'-2+3"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\t=1", "'\t'=1"},
		{"\r=1", "'\r'=1"},
		{"a=1", "a=1"},
		{"  =1", "  '=1"},
		// Issue 11 finding 5: a separator inside a field starts a cell for
		// any reader that splits on it.
		{"Budi;=2*21", "Budi;'=2*21"},
		{"Budi, -2", "Budi, '-2"},
		{"a\n@b", "a\n'@b"},
		{"Drs. Budi Santosa, M.Pd.", "Drs. Budi Santosa, M.Pd."},
		{"Staf - Bagian Umum", "Staf - Bagian Umum"},
		{"2026-01-02 15:04:05", "2026-01-02 15:04:05"},
		{`="198705122010011002"`, `="198705122010011002"`},
		{`="=1"`, `'="=1"`},
	}
	for _, tt := range tests {
		if got := Neutralize(tt.in); got != tt.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriterFormat(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	err := w.WriteAll([][]string{
		{"nip", "nama", "persen"},
		{Text("198705122010011002"), "Budi;=2*21", Decimal(573)},
		{},
		{"Dinas Komunikasi, Informatika, dan Persandian", `Analis "Ahli"`, " x"},
		{""},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeffnip;nama;persen\r\n" +
		`"=""198705122010011002""";"Budi;'=2*21";57,3` + "\r\n" +
		"\r\n" +
		`Dinas Komunikasi, Informatika, dan Persandian;"Analis ""Ahli""";" x"` + "\r\n" +
		`""` + "\r\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestDecimal(t *testing.T) {
	for in, want := range map[int]string{0: "0,0", 573: "57,3", 1000: "100,0", -5: "-0,5"} {
		if got := Decimal(in); got != want {
			t.Errorf("Decimal(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestUntext(t *testing.T) {
	for in, want := range map[string]string{
		`="198705122010011002"`: "198705122010011002",
		"198705122010011002":    "198705122010011002",
		`="12a"`:                `="12a"`,
		`=""`:                   `=""`,
	} {
		if got := Untext(in); got != want {
			t.Errorf("Untext(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzWriter writes arbitrary fields (split on \x1f) in both separator
// modes and reads them back with encoding/csv in the same mode: every
// field must come back as written (after neutralisation), and no piece of
// any field, split at any separator or line break, may start a formula.
func FuzzWriter(f *testing.F) {
	for _, s := range []string{
		"Budi;=2*21", "a\x1fb;c\x1f\"q\"", "=HYPERLINK(\"http://x\")\x1f@SUM(1)", "\t=1\x1f\r=1",
		"x\r\n=1", "Analis, \"Ahli\" Muda\nBaris kedua", "", " ", "\x1f", `="123"`, "\ufeffa",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fields := strings.Split(s, "\x1f")
		for _, comma := range []rune{';', ','} {
			var buf bytes.Buffer
			w := NewWriter(&buf)
			w.Comma = comma
			if err := w.WriteAll([][]string{fields, {"end"}}); err != nil {
				t.Fatal(err)
			}
			data, ok := bytes.CutPrefix(buf.Bytes(), []byte(bom))
			if !ok {
				t.Fatal("no BOM")
			}
			r := csv.NewReader(bytes.NewReader(data))
			r.Comma = comma
			r.FieldsPerRecord = -1
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatalf("%q: reader in %q mode: %v\n%q", fields, comma, err, data)
			}
			if len(recs) != 2 || !slices.Equal(recs[1], []string{"end"}) {
				t.Fatalf("%q in %q mode: records %q", fields, comma, recs)
			}
			want := make([]string, len(fields))
			for i, f := range fields {
				// encoding/csv reads CRLF inside a quoted field as LF.
				want[i] = strings.ReplaceAll(Neutralize(f), "\r\n", "\n")
			}
			if len(fields) == 1 && fields[0] == "" {
				want = []string{""}
			}
			if !slices.Equal(recs[0], want) {
				t.Fatalf("%q in %q mode: read back %q, want %q", fields, comma, recs[0], want)
			}
			for _, got := range recs[0] {
				assertNoFormula(t, got)
			}
		}
	})
}

func assertNoFormula(t *testing.T, cell string) {
	t.Helper()
	if Untext(cell) != cell {
		return
	}
	if cell != "" && (cell[0] == '\t' || cell[0] == '\r') {
		t.Fatalf("cell %q starts with a tab or CR", cell)
	}
	pieces := strings.FieldsFunc(cell, func(r rune) bool { return r < 0x80 && isSplit(byte(r)) })
	if len(cell) > 0 && isSplit(cell[0]) {
		// FieldsFunc drops the empty first piece; the rest are checked.
	}
	for _, p := range pieces {
		p = strings.TrimLeft(p, " ")
		if p != "" && isFormulaStart(p[0]) {
			t.Fatalf("cell %q has a piece %q that starts a formula", cell, p)
		}
	}
}
