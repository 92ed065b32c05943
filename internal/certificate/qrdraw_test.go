package certificate

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/ikrar/ikrar/internal/pdfkit"
)

// TestQRCodeOnThePage rasterises a certificate and reads the QR code back
// module by module: what a phone camera sees must be the encoded symbol,
// with a clear margin around it.
func TestQRCodeOnThePage(t *testing.T) {
	d := sampleData()
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pdfkit.EncodeQR(d.VerifyURL)
	if err != nil {
		t.Fatal(err)
	}
	const dpmm = 10 // 254 dpi
	dir := t.TempDir()
	in := writeTemp(t, "c.pdf", pdf)
	if out, code := run(t, "pdftoppm", "-png", "-gray", "-r", "254", "-singlefile", in, filepath.Join(dir, "page")); code != 0 {
		t.Fatalf("pdftoppm: %s", out)
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
	mod := qrSize / float64(want.Modules())
	dark := func(mx, my int) bool {
		px := int((qrLeft + (float64(mx)+0.5)*mod) * dpmm)
		py := int((qrTop + (float64(my)+0.5)*mod) * dpmm)
		r, _, _, _ := img.At(px, py).RGBA()
		return r < 0x8000
	}
	for my := 0; my < want.Modules(); my++ {
		for mx := 0; mx < want.Modules(); mx++ {
			if got := dark(mx, my); got != want.At(mx, my) {
				t.Fatalf("module (%d,%d): dark=%v on the page, want %v", mx, my, got, want.At(mx, my))
			}
		}
	}
	// A two-module quiet zone on every side is white.
	for i := -2; i < want.Modules()+2; i++ {
		for _, m := range [][2]int{{i, -1}, {i, -2}, {i, want.Modules()}, {i, want.Modules() + 1}, {-1, i}, {-2, i}, {want.Modules(), i}, {want.Modules() + 1, i}} {
			if dark(m[0], m[1]) {
				t.Fatalf("quiet zone module (%d,%d) is dark", m[0], m[1])
			}
		}
	}
}
