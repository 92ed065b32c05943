package certificate

import (
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/i18n/i18ntest"
	"github.com/ikrar/ikrar/internal/wib"
)

// TestCertificateWordedFromCatalogue fails on a word in pdftotext's
// reading of a certificate that is neither a catalogue word (package
// i18n, keys cert_*) nor part of the certificate's data: wording written
// into render.go shows up here.
func TestCertificateWordedFromCatalogue(t *testing.T) {
	d := sampleData()
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	data := append([]string{d.Code, d.Instansi, d.CampaignTitle, d.Preamble, d.Closing, d.Name, d.NIP, d.Position,
		d.Department, d.TypedName, d.PledgeHash, d.VerifyURL, strings.ToUpper(d.Instansi), wib.Deadline(d.SignedAt)}, d.Points...)
	if stray := i18ntest.Stray(pdfText(t, pdf), data...); len(stray) > 0 {
		t.Errorf("words from neither the catalogue nor the data: %q", stray)
	}
}
