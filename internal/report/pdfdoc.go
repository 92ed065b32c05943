package report

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"

	"github.com/ikrar/ikrar/internal/pdfkit"
)

const (
	// The UTF-8 DejaVu Sans of every PDF (pdfkit): Latin, Greek, Cyrillic
	// and the symbols of the sheets; the core PDF fonts only cover cp1252.
	fontFamily = pdfkit.Sans
	pageW      = 210.0
	pageH      = 297.0
	ptToMM     = 25.4 / 72
)

// pdfDoc wraps a gofpdf document with the few drawing helpers the report and
// the links sheet share.
type pdfDoc struct {
	f *gofpdf.Fpdf
}

// newPDFDoc creates an A4 portrait document with DejaVu Sans registered and
// automatic page breaks off: every table paginates itself so it can repeat
// its header.
func newPDFDoc(title, author string, created time.Time) *pdfDoc {
	f := gofpdf.New("P", "mm", "A4", "")
	pdfkit.AddSans(f, false)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetTitle(pdfkit.Text(title), true)
	f.SetAuthor(pdfkit.Text(author), true)
	f.SetCreator("ikrar", true)
	f.SetProducer("ikrar (gofpdf)", true)
	if !created.IsZero() {
		f.SetCreationDate(created)
		f.SetModificationDate(created)
	}
	f.SetDisplayMode("fullwidth", "single")
	return &pdfDoc{f: f}
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

// width measures s as text would draw it. Every string that reaches the
// page goes through width and text, and both pass it through pdfkit.Text,
// the one rule for text in ikrar's PDFs: a character gofpdf cannot lay out
// (beyond U+FFFF, a control) must not panic the whole document.
func (d *pdfDoc) width(s string) float64 { return d.f.GetStringWidth(pdfkit.Text(s)) }

// text draws s on baseline y inside [x, x+w] aligned 'L', 'C' or 'R'.
func (d *pdfDoc) text(x, y, w float64, s string, align byte) {
	s = pdfkit.Text(s)
	switch align {
	case 'R':
		x += w - d.width(s)
	case 'C':
		x += (w - d.width(s)) / 2
	}
	d.f.Text(x, y, s)
}

// baseline returns the baseline that vertically centres the current font in
// a box starting at top with height h.
func (d *pdfDoc) baseline(top, h float64) float64 {
	size, _ := d.f.GetFontSize()
	// Cap height of DejaVu Sans is ~0.73 em; centring it looks right for
	// both digits and lower case.
	return top + h/2 + size*ptToMM*0.73/2
}

// fit shortens s with an ellipsis until it fits w.
func (d *pdfDoc) fit(s string, w float64) string {
	if d.width(s) <= w {
		return s
	}
	const ell = "…"
	runes := []rune(s)
	for len(runes) > 0 {
		runes = runes[:len(runes)-1]
		cand := strings.TrimRight(string(runes), " ") + ell
		if d.width(cand) <= w {
			return cand
		}
	}
	return ell
}

// wrap breaks s into lines no wider than w, at spaces when possible and
// inside over-long words (URLs, NIPs) otherwise. At most maxLines lines are
// returned (0 = unlimited); the last one gets an ellipsis if text was cut.
func (d *pdfDoc) wrap(s string, w float64, maxLines int) []string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return []string{""}
	}
	var lines []string
	cur := ""
	flush := func() {
		lines = append(lines, cur)
		cur = ""
	}
	for _, word := range strings.Split(s, " ") {
		cand := word
		if cur != "" {
			cand = cur + " " + word
		}
		if d.width(cand) <= w {
			cur = cand
			continue
		}
		if cur != "" {
			flush()
		}
		// Break a word that alone is wider than the line.
		for d.width(word) > w && utf8.RuneCountInString(word) > 1 {
			runes := []rune(word)
			n := len(runes) - 1
			for n > 1 && d.width(string(runes[:n])) > w {
				n--
			}
			lines = append(lines, string(runes[:n]))
			word = string(runes[n:])
		}
		cur = word
	}
	if cur != "" {
		flush()
	}
	if maxLines > 0 && len(lines) > maxLines {
		// The joined rest is wider than w, so fit always adds the ellipsis.
		rest := strings.Join(lines[maxLines-1:], " ")
		lines = append(lines[:maxLines-1], d.fit(rest, w))
	}
	return lines
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
