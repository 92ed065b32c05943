package pdfkit

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestSheetFurniture: a three-page sheet with the report footer reads back
// with "Halaman X dari 3" on every page and the checkpoint line, and hostile
// text in the footer neither panics nor leaks a control character.
func TestSheetFurniture(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	f := NewSheet("Laporan \u202e😀", "Pemerintah Kota Yogyakarta", time.Date(2024, 12, 20, 5, 0, 0, 0, time.UTC))
	f.SetFooterFunc(func() {
		Footer{Left: 15, Right: 195, RuleY: 284, Made: "Dibuat oleh ikrar · Ikrar 2024 😀", Note: "Titik periksa audit: 1.234 peristiwa\x00"}.Draw(f)
	})
	for range 3 {
		f.AddPage()
		f.SetFont(Sans, "", 10)
		TextAt(f, 15, 30, 180, "Isi halaman", 'C')
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sheet.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(string(out), "\f")
	for i := 1; i <= 3; i++ {
		page := pages[i-1]
		for _, want := range []string{"Halaman " + string(rune('0'+i)) + " dari 3", "Dibuat oleh ikrar", "Titik periksa audit: 1.234 peristiwa", "\uFFFD"} {
			if !strings.Contains(page, want) {
				t.Errorf("page %d lacks %q:\n%s", i, want, page)
			}
		}
	}
}

// TestWrapAndFit: lines never exceed the width, over-long words are broken,
// a cut ends in an ellipsis, and nothing is lost when nothing is cut.
func TestWrapAndFit(t *testing.T) {
	f := NewSheet("", "", time.Time{})
	f.AddPage()
	f.SetFont(Sans, "", 9)
	long := "Kepala Sub Bagian Perencanaan dan Keuangan https://ikrar.jogjakota.go.id/sign/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
	for _, w := range []float64{20, 40, 80} {
		lines := Wrap(f, long, w, 0)
		for _, l := range lines {
			if Width(f, l) > w {
				t.Errorf("w=%v: line %q is %.1f mm wide", w, l, Width(f, l))
			}
		}
		if got := strings.ReplaceAll(strings.Join(lines, ""), " ", ""); got != strings.ReplaceAll(long, " ", "") {
			t.Errorf("w=%v: text changed: %q", w, got)
		}
		cut := Wrap(f, long, w, 2)
		if len(cut) != 2 || !strings.HasSuffix(cut[1], "…") || Width(f, cut[1]) > w {
			t.Errorf("w=%v, 2 lines: %q", w, cut)
		}
	}
	if got := Fit(f, "Budi", 50); got != "Budi" {
		t.Errorf("Fit cut a short name: %q", got)
	}
	if got := Fit(f, long, 30); !strings.HasSuffix(got, "…") || Width(f, got) > 30 || !utf8.ValidString(got) {
		t.Errorf("Fit(long, 30) = %q", got)
	}
}
