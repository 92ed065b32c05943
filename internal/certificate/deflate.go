package certificate

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"strconv"
)

// Compressors are recycled: a new one allocates and clears over a megabyte
// of tables, which costs more than deflating a certificate's page or
// signature image. Bounded free lists rather than sync.Pools: the heap here
// is small, so the collector runs every few certificates and would empty a
// sync.Pool each time.
//
// The page content uses Huffman coding only: about half the time of the
// fastest LZ level for a page of text operators, at some 2 KB more per PDF.
// Signature images keep LZ, which their long blank runs need.
var (
	pageWriters  = writerPool{level: zlib.HuffmanOnly, free: make(chan *zlib.Writer, 8)}
	imageWriters = writerPool{level: zlib.BestSpeed, free: make(chan *zlib.Writer, 8)}
)

type writerPool struct {
	level int
	free  chan *zlib.Writer
}

func (p writerPool) get(w io.Writer) *zlib.Writer {
	select {
	case zw := <-p.free:
		zw.Reset(w)
		return zw
	default:
		zw, _ := zlib.NewWriterLevel(w, p.level) // both levels are valid
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
// doc is rewritten in place; on an error it is untouched, and the caller
// keeps the uncompressed (equally valid) document.
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

	// Everything that could fail is checked before doc is touched.
	entriesAt, count, err := findXref(doc, dataEnd)
	if err != nil {
		return nil, err
	}
	sxAt := bytes.LastIndex(doc, []byte("startxref\n"))
	if sxAt < entriesAt {
		return nil, errors.New("no startxref after the xref table")
	}
	sxAt += len("startxref\n")
	startXref, sxEnd, ok := readInt(doc, sxAt)
	if !ok {
		return nil, errors.New("bad startxref")
	}

	var z bytes.Buffer
	z.Grow(length/2 + 64)
	zw := pageWriters.get(&z)
	_, err = zw.Write(doc[dataAt:dataEnd])
	if err == nil {
		err = zw.Close()
	}
	pageWriters.put(zw)
	if err != nil {
		return nil, err
	}

	dict := "<</Filter /FlateDecode /Length " + strconv.Itoa(z.Len()) + streamKw
	delta := (len(dict) + z.Len()) - (dataEnd - dictAt)
	var out []byte
	if delta <= 0 {
		// Shorter, as it always is in practice: rewrite doc in place.
		n := copy(doc[dictAt:], dict)
		n += copy(doc[dictAt+n:], z.Bytes())
		tail := copy(doc[dictAt+n:], doc[dataEnd:])
		out = doc[:dictAt+n+tail]
	} else {
		out = make([]byte, 0, len(doc)+delta)
		out = append(out, doc[:dictAt]...)
		out = append(out, dict...)
		out = append(out, z.Bytes()...)
		out = append(out, doc[dataEnd:]...)
	}

	// The xref table and startxref sit after the content: they moved by
	// delta, and so did every object offset beyond the content.
	entries := out[entriesAt+delta : entriesAt+delta+20*count]
	for e := 0; e < count; e++ {
		entry := entries[20*e : 20*e+20]
		if entry[17] != 'n' {
			continue
		}
		if off, _, _ := readInt(entry, 0); off > dictAt {
			s := strconv.Itoa(off + delta)
			copy(entry[:10], "0000000000"[:10-len(s)]+s)
		}
	}
	sx := strconv.Itoa(startXref + delta)
	if len(sx) == sxEnd-sxAt {
		copy(out[sxAt+delta:], sx)
		return out, nil
	}
	fixed := make([]byte, 0, len(out)+2)
	fixed = append(fixed, out[:sxAt+delta]...)
	fixed = append(fixed, sx...)
	return append(fixed, out[sxEnd+delta:]...), nil
}

// findXref validates the classic xref table after pos (one subsection from
// object 0, fixed 20-byte entries) and returns where its entries start and
// how many there are.
func findXref(doc []byte, pos int) (entriesAt, count int, err error) {
	x := bytes.LastIndex(doc, []byte("\nxref\n"))
	if x < pos {
		return 0, 0, errors.New("no xref table after the content")
	}
	p := x + len("\nxref\n")
	first, p, ok := readInt(doc, p)
	if !ok || first != 0 || p >= len(doc) || doc[p] != ' ' {
		return 0, 0, errors.New("unexpected xref subsection")
	}
	count, p, ok = readInt(doc, p+1)
	if !ok || p >= len(doc) || doc[p] != '\n' {
		return 0, 0, errors.New("unexpected xref subsection")
	}
	p++
	if p+20*count > len(doc) {
		return 0, 0, errors.New("xref table is truncated")
	}
	for e := 0; e < count; e++ {
		entry := doc[p+20*e : p+20*e+20]
		_, end, ok := readInt(entry, 0)
		_, genEnd, genOK := readInt(entry, 11)
		if !ok || end != 10 || !genOK || genEnd != 16 || entry[10] != ' ' || entry[16] != ' ' ||
			(entry[17] != 'n' && entry[17] != 'f') || entry[18] != ' ' || entry[19] != '\n' {
			return 0, 0, errors.New("bad xref entry")
		}
	}
	return p, count, nil
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
