package certificate

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ikrar/ikrar/internal/wib"
)

// FormatWIB renders t in WIB with Indonesian words, the way an official letter
// would: "Senin, 28 Agustus 2023 pukul 12.20 WIB".
func FormatWIB(t time.Time) string {
	t = t.In(wib.Zone)
	var b strings.Builder
	b.Grow(48)
	b.WriteString(wib.Weekday(t.Weekday()))
	b.WriteString(", ")
	b.WriteString(strconv.Itoa(t.Day()))
	b.WriteByte(' ')
	b.WriteString(wib.Month(t.Month()))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(t.Year()))
	b.WriteString(" pukul ")
	b.WriteString(twoDigits(t.Hour()))
	b.WriteByte('.')
	b.WriteString(twoDigits(t.Minute()))
	b.WriteString(" WIB")
	return b.String()
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// clean makes caller text safe to lay out: NFC (so "e"+U+0308 becomes "ë"),
// control characters and line breaks become spaces, runs of spaces collapse,
// and the result is cut to at most max runes (ending in an ellipsis) so that
// no field can push the certificate onto a second page.
func clean(s string, max int) string {
	if len(s) <= max && isTidyASCII(s) {
		return s // the common case, without allocating
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !isASCII(s) {
		s = norm.NFC.String(s)
	}
	s = strings.Join(strings.FieldsFunc(s, isBreak), " ")
	// gofpdf's width tables stop at U+FFFF (and index past them).
	s = strings.Map(func(r rune) rune {
		if r > 0xFFFF {
			return '\uFFFD'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > max {
		rs := []rune(s)[:max-1]
		s = strings.TrimRight(string(rs), " ") + "…"
	}
	return s
}

// isBreak reports runes that must not reach the page as themselves.
func isBreak(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) ||
		r == '\u00AD' || r == '\u200B' || r == '\uFEFF' || r == '\u2028' || r == '\u2029'
}

// isTidyASCII reports printable ASCII with single spaces between words and
// none at either end: text clean leaves as it is.
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

// cp1252High maps the Windows-1252 characters at 0x80-0x9F.
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B,
	'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// toCP1252 encodes s for the single-byte fonts. ok is false when some rune has
// no Windows-1252 code, in which case the document must use the UTF-8 fonts.
func toCP1252(s string) (out string, ok bool) {
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

func fitsCP1252(s string) bool {
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
