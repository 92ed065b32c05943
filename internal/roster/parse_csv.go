package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/ikrar/ikrar/internal/i18n"
)

const (
	// sniffBytes is how much of the file is examined to pick the separator.
	sniffBytes = 64 << 10
	// maxRecordBytes bounds one CSV record. encoding/csv buffers a whole
	// record, so without it a file with one endless line or quoted field
	// would be read into memory entirely. A genuine record is a few hundred
	// bytes; MaxCellChars of 4-byte runes in dozens of columns still fits.
	maxRecordBytes = 1 << 20
)

var errRecordTooBig = errors.New("record too big")

// ParseCSV reads a roster in CSV: comma, semicolon (what Excel writes with
// Indonesian regional settings) or tab separated, UTF-8 with or without BOM,
// CRLF or LF line ends.
func ParseCSV(r io.Reader) ([]Row, error) {
	return parseCSV(r, defaultConfig())
}

func parseCSV(r io.Reader, c config) ([]Row, error) {
	br := bufio.NewReaderSize(r, sniffBytes)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3) // cannot fail: the bytes are buffered
	}
	head, err := br.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("reading roster CSV: %w", err)
	}

	// Spreadsheets saved under a .csv name are common enough to deserve
	// their own message instead of a quoting or UTF-8 error.
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return nil, fileError(i18n.New("roster_csv_is_xlsx"))
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")):
		return nil, fileError(i18n.New("roster_csv_is_xls"))
	}

	lim := &recordLimiter{r: br, limit: maxRecordBytes}
	cr := csv.NewReader(lim)
	cr.Comma = sniffSeparator(head)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	p := newParser(c, true)
	lastLine := 0
	for {
		lim.n = 0
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			switch {
			case errors.Is(err, errRecordTooBig):
				p.stop(lastLine+1, i18n.New("roster_line_too_long", maxRecordBytes))
			case errors.As(err, &pe):
				p.quoteProblem(pe)
			default:
				return nil, fmt.Errorf("reading roster CSV: %w", err)
			}
			break
		}
		line, _ := cr.FieldPos(0)
		lastLine = line
		if !p.record(line, rec) {
			break
		}
	}
	return p.finish()
}

// quoteProblem explains a quoting error. The problem is put on the line
// where the record starts, since an unclosed quote is only noticed at the
// end of the file.
func (p *parser) quoteProblem(pe *csv.ParseError) {
	where := i18n.New("roster_at_character", pe.Column)
	if pe.Line != pe.StartLine {
		where = i18n.New("roster_at_line_character", pe.Line, pe.Column)
	}
	p.stop(pe.StartLine, i18n.New("roster_bad_quote", where))
}

// sniffSeparator picks the separator from the first non-blank line that has
// one, counting only outside quotes. A title line ("DAFTAR PEGAWAI") above
// the header has none and is skipped.
func sniffSeparator(head []byte) rune {
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		var comma, semi, tab int
		quoted := false
		for _, c := range line {
			switch {
			case c == '"':
				quoted = !quoted
			case quoted:
			case c == ',':
				comma++
			case c == ';':
				semi++
			case c == '\t':
				tab++
			}
		}
		switch {
		case semi > comma && semi >= tab:
			return ';'
		case tab > comma && tab > semi:
			return '\t'
		case comma > 0:
			return ','
		}
	}
	return ','
}

// recordLimiter fails once more than limit bytes are read since n was last
// reset, which the caller does before every record.
type recordLimiter struct {
	r     io.Reader
	n     int
	limit int
}

func (l *recordLimiter) Read(b []byte) (int, error) {
	if l.n > l.limit {
		return 0, errRecordTooBig
	}
	n, err := l.r.Read(b)
	l.n += n
	return n, err
}
