package certificate

import (
	"bytes"
	"testing"

	"github.com/jung-kurt/gofpdf"

	"github.com/ikrar/ikrar/internal/pdfkit"
)

// The product bar: at least 500 signed certificates per second on 2 cores,
// and (issue 18) at least 0.9 times the rate of a bare one-page gofpdf
// document of the same class signed with the same key. Run both in one go to
// read the ratio from one run; -count interleaves nothing, so on a shared
// machine repeat the whole command and compare ratios, not rates:
//
//	go test -run '^$' -bench 'Make$|BareDocument' -cpu 2 ./internal/certificate/
//
// Every benchmark reports docs/s; the */parallel variants use b.RunParallel,
// so with -cpu 2 theirs is the rate on two cores.

func BenchmarkMake(b *testing.B) {
	s := benchSigner(b)
	d := sampleData()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := s.Make(d); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b)
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.Make(d); err != nil {
					b.Error(err)
					return
				}
			}
		})
		reportRate(b)
	})
}

// BenchmarkMakeWithSignature is Make with a drawn signature image.
func BenchmarkMakeWithSignature(b *testing.B) {
	s := benchSigner(b)
	d := sampleData()
	d.SignaturePNG = testSignaturePNG(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := s.Make(d); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}

// BenchmarkBareDocument is the yardstick of the certificate bar: the
// cheapest document of the same class as a certificate, made with plain
// gofpdf. BenchmarkBareDocumentCoreFont is the yardstick as it was before
// issue 18 (no font embedded at all), kept so that figures stay comparable
// with older runs.
func BenchmarkBareDocument(b *testing.B) { benchBare(b, bareSigned) }

func BenchmarkBareDocumentCoreFont(b *testing.B) { benchBare(b, bareSignedCoreFont) }

func benchBare(b *testing.B, bare func(*Signer) ([]byte, error)) {
	s := benchSigner(b)
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := bare(s); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b)
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := bare(s); err != nil {
					b.Error(err)
					return
				}
			}
		})
		reportRate(b)
	})
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// bareSigned is one page with the fonts a certificate embeds (the
// single-byte DejaVu Sans and Sans Bold, added as plain gofpdf calls) and a
// line of text in each, gofpdf's own compression, signed like a
// certificate: what any certificate costs before its layout, QR code and
// drawing.
func bareSigned(s *Signer) ([]byte, error) {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdfkit.AddSans(pdf, true)
	pdf.AddPage()
	pdf.SetFont(pdfkit.Sans, "B", 12)
	pdf.Cell(0, 10, "Sertifikat Ikrar Netralitas ASN")
	pdf.SetFont(pdfkit.Sans, "", 10)
	pdf.Cell(0, 10, "Budi Santosa")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return s.Sign(buf.Bytes(), "Budi Santosa", DefaultReason())
}

// bareSignedCoreFont is the yardstick before issue 18: a core font (nothing
// embedded) and one line of text.
func bareSignedCoreFont(s *Signer) ([]byte, error) {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.Cell(0, 10, "Sertifikat Ikrar Netralitas ASN")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return s.Sign(buf.Bytes(), "Budi Santosa", DefaultReason())
}

func BenchmarkRender(b *testing.B) {
	d := sampleData()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Render(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	s := benchSigner(b)
	unsigned, err := Render(sampleData())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := s.Sign(unsigned, "Budi Santosa", DefaultReason()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	s := benchSigner(b)
	signed, err := s.Make(sampleData())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := s.Verify(signed); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSigner(b *testing.B) *Signer { return testSigner(b) }
