package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pdfkit"
	"github.com/ikrar/ikrar/internal/wib"
)

// Geometry of the cut-out cards sheet, in mm: 2 × 4 cards per A4 page.
const (
	linksCols      = 2
	linksRows      = 4
	LinksPerPage   = linksCols * linksRows
	linksMarginX   = 10.0
	linksTop       = 13.0
	linksBottom    = pageH - 8
	linksCardW     = (pageW - 2*linksMarginX) / linksCols
	linksCardH     = (linksBottom - linksTop) / linksRows
	linksCardPad   = 5.0
	linksQRSize    = 29.0
	linksTextRight = linksCardW - linksCardPad
)

// WriteLinksPDF renders the signing links as printable cut-out cards, eight
// per A4 page, to hand out on paper at the ceremony. Each card shows the
// person's name, NIP, position and unit, a QR code of the personal signing
// URL, the access code in large letters and how to sign without the QR
// code. Dashed lines mark where to cut. An empty sheet is one page saying so.
func WriteLinksPDF(w io.Writer, s LinksSheet) error {
	if err := CheckPDFPeople(len(s.Links)); err != nil {
		return err
	}
	doc := newPDFDoc(i18n.T(pdfLang, "links_doc_title", s.CampaignTitle), s.Instansi, s.GeneratedAt)
	f := doc.f
	f.SetHeaderFunc(func() { linksHeader(doc, s) })
	if len(s.Links) == 0 {
		f.AddPage()
		doc.font(false, 11)
		doc.textColor(pdfkit.Muted)
		doc.text(linksMarginX, linksTop+20, pageW-2*linksMarginX, i18n.T(pdfLang, "links_empty"), 'C')
		return doc.output(w, "links PDF")
	}
	for i, l := range s.Links {
		slot := i % LinksPerPage
		if slot == 0 {
			f.AddPage()
			cutLines(doc, min(LinksPerPage, len(s.Links)-i))
		}
		x := linksMarginX + float64(slot%linksCols)*linksCardW
		y := linksTop + float64(slot/linksCols)*linksCardH
		if err := linkCard(doc, s, l, x, y); err != nil {
			return fmt.Errorf("report: links PDF card %d (NIP %s): %w", i+1, l.NIP, err)
		}
	}
	return doc.output(w, "links PDF")
}

func linksHeader(d *pdfDoc, s LinksSheet) {
	d.font(false, 7)
	d.textColor(pdfkit.Muted)
	right := pdfkit.PageOfWidth(d.f)
	pdfkit.PageOf(d.f, pageW-linksMarginX, 8.5)
	printed := ""
	if !s.GeneratedAt.IsZero() {
		printed = i18n.T(pdfLang, "links_printed", wib.DateTime(s.GeneratedAt))
	}
	left := joinNonEmpty(" · ", s.Instansi, i18n.T(pdfLang, "links_header"), printed)
	d.text(linksMarginX, 8.5, 0, d.fit(left, pageW-2*linksMarginX-right-6), 'L')
}

// cutLines draws the dashed grid around the first n cards of a page, with a
// scissors mark so people know the lines are meant for cutting.
func cutLines(d *pdfDoc, n int) {
	f := d.f
	rows := (n + linksCols - 1) / linksCols
	d.draw(pdfkit.CutLine)
	f.SetLineWidth(0.2)
	f.SetDashPattern([]float64{2, 1.5}, 0)
	bottom := linksTop + float64(rows)*linksCardH
	for c := 0; c <= linksCols; c++ {
		x := linksMarginX + float64(c)*linksCardW
		f.Line(x, linksTop, x, bottom)
	}
	for r := 0; r <= rows; r++ {
		y := linksTop + float64(r)*linksCardH
		f.Line(linksMarginX, y, pageW-linksMarginX, y)
	}
	f.SetDashPattern(nil, 0)
	d.font(false, 9)
	d.textColor(pdfkit.CutLine)
	f.Text(linksMarginX-7, linksTop+1.2, "✂")
}

// linkCard draws one card with its top-left corner at (x, y).
func linkCard(d *pdfDoc, s LinksSheet, l Link, x, y float64) error {
	f := d.f
	left := x + linksCardPad
	textW := linksCardW - 2*linksCardPad

	d.font(true, 6.5)
	d.textColor(pdfkit.Navy)
	d.text(left, y+7, 0, d.fit(strings.ToUpper(s.Instansi), textW), 'L')
	d.font(false, 6.5)
	d.textColor(pdfkit.Muted)
	d.text(left, y+10.3, 0, d.fit(s.CampaignTitle, textW), 'L')
	d.fill(pdfkit.Gold)
	f.Rect(left, y+12, 10, 0.7, "F")
	d.draw(pdfkit.Rule)
	f.SetLineWidth(0.2)
	f.Line(left+10, y+12.35, x+linksTextRight, y+12.35)

	// Name, NIP, position and unit, top-aligned.
	ty := y + 17.5
	d.font(true, 10.5)
	d.textColor(pdfkit.Ink)
	for _, line := range d.wrap(l.Name, textW, 2) {
		d.text(left, ty, 0, line, 'L')
		ty += 4.4
	}
	d.font(false, 8)
	d.text(left, ty, 0, i18n.T(pdfLang, "links_nip", l.NIP), 'L')
	ty += 3.9
	d.font(false, 7)
	d.textColor(pdfkit.Muted)
	var unit []string
	for _, part := range []string{l.Position, l.Department} {
		if strings.TrimSpace(part) != "" {
			unit = append(unit, part)
		}
	}
	// The details get whatever room is left above the QR code.
	maxLines := max(1, int((y+linksCardH-linksQRSize-4.5-ty)/3.2)+1)
	for _, line := range d.wrap(strings.Join(unit, " · "), textW, min(maxLines, 2)) {
		d.text(left, ty, 0, line, 'L')
		ty += 3.2
	}

	// QR code bottom-left, access code and instructions to its right.
	qrY := y + linksCardH - linksQRSize - 3.5
	if err := drawQR(d, l.URL, left-1.5, qrY, linksQRSize); err != nil {
		return err
	}
	rx := left + linksQRSize + 2
	rw := x + linksTextRight - rx
	d.font(true, 6)
	d.textColor(pdfkit.Muted)
	d.text(rx, qrY+5.5, 0, i18n.T(pdfLang, "links_code"), 'L')
	d.fill(pdfkit.Zebra)
	f.Rect(rx, qrY+7, rw, 10.5, "F")
	d.fill(pdfkit.Navy)
	f.Rect(rx, qrY+7, 0.9, 10.5, "F")
	d.textColor(pdfkit.Navy)
	size := 19.0
	d.font(true, size)
	for size > 9 && d.width(l.AccessCode) > rw-5 {
		size--
		d.font(true, size)
	}
	d.text(rx+3, d.baseline(qrY+7, 10.5), 0, l.AccessCode, 'L')

	d.font(false, 6.5)
	d.textColor(pdfkit.Ink)
	help := i18n.T(pdfLang, "links_help", s.SignURL)
	if s.SignURL == "" {
		help = i18n.T(pdfLang, "links_help_qr")
	}
	hy := qrY + 21.5
	for _, line := range d.wrap(help, rw, 3) {
		d.text(rx, hy, 0, line, 'L')
		hy += 2.9
	}
	return nil
}

// drawQR draws the QR code of content (quiet zone included) in a size ×
// size square at (x, y), black, as vector rectangles: crisp at any print
// resolution and smaller than an embedded image.
func drawQR(d *pdfDoc, content string, x, y, size float64) error {
	if content == "" {
		return fmt.Errorf("empty signing URL")
	}
	q, err := pdfkit.EncodeQR(content)
	if err != nil {
		return fmt.Errorf("QR code: %w", err)
	}
	d.fill(pdfkit.Black)
	q.DrawWithQuietZone(d.f, x, y, size, 4)
	return nil
}
