package pdfkit

import (
	"bytes"
	"testing"

	"github.com/jung-kurt/gofpdf"

	"github.com/ikrar/ikrar/internal/pdfkit/pdfkittest"
)

// TestQRDrawnModules rasterises a page with a symbol drawn by Draw and one
// by DrawWithQuietZone and reads both back module by module.
func TestQRDrawnModules(t *testing.T) {
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
	img := pdfkittest.Raster(t, buf.Bytes())
	pdfkittest.CheckQR(t, img, 20, 20, 40/float64(n), n, q.At)
	mod := 40 / float64(n+8)
	pdfkittest.CheckQR(t, img, 100+4*mod, 20+4*mod, mod, n, q.At)
}
