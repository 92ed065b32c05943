package certificate

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pdfkit"
	"github.com/ikrar/ikrar/internal/wib"
)

// Data is everything printed on one certificate. The caller has already
// substituted {instansi} in Preamble and validated SignaturePNG.
type Data struct {
	Code          string   // certificate code, e.g. "IKR-7Q4M-9XKD-2HPA"
	Instansi      string   // "Pemerintah Kota Yogyakarta"
	CampaignTitle string   // pledge title
	Preamble      string   // with {instansi} already substituted
	Points        []string // the pledge points as signed
	Closing       string
	Name          string // with academic titles
	NIP           string
	Position      string
	Department    string
	TypedName     string
	SignedAt      time.Time // shown in WIB
	SignaturePNG  []byte    // optional drawn signature
	PledgeHash    string    // hex SHA-256 of the canonical pledge text
	VerifyURL     string    // "{base_url}/verify/{code}", encoded in the QR code
}

// ErrInvalidData reports certificate data that cannot be rendered.
var ErrInvalidData = errors.New("certificate: invalid data")

// codeKeyword prefixes the certificate code in the PDF Info dictionary's
// Keywords, where Verify reads it back.
const codeKeyword = "ikrar-code:"

// Longest accepted field, in runes. Longer text is cut with an ellipsis; the
// limits are generous for real names and positions yet keep the worst case on
// one page at the smallest type scale.
const (
	maxInstansi   = 120
	maxTitle      = 200
	maxPreamble   = 700
	maxPoint      = 500
	maxPoints     = 10
	maxClosing    = 700
	maxName       = 150
	maxNIP        = 40
	maxPosition   = 220
	maxDepartment = 220
	maxURL        = 300
	maxCode       = 64
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW      = 210.0
	pageH      = 297.0
	marginX    = 20.0
	contentW   = pageW - 2*marginX
	bodyTop    = 51.0
	sigBlockH  = 53.0  // signature + QR block
	footerTop  = 257.0 // rule above the code, hash and footer text
	bodyBottom = footerTop - sigBlockH

	// QR code position: bottom right, beside the signature.
	qrSize = 30.0
	qrLeft = marginX + contentW - qrSize - 4
	qrTop  = bodyBottom + 4
)

// scales are the type scales tried in turn until the body fits the page.
var scales = [...]float64{1, 0.93, 0.86, 0.79, 0.72, 0.66, 0.6, 0.55, 0.5, 0.45}

// prepared holds cleaned text and everything computed once per certificate.
type prepared struct {
	Data
	points []string
	utf8   bool // text needs the UTF-8 fonts
	qr     *pdfkit.QR
	fonts  fontSet

	curFamily, curStyle string // font last selected, see font
	curSize             float64
	// Colours last set, see setText; {-1,-1,-1} is none yet.
	textColor, fillColor, drawColor pdfkit.RGB
	sigImg                          []byte // normalised signature PNG, nil if none
	imgW                            float64
	imgH                            float64
}

// Render lays out the certificate and returns the unsigned PDF. The same Data
// always gives the same bytes.
func Render(d Data) ([]byte, error) {
	return render(d, new(bytes.Buffer))
}

// render is Render writing into buf (emptied first); the result may share
// buf's storage, so it is only valid while buf is not reused.
func render(d Data, buf *bytes.Buffer) ([]byte, error) {
	p, err := prepare(d)
	if err != nil {
		return nil, err
	}
	pdf := p.newDocument()
	scale, extra, err := p.layout(pdf)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidData, err)
	}
	pdf.AddPage()
	p.drawFrame(pdf)
	body := flow{p: p, pdf: pdf, s: scale, extra: extra}
	body.body()
	p.drawSignatureBlock(pdf)
	p.drawFooter(pdf)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("certificate: render: %w", err)
	}
	buf.Reset()
	if err := pdf.Output(buf); err != nil {
		return nil, fmt.Errorf("certificate: write PDF: %w", err)
	}
	out, err := deflateContents(buf.Bytes())
	if err != nil {
		// Not expected with gofpdf's fixed layout; the uncompressed
		// document is still complete and valid.
		return buf.Bytes(), nil
	}
	return out, nil
}

func prepare(d Data) (*prepared, error) {
	none := pdfkit.RGB{R: -1, G: -1, B: -1}
	p := &prepared{Data: d, textColor: none, fillColor: none, drawColor: none}
	p.Code = strings.TrimSpace(d.Code)
	if p.Code == "" || len(p.Code) > maxCode || !isCodeSafe(p.Code) {
		return nil, fmt.Errorf("%w: code %q must be 1-%d characters of A-Z, a-z, 0-9 and -", ErrInvalidData, d.Code, maxCode)
	}
	if d.SignedAt.IsZero() {
		return nil, fmt.Errorf("%w: signing time is missing", ErrInvalidData)
	}
	if len(d.Points) == 0 || len(d.Points) > maxPoints {
		return nil, fmt.Errorf("%w: %d pledge points, want 1-%d", ErrInvalidData, len(d.Points), maxPoints)
	}
	p.Instansi = pdfkit.Clip(d.Instansi, maxInstansi)
	p.CampaignTitle = pdfkit.Clip(d.CampaignTitle, maxTitle)
	p.Preamble = pdfkit.Clip(d.Preamble, maxPreamble)
	p.Closing = pdfkit.Clip(d.Closing, maxClosing)
	p.Name = pdfkit.Clip(d.Name, maxName)
	p.NIP = pdfkit.Clip(d.NIP, maxNIP)
	p.Position = pdfkit.Clip(d.Position, maxPosition)
	p.Department = pdfkit.Clip(d.Department, maxDepartment)
	p.TypedName = pdfkit.Clip(d.TypedName, maxName)
	if p.TypedName == "" {
		p.TypedName = p.Name
	}
	p.PledgeHash = pdfkit.Clip(d.PledgeHash, 128)
	p.VerifyURL = pdfkit.Clip(d.VerifyURL, maxURL)
	if p.Name == "" {
		return nil, fmt.Errorf("%w: name is empty", ErrInvalidData)
	}
	p.points = make([]string, len(d.Points))
	for i, pt := range d.Points {
		p.points[i] = pdfkit.Clip(pt, maxPoint)
	}

	all := []string{p.Instansi, p.CampaignTitle, p.Preamble, p.Closing, p.Name, p.NIP,
		p.Position, p.Department, p.TypedName, p.VerifyURL}
	all = append(all, p.points...)
	for _, s := range all {
		if !pdfkit.FitsCP1252(s) {
			p.utf8 = true
			break
		}
	}
	if p.VerifyURL != "" {
		m, err := pdfkit.EncodeQR(p.VerifyURL)
		if err != nil {
			return nil, fmt.Errorf("%w: QR code for %q: %v", ErrInvalidData, p.VerifyURL, err)
		}
		p.qr = m
	}
	if len(d.SignaturePNG) > 0 {
		img, w, h, err := normalisePNG(d.SignaturePNG)
		if err != nil {
			return nil, fmt.Errorf("%w: signature image: %v", ErrInvalidData, err)
		}
		p.sigImg, p.imgW, p.imgH = img, float64(w), float64(h)
	}
	return p, nil
}

func isCodeSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// certLang is the language of a certificate: Indonesian, with an English
// line under the QR code and the footer (i18n.T("en", ...)).
const certLang = "id"

// t converts prepared UTF-8 text into what the current fonts expect.
func (p *prepared) t(s string) string {
	if p.utf8 {
		return s
	}
	out, _ := pdfkit.CP1252(s) // prepare checked that every string fits
	return out
}

// newDocument creates the PDF with its metadata and fonts, before any page.
// Fixed dates and sorted catalog make the output depend on the data only.
func (p *prepared) newDocument() *gofpdf.Fpdf {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCompression(false) // deflateContents compresses, more cheaply
	pdf.SetCreationDate(p.SignedAt)
	pdf.SetModificationDate(p.SignedAt)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(marginX, 15, marginX)
	pdf.SetCellMargin(0)
	pdf.SetTitle(i18n.T(certLang, "cert_doc_title", p.Name), true)
	pdf.SetAuthor(p.Instansi, true)
	pdf.SetSubject(p.CampaignTitle, true)
	pdf.SetKeywords(codeKeyword+p.Code, false)
	pdf.SetCreator("ikrar", false)
	p.fonts = addFonts(pdf, p.utf8, p.sigImg == nil)
	return pdf
}

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
	fs := fontSet{sans: pdfkit.Sans, serif: "times"}
	pdfkit.AddSans(pdf, !utf8)
	if utf8 && withSerif {
		fs.serif = pdfkit.Serif
		pdfkit.AddSerifItalic(pdf)
	}
	return fs
}

// setText sets the text colour and the fill colour with it: gofpdf wraps
// every text cell in a colour-changing q/Q block when the two differ.
func (p *prepared) setText(pdf *gofpdf.Fpdf, c pdfkit.RGB) {
	if p.textColor != c {
		p.textColor = c
		c.Text(pdf)
	}
	p.setFill(pdf, c)
}

// setFill and setDraw skip repeated colours: gofpdf formats and writes the
// colour operator on every call.
func (p *prepared) setFill(pdf *gofpdf.Fpdf, c pdfkit.RGB) {
	if p.fillColor != c {
		p.fillColor = c
		c.Fill(pdf)
	}
}

func (p *prepared) setDraw(pdf *gofpdf.Fpdf, c pdfkit.RGB) {
	if p.drawColor != c {
		p.drawColor = c
		c.Draw(pdf)
	}
}

// lineH is the line height in mm for a font size in points.
func lineH(pt float64) float64 { return pt * 0.3528 * 1.32 }

func (p *prepared) drawFrame(pdf *gofpdf.Fpdf) {
	// Double frame: heavy navy outside, thin gold inside.
	p.setDraw(pdf, pdfkit.Navy)
	pdf.SetLineWidth(1.1)
	pdf.Rect(7, 7, pageW-14, pageH-14, "D")
	p.setDraw(pdf, pdfkit.Gold)
	pdf.SetLineWidth(0.35)
	pdf.Rect(9.5, 9.5, pageW-19, pageH-19, "D")

	// Header band with the instansi and the title.
	p.setFill(pdf, pdfkit.Navy)
	pdf.Rect(9.5, 9.5, pageW-19, 31, "F")
	p.setFill(pdf, pdfkit.Gold)
	pdf.Rect(9.5, 40.5, pageW-19, 1.1, "F")

	p.setText(pdf, pdfkit.GoldLight)
	txt, size := p.fitLine(pdf, p.fonts.sans, "B", strings.ToUpper(p.Instansi), contentW+10, 10, 6.5)
	p.font(pdf, p.fonts.sans, "B", size)
	pdf.SetXY(marginX-5, 14)
	pdf.CellFormat(contentW+10, 5, p.t(txt), "", 0, "C", false, 0, "")

	p.setText(pdf, pdfkit.White)
	p.font(pdf, p.fonts.sans, "B", 17)
	pdf.SetXY(marginX, 21.5)
	pdf.CellFormat(contentW, 7.5, p.t(i18n.T(certLang, "cert_heading")), "", 2, "C", false, 0, "")
	pdf.CellFormat(contentW, 7.5, p.t(i18n.T(certLang, "cert_heading_2")), "", 2, "C", false, 0, "")
}

// flow lays out the body top to bottom. With dry set it only measures, so
// the same code decides the type scale and then draws: the two cannot drift.
type flow struct {
	p     *prepared
	pdf   *gofpdf.Fpdf
	y     float64
	dry   bool
	s     float64 // type scale
	extra float64 // spare space added to each gap, in mm
}

func (f *flow) gap(base, weight float64) { f.y += base*f.s + f.extra*weight }

// para writes a paragraph of wrapped text at (x, f.y) and moves f.y below it.
func (f *flow) para(x, w, size float64, style string, c pdfkit.RGB, text, align string) {
	pdf := f.pdf
	f.p.font(pdf, f.p.fonts.sans, style, size)
	lh := lineH(size)
	lines := f.p.split(pdf, text, w)
	if !f.dry {
		f.p.setText(pdf, c)
		f.p.writeLines(pdf, x, f.y, w, lh, lines, align)
	}
	f.y += float64(len(lines)) * lh
}

// body lays out everything between the header band and the signature block.
func (f *flow) body() {
	p, pdf, s := f.p, f.pdf, f.s
	f.y = bodyTop
	f.para(marginX+5, contentW-10, 12.5*s, "B", pdfkit.Navy, p.CampaignTitle, "C")
	f.gap(2.5, 0.5)
	if !f.dry {
		p.setDraw(pdf, pdfkit.Gold)
		pdf.SetLineWidth(0.5)
		pdf.Line(pageW/2-22, f.y, pageW/2+22, f.y)
	}
	f.gap(4.5, 1)

	size := 10.5 * s
	lh := lineH(size)
	f.para(marginX, contentW, size, "", pdfkit.Ink, i18n.T(certLang, "cert_undersigned"), "L")
	f.gap(1.5, 0.5)

	// Identity table on a tinted panel with a navy accent bar.
	const labelX, labelW, colonW = marginX + 5, 30.0, 4.0
	valueX := labelX + labelW + colonW
	valueW := marginX + contentW - 3 - valueX
	rows := [...]struct {
		label, value, style string
	}{
		{i18n.T(certLang, "cert_name"), p.Name, "B"},
		{i18n.T(certLang, "cert_nip"), p.NIP, ""},
		{i18n.T(certLang, "cert_position"), p.Position, ""},
		{i18n.T(certLang, "cert_department"), p.Department, ""},
	}
	pad := 2.2*s + f.extra*0.3
	rowGap := 1.1*s + f.extra*0.2
	var values [len(rows)][]string
	panelH := 2*pad + rowGap*float64(len(rows)-1)
	for i, r := range rows {
		p.font(pdf, p.fonts.sans, r.style, size)
		values[i] = p.split(pdf, r.value, valueW)
		panelH += float64(len(values[i])) * lh
	}
	if !f.dry {
		p.setFill(pdf, pdfkit.Tint)
		pdf.Rect(marginX, f.y, contentW, panelH, "F")
		p.setFill(pdf, pdfkit.Navy)
		pdf.Rect(marginX, f.y, 1.3, panelH, "F")
		// Labels first, then values, so the font changes only a few times.
		p.font(pdf, p.fonts.sans, "", size)
		p.setText(pdf, pdfkit.Muted)
		ry := f.y + pad
		for i, r := range rows {
			pdf.SetXY(labelX, ry)
			pdf.CellFormat(labelW, lh, r.label, "", 0, "L", false, 0, "")
			pdf.CellFormat(colonW, lh, ":", "", 0, "L", false, 0, "")
			ry += float64(len(values[i]))*lh + rowGap
		}
		p.setText(pdf, pdfkit.Ink)
		ry = f.y + pad
		for i, r := range rows {
			p.font(pdf, p.fonts.sans, r.style, size)
			p.writeLines(pdf, valueX, ry, valueW, lh, values[i], "L")
			ry += float64(len(values[i]))*lh + rowGap
		}
	}
	f.y += panelH
	f.gap(3.5, 1)

	// The pledge as signed.
	f.para(marginX, contentW, size, "", pdfkit.Ink, p.Preamble, "J")
	f.gap(1.5, 0.6)
	const numW = 7.0
	numY := make([]float64, len(p.points))
	for i, pt := range p.points {
		if i > 0 {
			f.gap(1.2, 0.4)
		}
		numY[i] = f.y
		f.para(marginX+2+numW, contentW-2-numW, size, "", pdfkit.Ink, pt, "J")
	}
	if !f.dry {
		p.font(pdf, p.fonts.sans, "B", size)
		p.setText(pdf, pdfkit.Navy)
		for i, y := range numY {
			pdf.SetXY(marginX+2, y)
			pdf.CellFormat(numW, lh, strconv.Itoa(i+1)+".", "", 0, "L", false, 0, "")
		}
	}
	f.gap(2, 0.8)
	f.para(marginX, contentW, size, "", pdfkit.Ink, p.Closing, "J")
}

// gapWeights is the sum of the weights passed to flow.gap in body (with four
// points), used to share out spare space; more points only add a little.
const gapWeights = 0.5 + 1 + 0.5 + 0.6 + 1 + 0.6 + 3*0.4 + 0.8 + 0.3*2 + 0.2*3

// maxExtra caps the spare space per unit of gap weight, so a short pledge
// does not look stretched.
const maxExtra = 3.5

// layout picks the largest type scale at which the body fits above the
// signature block, and how much spare space to share among the gaps.
func (p *prepared) layout(pdf *gofpdf.Fpdf) (scale, extra float64, err error) {
	for _, s := range scales {
		f := flow{p: p, pdf: pdf, dry: true, s: s}
		f.body()
		if f.y <= bodyBottom {
			extra = (bodyBottom - f.y) / gapWeights
			if extra > maxExtra {
				extra = maxExtra
			}
			return s, extra, nil
		}
	}
	return 0, 0, errors.New("the text does not fit on one page even at the smallest type size")
}

// split wraps text into lines of width w at the current font, encoded for it.
func (p *prepared) split(pdf *gofpdf.Fpdf, text string, w float64) []string {
	if text == "" {
		return []string{""}
	}
	if p.utf8 {
		return pdf.SplitText(text, w)
	}
	bl := pdf.SplitLines([]byte(p.t(text)), w)
	out := make([]string, len(bl))
	for i, l := range bl {
		out[i] = string(l)
	}
	return out
}

// writeLines draws pre-wrapped lines. gofpdf's own justification rounds the
// word spacing down to whole em units (an integer division in MultiCell), so
// justified lines set the PDF word spacing (Tw) themselves. Tw only applies
// to single-byte fonts; UTF-8 documents fall back to ragged-right.
func (p *prepared) writeLines(pdf *gofpdf.Fpdf, x, y, w, lh float64, lines []string, align string) {
	justify := align == "J" && !p.utf8
	if align == "J" {
		align = "L"
	}
	k := pdf.GetConversionRatio()
	for i, line := range lines {
		pdf.SetXY(x, y+float64(i)*lh)
		if justify && i < len(lines)-1 {
			if n := strings.Count(line, " "); n > 0 {
				tw := (w - pdf.GetStringWidth(line)) / float64(n) * k
				pdf.RawWriteStr(strconv.FormatFloat(tw, 'f', 3, 64) + " Tw")
				pdf.CellFormat(w, lh, line, "", 0, align, false, 0, "")
				pdf.RawWriteStr("0 Tw")
				continue
			}
		}
		pdf.CellFormat(w, lh, line, "", 0, align, false, 0, "")
	}
}

// font selects a font unless it is already current: gofpdf writes a font
// operator for every SetFont call, even a repeated one.
func (p *prepared) font(pdf *gofpdf.Fpdf, family, style string, size float64) {
	if family == p.curFamily && style == p.curStyle && size == p.curSize {
		return
	}
	p.curFamily, p.curStyle, p.curSize = family, style, size
	pdf.SetFont(family, style, size)
}

// fitLine returns the largest size up to size, in quarter points, at which
// text fits in w on one line. Below minSize it cuts the text with an
// ellipsis instead.
func (p *prepared) fitLine(pdf *gofpdf.Fpdf, family, style, text string, w, size, minSize float64) (string, float64) {
	p.font(pdf, family, style, size)
	tw := pdf.GetStringWidth(p.t(text))
	if tw <= w {
		return text, size
	}
	// Width is proportional to size.
	if s := math.Floor(size*w/tw*4) / 4; s >= minSize {
		return text, s
	}
	p.font(pdf, family, style, minSize)
	rs := []rune(text)
	for len(rs) > 1 {
		rs = rs[:len(rs)-1]
		cut := strings.TrimRight(string(rs), " ") + "…"
		if pdf.GetStringWidth(p.t(cut)) <= w {
			return cut, minSize
		}
	}
	return text, minSize
}

func (p *prepared) drawSignatureBlock(pdf *gofpdf.Fpdf) {
	y0 := bodyBottom + 5
	const colX, colW = marginX + 2, 112.0

	p.setText(pdf, pdfkit.Muted)
	p.font(pdf, p.fonts.sans, "", 9)
	pdf.SetXY(colX, y0)
	pdf.CellFormat(colW, 4.5, p.t(i18n.T(certLang, "cert_signed_at")), "", 2, "L", false, 0, "")
	p.setText(pdf, pdfkit.Ink)
	p.font(pdf, p.fonts.sans, "B", 10)
	pdf.CellFormat(colW, 5, p.t(wib.Deadline(p.SignedAt)), "", 2, "L", false, 0, "")

	// Signature: the drawn image if any, else the typed name in a pen-like face.
	const sigTop, sigBoxW, sigBoxH = 11.5, 70.0, 19.0
	if p.sigImg != nil {
		w, h := sigBoxW, sigBoxW*p.imgH/p.imgW
		if h > sigBoxH {
			h, w = sigBoxH, sigBoxH*p.imgW/p.imgH
		}
		opt := gofpdf.ImageOptions{ImageType: "PNG", ReadDpi: false}
		pdf.RegisterImageOptionsReader("signature", opt, bytes.NewReader(p.sigImg))
		pdf.ImageOptions("signature", colX, y0+sigTop+(sigBoxH-h)/2, w, h, false, opt, 0, "")
	} else {
		p.setText(pdf, pdfkit.Pen)
		txt, size := p.fitLine(pdf, p.fonts.serif, "I", p.TypedName, sigBoxW+25, 22, 10)
		p.font(pdf, p.fonts.serif, "I", size)
		pdf.SetXY(colX, y0+sigTop+sigBoxH-lineH(size)-1)
		pdf.CellFormat(sigBoxW+25, lineH(size), p.t(txt), "", 0, "L", false, 0, "")
	}
	p.setDraw(pdf, pdfkit.Muted)
	pdf.SetLineWidth(0.3)
	ly := y0 + sigTop + sigBoxH + 1
	pdf.Line(colX, ly, colX+sigBoxW+10, ly)

	// The full name under the signature: one line if it fits at a
	// readable size, else wrapped onto two smaller ones.
	p.setText(pdf, pdfkit.Ink)
	y := ly + 1.5
	txt, size := p.fitLine(pdf, p.fonts.sans, "B", p.Name, colW, 10.5, 8.5)
	lines := []string{p.t(txt)}
	if txt != p.Name {
		size = 8.5
		p.font(pdf, p.fonts.sans, "B", size)
		lines = p.split(pdf, p.Name, colW)
		if len(lines) > 2 {
			lines = lines[:2]
			// Mark the cut on the second line.
			last := lines[1]
			for len(last) > 0 && pdf.GetStringWidth(last+"...") > colW {
				last = last[:len(last)-1]
			}
			lines[1] = last + "..."
		}
	}
	p.font(pdf, p.fonts.sans, "B", size)
	for _, l := range lines {
		pdf.SetXY(colX, y)
		pdf.CellFormat(colW, lineH(size), l, "", 0, "L", false, 0, "")
		y += lineH(size)
	}
	p.font(pdf, p.fonts.sans, "", 9.5)
	pdf.SetXY(colX, y+0.3)
	pdf.CellFormat(colW, 4.5, p.t(i18n.T(certLang, "cert_nip_line", p.NIP)), "", 2, "L", false, 0, "")

	// QR code to the verification page, bottom right.
	qrX, qrY := qrLeft, qrTop
	if p.qr == nil {
		return // no verification URL: no code and no caption
	}
	p.setFill(pdf, pdfkit.Navy)
	p.qr.Draw(pdf, qrX, qrY, qrSize)
	capX, capW := qrX-8, qrSize+16
	p.setText(pdf, pdfkit.Ink)
	p.font(pdf, p.fonts.sans, "B", 7.5)
	// The caption starts three modules below the symbol, leaving most of
	// the quiet zone that scanners look for.
	pdf.SetXY(capX, qrY+qrSize+3)
	pdf.CellFormat(capW, 3.2, p.t(i18n.T(certLang, "cert_scan")), "", 2, "C", false, 0, "")
	p.setText(pdf, pdfkit.Muted)
	p.font(pdf, p.fonts.sans, "", 7)
	pdf.SetX(capX)
	pdf.CellFormat(capW, 3.0, i18n.T("en", "cert_scan"), "", 2, "C", false, 0, "")
	p.font(pdf, p.fonts.sans, "", 6)
	for _, line := range p.wrapURL(pdf, p.VerifyURL, capW, 3) {
		pdf.SetX(capX)
		pdf.CellFormat(capW, 2.6, line, "", 2, "C", false, 0, "")
	}
}

// wrapURL breaks a URL into at most maxLines lines of width w at the current
// font, preferring breaks after "/", and ends a cut last line with "...".
// The lines come back encoded for the font.
func (p *prepared) wrapURL(pdf *gofpdf.Fpdf, url string, w float64, maxLines int) []string {
	width := func(rs []rune) float64 { return pdf.GetStringWidth(p.t(string(rs))) }
	rest := []rune(url)
	var lines [][]rune
	for len(rest) > 0 && len(lines) < maxLines {
		if width(rest) <= w {
			lines = append(lines, rest)
			rest = nil
			break
		}
		fit, slash := 1, 0
		for i := 1; i <= len(rest) && width(rest[:i]) <= w; i++ {
			fit = i
			if rest[i-1] == '/' {
				slash = i
			}
		}
		if slash > 0 {
			fit = slash
		}
		lines = append(lines, rest[:fit])
		rest = rest[fit:]
	}
	if len(rest) > 0 && len(lines) > 0 {
		last := lines[len(lines)-1]
		for len(last) > 0 && width(append(last[:len(last):len(last)], '.', '.', '.')) > w {
			last = last[:len(last)-1]
		}
		lines[len(lines)-1] = append(last[:len(last):len(last)], '.', '.', '.')
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = p.t(string(l))
	}
	return out
}

func (p *prepared) drawFooter(pdf *gofpdf.Fpdf) {
	p.setDraw(pdf, pdfkit.Gold)
	pdf.SetLineWidth(0.35)
	pdf.Line(marginX, footerTop, marginX+contentW, footerTop)

	y := footerTop + 2.5
	p.setText(pdf, pdfkit.Muted)
	p.font(pdf, p.fonts.sans, "", 7.5)
	pdf.SetXY(marginX, y)
	label := i18n.T(certLang, "cert_code_label")
	pdf.CellFormat(pdf.GetStringWidth(label), 4.2, label, "", 0, "L", false, 0, "")
	// The code in bold with a little letter spacing (Tc), the hash in
	// small type: both only ever ASCII.
	p.setText(pdf, pdfkit.Navy)
	p.font(pdf, p.fonts.sans, "B", 8.5)
	pdf.RawWriteStr("0.6 Tc")
	pdf.CellFormat(80, 4.2, p.Code, "", 0, "L", false, 0, "")
	pdf.RawWriteStr("0 Tc")

	y += 4.8
	p.setText(pdf, pdfkit.Muted)
	p.font(pdf, p.fonts.sans, "", 6.5)
	pdf.SetXY(marginX, y)
	hash := p.PledgeHash
	if !isASCII(hash) {
		hash = "-"
	}
	pdf.CellFormat(contentW, 3.4, p.t(i18n.T(certLang, "cert_pledge_hash"))+hash, "", 0, "L", false, 0, "")

	y += 5
	p.font(pdf, p.fonts.sans, "", 6.8)
	pdf.SetXY(marginX, y)
	pdf.MultiCell(contentW, 3.1, p.t(i18n.T(certLang, "cert_footer", p.Instansi)), "", "C", false)
	pdf.SetX(marginX)
	pdf.MultiCell(contentW, 3.1, i18n.T("en", "cert_footer_short"), "", "C", false)
}
