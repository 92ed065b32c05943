package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/pdfkit/pdfkittest"
)

// everyPDF renders the department report, the summary report and the links
// sheet with text in every field a user can fill.
func everyPDF(text func() string) (map[string][]byte, error) {
	dep := departmentReport(4)
	dep.Instansi, dep.CampaignTitle, dep.Scope = text(), text(), text()
	for i := range dep.People {
		dep.People[i].Name, dep.People[i].Position, dep.People[i].Department = text(), text(), text()
	}
	dep.Departments[0].Name = text()
	sum := summaryReport(3)
	for i := range sum.Departments {
		sum.Departments[i].Name = text()
	}
	links := sampleLinks(2)
	links.Instansi, links.CampaignTitle = text(), text()
	for i := range links.Links {
		links.Links[i].Name, links.Links[i].Position, links.Links[i].Department = text(), text(), text()
	}
	out := map[string][]byte{}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"department report": func(b *bytes.Buffer) error { return WritePDF(b, dep) },
		"summary report":    func(b *bytes.Buffer) error { return WritePDF(b, sum) },
		"links sheet":       func(b *bytes.Buffer) error { return WriteLinksPDF(b, links) },
	} {
		var buf bytes.Buffer
		if err := catchPanic(func() error { return write(&buf) }); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = buf.Bytes()
	}
	return out, nil
}

func catchPanic(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

// TestPDFsTakeAnyUnicode: one non-BMP character in a name or unit name
// made the reports and the signing-link sheet fail (a gofpdf panic, a 500
// on the web). Random text from every plane must render everywhere.
func TestPDFsTakeAnyUnicode(t *testing.T) {
	for _, s := range pdfkittest.Hostile {
		if _, err := everyPDF(func() string { return s }); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	rng := rand.New(rand.NewPCG(11, 3))
	for i := range 20 {
		docs, err := everyPDF(func() string { return pdfkittest.Text(rng, 1+rng.IntN(40)) })
		if err != nil {
			t.Fatalf("random text, round %d: %v", i, err)
		}
		if i == 0 {
			for name, b := range docs {
				qpdfCheck(t, pdfFile(t, b))
				_ = name
			}
		}
	}
}

// TestPDFTextReadsBack: text the embedded DejaVu fonts have glyphs for reads
// back with pdftotext as it was given (after NFC), in every PDF; characters
// beyond U+FFFF become U+FFFD and take nothing else with them.
func TestPDFTextReadsBack(t *testing.T) {
	words := []string{"Zoë", "Ñandú", "Ελληνικά", "Кириллица", "Nguyễn", "Łódź", "Øresund"}
	for _, w := range words {
		in := "Ab " + strings.ReplaceAll(w, "ë", "e\u0308") + " 😀z"
		docs, err := everyPDF(func() string { return in })
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range docs {
			flat := strings.Join(strings.Fields(pdfText(t, pdfFile(t, b), 1, 1)), "")
			if !strings.Contains(flat, w) || !strings.Contains(flat, "\uFFFDz") {
				t.Errorf("%s: %q does not read back as %q (+ U+FFFD):\n%s", name, in, w, flat)
			}
		}
	}
}

// FuzzPDFText runs every report PDF over fuzzed text (seeds in
// testdata/fuzz/FuzzPDFText): no panic, no error, a PDF each time.
func FuzzPDFText(f *testing.F) {
	for _, s := range append([]string{"", "Budi", "\u202e\u0301x"}, pdfkittest.Hostile...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 160 { // longer adds pages, not cases
			s = s[:160]
		}
		docs, err := everyPDF(func() string { return s })
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		for name, b := range docs {
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Fatalf("%s of %q is not a PDF", name, s)
			}
		}
	})
}
