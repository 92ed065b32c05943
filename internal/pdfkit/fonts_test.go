package pdfkit

import (
	"testing"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/sfnt"
)

func TestCP1252(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"abc", "abc", true},
		{"Zoë", "Zo\xeb", true},
		{"€ – “x”", "\x80 \x96 \x93x\x94", true},
		{"Łukasz", "", false},
		{"Nguyễn", "", false},
	}
	for _, tt := range tests {
		got, ok := CP1252(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("CP1252(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if FitsCP1252(tt.in) != tt.ok {
			t.Errorf("FitsCP1252(%q) = %v", tt.in, !tt.ok)
		}
	}
}

// TestFontsHaveTheGlyphs: every letter and symbol the PDFs are known to
// draw has a glyph in each face of the one font set; gofpdf draws nothing
// for a rune the font lacks. (Before the set was shared, the certificate's
// fonts had no Greek or Cyrillic, and the reports embedded the full 1.4 MB
// DejaVu.)
func TestFontsHaveTheGlyphs(t *testing.T) {
	letters := "Zoë Ñandú Ελληνικά Кириллица Nguyễn Łódź Øresund ŞşĞğİı Ǆǅ €£¥ ·–—…‘’“”\uFFFD"
	symbols := "×≥≤•✂✓№™" // drawn by the sheets, in sans only
	for name, face := range map[string]struct {
		ttf  []byte
		need string
	}{"sans": {sansTTF, letters + symbols}, "sans bold": {sansBoldTTF, letters + symbols}, "serif italic": {serifItalicTTF, letters}} {
		ttf, need := face.ttf, face.need
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var buf sfnt.Buffer
		for _, r := range need {
			if r == ' ' {
				continue
			}
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				t.Errorf("%s has no glyph for %q (U+%04X)", name, r, r)
			}
		}
		// A script the set leaves out on purpose (no shaping in gofpdf).
		if g, _ := f.GlyphIndex(&buf, 'ع'); g != 0 {
			t.Errorf("%s has Arabic: the subset is not the one build.sh makes", name)
		}
	}
	sb := gofpdf.New("P", "mm", "A4", "")
	AddSans(sb, true)
	for _, style := range []string{"", "B"} {
		sb.SetFont(Sans, style, 10)
		for r := rune(0x20); r <= 0xFF; r++ {
			if r >= 0x7F && r < 0xA0 {
				continue
			}
			s, ok := CP1252(string(r))
			if !ok || sb.GetStringWidth(s) == 0 {
				t.Errorf("single-byte sans %q has no width for %q", style, r)
			}
		}
	}
	if err := sb.Error(); err != nil {
		t.Fatal(err)
	}
}
