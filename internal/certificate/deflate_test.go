package certificate

import (
	"bytes"
	"compress/zlib"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"
)

func TestDeflateContents(t *testing.T) {
	// 1 line keeps startxref at four digits; 45 long lines take it from
	// five digits to four.
	for _, lines := range []int{1, 45} {
		t.Run(strconv.Itoa(lines), func(t *testing.T) { testDeflateContents(t, lines) })
	}
}

func testDeflateContents(t *testing.T, lines int) {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(false)
	pdf.SetTitle("Judul", true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	for i := 0; i < lines; i++ {
		pdf.Cell(0, 6, strings.Repeat("Menolak politik uang dan segala jenis pemberian dalam bentuk apa pun. ", 4))
		pdf.Ln(6)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	plain := buf.Bytes()
	content := bytes.Clone(streamAfter(t, plain, []byte("<</Length ")))

	plainLen := len(plain)
	out, err := deflateContents(plain) // rewrites plain
	if err != nil {
		t.Fatal(err)
	}
	if len(out) >= plainLen {
		t.Errorf("compressed document is %d bytes, uncompressed %d", len(out), plainLen)
	}
	zr, err := zlib.NewReader(bytes.NewReader(streamAfter(t, out, []byte("<</Filter /FlateDecode /Length "))))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, content) {
		t.Fatal("inflated content differs from the original")
	}
	checkXref(t, out)

	if _, err := deflateContents([]byte("%PDF-1.3\nnot gofpdf\n%%EOF\n")); err == nil {
		t.Error("deflateContents accepted a document without a content stream")
	}
	t.Logf("%d -> %d bytes", plainLen, len(out))
}

// streamAfter returns the stream data of the first object whose dictionary
// starts with dictStart and ends with its /Length.
func streamAfter(t *testing.T, doc, dictStart []byte) []byte {
	t.Helper()
	i := bytes.Index(doc, dictStart)
	if i < 0 {
		t.Fatalf("no %q", dictStart)
	}
	n, end, ok := readInt(doc, i+len(dictStart))
	if !ok || !bytes.HasPrefix(doc[end:], []byte(">>\nstream\n")) {
		t.Fatal("unexpected stream dictionary")
	}
	start := end + len(">>\nstream\n")
	return doc[start : start+n]
}

// checkXref checks that every in-use xref entry and startxref point where
// they should.
func checkXref(t *testing.T, doc []byte) {
	t.Helper()
	x := bytes.LastIndex(doc, []byte("\nxref\n"))
	k := bytes.LastIndex(doc, []byte("startxref\n"))
	sx, _, _ := readInt(doc, k+len("startxref\n"))
	if sx != x+1 {
		t.Errorf("startxref %d, xref at %d", sx, x+1)
	}
	lines := strings.Split(string(doc[x+len("\nxref\n"):]), "\n")
	count, _ := strconv.Atoi(strings.Fields(lines[0])[1])
	for obj := 1; obj < count; obj++ {
		f := strings.Fields(lines[1+obj])
		off, _ := strconv.Atoi(f[0])
		want := strconv.Itoa(obj) + " 0 obj"
		switch {
		case off < 0 || off >= len(doc):
			t.Errorf("xref entry %d points past the end (%d)", obj, off)
		case !bytes.HasPrefix(doc[off:], []byte(want)):
			t.Errorf("xref entry %d points at %q", obj, doc[off:min(len(doc), off+12)])
		}
	}
}

// TestDeflateContentsLeavesBrokenInputAlone: on an error the document must
// be untouched, since Render then falls back to it.
func TestDeflateContentsLeavesBrokenInputAlone(t *testing.T) {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(false)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.Cell(0, 6, strings.Repeat("Ikrar netralitas. ", 20))
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	breakages := map[string]func([]byte) []byte{
		"no xref":      func(b []byte) []byte { return bytes.Replace(b, []byte("\nxref\n"), []byte("\nxreg\n"), 1) },
		"no startxref": func(b []byte) []byte { return bytes.Replace(b, []byte("startxref"), []byte("startxreg"), 1) },
		"bad entry":    func(b []byte) []byte { return bytes.Replace(b, []byte(" 00000 n "), []byte(" 00000 n\t"), 1) },
		"bad length":   func(b []byte) []byte { return bytes.Replace(b, []byte("<</Length "), []byte("<</Length 9"), 1) },
	}
	for name, breakIt := range breakages {
		t.Run(name, func(t *testing.T) {
			doc := breakIt(bytes.Clone(buf.Bytes()))
			before := bytes.Clone(doc)
			if _, err := deflateContents(doc); err == nil {
				t.Fatal("no error")
			}
			if !bytes.Equal(doc, before) {
				t.Fatal("document changed although deflateContents failed")
			}
		})
	}
}

func TestRenderedContentIsCompressed(t *testing.T) {
	pdf, err := Render(sampleData())
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(pdf, []byte("/Contents "))
	n, _, _ := readInt(pdf, i+len("/Contents "))
	obj := []byte("\n" + strconv.Itoa(n) + " 0 obj\n<</Filter /FlateDecode /Length ")
	if !bytes.Contains(pdf, obj) {
		t.Error("page content stream is not compressed")
	}
	checkXref(t, pdf)
}
