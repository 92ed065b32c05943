package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/i18n"
)

// TestPDFPeopleLimit: every PDF that lists people takes at most
// MaxPDFPeople of them and refuses more with a message in both languages
// that points to CSV and XLSX, before drawing anything.
func TestPDFPeopleLimit(t *testing.T) {
	for _, n := range []int{MaxPDFPeople - 1, MaxPDFPeople, MaxPDFPeople + 1} {
		over := n > MaxPDFPeople
		r := departmentReport(1)
		r.People = make([]Person, n)
		links := LinksSheet{Links: make([]Link, n)}
		pending := PendingList{People: make([]PendingPerson, n)}
		for name, write := range map[string]func() error{
			"report":  func() error { return WritePDF(&bytes.Buffer{}, r) },
			"links":   func() error { return WriteLinksPDF(&bytes.Buffer{}, links) },
			"pending": func() error { return WritePendingPDF(&bytes.Buffer{}, pending) },
			"rule":    func() error { return CheckPDFPeople(n) },
		} {
			if !over && name != "rule" {
				continue // drawing 10,000 people is the benchmarks' business
			}
			err := write()
			var tooLarge *PDFTooLargeError
			if got := errors.As(err, &tooLarge); got != over {
				t.Fatalf("%s of %d people: %v, want refused = %v", name, n, err, over)
			}
			if !over {
				continue
			}
			var msg *i18n.Error
			if !errors.As(err, &msg) {
				t.Fatalf("%s: %v carries no message", name, err)
			}
			id, en := msg.In("id"), msg.In("en")
			for _, want := range []string{"10.001", "10.000", "CSV", "XLSX"} {
				if !strings.Contains(id, want) {
					t.Errorf("%s: Indonesian message %q lacks %q", name, id, want)
				}
			}
			if !strings.Contains(en, "at most 10,000") || !strings.Contains(err.Error(), " / ") {
				t.Errorf("%s: English %q, both %q", name, en, err.Error())
			}
		}
	}
}
