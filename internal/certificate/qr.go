package certificate

import (
	"strconv"

	"github.com/jung-kurt/gofpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// qrMatrix is a QR code symbol without its quiet zone.
type qrMatrix struct {
	n    int
	dark []bool // row-major, n*n
}

func (m *qrMatrix) at(x, y int) bool { return m.dark[y*m.n+x] }

// encodeQR encodes text at the Medium recovery level: enough to survive a
// creased printout, while keeping the symbol small. See qrenc.go for why
// there is an encoder of our own; go-qrcode stays as the fallback.
func encodeQR(text string) (*qrMatrix, error) {
	if m, err := qrEncode(text); err == nil {
		return m, nil
	}
	return encodeQRReference(text)
}

// encodeQRReference encodes with github.com/skip2/go-qrcode.
func encodeQRReference(text string) (*qrMatrix, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	q.DisableBorder = true
	bm := q.Bitmap()
	m := &qrMatrix{n: len(bm), dark: make([]bool, len(bm)*len(bm))}
	for y, row := range bm {
		for x, v := range row {
			m.dark[y*m.n+x] = v
		}
	}
	return m, nil
}

// draw paints the symbol as vector rectangles in the current fill colour,
// size mm square with its top-left corner at (x, y) mm. Horizontal runs of
// dark modules become rectangles, stacked runs with the same ends become one
// taller rectangle, and all of them are filled as a single path so viewers
// show no hairline seams between modules. The operators are written
// directly, in module units under a transformation matrix, because going
// through gofpdf's Rect (one fmt.Sprintf per call) costs more than the rest
// of the page.
func (m *qrMatrix) draw(pdf *gofpdf.Fpdf, x, y, size float64) {
	k := pdf.GetConversionRatio() // points per mm
	_, pageHeight := pdf.GetPageSize()
	mod := size / float64(m.n) * k

	type run struct{ x0, x1 int }
	rows := make([][]run, m.n)
	for row := 0; row < m.n; row++ {
		for col := 0; col < m.n; {
			if !m.at(col, row) {
				col++
				continue
			}
			start := col
			for col < m.n && m.at(col, row) {
				col++
			}
			rows[row] = append(rows[row], run{start, col})
		}
	}
	// used marks runs already drawn as part of a taller rectangle.
	used := make([][]bool, m.n)
	for row := range rows {
		used[row] = make([]bool, len(rows[row]))
	}
	find := func(row int, r run) int {
		for i, c := range rows[row] {
			if c == r && !used[row][i] {
				return i
			}
			if c.x0 > r.x0 {
				break
			}
		}
		return -1
	}

	b := make([]byte, 0, 64+m.n*m.n*2)
	b = append(b, "q "...)
	b = strconv.AppendFloat(b, mod, 'f', 4, 64)
	b = append(b, " 0 0 "...)
	b = strconv.AppendFloat(b, -mod, 'f', 4, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, x*k, 'f', 3, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, (pageHeight-y)*k, 'f', 3, 64)
	b = append(b, " cm\n"...)
	for row, runs := range rows {
		for i, r := range runs {
			if used[row][i] {
				continue
			}
			h := 1
			for next := row + 1; next < m.n; next++ {
				j := find(next, r)
				if j < 0 {
					break
				}
				used[next][j] = true
				h++
			}
			b = strconv.AppendInt(b, int64(r.x0), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(row), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(r.x1-r.x0), 10)
			b = append(b, ' ')
			b = strconv.AppendInt(b, int64(h), 10)
			b = append(b, " re\n"...)
		}
	}
	b = append(b, "f Q"...)
	pdf.RawWriteStr(string(b))
}
