// Package pdfkit holds what every PDF that ikrar makes (certificates,
// reports, signing-link and pending sheets) shares, so that they look alike
// and change together:
//
//   - the rule for text (Text, Clip): whatever a roster, an admin or a
//     signer typed must reach gofpdf in a form it can lay out without
//     panicking and that reads back as it was typed;
//   - one DejaVu font set (fonts.go, fonts/README.md): single-byte
//     Windows-1252 fonts for the fast certificate, UTF-8 subsets with every
//     glyph the certificate, reports and sheets draw;
//   - the palette (palette.go), the certificate's navy and gold as the brand;
//   - QR codes (EncodeQR, QR.Draw): a fast encoder checked module by module
//     against go-qrcode, drawn as vector rectangles;
//   - the multi-page sheets (sheet.go): how they start (NewSheet), how text
//     is measured, fitted and wrapped, and their furniture: "Halaman X dari
//     Y" (PageOf) and the report footer with its audit checkpoint line.
//
// Dates in WIB come from package wib.
package pdfkit

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text makes s safe for gofpdf's UTF-8 fonts, at any length:
//
//   - invalid UTF-8 becomes U+FFFD and the result is NFC, so "e"+U+0308
//     prints as the one glyph "ë";
//   - control characters, line and paragraph separators and the invisible
//     breaks (soft hyphen, zero-width space, BOM) become spaces, and runs of
//     spaces collapse into one with none at either end;
//   - other invisible format characters (bidi embeddings, overrides and
//     isolates, zero-width joiners, …) are dropped: they draw nothing and
//     an override would reorder the text around it;
//   - characters beyond U+FFFF (emoji, 𝔘, 𠜎) become U+FFFD: gofpdf's width
//     tables stop at U+FFFF and index past them (a panic), and the embedded
//     DejaVu fonts have no glyphs there anyway.
func Text(s string) string {
	if isTidyASCII(s) {
		return s // the common case, without allocating
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r > 0xFFFF:
			return '\uFFFD'
		case isBreak(r):
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	// Composed after the invisible characters are gone: one between a
	// letter and its accent ("A\u0601\u0301") kept them apart, and a second
	// cleaning would then compose them (the fuzzer found it).
	if !isASCII(s) {
		s = norm.NFC.String(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// Clip is Text cut to at most max runes, ending in an ellipsis when cut, so
// that no field can push a one-page document onto a second page.
func Clip(s string, max int) string {
	if len(s) <= max && isTidyASCII(s) {
		return s
	}
	s = Text(s)
	if max > 0 && utf8.RuneCountInString(s) > max {
		rs := []rune(s)[:max-1]
		s = strings.TrimRight(string(rs), " ") + "…"
	}
	return s
}

// isBreak reports runes that must reach the page as a space.
func isBreak(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) ||
		r == '\u00AD' || r == '\u200B' || r == '\uFEFF' || r == '\u2028' || r == '\u2029'
}

// isTidyASCII reports printable ASCII with single spaces between words and
// none at either end: text Text leaves as it is.
func isTidyASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || (c == ' ' && s[i-1] == ' ') {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
