// Package pdfkittest generates hostile text for the tests of every PDF
// producer.
package pdfkittest

import (
	"math/rand/v2"
	"strings"
)

// ranges are the kinds of text a roster can carry: every plane, combining
// marks, right-to-left scripts and the invisible bidi controls, controls,
// noncharacters and characters beyond U+FFFF (which gofpdf's width tables
// cannot index).
var ranges = [][2]rune{
	{0x20, 0x7E}, {0xA0, 0x24F}, {0x300, 0x36F}, {0x370, 0x3FF}, {0x400, 0x4FF},
	{0x590, 0x5FF}, {0x600, 0x6FF}, {0x0E00, 0x0E7F}, {0x1E00, 0x1EFF}, {0x200B, 0x200F},
	{0x2028, 0x202E}, {0x2066, 0x2069}, {0x4E00, 0x4E80}, {0xAC00, 0xAC80}, {0xE000, 0xE010},
	{0xFE00, 0xFE0F}, {0xFFF0, 0xFFFF}, {0x0, 0x1F}, {0x7F, 0x9F},
	{0x1F300, 0x1F64F}, {0x1D400, 0x1D7FF}, {0x20000, 0x2A6DF}, {0xE0000, 0xE007F},
	{0xF0000, 0xF0010}, {0x10FFF0, 0x10FFFF},
}

// Text returns n random characters drawn from every kind above, sometimes
// followed by invalid UTF-8.
func Text(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		r := ranges[rng.IntN(len(ranges))]
		b.WriteRune(r[0] + rune(rng.IntN(int(r[1]-r[0]+1))))
	}
	if rng.IntN(4) == 0 {
		b.WriteString("\xff\xfe")
	}
	return b.String()
}

// Hostile are fixed strings that broke PDFs before: beyond U+FFFF, a bidi
// override, combining marks, right-to-left text, controls.
var Hostile = []string{"Budi 😀", "Unit 𝔘𝔫𝔦𝔱", "Siti 𠜎 Rahayu", "\u202eosruK\u202c Dewi", "Zoe\u0308 \u200fعلي", "a\x00b\nc\u2028d", "\xff"}
