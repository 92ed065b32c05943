package pdfkit

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/jung-kurt/gofpdf"
)

// TestQRDrawnModules rasterises a page with a symbol drawn by Draw and one
// by DrawWithQuietZone and reads both back module by module: what a phone
// camera sees must be the encoded symbol, with a white quiet zone.
func TestQRDrawnModules(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (poppler-utils)")
	}
	q, err := EncodeQR("https://ikrar.example.go.id/sign/AbC123xyz")
	if err != nil {
		t.Fatal(err)
	}
	n := q.Modules()
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	Navy.Fill(pdf)
	q.Draw(pdf, 20, 20, 40)
	Black.Fill(pdf)
	q.DrawWithQuietZone(pdf, 100, 20, 40, 4)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "qr.pdf")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	const dpmm = 10 // 254 dpi
	if out, err := exec.Command("pdftoppm", "-png", "-gray", "-r", "254", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, sym := range []struct {
		name      string
		x, y, mod float64
	}{
		{"Draw", 20, 20, 40 / float64(n)},
		{"DrawWithQuietZone", 100 + 4*40/float64(n+8), 20 + 4*40/float64(n+8), 40 / float64(n+8)},
	} {
		dark := func(mx, my int) bool {
			px := int((sym.x + (float64(mx)+0.5)*sym.mod) * dpmm)
			py := int((sym.y + (float64(my)+0.5)*sym.mod) * dpmm)
			r, _, _, _ := img.At(px, py).RGBA()
			return r < 0x8000
		}
		for my := -2; my < n+2; my++ {
			for mx := -2; mx < n+2; mx++ {
				want := mx >= 0 && my >= 0 && mx < n && my < n && q.At(mx, my)
				if got := dark(mx, my); got != want {
					t.Fatalf("%s: module (%d,%d) dark=%v on the page, want %v", sym.name, mx, my, got, want)
				}
			}
		}
	}
}
