package certificate

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/pdfkit"
	"github.com/ikrar/ikrar/internal/pdfkit/pdfkittest"
)

// makeWith signs a certificate whose every free-text field is text().
func makeWith(s *Signer, text func() string) (pdf []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	d := sampleData()
	d.Instansi, d.CampaignTitle, d.Preamble, d.Closing = text(), text(), text(), text()
	d.Name, d.Position, d.Department, d.TypedName = text(), text(), text(), text()
	for i := range d.Points {
		d.Points[i] = text()
	}
	return s.Make(d)
}

// TestCertificateTakesAnyUnicode: text from every plane (beyond U+FFFF,
// combining marks, bidi controls) makes a signed, verifiable certificate,
// and what DejaVu has glyphs for reads back.
func TestCertificateTakesAnyUnicode(t *testing.T) {
	s := testSigner(t)
	for _, h := range pdfkittest.Hostile {
		if _, err := makeWith(s, func() string { return h }); err != nil {
			t.Errorf("%q: %v", h, err)
		}
	}
	rng := rand.New(rand.NewPCG(11, 2))
	for i := range 10 {
		pdf, err := makeWith(s, func() string { return pdfkittest.Text(rng, 1+rng.IntN(30)) })
		if err != nil {
			t.Fatalf("random text, round %d: %v", i, err)
		}
		if _, err := s.Verify(pdf); err != nil {
			t.Fatalf("random text, round %d: %v", i, err)
		}
	}
	pdf, err := makeWith(s, func() string { return "Ab Ελληνικά Nguye\u0302\u0303n 😀z" })
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(pdfText(t, pdf)), "")
	for _, w := range []string{"Ελληνικά", "Nguyễn", "\uFFFDz"} {
		if !strings.Contains(flat, w) {
			t.Errorf("certificate text lacks %q:\n%s", w, flat)
		}
	}
}

// FuzzCertificateText: no text in any field makes Make fail or panic.
func FuzzCertificateText(f *testing.F) {
	s := fixtureSigner(f)
	for _, h := range append([]string{"", "Budi"}, pdfkittest.Hostile...) {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 400 {
			text = text[:400]
		}
		_, err := makeWith(s, func() string { return text })
		if err != nil && !(pdfkit.Text(text) == "" && errors.Is(err, ErrInvalidData)) {
			t.Fatalf("%q: %v", text, err) // only text that cleans to nothing may be refused
		}
	})
}
