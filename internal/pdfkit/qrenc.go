package pdfkit

import (
	"errors"
	"math/bits"
)

// A small QR code encoder: byte mode, error-correction level M, versions
// 1-40, mask chosen by the same penalty rules as github.com/skip2/go-qrcode.
//
// Why not just go-qrcode: it costs about 0.5 ms per symbol (a Reed-Solomon
// implementation that allocates per term, and every mask built and scored
// with allocations), which was a third of the whole certificate budget.
// This encoder produces the same symbol (qrenc_test.go checks it module by
// module against go-qrcode for many inputs) in a few tens of microseconds.
// go-qrcode remains the reference in the tests and the fallback if this
// encoder ever reports an error.

// qrBlocks describes the error-correction blocks of one version at level M:
// up to two groups of blocks, each as {blocks, codewords per block, data
// codewords per block}, and the number of remainder bits.
type qrBlocks struct {
	groups    [2][3]int
	remainder int
}

// qrLevelM is ISO/IEC 18004 table 9 for level M (as in go-qrcode's
// version.go), indexed by version-1.
var qrLevelM = [40]qrBlocks{
	{[2][3]int{{1, 26, 16}, {}}, 0},
	{[2][3]int{{1, 44, 28}, {}}, 7},
	{[2][3]int{{1, 70, 44}, {}}, 7},
	{[2][3]int{{2, 50, 32}, {}}, 7},
	{[2][3]int{{2, 67, 43}, {}}, 7},
	{[2][3]int{{4, 43, 27}, {}}, 7},
	{[2][3]int{{4, 49, 31}, {}}, 0},
	{[2][3]int{{2, 60, 38}, {2, 61, 39}}, 0},
	{[2][3]int{{3, 58, 36}, {2, 59, 37}}, 0},
	{[2][3]int{{4, 69, 43}, {1, 70, 44}}, 0},
	{[2][3]int{{1, 80, 50}, {4, 81, 51}}, 0},
	{[2][3]int{{6, 58, 36}, {2, 59, 37}}, 0},
	{[2][3]int{{8, 59, 37}, {1, 60, 38}}, 0},
	{[2][3]int{{4, 64, 40}, {5, 65, 41}}, 3},
	{[2][3]int{{5, 65, 41}, {5, 66, 42}}, 3},
	{[2][3]int{{7, 73, 45}, {3, 74, 46}}, 3},
	{[2][3]int{{10, 74, 46}, {1, 75, 47}}, 3},
	{[2][3]int{{9, 69, 43}, {4, 70, 44}}, 3},
	{[2][3]int{{3, 70, 44}, {11, 71, 45}}, 3},
	{[2][3]int{{3, 67, 41}, {13, 68, 42}}, 3},
	{[2][3]int{{17, 68, 42}, {}}, 4},
	{[2][3]int{{17, 74, 46}, {}}, 4},
	{[2][3]int{{4, 75, 47}, {14, 76, 48}}, 4},
	{[2][3]int{{6, 73, 45}, {14, 74, 46}}, 4},
	{[2][3]int{{8, 75, 47}, {13, 76, 48}}, 4},
	{[2][3]int{{19, 74, 46}, {4, 75, 47}}, 4},
	{[2][3]int{{22, 73, 45}, {3, 74, 46}}, 4},
	{[2][3]int{{3, 73, 45}, {23, 74, 46}}, 3},
	{[2][3]int{{21, 73, 45}, {7, 74, 46}}, 3},
	{[2][3]int{{19, 75, 47}, {10, 76, 48}}, 3},
	{[2][3]int{{2, 74, 46}, {29, 75, 47}}, 3},
	{[2][3]int{{10, 74, 46}, {23, 75, 47}}, 3},
	{[2][3]int{{14, 74, 46}, {21, 75, 47}}, 3},
	{[2][3]int{{14, 74, 46}, {23, 75, 47}}, 3},
	{[2][3]int{{12, 75, 47}, {26, 76, 48}}, 0},
	{[2][3]int{{6, 75, 47}, {34, 76, 48}}, 0},
	{[2][3]int{{29, 74, 46}, {14, 75, 47}}, 0},
	{[2][3]int{{13, 74, 46}, {32, 75, 47}}, 0},
	{[2][3]int{{40, 75, 47}, {7, 76, 48}}, 0},
	{[2][3]int{{18, 75, 47}, {31, 76, 48}}, 0},
}

// qrAlign lists the alignment pattern centre coordinates per version.
var qrAlign = [41][]int{
	{}, {},
	{6, 18}, {6, 22}, {6, 26}, {6, 30}, {6, 34},
	{6, 22, 38}, {6, 24, 42}, {6, 26, 46}, {6, 28, 50}, {6, 30, 54}, {6, 32, 58}, {6, 34, 62},
	{6, 26, 46, 66}, {6, 26, 48, 70}, {6, 26, 50, 74}, {6, 30, 54, 78}, {6, 30, 56, 82}, {6, 30, 58, 86}, {6, 34, 62, 90},
	{6, 28, 50, 72, 94}, {6, 26, 50, 74, 98}, {6, 30, 54, 78, 102}, {6, 28, 54, 80, 106}, {6, 32, 58, 84, 110}, {6, 30, 58, 86, 114}, {6, 34, 62, 90, 118},
	{6, 26, 50, 74, 98, 122}, {6, 30, 54, 78, 102, 126}, {6, 26, 52, 78, 104, 130}, {6, 30, 56, 82, 108, 134}, {6, 34, 60, 86, 112, 138}, {6, 30, 58, 86, 114, 142}, {6, 34, 62, 90, 118, 146},
	{6, 30, 54, 78, 102, 126, 150}, {6, 24, 50, 76, 102, 128, 154}, {6, 28, 54, 80, 106, 132, 158}, {6, 32, 58, 84, 110, 136, 162}, {6, 26, 54, 82, 110, 138, 166}, {6, 30, 58, 86, 114, 142, 170},
}

// gf256 holds exp/log tables of GF(2^8) with the QR polynomial 0x11D.
type gf256 struct {
	exp [512]byte
	log [256]byte
}

var gf = func() *gf256 {
	g := &gf256{}
	x := 1
	for i := 0; i < 255; i++ {
		g.exp[i] = byte(x)
		g.log[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11D
		}
	}
	for i := 255; i < 512; i++ {
		g.exp[i] = g.exp[i-255]
	}
	return g
}()

func (g *gf256) mul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return g.exp[int(g.log[a])+int(g.log[b])]
}

// rsGenerator returns the coefficients (highest degree first, leading 1
// omitted) of prod_{i<n} (x - a^i).
func rsGenerator(n int) []byte {
	poly := []byte{1}
	for i := 0; i < n; i++ {
		next := make([]byte, len(poly)+1)
		for j, c := range poly {
			next[j] ^= c
			next[j+1] ^= gf.mul(c, gf.exp[i])
		}
		poly = next
	}
	return poly[1:]
}

// rsEncode returns the n error-correction codewords of data.
func rsEncode(data []byte, gen []byte) []byte {
	ec := make([]byte, len(gen))
	for _, d := range data {
		factor := d ^ ec[0]
		copy(ec, ec[1:])
		ec[len(ec)-1] = 0
		if factor != 0 {
			lf := int(gf.log[factor])
			for i, g := range gen {
				if g != 0 {
					ec[i] ^= gf.exp[lf+int(gf.log[g])]
				}
			}
		}
	}
	return ec
}

var errQRTooLong = errors.New("text too long for a QR code")

// qrEncode builds the symbol for text in byte mode at level M.
func qrEncode(text string) (*QR, error) {
	version := 0
	for v := 1; v <= 40; v++ {
		if qrDataBits(v, len(text)) <= qrDataCodewords(v)*8 {
			version = v
			break
		}
	}
	if version == 0 {
		return nil, errQRTooLong
	}
	codewords := qrCodewords(version, text)
	bits := qrInterleave(version, codewords)
	return qrPlace(version, bits), nil
}

func qrCountBits(version int) int {
	if version <= 9 {
		return 8
	}
	return 16
}

func qrDataBits(version, n int) int { return 4 + qrCountBits(version) + 8*n }

func qrDataCodewords(version int) int {
	b := qrLevelM[version-1]
	return b.groups[0][0]*b.groups[0][2] + b.groups[1][0]*b.groups[1][2]
}

// qrCodewords encodes text as the data codewords: mode, count, bytes,
// terminator, padding.
func qrCodewords(version int, text string) []byte {
	capacity := qrDataCodewords(version)
	w := bitWriter{buf: make([]byte, 0, capacity)}
	w.write(0b0100, 4) // byte mode
	w.write(uint32(len(text)), qrCountBits(version))
	for i := 0; i < len(text); i++ {
		w.write(uint32(text[i]), 8)
	}
	term := capacity*8 - w.n
	if term > 4 {
		term = 4
	}
	w.write(0, term)
	if r := w.n % 8; r != 0 {
		w.write(0, 8-r)
	}
	for pad := byte(0xEC); len(w.buf) < capacity; pad ^= 0xEC ^ 0x11 {
		w.buf = append(w.buf, pad)
		w.n += 8
	}
	return w.buf
}

type bitWriter struct {
	buf []byte
	n   int // bits written
}

func (w *bitWriter) write(v uint32, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.buf = append(w.buf, 0)
		}
		if v>>uint(i)&1 != 0 {
			w.buf[len(w.buf)-1] |= 0x80 >> uint(w.n%8)
		}
		w.n++
	}
}

// qrInterleave splits data into blocks, adds error correction and
// interleaves everything into the final codeword sequence.
func qrInterleave(version int, data []byte) []byte {
	b := qrLevelM[version-1]
	var blocks, ecs [][]byte
	off := 0
	for _, g := range b.groups {
		if g[0] == 0 {
			continue
		}
		gen := rsGenerator(g[1] - g[2])
		for i := 0; i < g[0]; i++ {
			blk := data[off : off+g[2]]
			off += g[2]
			blocks = append(blocks, blk)
			ecs = append(ecs, rsEncode(blk, gen))
		}
	}
	out := make([]byte, 0, off+len(blocks)*len(ecs[0]))
	for i := 0; ; i++ {
		added := false
		for _, blk := range blocks {
			if i < len(blk) {
				out = append(out, blk[i])
				added = true
			}
		}
		if !added {
			break
		}
	}
	for i := 0; i < len(ecs[0]); i++ {
		for _, ec := range ecs {
			out = append(out, ec[i])
		}
	}
	return out
}

// qrPlace draws function patterns and data for each of the eight masks and
// keeps the one with the lowest penalty.
func qrPlace(version int, codewords []byte) *QR {
	n := 17 + 4*version
	base := make([]bool, n*n)
	reserved := make([]bool, n*n)
	set := func(x, y int, v bool) {
		base[y*n+x] = v
		reserved[y*n+x] = true
	}
	finder := func(x0, y0 int) {
		for dy := -1; dy <= 7; dy++ {
			for dx := -1; dx <= 7; dx++ {
				x, y := x0+dx, y0+dy
				if x < 0 || y < 0 || x >= n || y >= n {
					continue
				}
				in := dx >= 0 && dx <= 6 && dy >= 0 && dy <= 6
				ring := dx == 0 || dx == 6 || dy == 0 || dy == 6
				core := dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4
				set(x, y, in && (ring || core))
			}
		}
	}
	finder(0, 0)
	finder(n-7, 0)
	finder(0, n-7)
	for _, cx := range qrAlign[version] {
		for _, cy := range qrAlign[version] {
			if reserved[cy*n+cx] {
				continue
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					ring := dx == -2 || dx == 2 || dy == -2 || dy == 2
					set(cx+dx, cy+dy, ring || (dx == 0 && dy == 0))
				}
			}
		}
	}
	for i := 8; i < n-8; i++ {
		set(i, 6, i%2 == 0)
		set(6, i, i%2 == 0)
	}
	// Reserve the format areas now; they are filled per mask below.
	for i := 0; i <= 8; i++ {
		reserved[8*n+i] = true
		reserved[i*n+8] = true
	}
	for i := 0; i < 8; i++ {
		reserved[8*n+n-1-i] = true
		reserved[(n-1-i)*n+8] = true
	}
	if version >= 7 {
		vi := qrVersionInfo(version)
		for i := 0; i < 18; i++ {
			bit := vi>>uint(i)&1 != 0
			set(i/3, n-11+i%3, bit)
			set(n-11+i%3, i/3, bit)
		}
	}

	// Data module positions in placement order (upward/downward column
	// pairs from the right, skipping the vertical timing column).
	total := len(codewords) * 8
	total += qrLevelM[version-1].remainder
	pos := make([]int32, 0, total)
	up := true
	for x := n - 1; x > 0 && len(pos) < total; x -= 2 {
		if x == 6 {
			x--
		}
		for i := 0; i < n; i++ {
			y := i
			if up {
				y = n - 1 - i
			}
			for _, xx := range [2]int{x, x - 1} {
				if !reserved[y*n+xx] && len(pos) < total {
					pos = append(pos, int32(y*n+xx))
				}
			}
		}
		up = !up
	}

	dataBit := func(i int) bool {
		return i < len(codewords)*8 && codewords[i>>3]&(0x80>>uint(i&7)) != 0
	}
	// build writes the symbol for one mask into m.
	build := func(m []bool, mask int) {
		copy(m, base)
		for i, p := range pos {
			x, y := int(p)%n, int(p)/n
			m[p] = dataBit(i) != qrMask(mask, x, y)
		}
		qrFormat(m, n, mask)
	}

	bestMask, bestPenalty := 0, -1
	if n <= 64 {
		// Score each mask on row and column words built directly, without
		// materialising the symbol.
		var baseRows, baseCols [64]uint64
		for i, v := range base {
			if v {
				baseRows[i/n] |= 1 << uint(i%n)
				baseCols[i%n] |= 1 << uint(i/n)
			}
		}
		// Data modules and their bits as words too. A mask's pattern is
		// periodic (6 along a row, 12 down a column), so its words come
		// from the small tables in qrMaskWords.
		var posRows, posCols, dataRows, dataCols [64]uint64
		for i, p := range pos {
			x, y := uint(int(p)%n), uint(int(p)/n)
			posRows[y] |= 1 << x
			posCols[x] |= 1 << y
			if dataBit(i) {
				dataRows[y] |= 1 << x
				dataCols[x] |= 1 << y
			}
		}
		cells := qrFormatCells(n)
		for mask := 0; mask < 8; mask++ {
			var rows, cols [64]uint64
			rowPat, colPat := &qrMaskWords.rows[mask], &qrMaskWords.cols[mask]
			for i := 0; i < n; i++ {
				rows[i] = baseRows[i] | (dataRows[i]^rowPat[i%12])&posRows[i]
				cols[i] = baseCols[i] | (dataCols[i]^colPat[i%6])&posCols[i]
			}
			f := qrFormatValue(mask)
			for _, c := range cells {
				if c.bit < 0 || f>>uint(c.bit)&1 != 0 {
					rows[c.y] |= 1 << uint(c.x)
					cols[c.x] |= 1 << uint(c.y)
				}
			}
			if pen := qrPenaltyWords(&rows, &cols, n); bestPenalty < 0 || pen < bestPenalty {
				bestMask, bestPenalty = mask, pen
			}
		}
	} else {
		cur := make([]bool, n*n)
		for mask := 0; mask < 8; mask++ {
			build(cur, mask)
			if pen := qrPenalty(cur, n); bestPenalty < 0 || pen < bestPenalty {
				bestMask, bestPenalty = mask, pen
			}
		}
	}
	best := make([]bool, n*n)
	build(best, bestMask)
	return &QR{n: n, dark: best}
}

// qrCell is a module of the format information: bit is the bit of the
// 15-bit format value it shows, or -1 for the module that is always dark.
type qrCell struct{ x, y, bit int }

// qrFormatCells lists where the format information goes, both copies.
func qrFormatCells(n int) []qrCell {
	cells := make([]qrCell, 0, 31)
	for i := 0; i <= 7; i++ {
		cells = append(cells, qrCell{n - 1 - i, 8, i})
	}
	for i := 0; i <= 5; i++ {
		cells = append(cells, qrCell{8, i, i})
	}
	cells = append(cells, qrCell{8, 7, 6}, qrCell{8, 8, 7}, qrCell{7, 8, 8})
	for i := 9; i <= 14; i++ {
		cells = append(cells, qrCell{14 - i, 8, i})
	}
	for i := 8; i <= 14; i++ {
		cells = append(cells, qrCell{8, n - 15 + i, i})
	}
	return append(cells, qrCell{8, n - 8, -1})
}

// qrMaskWords holds each mask's pattern as machine words: rows[k][y%12]
// has bit x set where mask k flips module (x, y) (periodic in x with
// period 6, so the 6-bit seed is repeated across the word), and
// cols[k][x%6] likewise has bit y set.
var qrMaskWords = func() (t struct {
	rows [8][12]uint64
	cols [8][6]uint64
}) {
	for k := 0; k < 8; k++ {
		for y := 0; y < 12; y++ {
			var w uint64
			for x := 0; x < 6; x++ {
				if qrMask(k, x, y) {
					w |= 1 << uint(x)
				}
			}
			t.rows[k][y] = repeatBits(w, 6)
		}
		for x := 0; x < 6; x++ {
			var w uint64
			for y := 0; y < 12; y++ {
				if qrMask(k, x, y) {
					w |= 1 << uint(y)
				}
			}
			t.cols[k][x] = repeatBits(w, 12)
		}
	}
	return t
}()

type qrMaskTable struct {
	rows [8][12]uint64
	cols [8][6]uint64
}

// repeatBits repeats the low period bits of w across 64 bits.
func repeatBits(w uint64, period uint) uint64 {
	for p := period; p < 64; p *= 2 {
		w |= w << p
	}
	return w
}

func qrMask(mask, x, y int) bool {
	switch mask {
	case 0:
		return (y+x)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (y+x)%3 == 0
	case 4:
		return (y/2+x/3)%2 == 0
	case 5:
		return (y*x)%2+(y*x)%3 == 0
	case 6:
		return ((y*x)%2+(y*x)%3)%2 == 0
	default:
		return ((y+x)%2+(y*x)%3)%2 == 0
	}
}

// qrFormatValue is the 15-bit BCH-coded format information for level M
// and mask.
func qrFormatValue(mask int) int {
	data := mask // level M is 00
	rem := data << 10
	for i := 14; i >= 10; i-- {
		if rem>>uint(i)&1 != 0 {
			rem ^= 0x537 << uint(i-10)
		}
	}
	return (data<<10 | rem) ^ 0x5412
}

// qrFormat writes the format information (both copies) and the dark module.
func qrFormat(m []bool, n, mask int) {
	f := qrFormatValue(mask)
	for _, c := range qrFormatCells(n) {
		m[c.y*n+c.x] = c.bit < 0 || f>>uint(c.bit)&1 != 0
	}
}

// qrVersionInfo is the 18-bit BCH-coded version information.
func qrVersionInfo(version int) int {
	rem := version << 12
	for i := 17; i >= 12; i-- {
		if rem>>uint(i)&1 != 0 {
			rem ^= 0x1F25 << uint(i-12)
		}
	}
	return version<<12 | rem
}

// qrPenalty scores a masked symbol exactly as go-qrcode does (its rules 1-4),
// so that both pick the same mask.
func qrPenalty(m []bool, n int) int {
	p := 0
	for a := 0; a < n; a++ {
		p += qrLinePenalty(m, a*n, 1, n) // row a
		p += qrLinePenalty(m, a, n, n)   // column a
	}
	// Rule 2: 2x2 blocks of one colour.
	blocks := 0
	for y := 1; y < n; y++ {
		row, prev := m[y*n:y*n+n], m[(y-1)*n:(y-1)*n+n]
		for x := 1; x < n; x++ {
			c := row[x]
			if c == row[x-1] && c == prev[x] && c == prev[x-1] {
				blocks++
			}
		}
	}
	p += 3 * blocks
	// Rule 4: balance of dark and light.
	dark := 0
	for _, v := range m {
		if v {
			dark++
		}
	}
	dev := len(m)/2 - dark
	if dev < 0 {
		dev = -dev
	}
	return p + 10*(dev/(len(m)/20))
}

// qrPenaltyWords computes qrPenalty for symbols up to 64 modules wide
// (versions 1-11, which covers any verification URL) from each row and
// column held in one machine word (bit x of rows[y] is module (x, y)): rules 1, 2 and 4 become a few bit
// operations per line, and rule 3's stateful scan runs only on lines that
// contain the 1011101 core of a finder-like pattern at all.
func qrPenaltyWords(rows, cols *[64]uint64, n int) int {
	dark := 0
	for y := 0; y < n; y++ {
		dark += bits.OnesCount64(rows[y])
	}
	pairMask := uint64(1)<<uint(n-1) - 1
	p := 0
	for a := 0; a < n; a++ {
		for _, line := range [2]uint64{rows[a], cols[a]} {
			// Rule 1: w marks every start of six equal modules; a run of
			// length L >= 6 yields L-5 marks and scores L-2.
			eq := ^(line ^ line>>1) & pairMask
			w := eq & (eq >> 1) & (eq >> 2) & (eq >> 3) & (eq >> 4)
			p += bits.OnesCount64(w) + 3*bits.OnesCount64(w&^(w<<1))
			// Rule 3 needs 1011101 somewhere in the line.
			core := line & ^(line >> 1) & (line >> 2) & (line >> 3) & (line >> 4) & ^(line >> 5) & (line >> 6)
			if core&(uint64(1)<<uint(n-6)-1) != 0 {
				p += qrFinderPenalty(line, n)
			}
		}
	}
	// Rule 2: 2x2 blocks of one colour.
	blocks := 0
	for y := 1; y < n; y++ {
		r, q := rows[y], rows[y-1]
		blocks += bits.OnesCount64(^(r ^ r>>1) & ^(q ^ q>>1) & ^(r ^ q) & pairMask)
	}
	p += 3 * blocks
	// Rule 4.
	total := n * n
	dev := total/2 - dark
	if dev < 0 {
		dev = -dev
	}
	return p + 10*(dev/(total/20))
}

// qrFinderPenalty is go-qrcode's rule 3 scan of one line (bit i = module i).
func qrFinderPenalty(line uint64, n int) int {
	p := 0
	var buf int16
	for i := 0; i < n; i++ {
		buf <<= 1
		if line>>uint(i)&1 != 0 {
			buf |= 1
		}
		switch buf & 0x7ff {
		case 0x05d, 0x5d0:
			p += 40
			buf = 0xFF
		default:
			if i == n-1 && buf&0x7f == 0x5d {
				p += 40
				buf = 0xFF
			}
		}
	}
	return p
}

// qrLinePenalty applies rules 1 (runs of six or more) and 3 (finder-like
// 1:1:3:1:1 patterns) to the n modules at start, start+step, ...
func qrLinePenalty(m []bool, start, step, n int) int {
	p := 0
	last, count := m[start], 1
	var buf int16
	if last {
		buf = 1
	}
	for i, idx := 1, start+step; i < n; i, idx = i+1, idx+step {
		v := m[idx]
		if v != last {
			last, count = v, 1
		} else {
			count++
			if count == 6 {
				p += 3 + 1
			} else if count > 6 {
				p++
			}
		}
		buf <<= 1
		if v {
			buf |= 1
		}
		switch buf & 0x7ff {
		case 0x05d, 0x5d0:
			p += 40
			buf = 0xFF
		default:
			if i == n-1 && buf&0x7f == 0x5d {
				p += 40
				buf = 0xFF
			}
		}
	}
	return p
}
