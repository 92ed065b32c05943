package certificate

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
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
// department, so an export of any size holds one PDF in memory at a time.
// It is not safe for concurrent use.
type ZipWriter struct {
	zw   *zip.Writer
	used map[string]int // entry names already written, to keep them unique
}

// NewZipWriter starts an archive on w.
func NewZipWriter(w io.Writer) *ZipWriter {
	return &ZipWriter{zw: zip.NewWriter(w), used: make(map[string]int)}
}

// Add writes e as "<department>/<NIP>_<name>.pdf" with names made safe by
// SafeFileName. PDFs are stored uncompressed: their streams are already
// deflated, so compressing again costs time and saves almost nothing.
func (z *ZipWriter) Add(e ZipEntry) error {
	if z.used == nil {
		return errors.New("certificate: zip: writer is closed")
	}
	base := SafeFileName(e.Department) + "/" + SafeFileName(e.NIP) + "_" + SafeFileName(e.Name)
	name := base + ".pdf"
	if n := z.used[base]; n > 0 {
		name = base + "-" + strconv.Itoa(n+1) + ".pdf"
	}
	z.used[base]++
	hdr := &zip.FileHeader{Name: name, Method: zip.Store, Modified: e.Modified}
	w, err := z.zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("certificate: zip: add %s: %w", name, err)
	}
	if _, err := w.Write(e.PDF); err != nil {
		return fmt.Errorf("certificate: zip: write %s: %w", name, err)
	}
	return nil
}

// Close finishes the archive (the central directory); it does not close the
// underlying writer.
func (z *ZipWriter) Close() error {
	z.used = nil
	if err := z.zw.Close(); err != nil {
		return fmt.Errorf("certificate: zip: close: %w", err)
	}
	return nil
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
