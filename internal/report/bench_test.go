package report

import (
	"io"
	"testing"
)

// Benchmarks of the sheets, to keep their cost in view when the shared
// pdfkit (fonts, text, furniture) changes:
//
//	go test -run '^$' -bench 'WritePDF|WriteLinksPDF' ./internal/report
func BenchmarkWritePDF(b *testing.B) {
	r := departmentReport(200)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := WritePDF(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteLinksPDF(b *testing.B) {
	s := sampleLinks(80)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := WriteLinksPDF(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
}
