package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/i18n/i18ntest"
	"github.com/ikrar/ikrar/internal/wib"
)

// TestPDFsWordedFromCatalogue prints every kind of PDF the package makes
// and fails on a word in pdftotext's reading of it that is neither a
// catalogue word (package i18n) nor part of the data: wording written
// into the drawing code shows up here.
func TestPDFsWordedFromCatalogue(t *testing.T) {
	moved := departmentReport(30)
	moved.People = append(moved.People, samplePeople(12, "Kemantren Gondokusuman")...)
	for i := range moved.People {
		if i%5 == 0 {
			moved.People[i].MovedFrom = "Dinas Sosial"
		}
	}
	moved.Checkpoint = "titik 2026-11-25"
	dl := testTime.Add(72 * time.Hour)
	pending := PendingList{Instansi: "Pemerintah Kota Yogyakarta", CampaignTitle: "Ikrar Netralitas ASN 2024",
		Scope: "Dinas Kesehatan", Deadline: &dl, SignURL: "https://ikrar.test/sign", GeneratedAt: testTime}
	for _, p := range samplePeople(20, "Dinas Kesehatan", "Bidang Gizi") {
		pending.People = append(pending.People, PendingPerson{NIP: p.NIP, Name: p.Name, Position: p.Position,
			Department: p.Department, Phone: "628123456789", URL: "https://ikrar.test/sign/tk1", AccessCode: "K7M3QX9A"})
	}
	noSignURL := sampleLinks(3)
	noSignURL.SignURL = ""
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer) error
		data  []string
	}{
		{"department report", func(b *bytes.Buffer) error { return WritePDF(b, moved) }, reportData(moved)},
		{"summary report", func(b *bytes.Buffer) error { return WritePDF(b, summaryReport(40)) }, reportData(summaryReport(40))},
		{"empty report", func(b *bytes.Buffer) error {
			return WritePDF(b, Report{Scope: "Dinas Kesehatan", GeneratedAt: testTime})
		},
			[]string{"Dinas Kesehatan", wib.DateTime(testTime)}},
		{"link cards", func(b *bytes.Buffer) error { return WriteLinksPDF(b, sampleLinks(9)) }, linksData(sampleLinks(9))},
		{"link cards, no sign URL", func(b *bytes.Buffer) error { return WriteLinksPDF(b, noSignURL) }, linksData(noSignURL)},
		{"no link cards", func(b *bytes.Buffer) error { return WriteLinksPDF(b, sampleLinks(0)) }, linksData(sampleLinks(0))},
		{"pending list", func(b *bytes.Buffer) error { return WritePendingPDF(b, pending) }, linksData(pending.Links())},
		{"pending list, nobody left", func(b *bytes.Buffer) error {
			return WritePendingPDF(b, PendingList{Scope: "Dinas Kesehatan", GeneratedAt: testTime})
		},
			[]string{"Dinas Kesehatan"}},
	} {
		var b bytes.Buffer
		if err := tt.write(&b); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		text := pdfText(t, pdfFile(t, b.Bytes()), 0, 0)
		data := append(tt.data, wib.DateTime(testTime), wib.Deadline(dl), "Ikrar Netralitas ASN 2024", "https://ikrar.test/sign")
		if stray := i18ntest.Stray(text, data...); len(stray) > 0 {
			t.Errorf("%s: words from neither the catalogue nor the data: %q", tt.name, stray)
		}
	}
}

// reportData is every value of r a report prints.
func reportData(r Report) []string {
	d := []string{r.Instansi, r.CampaignTitle, r.Scope, r.Checkpoint, wib.DateTime(r.GeneratedAt)}
	for _, u := range r.Departments {
		d = append(d, u.Code, u.Name)
	}
	for _, p := range r.People {
		d = append(d, p.NIP, p.Name, p.Position, p.Department, p.Kind, p.CertificateCode, p.MovedFrom, p.Reach, formatShortDateTimeID(p.SignedAt))
	}
	return d
}

// linksData is every value of s a link sheet prints.
func linksData(s LinksSheet) []string {
	d := []string{s.Instansi, s.CampaignTitle, s.SignURL, wib.DateTime(s.GeneratedAt)}
	for _, l := range s.Links {
		d = append(d, l.NIP, l.Name, l.Position, l.Department, l.URL, l.AccessCode)
	}
	return d
}
