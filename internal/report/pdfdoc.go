package report

import (
	"fmt"
	"io"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/ikrar/ikrar/internal/pdfkit"
)

const (
	// The UTF-8 DejaVu Sans of every PDF (pdfkit): Latin, Greek, Cyrillic
	// and the symbols of the sheets; the core PDF fonts only cover cp1252.
	fontFamily = pdfkit.Sans
	pageW      = 210.0
	pageH      = 297.0
	ptToMM     = pdfkit.PtToMM
)

// pdfDoc is a sheet (pdfkit.NewSheet) with the drawing helpers the report,
// the links sheet and the pending list use; measuring, fitting and wrapping
// text are pdfkit's, so every PDF treats text the same way.
type pdfDoc struct {
	f *gofpdf.Fpdf
}

func newPDFDoc(title, author string, created time.Time) *pdfDoc {
	return &pdfDoc{f: pdfkit.NewSheet(title, author, created)}
}

// output writes the finished document, reporting the first drawing error.
func (d *pdfDoc) output(w io.Writer, what string) error {
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("report: render %s: %w", what, err)
	}
	if err := d.f.Output(w); err != nil {
		return fmt.Errorf("report: write %s: %w", what, err)
	}
	return nil
}

func (d *pdfDoc) fill(c pdfkit.RGB)      { c.Fill(d.f) }
func (d *pdfDoc) draw(c pdfkit.RGB)      { c.Draw(d.f) }
func (d *pdfDoc) textColor(c pdfkit.RGB) { c.Text(d.f) }

// font selects DejaVu Sans; bold chooses the bold face, size is in points.
func (d *pdfDoc) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	d.f.SetFont(fontFamily, style, size)
}

// lineHeight is a comfortable line pitch in mm for the current font size.
func (d *pdfDoc) lineHeight() float64 {
	size, _ := d.f.GetFontSize()
	return size * ptToMM * 1.3
}

func (d *pdfDoc) width(s string) float64 { return pdfkit.Width(d.f, s) }

func (d *pdfDoc) text(x, y, w float64, s string, align byte) { pdfkit.TextAt(d.f, x, y, w, s, align) }

func (d *pdfDoc) baseline(top, h float64) float64 { return pdfkit.Baseline(d.f, top, h) }

func (d *pdfDoc) fit(s string, w float64) string { return pdfkit.Fit(d.f, s, w) }

func (d *pdfDoc) wrap(s string, w float64, maxLines int) []string {
	return pdfkit.Wrap(d.f, s, w, maxLines)
}

// progressBar draws a rounded track with the completed share filled in the
// traffic-light colour of pct.
func (d *pdfDoc) progressBar(x, y, w, h, pct float64) {
	d.fill(pdfkit.Track)
	d.f.RoundedRect(x, y, w, h, h/2, "1234", "F")
	if pct <= 0 {
		return
	}
	fw := w * min(pct, 100) / 100
	d.fill(completionColor(pct))
	if fw < h { // too short for round caps
		d.f.Rect(x, y, fw, h, "F")
		return
	}
	d.f.RoundedRect(x, y, fw, h, h/2, "1234", "F")
}

// completionColor maps a completion percentage to green (≥ 90), amber
// (≥ 50) or red.
func completionColor(pct float64) pdfkit.RGB {
	switch {
	case pct >= 90:
		return pdfkit.Green
	case pct >= 50:
		return pdfkit.Amber
	default:
		return pdfkit.Red
	}
}
