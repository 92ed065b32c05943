package certificate

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"strconv"
)

// zlibWriters recycles compressors: a new one allocates and clears over a
// megabyte of tables, which costs more than deflating a certificate's page
// or signature image. A bounded free list rather than a sync.Pool: the
// heap here is small, so the collector runs every few certificates and
// would empty a sync.Pool each time.
var zlibWriters = writerPool{free: make(chan *zlib.Writer, 8)}

type writerPool struct{ free chan *zlib.Writer }

func (p writerPool) get(w io.Writer) *zlib.Writer {
	select {
	case zw := <-p.free:
		zw.Reset(w)
		return zw
	default:
		zw, _ := zlib.NewWriterLevel(w, zlib.BestSpeed) // the level is valid
		return zw
	}
}

func (p writerPool) put(zw *zlib.Writer) {
	select {
	case p.free <- zw:
	default: // enough kept
	}
}

// deflateContents compresses the page content stream of a one-page PDF
// written by gofpdf with compression off, and shifts the cross-reference
// offsets behind it.
//
// Why not gofpdf's own compression: it builds a new zlib compressor for
// every stream, and a compressor allocates and clears over a megabyte of
// tables. For a certificate that was half of the whole signed-PDF cost,
// more than laying out and signing the page. Here the compressor comes from
// a pool, so only the actual deflating is paid for; the output is the same
// kind of FlateDecode stream.
//
// Anything unexpected in the layout returns an error; the caller then keeps
// the uncompressed (equally valid) document.
func deflateContents(doc []byte) ([]byte, error) {
	// The page dictionary names its content object: "/Contents N 0 R".
	i := bytes.Index(doc, []byte("/Contents "))
	if i < 0 {
		return nil, errors.New("no /Contents")
	}
	objNum, _, ok := readInt(doc, i+len("/Contents "))
	if !ok {
		return nil, errors.New("bad /Contents reference")
	}
	head := []byte("\n" + strconv.Itoa(objNum) + " 0 obj\n<</Length ")
	objAt := bytes.Index(doc[i:], head)
	if objAt < 0 {
		return nil, errors.New("content object not found")
	}
	dictAt := i + objAt + len("\n"+strconv.Itoa(objNum)+" 0 obj\n")
	length, after, ok := readInt(doc, i+objAt+len(head))
	const streamKw = ">>\nstream\n"
	if !ok || !bytes.HasPrefix(doc[after:], []byte(streamKw)) {
		return nil, errors.New("unexpected content stream dictionary")
	}
	dataAt := after + len(streamKw)
	dataEnd := dataAt + length
	if length < 0 || dataEnd > len(doc) || !bytes.HasPrefix(doc[dataEnd:], []byte("\nendstream")) {
		return nil, errors.New("content stream length does not match")
	}

	var z bytes.Buffer
	z.Grow(length/2 + 64)
	zw := zlibWriters.get(&z)
	_, err := zw.Write(doc[dataAt:dataEnd])
	if err == nil {
		err = zw.Close()
	}
	zlibWriters.put(zw)
	if err != nil {
		return nil, err
	}

	dict := "<</Filter /FlateDecode /Length " + strconv.Itoa(z.Len()) + streamKw
	out := make([]byte, 0, len(doc)-length+z.Len()+32)
	out = append(out, doc[:dictAt]...)
	out = append(out, dict...)
	out = append(out, z.Bytes()...)
	out = append(out, doc[dataEnd:]...)
	delta := (len(dict) + z.Len()) - (dataEnd - dictAt)
	if err := shiftXref(out, dictAt, delta); err != nil {
		return nil, err
	}
	return fixStartXref(out, delta)
}

// shiftXref adds delta to every offset beyond pos in the classic xref table
// (fixed 20-byte entries, rewritten in place).
func shiftXref(doc []byte, pos, delta int) error {
	x := bytes.LastIndex(doc, []byte("\nxref\n"))
	if x < 0 {
		return errors.New("no xref table")
	}
	p := x + len("\nxref\n")
	first, p, ok := readInt(doc, p)
	if !ok || first != 0 || p >= len(doc) || doc[p] != ' ' {
		return errors.New("unexpected xref subsection")
	}
	count, p, ok := readInt(doc, p+1)
	if !ok || p >= len(doc) || doc[p] != '\n' {
		return errors.New("unexpected xref subsection")
	}
	p++
	if count < 0 || p+20*count > len(doc) {
		return errors.New("xref table is truncated")
	}
	for e := 0; e < count; e++ {
		entry := doc[p+20*e : p+20*e+20]
		if entry[17] != 'n' {
			continue
		}
		off, err := strconv.Atoi(string(entry[:10]))
		if err != nil {
			return errors.New("bad xref entry")
		}
		if off > pos {
			s := strconv.Itoa(off + delta)
			if len(s) > 10 {
				return errors.New("offset too large")
			}
			copy(entry[:10], "0000000000"[:10-len(s)]+s)
		}
	}
	return nil
}

// fixStartXref rewrites the number after the final "startxref".
func fixStartXref(doc []byte, delta int) ([]byte, error) {
	k := bytes.LastIndex(doc, []byte("startxref\n"))
	if k < 0 {
		return nil, errors.New("no startxref")
	}
	numAt := k + len("startxref\n")
	v, end, ok := readInt(doc, numAt)
	if !ok {
		return nil, errors.New("bad startxref")
	}
	if s := strconv.Itoa(v + delta); len(s) == end-numAt {
		copy(doc[numAt:end], s) // same width: no need to copy the document
		return doc, nil
	}
	out := make([]byte, 0, len(doc)+4)
	out = append(out, doc[:numAt]...)
	out = strconv.AppendInt(out, int64(v+delta), 10)
	return append(out, doc[end:]...), nil
}

// readInt parses the decimal digits at b[i:], returning the value and the
// index after them.
func readInt(b []byte, i int) (v, end int, ok bool) {
	end = i
	for end < len(b) && end-i < 12 && b[end] >= '0' && b[end] <= '9' {
		v = v*10 + int(b[end]-'0')
		end++
	}
	return v, end, end > i && end-i < 12
}
