package certificate

import (
	"bytes"
	"testing"

	"github.com/jung-kurt/gofpdf"
)

// The product bar: at least 500 signed certificates per second on 2 cores,
// and at least half the rate of a bare one-page gofpdf document signed with
// the same key. Run both in one go to read the ratio from one run:
//
//	go test -run '^$' -bench 'Make|Bare' -cpu 1,2 ./internal/certificate/
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

func BenchmarkBareDocument(b *testing.B) {
	s := benchSigner(b)
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := bareSigned(s); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b)
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := bareSigned(s); err != nil {
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

// bareSigned is the yardstick: a one-page gofpdf document with a core font
// and one line of text, signed like a certificate.
func bareSigned(s *Signer) ([]byte, error) {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.Cell(0, 10, "Sertifikat Ikrar Netralitas ASN")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return s.Sign(buf.Bytes(), "Budi Santosa", DefaultReason)
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
		if _, err := s.Sign(unsigned, "Budi Santosa", DefaultReason); err != nil {
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
