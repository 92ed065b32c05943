package pdfkit

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"Budi Santosa", 50, "Budi Santosa"}, // already tidy
		{"", 5, ""},
		{"abcde", 5, "abcde"},
		{"  Budi   Santosa ", 50, "Budi Santosa"},
		{"Zoe\u0308", 50, "Zoë"}, // NFC
		{"a\nb\tc\r\x00d", 50, "a b c d"},
		{"soft\u00adhyphen", 50, "soft hyphen"},
		{"abcdefghij", 5, "abcd…"},
		{"ab cdefghij", 4, "ab…"},
		{"Budi 😀", 50, "Budi \uFFFD"},                // beyond U+FFFF
		{"𝔘nit 𠜎", 50, "\uFFFDnit \uFFFD"},           // mathematical letters, CJK extension B
		{"\u202eosruK\u202c Dewi", 50, "osruK Dewi"}, // a bidi override draws nothing
		{"a\u200db\u2066c\u2069", 50, "abc"},         // joiners and isolates too
		{"x\xffy", 50, "x\uFFFDy"},                   // invalid UTF-8
		{"Nguye\u0302\u0303n", 50, "Nguyễn"},
	}
	for _, tt := range tests {
		got := Clip(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > tt.max {
			t.Errorf("Clip(%q, %d) has %d runes", tt.in, tt.max, n)
		}
	}
}

// FuzzText: whatever comes in, what goes to gofpdf is valid UTF-8 inside
// the BMP, without controls or invisible format characters, tidy, and
// stable (cleaning twice changes nothing).
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "Budi", "😀", "\u202e", "e\u0301", "\xff\xfe", " a  b ", "\u0301\u0301x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q is not UTF-8", s, got)
		}
		for _, r := range got {
			if r > 0xFFFF || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("Text(%q) = %q keeps %U", s, got, r)
			}
		}
		if got != strings.Join(strings.Fields(got), " ") {
			t.Fatalf("Text(%q) = %q is not tidy", s, got)
		}
		if again := Text(got); again != got {
			t.Fatalf("Text is not stable: %q then %q", got, again)
		}
	})
}
