package pdfkit

import (
	"bytes"
	"strconv"

	"github.com/jung-kurt/gofpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// QR is a QR code symbol without its quiet zone, the one way every ikrar
// PDF (certificates, signing-link cards) draws a code.
type QR struct {
	n    int
	dark []bool // row-major, n*n
}

// Modules is the symbol's width (and height) in modules, quiet zone not
// included.
func (m *QR) Modules() int { return m.n }

// At reports whether module (x, y) is dark.
func (m *QR) At(x, y int) bool { return m.dark[y*m.n+x] }

// EncodeQR encodes text at the Medium recovery level: enough to survive a
// creased printout, while keeping the symbol small. See qrenc.go for why
// there is an encoder of our own; go-qrcode stays as the fallback and, in
// qrenc_test.go, as the reference it is checked against.
func EncodeQR(text string) (*QR, error) {
	if m, err := qrEncode(text); err == nil {
		return m, nil
	}
	return encodeQRReference(text)
}

// encodeQRReference encodes with github.com/skip2/go-qrcode.
func encodeQRReference(text string) (*QR, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	m := &QR{n: len(bm), dark: make([]bool, len(bm)*len(bm))}
	for y, row := range bm {
		for x, v := range row {
			m.dark[y*m.n+x] = v
		}
	}
	return m, nil
}

// Draw paints the symbol as vector rectangles in the current fill colour,
// size mm square with its top-left corner at (x, y) mm. Horizontal runs of
// dark modules become rectangles, stacked runs with the same ends become one
// taller rectangle, and all of them are filled as a single path so viewers
// show no hairline seams between modules. The operators are written
// directly, in module units under a transformation matrix, because going
// through gofpdf's Rect (one fmt.Sprintf per call) costs more than the rest
// of the page.
func (m *QR) Draw(pdf *gofpdf.Fpdf, x, y, size float64) {
	k := pdf.GetConversionRatio() // points per mm
	_, pageHeight := pdf.GetPageSize()
	mod := size / float64(m.n) * k

	// Rectangles in module units. open[x0] is the rectangle whose bottom
	// run, in the previous row, starts at x0 (-1: none); a run in this row
	// with the same ends extends it downwards.
	type rect struct{ x, y, w, h int16 } // n is at most 177
	rects := make([]rect, 0, m.n*m.n/4)
	open, next := make([]int, m.n), make([]int, m.n)
	for i := range open {
		open[i] = -1
	}
	for row := 0; row < m.n; row++ {
		for i := range next {
			next[i] = -1
		}
		for col := 0; col < m.n; {
			if !m.At(col, row) {
				col++
				continue
			}
			start := col
			for col < m.n && m.At(col, row) {
				col++
			}
			if r := open[start]; r >= 0 && int(rects[r].w) == col-start {
				rects[r].h++
				next[start] = r
			} else {
				next[start] = len(rects)
				rects = append(rects, rect{int16(start), int16(row), int16(col - start), 1})
			}
		}
		open, next = next, open
	}

	b := make([]byte, 0, 64+len(rects)*12)
	b = append(b, "q "...)
	b = strconv.AppendFloat(b, mod, 'f', 4, 64)
	b = append(b, " 0 0 "...)
	b = strconv.AppendFloat(b, -mod, 'f', 4, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, x*k, 'f', 3, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, (pageHeight-y)*k, 'f', 3, 64)
	b = append(b, " cm\n"...)
	for _, r := range rects {
		b = strconv.AppendInt(b, int64(r.x), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(r.y), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(r.w), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(r.h), 10)
		b = append(b, " re\n"...)
	}
	b = append(b, "f Q"...)
	pdf.RawWriteBuf(bytes.NewReader(b)) // no string copy of the operators
}

// DrawWithQuietZone paints the symbol inside a size mm square at (x, y)
// that also holds a quiet zone of quiet modules on every side, the margin
// scanners look for (the ISO standard asks for four).
func (m *QR) DrawWithQuietZone(pdf *gofpdf.Fpdf, x, y, size float64, quiet int) {
	mod := size / float64(m.n+2*quiet)
	m.Draw(pdf, x+float64(quiet)*mod, y+float64(quiet)*mod, mod*float64(m.n))
}
