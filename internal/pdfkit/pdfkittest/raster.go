package pdfkittest

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// DotsPerMM is the resolution Raster renders at (254 dpi).
const DotsPerMM = 10

// Raster renders the first page of pdf in grey with pdftoppm at DotsPerMM.
// Without pdftoppm the test is skipped, except in CI (CI set), where it
// fails.
func Raster(t testing.TB, pdf []byte) image.Image {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("pdftoppm is required in CI (apt-get install poppler-utils): %v", err)
		}
		t.Skipf("pdftoppm not installed (apt-get install poppler-utils); skipping")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-gray", "-r", "254", "-singlefile", "-f", "1", "-l", "1", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
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
	return img
}

// CheckQR reads a QR code of n×n modules of mod mm, top-left at (x, y) mm,
// back from img module by module (at each module's centre) and fails unless
// it is dark exactly where want says, with a two-module white margin
// around it: what a phone camera sees must be the encoded symbol.
func CheckQR(t testing.TB, img image.Image, x, y, mod float64, n int, want func(x, y int) bool) {
	t.Helper()
	dark := func(mx, my int) bool {
		px := int((x + (float64(mx)+0.5)*mod) * DotsPerMM)
		py := int((y + (float64(my)+0.5)*mod) * DotsPerMM)
		r, _, _, _ := img.At(px, py).RGBA()
		return r < 0x8000
	}
	for my := -2; my < n+2; my++ {
		for mx := -2; mx < n+2; mx++ {
			w := mx >= 0 && my >= 0 && mx < n && my < n && want(mx, my)
			if got := dark(mx, my); got != w {
				t.Fatalf("module (%d,%d): dark=%v on the page, want %v", mx, my, got, w)
			}
		}
	}
}
