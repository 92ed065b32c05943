package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/pdfkit"
	"github.com/ikrar/ikrar/internal/pdfkit/pdfkittest"
)

func TestWriteLinksPDF(t *testing.T) {
	for _, n := range []int{0, 1, 8, 9, 17} {
		t.Run(fmt.Sprintf("%d links", n), func(t *testing.T) {
			s := sampleLinks(n)
			var buf bytes.Buffer
			if err := WriteLinksPDF(&buf, s); err != nil {
				t.Fatalf("WriteLinksPDF: %v", err)
			}
			if n == 17 {
				writeSample(t, "links.pdf", buf.Bytes())
			}
			path := pdfFile(t, buf.Bytes())
			qpdfCheck(t, path)
			text := pdfText(t, path, 0, 0)
			wantPages := max(1, (n+LinksPerPage-1)/LinksPerPage)
			if got := pageCount(text); got != wantPages {
				t.Errorf("%d pages, want %d", got, wantPages)
			}
			// pdftotext -layout may split long lines; compare without spaces.
			flat := strings.Join(strings.Fields(text), "")
			for _, l := range s.Links {
				for _, want := range []string{l.AccessCode, l.NIP, strings.ReplaceAll(l.Name, " ", "")} {
					if !strings.Contains(flat, want) {
						t.Errorf("card for %s lacks %q", l.NIP, want)
					}
				}
			}
			if n > 0 && !strings.Contains(flat, "masukkanNIP+kodeakses") {
				t.Error("cards lack the NIP + access code instructions")
			}
			if n == 0 && !strings.Contains(text, "Tidak ada pegawai") {
				t.Error("empty sheet lacks its message")
			}
		})
	}
}

func TestWriteLinksPDFRejectsMissingURL(t *testing.T) {
	s := sampleLinks(2)
	s.Links[1].URL = ""
	err := WriteLinksPDF(&bytes.Buffer{}, s)
	if err == nil || !strings.Contains(err.Error(), s.Links[1].NIP) {
		t.Fatalf("err = %v, want an error naming NIP %s", err, s.Links[1].NIP)
	}
}

// TestLinkCardQRCode reads the first card's QR code back from the
// rasterised sheet: the symbol of the person's signing URL, quiet zone
// white.
func TestLinkCardQRCode(t *testing.T) {
	s := sampleLinks(1)
	var buf bytes.Buffer
	if err := WriteLinksPDF(&buf, s); err != nil {
		t.Fatal(err)
	}
	q, err := pdfkit.EncodeQR(s.Links[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	n := q.Modules()
	mod := linksQRSize / float64(n+8)
	x := linksMarginX + linksCardPad - 1.5 + 4*mod
	y := linksTop + linksCardH - linksQRSize - 3.5 + 4*mod
	pdfkittest.CheckQR(t, pdfkittest.Raster(t, buf.Bytes()), x, y, mod, n, q.At)
}
