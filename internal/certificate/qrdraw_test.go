package certificate

import (
	"testing"

	"github.com/ikrar/ikrar/internal/pdfkit"
	"github.com/ikrar/ikrar/internal/pdfkit/pdfkittest"
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
	n := want.Modules()
	pdfkittest.CheckQR(t, pdfkittest.Raster(t, pdf), qrLeft, qrTop, qrSize/float64(n), n, want.At)
}
