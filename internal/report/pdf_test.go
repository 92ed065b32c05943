package report

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pdfFile writes data to a temporary file for the command-line tools.
func pdfFile(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// qpdfCheck fails the test unless qpdf finds the file structurally sound.
func qpdfCheck(t *testing.T, path string) {
	t.Helper()
	qpdf := needTool(t, "qpdf")
	if out, err := exec.Command(qpdf, "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}

// pdfText returns the text of the given pages (0 = all) with layout kept.
func pdfText(t *testing.T, path string, first, last int) string {
	t.Helper()
	tool := needTool(t, "pdftotext")
	args := []string{"-layout"}
	if first > 0 {
		args = append(args, "-f", fmt.Sprint(first), "-l", fmt.Sprint(last))
	}
	args = append(args, path, "-")
	out, err := exec.Command(tool, args...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pageCount counts pages through pdftotext's form feeds.
func pageCount(text string) int { return strings.Count(text, "\f") }

func renderPDF(t *testing.T, r Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePDF(&buf, r); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output is not a PDF: %q", buf.Bytes()[:min(buf.Len(), 16)])
	}
	return buf.Bytes()
}

func TestWritePDFDepartmentReport(t *testing.T) {
	r := departmentReport(120)
	data := renderPDF(t, r)
	writeSample(t, "department.pdf", data)
	path := pdfFile(t, data)
	qpdfCheck(t, path)
	text := pdfText(t, path, 0, 0)

	signed, pending := splitPeople(r.People)
	if len(signed) == 0 || len(pending) == 0 {
		t.Fatal("fixture must have both signed and pending people")
	}
	for _, s := range []string{
		"Laporan Penyelesaian Ikrar Netralitas",
		"25 November 2026 14.20 WIB", // 07:20 UTC shown in WIB
		r.Scope,
		fmt.Sprintf("Sudah menandatangani (%d)", len(signed)),
		fmt.Sprintf("Belum menandatangani (%d)", len(pending)),
		signed[0].Name, signed[0].NIP,
		pending[len(pending)-1].Name, pending[len(pending)-1].NIP,
		"Zoë", "O'Neil",
		"Halaman 1 dari",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
	// The totals are printed as cards: roster, signed, pending, percent.
	for _, s := range []string{formatIntID(r.Total.Roster), formatIntID(r.Total.Signed),
		formatIntID(r.Total.Pending()), formatPercentID(r.Total)} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks total %q", s)
		}
	}
}

func TestWritePDFSummaryReport(t *testing.T) {
	r := summaryReport(30)
	data := renderPDF(t, r)
	writeSample(t, "summary.pdf", data)
	path := pdfFile(t, data)
	qpdfCheck(t, path)
	text := pdfText(t, path, 0, 0)
	for _, s := range []string{
		"Semua unit kerja", "Ringkasan per unit kerja", "Jumlah",
		"Badan Kesatuan Bangsa dan Politik", "unit kerja tertinggi dari 30",
		formatIntID(r.Total.Roster), formatIntID(r.Total.Signed), formatPercentID(r.Total),
		"Tanda tangan per hari",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
	if strings.Contains(text, "menandatangani (") {
		t.Error("summary report must not print people lists")
	}
	n := pageCount(text)
	if want := fmt.Sprintf("Halaman %d dari %d", n, n); !strings.Contains(text, want) {
		t.Errorf("last page footer %q missing", want)
	}
}

func TestWritePDFPaginatesWithRepeatedHeader(t *testing.T) {
	r := departmentReport(500)
	data := renderPDF(t, r)
	path := pdfFile(t, data)
	qpdfCheck(t, path)
	all := pdfText(t, path, 0, 0)
	n := pageCount(all)
	if n < 3 {
		t.Fatalf("500 people fit on %d pages; expected the lists to break across pages", n)
	}
	if want := fmt.Sprintf("Halaman %d dari %d", n, n); !strings.Contains(all, want) {
		t.Errorf("last page footer %q missing", want)
	}
	page2 := pdfText(t, path, 2, 2)
	for _, s := range []string{"(lanjutan)", "Nama", "NIP", "Jabatan", "Halaman 2 dari"} {
		if !strings.Contains(page2, s) {
			t.Errorf("page 2 lacks repeated table header text %q:\n%s", s, page2)
		}
	}
	// Every person appears exactly once across the pages.
	for _, p := range []Person{r.People[0], r.People[250], r.People[499]} {
		if c := strings.Count(all, p.NIP); c != 1 {
			t.Errorf("NIP %s printed %d times, want 1", p.NIP, c)
		}
	}
}

func TestWritePDFEdgeCases(t *testing.T) {
	tests := []struct {
		name string
		r    Report
		want []string
	}{
		{"empty report", Report{Scope: "Semua unit kerja", GeneratedAt: testTime}, []string{"(—)"}},
		{"nobody signed", func() Report {
			r := departmentReport(5)
			for i := range r.People {
				r.People[i].SignedAt = time.Time{}
			}
			r.Daily = nil
			return r
		}(), []string{"Sudah menandatangani (0)", "Belum ada pegawai yang menandatangani."}},
		{"everyone signed", func() Report {
			r := departmentReport(5)
			for i := range r.People {
				r.People[i].SignedAt = testTime
			}
			return r
		}(), []string{"Belum menandatangani (0)", "Semua pegawai telah menandatangani."}},
		{"hostile text", Report{
			Instansi: "=HYPERLINK(\"http://x\")", Scope: "<script>alert(1)</script>", GeneratedAt: testTime,
			People: []Person{{NIP: "198705122010011002", Name: strings.Repeat("Panjang Sekali ", 30)}},
		}, []string{"<script>alert(1)</script>", "Panjang Sekali"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := pdfFile(t, renderPDF(t, tt.r))
			qpdfCheck(t, path)
			text := pdfText(t, path, 0, 0)
			for _, s := range tt.want {
				if !strings.Contains(text, s) {
					t.Errorf("PDF text lacks %q:\n%s", s, text)
				}
			}
		})
	}
}
