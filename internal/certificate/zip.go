package certificate

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ZipEntry is one certificate in an export.
type ZipEntry struct {
	Department string
	NIP        string
	Name       string
	PDF        []byte
	Modified   time.Time // optional; shown by unzip tools
}

// ZipWriter streams certificates into a ZIP archive, one folder per
// department, entry by entry: what it keeps per entry is a 16-byte hash of
// its name. It is not safe for concurrent use.
//
// It writes the archive itself rather than through archive/zip: that
// package keeps a record of every entry in memory for the central
// directory it writes at the end (~270 bytes each with its file header
// and name: 270 MB for a million certificates). Here each central
// directory record is written, as soon as its entry is, to a temporary
// file that Close copies to the end of the archive, and the entry names
// already used are remembered as 64-bit hashes. Entries are stored (PDFs
// are deflated already) with their sizes and CRC in the local header,
// ZIP64 records where the archive passes 4 GiB or 65,535 entries, as
// archive/zip would write them.
type ZipWriter struct {
	out     *countingWriter
	dir     *os.File      // central directory records, written at Close
	dirBuf  *bufio.Writer // buffers dir
	entries uint64
	used    map[uint64]uint32 // FNV-1a of the entry names already written → how many times
	closed  bool
	err     error // the first write error: the archive is broken after it
}

// NewZipWriter starts an archive on w.
func NewZipWriter(w io.Writer) *ZipWriter {
	return &ZipWriter{out: &countingWriter{w: w}, used: make(map[uint64]uint32)}
}

// Add writes e as "<department>/<NIP>_<name>.pdf" with names made safe by
// SafeFileName. PDFs are stored uncompressed: their streams are already
// deflated, so compressing again costs time and saves almost nothing.
func (z *ZipWriter) Add(e ZipEntry) error {
	if z.closed {
		return errors.New("certificate: zip: writer is closed")
	}
	if z.err != nil {
		return z.err
	}
	base := SafeFileName(e.Department) + "/" + SafeFileName(e.NIP) + "_" + SafeFileName(e.Name)
	name := base + ".pdf"
	h := fnv.New64a()
	h.Write([]byte(base))
	key := h.Sum64()
	if n := z.used[key]; n > 0 {
		// Two names with one hash would also get a suffix: still unique.
		name = base + "-" + strconv.Itoa(int(n)+1) + ".pdf"
	}
	z.used[key]++
	if err := z.add(name, e.PDF, e.Modified); err != nil {
		z.err = fmt.Errorf("certificate: zip: add %s: %w", name, err)
		return z.err
	}
	return nil
}

const (
	zipLocalSig      = 0x04034b50
	zipCentralSig    = 0x02014b50
	zipEndSig        = 0x06054b50
	zip64EndSig      = 0x06064b50
	zip64LocatorSig  = 0x07064b50
	zipVersion20     = 20
	zipVersion45     = 45 // ZIP64
	zipFlagUTF8      = 0x800
	zipExtTimeTag    = 0x5455 // extended timestamp: the modification time in Unix seconds
	zip64ExtraTag    = 0x0001
	uint16max        = 0xffff
	uint32max        = 0xffffffff
	zipLocalHeaderSz = 30
	zipCentralSz     = 46
)

func (z *ZipWriter) add(name string, data []byte, modified time.Time) error {
	if uint64(len(data)) >= uint32max {
		return errors.New("entry of 4 GiB or more")
	}
	if len(name) > uint16max {
		return errors.New("name too long")
	}
	if z.dir == nil {
		f, err := os.CreateTemp("", "ikrar-zipdir-*")
		if err != nil {
			return fmt.Errorf("central directory: %w", err)
		}
		// Unlinked at once: the file lives as long as it is open, and
		// nothing is left behind whatever happens to this process.
		os.Remove(f.Name())
		z.dir, z.dirBuf = f, bufio.NewWriterSize(f, 64<<10)
	}
	var flags uint16
	if !isASCII(name) {
		flags |= zipFlagUTF8
	}
	var date, tm uint16
	var extra []byte
	if !modified.IsZero() {
		date, tm = msDosTime(modified)
		extra = binary.LittleEndian.AppendUint16(extra, zipExtTimeTag)
		extra = binary.LittleEndian.AppendUint16(extra, 5)
		extra = append(extra, 1) // flags: modification time present
		extra = binary.LittleEndian.AppendUint32(extra, uint32(modified.Unix()))
	}
	crc := crc32.ChecksumIEEE(data)
	size := uint32(len(data))
	offset := z.out.n

	b := make([]byte, 0, zipLocalHeaderSz+len(name)+len(extra))
	b = binary.LittleEndian.AppendUint32(b, zipLocalSig)
	b = binary.LittleEndian.AppendUint16(b, zipVersion20)
	b = binary.LittleEndian.AppendUint16(b, flags)
	b = binary.LittleEndian.AppendUint16(b, 0) // method: store
	b = binary.LittleEndian.AppendUint16(b, tm)
	b = binary.LittleEndian.AppendUint16(b, date)
	b = binary.LittleEndian.AppendUint32(b, crc)
	b = binary.LittleEndian.AppendUint32(b, size) // compressed
	b = binary.LittleEndian.AppendUint32(b, size) // uncompressed
	b = binary.LittleEndian.AppendUint16(b, uint16(len(name)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(extra)))
	b = append(b, name...)
	b = append(b, extra...)
	if _, err := z.out.Write(b); err != nil {
		return err
	}
	if _, err := z.out.Write(data); err != nil {
		return err
	}

	// The central directory record of this entry.
	version := uint16(zipVersion20)
	offset32 := uint32(offset)
	if offset >= uint32max {
		version, offset32 = zipVersion45, uint32max
		extra = binary.LittleEndian.AppendUint16(extra, zip64ExtraTag)
		extra = binary.LittleEndian.AppendUint16(extra, 8)
		extra = binary.LittleEndian.AppendUint64(extra, offset)
	}
	c := make([]byte, 0, zipCentralSz+len(name)+len(extra))
	c = binary.LittleEndian.AppendUint32(c, zipCentralSig)
	c = binary.LittleEndian.AppendUint16(c, version) // made by (MS-DOS, as archive/zip)
	c = binary.LittleEndian.AppendUint16(c, version) // needed to extract
	c = binary.LittleEndian.AppendUint16(c, flags)
	c = binary.LittleEndian.AppendUint16(c, 0) // method: store
	c = binary.LittleEndian.AppendUint16(c, tm)
	c = binary.LittleEndian.AppendUint16(c, date)
	c = binary.LittleEndian.AppendUint32(c, crc)
	c = binary.LittleEndian.AppendUint32(c, size)
	c = binary.LittleEndian.AppendUint32(c, size)
	c = binary.LittleEndian.AppendUint16(c, uint16(len(name)))
	c = binary.LittleEndian.AppendUint16(c, uint16(len(extra)))
	c = binary.LittleEndian.AppendUint16(c, 0) // comment length
	c = binary.LittleEndian.AppendUint16(c, 0) // disk number
	c = binary.LittleEndian.AppendUint16(c, 0) // internal attributes
	c = binary.LittleEndian.AppendUint32(c, 0) // external attributes
	c = binary.LittleEndian.AppendUint32(c, offset32)
	c = append(c, name...)
	c = append(c, extra...)
	if _, err := z.dirBuf.Write(c); err != nil {
		return fmt.Errorf("central directory: %w", err)
	}
	z.entries++
	return nil
}

// Close finishes the archive (the central directory); it does not close the
// underlying writer.
func (z *ZipWriter) Close() error {
	if z.closed {
		return errors.New("certificate: zip: writer is closed")
	}
	z.closed = true
	z.used = nil
	if z.dir != nil {
		defer z.dir.Close()
	}
	if z.err != nil {
		return z.err
	}
	if err := z.finish(); err != nil {
		return fmt.Errorf("certificate: zip: close: %w", err)
	}
	return nil
}

// finish copies the central directory after the entries and ends the
// archive, with the ZIP64 end records when a count or offset needs them.
func (z *ZipWriter) finish() error {
	start := z.out.n
	if z.dir != nil {
		if err := z.dirBuf.Flush(); err != nil {
			return err
		}
		if _, err := z.dir.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(z.out, z.dir); err != nil {
			return err
		}
	}
	end := z.out.n
	records, size, offset := z.entries, end-start, start
	var b []byte
	if records >= uint16max || size >= uint32max || offset >= uint32max {
		b = binary.LittleEndian.AppendUint32(b, zip64EndSig)
		b = binary.LittleEndian.AppendUint64(b, 44) // size of the rest of this record
		b = binary.LittleEndian.AppendUint16(b, zipVersion45)
		b = binary.LittleEndian.AppendUint16(b, zipVersion45)
		b = binary.LittleEndian.AppendUint32(b, 0) // this disk
		b = binary.LittleEndian.AppendUint32(b, 0) // disk of the directory
		b = binary.LittleEndian.AppendUint64(b, records)
		b = binary.LittleEndian.AppendUint64(b, records)
		b = binary.LittleEndian.AppendUint64(b, size)
		b = binary.LittleEndian.AppendUint64(b, offset)
		b = binary.LittleEndian.AppendUint32(b, zip64LocatorSig)
		b = binary.LittleEndian.AppendUint32(b, 0)   // disk of the ZIP64 end record
		b = binary.LittleEndian.AppendUint64(b, end) // its offset
		b = binary.LittleEndian.AppendUint32(b, 1)   // disks
		records, size, offset = uint16max, uint32max, uint32max
	}
	b = binary.LittleEndian.AppendUint32(b, zipEndSig)
	b = binary.LittleEndian.AppendUint16(b, 0) // this disk
	b = binary.LittleEndian.AppendUint16(b, 0) // disk of the directory
	b = binary.LittleEndian.AppendUint16(b, uint16(records))
	b = binary.LittleEndian.AppendUint16(b, uint16(records))
	b = binary.LittleEndian.AppendUint32(b, uint32(size))
	b = binary.LittleEndian.AppendUint32(b, uint32(offset))
	b = binary.LittleEndian.AppendUint16(b, 0) // comment length
	_, err := z.out.Write(b)
	return err
}

// msDosTime is t's wall-clock date and time in MS-DOS form (two-second
// resolution, years 1980–2107), as archive/zip writes it.
func msDosTime(t time.Time) (date, tm uint16) {
	y := min(max(t.Year(), 1980), 2107)
	date = uint16(t.Day() + int(t.Month())<<5 + (y-1980)<<9)
	tm = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, tm
}

// countingWriter counts the bytes written: the offsets of the archive.
type countingWriter struct {
	w io.Writer
	n uint64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += uint64(n)
	return n, err
}

// maxFileName bounds one path element of an export.
const maxFileName = 80

// SafeFileName turns s into a file-name element that is safe on every
// system: ASCII letters, digits, "-" and "_" only, accents transliterated
// (ë → e, ß → ss), every other run of characters collapsed to one "_",
// trimmed, at most 80 characters, never empty and never "." or "..".
func SafeFileName(s string) string {
	var b strings.Builder
	b.Grow(min(len(s), maxFileName))
	pendingSep := false
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue // combining accent of the previous letter
		}
		repl := foldRune(r)
		for i := 0; i < len(repl); i++ {
			c := repl[i]
			switch {
			case c == '-' || c == '_':
				if !endsWithSep(&b) {
					b.WriteByte(c)
				}
				pendingSep = false
			case isAlnum(c):
				if pendingSep && !endsWithSep(&b) {
					b.WriteByte('_')
				}
				pendingSep = false
				b.WriteByte(c)
			default:
				pendingSep = true
			}
		}
		if b.Len() >= maxFileName {
			break
		}
	}
	out := b.String()
	if len(out) > maxFileName {
		out = out[:maxFileName]
	}
	out = strings.Trim(out, "_-")
	if out == "" {
		return "tanpa-nama"
	}
	return out
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// endsWithSep is true for an empty builder too, so names never start with a
// separator.
func endsWithSep(b *strings.Builder) bool {
	s := b.String()
	return s == "" || s[len(s)-1] == '_' || s[len(s)-1] == '-'
}

// foldRune gives the ASCII spelling of a letter that NFD does not decompose
// into a base letter and accents. Other runes come back unchanged.
func foldRune(r rune) string {
	if r < 0x80 {
		return string(r)
	}
	switch r {
	case 'ß':
		return "ss"
	case 'æ':
		return "ae"
	case 'Æ':
		return "AE"
	case 'ø':
		return "o"
	case 'Ø':
		return "O"
	case 'œ':
		return "oe"
	case 'Œ':
		return "OE"
	case 'đ', 'ð':
		return "d"
	case 'Đ', 'Ð':
		return "D"
	case 'ł':
		return "l"
	case 'Ł':
		return "L"
	case 'þ':
		return "th"
	case 'Þ':
		return "Th"
	case 'ı':
		return "i"
	case '‘', '’', 'ʼ', '´', '`':
		return "'"
	case '–', '—', '‐', '‑':
		return "-"
	}
	return string(r)
}

// asciiName folds a name to ASCII for places that cannot carry Unicode
// safely, keeping spaces and punctuation; letters with no ASCII form become
// "?".
func asciiName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		for _, c := range foldRune(r) {
			if c < 0x20 || c > 0x7E {
				c = '?'
			}
			b.WriteRune(c)
		}
	}
	return b.String()
}
