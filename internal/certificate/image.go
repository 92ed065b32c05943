package certificate

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	"github.com/ikrar/ikrar/internal/pdfkit"
)

// Limits for a drawn signature. The caller validates uploads; these keep a
// small but hostile PNG from claiming a huge canvas here too.
const (
	maxSignaturePixels = 4000 * 4000
	// maxSignatureWidth is the widest image worth embedding: the signature
	// box is 70 mm wide, so 600 pixels is over 200 dpi.
	maxSignatureWidth = 600
)

// normalisePNG returns a PNG that gofpdf can embed cheaply, with its pixel
// size. gofpdf copies an opaque 8-bit, non-interlaced PNG's compressed data
// straight into the PDF, but for one with transparency it inflates the
// pixels, splits off the alpha channel and deflates both again, which costs
// several times a whole certificate. Signature pads export transparent PNGs,
// so those are flattened onto white (the page colour under the signature),
// scaled down to what the box can show, and re-encoded opaque.
func normalisePNG(b []byte) ([]byte, int, int, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("not a PNG: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxSignaturePixels {
		return nil, 0, 0, fmt.Errorf("image of %dx%d pixels is out of range", cfg.Width, cfg.Height)
	}
	if cheapForGofpdf(b) && cfg.Width <= maxSignatureWidth {
		return b, cfg.Width, cfg.Height, nil
	}
	src, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("decode PNG: %w", err)
	}
	img := toNRGBA(src)
	var (
		out  []byte
		w, h int
	)
	if ink, box, ok := inkOnTransparent(img); ok {
		// A palette image whose index is the opacity, through a
		// white-to-ink ramp: a third of the data of RGB to deflate. (gofpdf
		// would deflate the palette again with a new compressor, but
		// Render turns gofpdf's compression off.)
		var idx []byte
		idx, w, h = alphaScaled(img, box, maxSignatureWidth)
		out, err = encodePNG(idx, w, h, inkPalette(ink))
	} else {
		var rgb []byte
		rgb, w, h = flattenScaled(img, maxSignatureWidth)
		out, err = encodePNG(rgb, w, h, nil)
	}
	if err != nil {
		return nil, 0, 0, fmt.Errorf("re-encode PNG: %w", err)
	}
	return out, w, h, nil
}

// toNRGBA converts once, so that pixel loops need no interface call per
// pixel; signature pads already give NRGBA.
func toNRGBA(src image.Image) *image.NRGBA {
	if n, ok := src.(*image.NRGBA); ok {
		return n
	}
	b := src.Bounds()
	n := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(n, n.Bounds(), src, b.Min, draw.Src)
	return n
}

// inkOnTransparent reports an image with transparent pixels (a drawing on a
// clear canvas) and returns its average ink colour, weighted by opacity, and
// the bounding box of the ink.
func inkOnTransparent(img *image.NRGBA) (ink color.NRGBA, box image.Rectangle, ok bool) {
	b := img.Bounds()
	var r, g, bl, sum uint64
	transparent := false
	minX, minY, maxX, maxY := b.Max.X, b.Max.Y, b.Min.X-1, b.Min.Y-1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):][:4*b.Dx()]
		first, last := -1, -1
		for x := 0; x < b.Dx(); x++ {
			p := row[4*x : 4*x+4 : 4*x+4]
			a := uint64(p[3])
			if a == 0 {
				transparent = true
				continue
			}
			if a < 0xff {
				transparent = true
			}
			r += uint64(p[0]) * a
			g += uint64(p[1]) * a
			bl += uint64(p[2]) * a
			sum += a
			if first < 0 {
				first = x
			}
			last = x
		}
		if first >= 0 {
			minX, maxX = min(minX, b.Min.X+first), max(maxX, b.Min.X+last)
			minY, maxY = min(minY, y), y
		}
	}
	if !transparent {
		return ink, box, false
	}
	if sum == 0 { // an empty canvas: keep a small blank image
		return color.NRGBA{R: uint8(pdfkit.Pen.R), G: uint8(pdfkit.Pen.G), B: uint8(pdfkit.Pen.B), A: 0xff}, image.Rect(b.Min.X, b.Min.Y, b.Min.X+1, b.Min.Y+1), true
	}
	ink = color.NRGBA{R: uint8(r / sum), G: uint8(g / sum), B: uint8(bl / sum), A: 0xff}
	const pad = 2
	box = image.Rect(minX-pad, minY-pad, maxX+1+pad, maxY+1+pad).Intersect(b)
	return ink, box, true
}

// inkPalette runs from white (index 0) to the ink colour (index 255), so
// that a pixel's index is its opacity.
func inkPalette(ink color.NRGBA) []byte {
	p := make([]byte, 3*256)
	for i := 0; i < 256; i++ {
		a := uint32(i)
		p[3*i] = uint8((uint32(ink.R)*a + 255*(255-a)) / 255)
		p[3*i+1] = uint8((uint32(ink.G)*a + 255*(255-a)) / 255)
		p[3*i+2] = uint8((uint32(ink.B)*a + 255*(255-a)) / 255)
	}
	return p
}

// alphaScaled returns the opacity of the box of img as one byte per pixel,
// at most maxW pixels wide, averaging the source pixels under each target.
func alphaScaled(img *image.NRGBA, box image.Rectangle, maxW int) (idx []byte, w, h int) {
	sw, sh := box.Dx(), box.Dy()
	w, h = sw, sh
	if sw > maxW {
		w = maxW
		h = max(1, sh*maxW/sw)
	}
	idx = make([]byte, w*h)
	if w == sw && h == sh {
		for y := 0; y < h; y++ {
			row := img.Pix[img.PixOffset(box.Min.X, box.Min.Y+y):][:4*w]
			out := idx[y*w : (y+1)*w]
			for x := range out {
				out[x] = row[4*x+3]
			}
		}
		return idx, w, h
	}
	for dy := 0; dy < h; dy++ {
		y0 := dy * sh / h
		y1 := max((dy+1)*sh/h, y0+1)
		for dx := 0; dx < w; dx++ {
			x0 := dx * sw / w
			x1 := max((dx+1)*sw/w, x0+1)
			var sum, n uint32
			for y := y0; y < y1; y++ {
				row := img.Pix[img.PixOffset(box.Min.X+x0, box.Min.Y+y):][:4*(x1-x0)]
				for x := 3; x < len(row); x += 4 {
					sum += uint32(row[x])
				}
				n += uint32(x1 - x0)
			}
			idx[dy*w+dx] = uint8(sum / n)
		}
	}
	return idx, w, h
}

// cheapForGofpdf reports an 8-bit (or less), non-interlaced PNG without any
// transparency: grey, RGB or palette, and no tRNS chunk.
func cheapForGofpdf(b []byte) bool {
	// Signature (8), then IHDR: length (4), type (4), width, height (4+4),
	// bit depth (24), colour type (25), compression, filter, interlace (28).
	if len(b) < 33 {
		return false
	}
	depth, colorType, interlace := b[24], b[25], b[28]
	if depth > 8 || interlace != 0 || colorType == 4 || colorType == 6 {
		return false
	}
	for i := 8; i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		switch typ {
		case "tRNS":
			return false
		case "IDAT", "IEND":
			return true
		}
		if n < 0 || i+12+n > len(b) {
			return false
		}
		i += 12 + n
	}
	return false
}

// flattenScaled composites img over white into 8-bit RGB rows, at most
// maxW pixels wide, averaging the source pixels under each target pixel.
func flattenScaled(nrgba *image.NRGBA, maxW int) (rgb []byte, w, h int) {
	sb := nrgba.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	w, h = sw, sh
	if sw > maxW {
		w = maxW
		h = max(1, sh*maxW/sw)
	}
	rgb = make([]byte, w*h*3)
	if w == sw && h == sh {
		for y := 0; y < h; y++ {
			src := nrgba.Pix[nrgba.PixOffset(sb.Min.X, sb.Min.Y+y):][:4*w]
			dst := rgb[3*w*y:][:3*w]
			for x := 0; x < w; x++ {
				p := src[4*x : 4*x+4 : 4*x+4]
				d := dst[3*x : 3*x+3 : 3*x+3]
				switch a := uint32(p[3]); a {
				case 0:
					d[0], d[1], d[2] = 0xff, 0xff, 0xff
				case 0xff:
					d[0], d[1], d[2] = p[0], p[1], p[2]
				default:
					white := 255 * (255 - a)
					d[0] = uint8((uint32(p[0])*a + white) / 255)
					d[1] = uint8((uint32(p[1])*a + white) / 255)
					d[2] = uint8((uint32(p[2])*a + white) / 255)
				}
			}
		}
		return rgb, w, h
	}
	for dy := 0; dy < h; dy++ {
		y0 := dy * sh / h
		y1 := max((dy+1)*sh/h, y0+1)
		for dx := 0; dx < w; dx++ {
			x0 := dx * sw / w
			x1 := max((dx+1)*sw/w, x0+1)
			var r, g, b, n uint64
			for y := y0; y < y1; y++ {
				row := nrgba.Pix[nrgba.PixOffset(sb.Min.X+x0, sb.Min.Y+y):]
				for x := 0; x < x1-x0; x++ {
					p := row[4*x : 4*x+4 : 4*x+4]
					a := uint64(p[3])
					// Over white: c*a + 255*(255-a), in units of 255.
					r += uint64(p[0])*a + 255*(255-a)
					g += uint64(p[1])*a + 255*(255-a)
					b += uint64(p[2])*a + 255*(255-a)
					n++
				}
			}
			n *= 255
			i := 3 * (dy*w + dx)
			rgb[i], rgb[i+1], rgb[i+2] = uint8(r/n), uint8(g/n), uint8(b/n)
		}
	}
	return rgb, w, h
}

// encodePNG writes an 8-bit PNG: RGB triples when palette is nil, else
// palette indices. image/png would try all five row filters on every row;
// signatures are mostly blank rows and thin strokes, for which the Up filter
// alone compresses about as well at a fraction of the cost.
func encodePNG(pix []byte, w, h int, palette []byte) ([]byte, error) {
	bpp, colorType := 3, byte(2)
	if palette != nil {
		bpp, colorType = 1, 3
	}
	var raw bytes.Buffer
	raw.Grow(h * (1 + bpp*w) / 4)
	zw := imageWriters.get(&raw)
	defer imageWriters.put(zw)
	stride := bpp * w
	line := make([]byte, 1+stride)
	for y := 0; y < h; y++ {
		cur := pix[y*stride : (y+1)*stride]
		if y == 0 {
			line[0] = 0 // None
			copy(line[1:], cur)
		} else {
			line[0] = 2 // Up
			prev := pix[(y-1)*stride : y*stride]
			for i := range cur {
				line[1+i] = cur[i] - prev[i]
			}
		}
		if _, err := zw.Write(line); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(raw.Len() + len(palette) + 64)
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, colorType // compression, filter, interlace stay 0
	writeChunk(&out, "IHDR", ihdr)
	if palette != nil {
		writeChunk(&out, "PLTE", palette)
	}
	writeChunk(&out, "IDAT", raw.Bytes())
	writeChunk(&out, "IEND", nil)
	return out.Bytes(), nil
}

func writeChunk(out *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	out.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	out.WriteString(typ)
	out.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	out.Write(n[:])
}
