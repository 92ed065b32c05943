package roster

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// rawZip builds an archive whose entries claim the given uncompressed
// sizes; data is stored deflated as given (it may inflate to more or less
// than the claim).
func rawZip(t *testing.T, entries []struct {
	name  string
	claim uint64
	data  []byte
}) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		var c bytes.Buffer
		fw, _ := flate.NewWriter(&c, flate.BestCompression)
		fw.Write(e.data)
		fw.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.name, Method: zip.Deflate, CompressedSize64: uint64(c.Len()), UncompressedSize64: e.claim})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(c.Bytes())
	}
	zw.Close()
	return buf.Bytes()
}

// TestXLSXBombIsRefused (issue 11, finding 9): a 3 MB workbook that inflated
// to 1.9 GB cost minutes of CPU and its size in temporary disk. Sizes are
// checked from the archive's directory before anything inflates, and an
// archive that understates a size fails as it is read.
func TestXLSXBombIsRefused(t *testing.T) {
	zeros := bytes.Repeat([]byte{'0'}, 4<<20)
	type entry = struct {
		name  string
		claim uint64
		data  []byte
	}
	sheet := func(claim uint64) []entry {
		return []entry{{"[Content_Types].xml", 10, []byte("<Types/>")}, {"xl/workbook.xml", 10, []byte("<workbook/>")},
			{"xl/worksheets/sheet1.xml", claim, zeros}}
	}
	tests := []struct {
		name    string
		archive []byte
		want    string
	}{
		{"worksheet inflating to 1.9 GB", rawZip(t, sheet(1900<<20)), "the limit is 256 MB"},
		{"shared strings beyond their limit", rawZip(t, []entry{{"xl/sharedStrings.xml", 100 << 20, zeros}}), "xl/sharedStrings.xml is 100 MB, the limit is 48 MB"},
		{"styles beyond their limit", rawZip(t, []entry{{"xl/styles.xml", 64 << 20, zeros}}), "xl/styles.xml is 64 MB"},
		{"a size understated", rawZip(t, sheet(1024)), "not a valid XLSX"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWithin(bytes.NewReader(tt.archive), "roster.xlsx", UploadLimits)
			var fe *Errors
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a file error naming %q", err, tt.want)
			}
			if tt.want != "not a valid XLSX" && !strings.Contains(fe.Problems[0].In("id"), "terlalu besar") {
				t.Errorf("no Indonesian message: %+v", fe.Problems[0])
			}
		})
	}
}

// TestProblemsAreCapped: a file bad on every line reports the first
// MaxProblems problems and stops reading, instead of holding millions
// (an 815 KB XLSX with 2 million bad rows took 1.2 GB).
func TestProblemsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("nip;nama;jabatan;unit_kerja\n")
	for i := range 3 * MaxProblems {
		fmt.Fprintf(&b, "x%d;;;\n", i)
	}
	for name, data := range map[string][]byte{
		"csv":  []byte(b.String()),
		"xlsx": xlsxBytes(t, badXLSXRows(3*MaxProblems)),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseWithin(bytes.NewReader(data), "roster."+name, UploadLimits)
			var fe *Errors
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v", err)
			}
			if len(fe.Problems) != MaxProblems+1 {
				t.Fatalf("%d problems, want %d and a last one saying reading stopped", len(fe.Problems), MaxProblems+1)
			}
			last := fe.Problems[MaxProblems]
			if !strings.Contains(last.In("en"), "more than 1000 problems") || !strings.Contains(last.In("id"), "lebih dari 1000 masalah") {
				t.Errorf("last problem: %+v", last)
			}
		})
	}
}

func badXLSXRows(n int) [][]any {
	rows := [][]any{{"nip", "nama", "jabatan", "unit_kerja"}}
	for i := range n {
		rows = append(rows, []any{fmt.Sprintf("x%d", i), "", "", ""})
	}
	return rows
}

// TestUploadRowLimit: the admin page takes at most UploadLimits.MaxRows
// rows, the command line more.
func TestUploadRowLimit(t *testing.T) {
	if UploadLimits.MaxRows >= CLILimits.MaxRows {
		t.Fatalf("upload row limit %d is not below the command line's %d", UploadLimits.MaxRows, CLILimits.MaxRows)
	}
	small := UploadLimits
	small.MaxRows = 2
	csv := "nip;nama;jabatan;unit_kerja\n198703122010121002;A;B;C\n199001012015032001;D;E;F\n198512302010012003;G;H;I\n"
	_, err := ParseWithin(strings.NewReader(csv), "r.csv", small)
	if err == nil || !strings.Contains(err.Error(), "more than 2 data rows") {
		t.Fatalf("err = %v", err)
	}
}
