package pdfkit

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"

	"github.com/ikrar/ikrar/internal/i18n"
)

// What the multi-page sheets (reports, signing-link cards, pending lists)
// share: how a document starts, how text is measured, fitted and wrapped,
// and the furniture around the content (page numbers, the footer with its
// audit checkpoint line). The certificate is one fixed page and draws its
// own frame.

// PtToMM converts a font size in points to millimetres.
const PtToMM = 25.4 / 72

// nbAlias is replaced by the page count when the document closes.
const nbAlias = "{nb}"

// NewSheet starts an A4 portrait document with the UTF-8 DejaVu Sans
// registered, automatic page breaks off (every table paginates itself, so
// it can repeat its header), cleaned metadata, the creation date fixed to
// created when set, and "{nb}" counting the pages for PageOf.
func NewSheet(title, author string, created time.Time) *gofpdf.Fpdf {
	f := gofpdf.New("P", "mm", "A4", "")
	AddSans(f, false)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetTitle(Text(title), true)
	f.SetAuthor(Text(author), true)
	f.SetCreator("ikrar", true)
	f.SetProducer("ikrar (gofpdf)", true)
	if !created.IsZero() {
		f.SetCreationDate(created)
		f.SetModificationDate(created)
	}
	f.SetDisplayMode("fullwidth", "single")
	f.AliasNbPages(nbAlias)
	return f
}

// Width measures s as TextAt would draw it in the current font. Every
// string that reaches a sheet goes through Width and TextAt, and both pass
// it through Text, the one rule for text: a character gofpdf cannot lay out
// (beyond U+FFFF, a control) must not panic the whole document.
func Width(f *gofpdf.Fpdf, s string) float64 { return f.GetStringWidth(Text(s)) }

// TextAt draws s on baseline y inside [x, x+w] aligned 'L', 'C' or 'R'.
func TextAt(f *gofpdf.Fpdf, x, y, w float64, s string, align byte) {
	s = Text(s)
	switch align {
	case 'R':
		x += w - Width(f, s)
	case 'C':
		x += (w - Width(f, s)) / 2
	}
	f.Text(x, y, s)
}

// Baseline returns the baseline that vertically centres the current font in
// a box starting at top with height h.
func Baseline(f *gofpdf.Fpdf, top, h float64) float64 {
	size, _ := f.GetFontSize()
	// Cap height of DejaVu Sans is ~0.73 em; centring it looks right for
	// both digits and lower case.
	return top + h/2 + size*PtToMM*0.73/2
}

// Fit shortens s with an ellipsis until it fits w.
func Fit(f *gofpdf.Fpdf, s string, w float64) string {
	if Width(f, s) <= w {
		return s
	}
	const ell = "…"
	runes := []rune(s)
	for len(runes) > 0 {
		runes = runes[:len(runes)-1]
		cand := strings.TrimRight(string(runes), " ") + ell
		if Width(f, cand) <= w {
			return cand
		}
	}
	return ell
}

// Wrap breaks s into lines no wider than w, at spaces when possible and
// inside over-long words (URLs, NIPs) otherwise. At most maxLines lines are
// returned (0 = unlimited); the last one gets an ellipsis if text was cut.
func Wrap(f *gofpdf.Fpdf, s string, w float64, maxLines int) []string {
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
		if Width(f, cand) <= w {
			cur = cand
			continue
		}
		if cur != "" {
			flush()
		}
		// Break a word that alone is wider than the line.
		for Width(f, word) > w && utf8.RuneCountInString(word) > 1 {
			runes := []rune(word)
			n := len(runes) - 1
			for n > 1 && Width(f, string(runes[:n])) > w {
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
		// The joined rest is wider than w, so Fit always adds the ellipsis.
		rest := strings.Join(lines[maxLines-1:], " ")
		lines = append(lines[:maxLines-1], Fit(f, rest, w))
	}
	return lines
}

// PageOf draws "Halaman X dari Y" in the current font and colour with its
// right edge at right, on baseline y. Y is only known when the document
// closes (gofpdf then replaces the alias NewSheet set), so the text is
// right-aligned as if Y had as many digits as X: it ends close to the edge.
func PageOf(f *gofpdf.Fpdf, right, y float64) {
	page := strconv.Itoa(f.PageNo())
	f.Text(right-Width(f, pageOf(page, page)), y, pageOf(page, nbAlias))
}

// PageOfWidth is the room PageOf takes on the current page.
func PageOfWidth(f *gofpdf.Fpdf) float64 {
	page := strconv.Itoa(f.PageNo())
	return Width(f, pageOf(page, page))
}

// pageOf is "Halaman X dari Y": the reports are printed in Indonesian.
func pageOf(page, of string) string { return i18n.T("id", "pdf_page_of", page, of) }

// Footer is the furniture at the foot of every report page: a hairline,
// what made the document (left), an optional second line such as the audit
// checkpoint the figures can be checked against, and the page number.
type Footer struct {
	Left, Right float64 // margins: the rule runs from Left to Right
	RuleY       float64 // where the rule sits; text follows below it
	Made, Note  string  // first line (cut to leave room for the page number), second line
}

// Draw paints the footer on the current page.
func (ft Footer) Draw(f *gofpdf.Fpdf) {
	Rule.Draw(f)
	f.SetLineWidth(0.25)
	f.Line(ft.Left, ft.RuleY, ft.Right, ft.RuleY)
	f.SetFont(Sans, "", 7.5)
	Muted.Text(f)
	w := ft.Right - ft.Left
	TextAt(f, ft.Left, ft.RuleY+4.5, 0, Fit(f, ft.Made, w-40), 'L')
	if ft.Note != "" {
		TextAt(f, ft.Left, ft.RuleY+8, 0, Fit(f, ft.Note, w), 'L')
	}
	PageOf(f, ft.Right, ft.RuleY+4.5)
}
