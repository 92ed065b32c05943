package pdfkit

import (
	_ "embed"

	"github.com/jung-kurt/gofpdf"
)

// One DejaVu set for every PDF (free licence, see fonts/README.md), in two
// forms made once by fonts/build.sh and committed:
//
//   - single-byte (Windows-1252) fonts: a JSON metrics file plus the
//     zlib-compressed subset TTF that gofpdf copies into the PDF untouched.
//     Adding them costs about as much as a core font, so a certificate whose
//     text fits Windows-1252 (Indonesian and most European names) stays fast.
//   - UTF-8 subsets with every glyph the certificate, the reports and the
//     card sheets draw (Latin and Vietnamese, Greek, Cyrillic, the symbols
//     of the sheets). gofpdf parses and subsets these for every document,
//     several milliseconds, and embeds only the glyphs used.
//
// Both come from the same outlines, so a document looks the same either way.
var (
	//go:embed fonts/DejaVuSans.json
	sansJSON []byte
	//go:embed fonts/DejaVuSans.z
	sansZ []byte
	//go:embed fonts/DejaVuSans-Bold.json
	sansBoldJSON []byte
	//go:embed fonts/DejaVuSans-Bold.z
	sansBoldZ []byte

	//go:embed fonts/DejaVuSans.ttf
	sansTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	sansBoldTTF []byte
	//go:embed fonts/DejaVuSerif-Italic.ttf
	serifItalicTTF []byte
)

// Font families registered by AddSans and AddSerifItalic.
const (
	Sans  = "dejavu"      // DejaVu Sans, styles "" and "B"
	Serif = "dejavuserif" // DejaVu Serif, style "I" only
)

// AddSans registers DejaVu Sans, regular and bold, as family Sans. With
// singleByte the Windows-1252 form is used, and every string must then go
// through CP1252 (and fit it: FitsCP1252) before it reaches gofpdf;
// otherwise the UTF-8 subsets, which take text as it is.
func AddSans(pdf *gofpdf.Fpdf, singleByte bool) {
	if singleByte {
		pdf.AddFontFromBytes(Sans, "", sansJSON, sansZ)
		pdf.AddFontFromBytes(Sans, "B", sansBoldJSON, sansBoldZ)
		return
	}
	pdf.AddUTF8FontFromBytes(Sans, "", sansTTF)
	pdf.AddUTF8FontFromBytes(Sans, "B", sansBoldTTF)
}

// AddSerifItalic registers DejaVu Serif Italic (UTF-8) as family Serif,
// style "I": the certificate's typed signature when its text needs more
// than Windows-1252 (otherwise the core font Times Italic stands in).
func AddSerifItalic(pdf *gofpdf.Fpdf) {
	pdf.AddUTF8FontFromBytes(Serif, "I", serifItalicTTF)
}

// cp1252High maps the Windows-1252 characters at 0x80-0x9F.
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B,
	'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// CP1252 encodes s for the single-byte fonts. ok is false when some rune
// has no Windows-1252 code; the document must then use the UTF-8 fonts.
func CP1252(s string) (out string, ok bool) {
	if isASCII(s) {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r < 0x80 || (r >= 0xA0 && r <= 0xFF):
			b = append(b, byte(r))
		default:
			c, found := cp1252High[r]
			if !found {
				return "", false
			}
			b = append(b, c)
		}
	}
	return string(b), true
}

// FitsCP1252 reports whether CP1252 can encode s.
func FitsCP1252(s string) bool {
	if isASCII(s) {
		return true
	}
	for _, r := range s {
		if r < 0x80 || (r >= 0xA0 && r <= 0xFF) {
			continue
		}
		if _, ok := cp1252High[r]; !ok {
			return false
		}
	}
	return true
}
