package pdfkit

import "github.com/jung-kurt/gofpdf"

// RGB is a colour of the palette, 0-255 per channel.
type RGB struct{ R, G, B int }

// Fill, Text and Draw make c gofpdf's fill, text or line colour.
func (c RGB) Fill(pdf *gofpdf.Fpdf) { pdf.SetFillColor(c.R, c.G, c.B) }
func (c RGB) Text(pdf *gofpdf.Fpdf) { pdf.SetTextColor(c.R, c.G, c.B) }
func (c RGB) Draw(pdf *gofpdf.Fpdf) { pdf.SetDrawColor(c.R, c.G, c.B) }

// The palette of every ikrar PDF: the certificate's navy and gold are the
// brand, a sober "government document" look; the traffic-light colours of
// the reports are muted so that black-and-white prints stay legible. Text
// colours keep at least 4.5:1 contrast on white (Muted 5.7:1).
var (
	Navy      = RGB{22, 48, 92}    // bands, headings, accents
	NavyLight = RGB{205, 216, 232} // text on a navy band, selected rows
	Gold      = RGB{184, 146, 60}  // rules under bands and titles
	GoldLight = RGB{232, 205, 140} // the instansi on the certificate's band
	Ink       = RGB{33, 37, 41}    // body text
	Muted     = RGB{95, 103, 115}  // labels, captions, footers
	Pen       = RGB{24, 45, 120}   // the typed signature's "ink"
	Tint      = RGB{239, 243, 249} // panels behind identity details
	Zebra     = RGB{244, 246, 249} // every other table row, the access-code box
	Rule      = RGB{206, 212, 218} // hairlines
	Track     = RGB{228, 232, 237} // the empty part of a progress bar
	CutLine   = RGB{150, 156, 164} // dashed cutting guides on card sheets
	Green     = RGB{46, 125, 50}
	Amber     = RGB{230, 160, 40}
	Red       = RGB{190, 60, 50}
	White     = RGB{255, 255, 255}
	Black     = RGB{0, 0, 0} // QR codes on cards, for the cheapest scanners
)
