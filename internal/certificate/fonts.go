package certificate

import (
	_ "embed"

	"github.com/jung-kurt/gofpdf"
)

// The certificate uses DejaVu (free licence, see fonts/LICENSE) in two
// pre-built forms, both produced once by fonts/build.sh and committed:
//
//   - single-byte (Windows-1252) TrueType fonts: a JSON metrics file plus the
//     zlib-compressed subset TTF that gofpdf copies into the PDF untouched.
//     Adding them costs about as much as a core font, so the common case (all
//     text in Windows-1252, which covers Indonesian and most European names)
//     stays fast.
//   - UTF-8 subset TTFs covering Latin, Latin Extended and Vietnamese, for the
//     rare certificate whose text needs a letter outside Windows-1252 (ş, ł,
//     ő, ...). gofpdf parses and subsets these for every document, which costs
//     several milliseconds, so they are only used when needed.
//
// Both forms come from the same DejaVu outlines, so the certificate looks the
// same either way.

var (
	//go:embed fonts/DejaVuSans.json
	sansJSON []byte
	//go:embed fonts/DejaVuSans.z
	sansZ []byte
	//go:embed fonts/DejaVuSans-Bold.json
	sansBoldJSON []byte
	//go:embed fonts/DejaVuSans-Bold.z
	sansBoldZ []byte

	//go:embed fonts/DejaVuSans-latin.ttf
	sansLatinTTF []byte
	//go:embed fonts/DejaVuSans-Bold-latin.ttf
	sansBoldLatinTTF []byte
	//go:embed fonts/DejaVuSerif-Italic-latin.ttf
	serifItalicLatinTTF []byte
)

// fontSet names the font families a document uses. Every font added costs
// gofpdf a JSON decode and encode per document, and every embedded one its
// glyph widths and file in the output, so the fast path embeds only DejaVu
// Sans (regular and bold) and takes the typed signature's italic from the
// PDF core font Times, which viewers always have.
type fontSet struct {
	sans  string // regular "" and bold "B"
	serif string // italic "I", the typed name drawn as a signature
}

// addFonts registers the fonts of a document and says which families to
// use. withSerif is false when a drawn signature replaces the typed name.
func addFonts(pdf *gofpdf.Fpdf, utf8, withSerif bool) fontSet {
	fs := fontSet{sans: "dejavu", serif: "times"}
	if utf8 {
		pdf.AddUTF8FontFromBytes(fs.sans, "", sansLatinTTF)
		pdf.AddUTF8FontFromBytes(fs.sans, "B", sansBoldLatinTTF)
		if withSerif {
			fs.serif = "dejavuserif"
			pdf.AddUTF8FontFromBytes(fs.serif, "I", serifItalicLatinTTF)
		}
		return fs
	}
	pdf.AddFontFromBytes(fs.sans, "", sansJSON, sansZ)
	pdf.AddFontFromBytes(fs.sans, "B", sansBoldJSON, sansBoldZ)
	return fs
}
