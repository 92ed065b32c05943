// Package excelcsv writes the one CSV format every ikrar export uses: the
// file a BKPSDM admin double-clicks and Excel with the Indonesian (id-ID)
// locale opens as it is, in the right columns, with every digit of a NIP.
//
// The format:
//   - UTF-8 with a byte-order mark (so Excel does not read it as ANSI);
//   - ";" between fields (the list separator of id-ID; "," is its decimal
//     comma), CRLF after every record;
//   - decimals with a comma ("57,0");
//   - a field is quoted ("…", with "" for a quote) when it contains the
//     separator, a quote or a line break, or starts or ends with a space or
//     tab;
//   - formula neutralisation: an apostrophe is put before "=", "+", "-" or
//     "@" at the start of a field and after any separator or line break
//     inside it (spaces skipped), and before a leading tab or CR, so no part
//     of a field can become a formula, even for a reader that splits on the
//     other separator;
//   - long digit strings that must stay text (NIP) are written as ="…", the
//     one formula Excel evaluates to the digits as text; Text makes it.
package excelcsv

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Sep is the separator of the exports.
const Sep = ';'

const bom = "\ufeff"

// Writer writes records in the format above. Call Flush at the end.
type Writer struct {
	// Comma is the separator (Sep unless a test or a caller needs ",").
	Comma   rune
	w       *bufio.Writer
	started bool
}

// NewWriter returns a Writer with the ";" separator.
func NewWriter(w io.Writer) *Writer {
	return &Writer{Comma: Sep, w: bufio.NewWriter(w)}
}

// Write writes one record; an empty record is a blank line (sections of a
// report are separated by one).
func (w *Writer) Write(record []string) error {
	if !w.started {
		w.started = true
		if _, err := w.w.WriteString(bom); err != nil {
			return fmt.Errorf("csv: write BOM: %w", err)
		}
	}
	for i, f := range record {
		if i > 0 {
			w.w.WriteRune(w.Comma)
		}
		f = Neutralize(f)
		// One empty field alone would be a blank line, which readers skip.
		if w.needsQuotes(f) || (len(record) == 1 && f == "") {
			w.w.WriteByte('"')
			w.w.WriteString(strings.ReplaceAll(f, `"`, `""`))
			w.w.WriteByte('"')
		} else {
			w.w.WriteString(f)
		}
	}
	if _, err := w.w.WriteString("\r\n"); err != nil {
		return fmt.Errorf("csv: write: %w", err)
	}
	return nil
}

// WriteAll writes every record and flushes.
func (w *Writer) WriteAll(records [][]string) error {
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	return w.Flush()
}

// Flush writes what is buffered to the underlying writer.
func (w *Writer) Flush() error {
	if !w.started {
		w.started = true
		w.w.WriteString(bom)
	}
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("csv: flush: %w", err)
	}
	return nil
}

func (w *Writer) needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if strings.ContainsRune(f, w.Comma) || strings.ContainsAny(f, "\"\r\n") {
		return true
	}
	first, last := f[0], f[len(f)-1]
	return first == ' ' || first == '\t' || last == ' ' || last == '\t'
}

// textPrefix and textSuffix wrap a digit string that Excel must keep as
// text; see Text.
const textPrefix, textSuffix = `="`, `"`

// Text writes a string of digits (a NIP) so Excel keeps it as text: an
// 18-digit number would otherwise be shown as 1,98703E+17 and saved with
// its last digits zeroed. Anything that is not only digits is returned
// unchanged (and is neutralised like every other field).
func Text(s string) string {
	if !isDigits(s) {
		return s
	}
	return textPrefix + s + textSuffix
}

// Untext is the reverse of Text, for importers that read an export back.
func Untext(s string) string {
	if inner, ok := strings.CutPrefix(s, textPrefix); ok {
		if inner, ok := strings.CutSuffix(inner, textSuffix); ok && isDigits(inner) {
			return inner
		}
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Decimal writes tenths with one decimal and a decimal comma: 573 → "57,3".
func Decimal(tenths int) string {
	sign := ""
	if tenths < 0 {
		sign, tenths = "-", -tenths
	}
	return sign + strconv.Itoa(tenths/10) + "," + strconv.Itoa(tenths%10)
}

// isFormulaStart is a character that makes a spreadsheet evaluate a cell.
func isFormulaStart(c byte) bool { return c == '=' || c == '+' || c == '-' || c == '@' }

// isSplit is a character at which some reader may start a new cell.
func isSplit(c byte) bool { return c == ',' || c == ';' || c == '\t' || c == '\r' || c == '\n' }

// Neutralize puts an apostrophe before every character that would start a
// formula in a cell: at the start of s and after any separator or line
// break inside it (spaces in between skipped), and before a leading tab or
// CR. The output of Text passes unchanged: it is a formula, but one that
// can only yield its digits.
func Neutralize(s string) string {
	if s == "" || Untext(s) != s {
		return s
	}
	var b strings.Builder
	changed := false
	boundary := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 0 && (c == '\t' || c == '\r'):
			b.WriteByte('\'')
			changed = true
			boundary = true
		case boundary && isFormulaStart(c):
			b.WriteByte('\'')
			changed = true
			boundary = false
		case isSplit(c):
			boundary = true
		case c == ' ':
			// keeps boundary as it is
		default:
			boundary = false
		}
		b.WriteByte(c)
	}
	if !changed {
		return s
	}
	return b.String()
}
