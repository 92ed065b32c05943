// Package roster reads the ASN roster files that admins import: CSV or XLSX
// with one row per civil servant. Parsing validates everything and reports
// every problem with its line and column, so a file is fixed in one pass.
package roster

import (
	"errors"
	"io"
	"net/mail"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/nip"
)

// Limits that guard against hostile or broken files.
const (
	MaxRows      = 2_000_000 // data rows in one file
	MaxCellChars = 1000      // characters in one cell
	MaxTextChars = 200       // characters in a name, position or department
	maxEmailLen  = 254       // RFC 5321 path limit
	// headerSearchRows is how many non-blank rows may precede the header:
	// exports often start with a title such as "DAFTAR PEGAWAI DINAS ...".
	headerSearchRows = 10
)

// Row is one valid roster entry. Strings are trimmed, inner runs of
// whitespace collapsed and control characters removed.
type Row struct {
	Line       int    // line (CSV) or row (XLSX) in the file, header = 1
	NIP        string // 18 digits, validated
	Name       string
	Position   string
	Department string
	Email      string // "" when absent
	Phone      string // digits starting with 62, "" when absent
	Kind       string // nip.KindPNS or nip.KindPPPK
	Parent     string // unit_induk: code or name of the unit above Department, "" when absent
}

// Parse reads a roster, choosing the format from filename's extension,
// within CLILimits.
func Parse(r io.Reader, filename string) ([]Row, error) {
	return ParseWithin(r, filename, CLILimits)
}

// ParseWithin is Parse within limits l.
func ParseWithin(r io.Reader, filename string, l Limits) ([]Row, error) {
	return parseFile(r, filename, configFor(l))
}

// parseInto is ParseWithin giving each valid row to sink instead of
// returning them; it returns the file's problems, or sink's error.
func parseInto(r io.Reader, filename string, l Limits, sink func(Row) error) error {
	c := configFor(l)
	c.sink = sink
	_, err := parseFile(r, filename, c)
	return err
}

func parseFile(r io.Reader, filename string, c config) ([]Row, error) {
	switch ext := strings.ToLower(filepath.Ext(filename)); ext {
	case ".csv":
		return parseCSV(r, c)
	case ".xlsx":
		return parseXLSX(r, c)
	default:
		if ext == "" {
			return nil, fileError(i18n.New("roster_format_unsupported", i18n.New("roster_no_extension")))
		}
		return nil, fileError(i18n.New("roster_format_unsupported", ext))
	}
}

// parser turns records into rows, whatever the file format. Feed it with
// record and collect the result with finish.
type parser struct {
	config
	records  int // non-blank records seen before and including the header
	dataRows int // non-blank records after the header
	header   bool
	first    []string // first non-blank record, for the "no header" message
	firstAt  int
	cols     columnMap
	width    int // header cells, to spot rows with extra cells
	strict   bool
	rows     []Row
	sinkErr  error // what config.sink returned, which stops reading
	valid    int   // valid rows, given to sink or kept in rows
	// seen is NIP → line of its first occurrence, to name both lines of a
	// duplicate. A validated NIP is 18 digits, so it is kept as a number:
	// 16 bytes an entry instead of about 60 with the string (a 1,000,000
	// row file: about 30 MB).
	seen     map[uint64]uint32
	problems []Problem
	stopped  bool
}

// config is what tests vary: the clock for NIP validation and the limits;
// and where valid rows go.
type config struct {
	now         time.Time
	maxRows     int
	maxProblems int
	limits      Limits
	// sink, when set, takes each valid row instead of the parser keeping
	// it, so a caller can stage a file as it is read and hold none of it
	// (see Import). Once a problem is found it is no longer called: the
	// file will be refused, and the rest is only read for more problems.
	sink func(Row) error
}

func defaultConfig() config { return configFor(CLILimits) }

func configFor(l Limits) config {
	return config{now: time.Now(), maxRows: l.MaxRows, maxProblems: MaxProblems, limits: l}
}

// newParser returns a parser. strictWidth rejects rows with non-empty cells
// beyond the header, which in a CSV almost always means an unquoted comma in
// a name such as "Drs. Budi Santosa, M.Pd." shifted every later column.
func newParser(c config, strictWidth bool) *parser {
	return &parser{config: c, strict: strictWidth, seen: make(map[uint64]uint32)}
}

func (p *parser) problem(line int, col string, m *i18n.Error) {
	if p.maxProblems > 0 && len(p.problems) >= p.maxProblems {
		if !p.stopped {
			p.problems = append(p.problems, Problem{Line: line, Msg: i18n.New("roster_too_many_problems", p.maxProblems, line)})
			p.stopped = true
		}
		return
	}
	p.problems = append(p.problems, Problem{Line: line, Column: col, Msg: m})
}

// stop records a problem that makes reading further pointless.
func (p *parser) stop(line int, m *i18n.Error) {
	p.problem(line, "", m)
	p.stopped = true
}

// record takes one record (cells may be reused by the caller after it
// returns) and reports whether the caller should keep reading.
func (p *parser) record(line int, cells []string) bool {
	if p.stopped {
		return false
	}
	if blank(cells) {
		return true
	}
	if !p.header {
		p.records++
		p.findHeader(line, cells)
		return !p.stopped
	}
	p.dataRows++
	if p.dataRows > p.maxRows {
		p.stop(line, i18n.New("roster_too_many_rows", p.maxRows))
		return false
	}
	p.row(line, cells)
	return true
}

func (p *parser) findHeader(line int, cells []string) {
	if p.first == nil {
		p.first = append([]string(nil), cells...)
		p.firstAt = line
	}
	cols, dups, ok := mapHeader(cells)
	if !ok {
		if p.records >= headerSearchRows {
			p.noHeader()
		}
		return
	}
	p.header = true
	p.cols = cols
	p.width = len(cells)
	for _, d := range dups {
		name := fieldNames[d.field]
		p.problem(line, name, i18n.New("roster_column_twice", name, d.first, d.second))
	}
	if miss := cols.missing(); len(miss) > 0 {
		names := make([]string, len(miss))
		hints := make([]string, len(miss))
		for i, f := range miss {
			names[i] = fieldNames[f]
			hints[i] = aliasHint[f]
		}
		list, alias := strings.Join(names, ", "), strings.Join(hints, "; ")
		p.stop(line, i18n.New("roster_columns_missing", list, alias))
	}
	if len(dups) > 0 {
		p.stopped = true
	}
}

// noHeader reports a file without a recognisable header row.
func (p *parser) noHeader() {
	shown := p.first
	if len(shown) > 8 {
		shown = shown[:8]
	}
	for i, c := range shown {
		shown[i] = truncate(cleanCell(c), 40)
	}
	got := strings.Join(shown, ", ")
	p.stop(p.firstAt, i18n.New("roster_no_header", got))
}

// finish returns the rows, or every problem found.
func (p *parser) finish() ([]Row, error) {
	if !p.header && !p.stopped {
		if p.records == 0 {
			p.stop(0, i18n.New("roster_file_empty"))
		} else {
			p.noHeader()
		}
	}
	if p.sinkErr != nil {
		return nil, p.sinkErr
	}
	if len(p.problems) == 0 && p.valid == 0 {
		p.problem(0, "", i18n.New("roster_no_rows"))
	}
	if len(p.problems) > 0 {
		return nil, &Errors{Problems: p.problems}
	}
	return p.rows, nil
}

// row validates one data record. It checks every cell even after a problem,
// so the user sees all of a row's problems at once.
func (p *parser) row(line int, cells []string) {
	for _, c := range cells {
		if !utf8.ValidString(c) {
			p.problem(line, "", i18n.New("roster_not_utf8"))
			return
		}
	}
	if p.strict && len(cells) > p.width && !blank(cells[p.width:]) {
		p.problem(line, "", i18n.New("roster_too_many_cells", len(cells), p.width))
		return
	}

	var values [numFields]string
	var tooLong [numFields]bool
	ok := true
	for f := field(0); f < numFields; f++ {
		i := p.cols[f]
		if i < 0 || i >= len(cells) {
			continue
		}
		if n := utf8.RuneCountInString(cells[i]); n > MaxCellChars {
			ok, tooLong[f] = false, true
			p.problem(line, fieldNames[f], i18n.New("roster_cell_too_long", n, MaxCellChars))
			continue
		}
		values[f] = cleanCell(cells[i])
	}

	r := Row{Line: line}
	var info nip.Info
	nipOK := false
	if !tooLong[fNIP] {
		r.NIP, info, nipOK = p.checkNIP(line, values[fNIP])
	}
	ok = ok && nipOK
	for _, t := range []struct {
		f     field
		dst   *string
		empty string // message key
		long  string
	}{
		{fName, &r.Name, "roster_name_empty", "roster_name_too_long"},
		{fPosition, &r.Position, "roster_position_empty", "roster_position_too_long"},
		{fDepartment, &r.Department, "roster_department_empty", "roster_department_too_long"},
	} {
		v := values[t.f]
		switch n := utf8.RuneCountInString(v); {
		case tooLong[t.f]:
		case v == "":
			ok = false
			p.problem(line, fieldNames[t.f], i18n.New(t.empty))
		case n > MaxTextChars:
			ok = false
			p.problem(line, fieldNames[t.f], i18n.New(t.long, n, MaxTextChars))
		default:
			*t.dst = v
		}
	}
	if v := values[fParent]; v != "" {
		if n := utf8.RuneCountInString(v); n > MaxTextChars {
			ok = false
			p.problem(line, ColParent, i18n.New("roster_parent_too_long", n, MaxTextChars))
		} else if strings.EqualFold(v, r.Department) {
			ok = false
			p.problem(line, ColParent, i18n.New("roster_own_parent"))
		}
		r.Parent = v
	}
	if v := values[fEmail]; v != "" {
		if email, good := checkEmail(v); good {
			r.Email = email
		} else {
			ok = false
			p.problem(line, ColEmail, i18n.New("roster_email_invalid", v))
		}
	}
	if v := values[fPhone]; v != "" {
		phone, key := normalizePhone(v)
		if key != nil {
			ok = false
			p.problem(line, ColPhone, key)
		}
		r.Phone = phone
	}
	switch kind := strings.ToUpper(values[fKind]); kind {
	case "":
		r.Kind = info.Kind
	case nip.KindPNS, nip.KindPPPK, "P3K":
		if kind == "P3K" {
			kind = nip.KindPPPK
		}
		r.Kind = kind
		if nipOK && kind != info.Kind {
			ok = false
			p.problem(line, ColKind, i18n.New("roster_kind_mismatch", kind, info.Kind))
		}
	default:
		ok = false
		p.problem(line, ColKind, i18n.New("roster_kind_unknown", values[fKind]))
	}
	if nipOK {
		key, _ := strconv.ParseUint(r.NIP, 10, 64) // 18 validated digits always fit
		if prev, dup := p.seen[key]; dup {
			ok = false
			p.problem(line, ColNIP, i18n.New("roster_nip_duplicate", r.NIP, prev, prev, line))
		} else {
			p.seen[key] = uint32(line)
		}
	}
	if !ok {
		return
	}
	p.valid++
	switch {
	case p.config.sink == nil:
		p.rows = append(p.rows, r)
	case len(p.problems) == 0:
		if err := p.config.sink(r); err != nil {
			p.sinkErr, p.stopped = err, true
		}
	}
}

// checkNIP validates a NIP cell. It forgives what people and spreadsheets
// do to a correct NIP (nip.Normalize: a leading apostrophe, the printed
// grouping "19870312 201012 1 002", dots, dashes, ikrar's own ="…" export
// form) and explains the one thing it cannot undo: Excel storing the NIP as
// a number, which loses digits.
func (p *parser) checkNIP(line int, v string) (string, nip.Info, bool) {
	v = nip.Normalize(v)
	if scientific(v) {
		p.problem(line, ColNIP, i18n.New("roster_nip_scientific", v))
		return "", nip.Info{}, false
	}
	info, err := nip.ValidateAt(v, p.now)
	if err != nil {
		var e *nip.Error
		switch {
		case !errors.As(err, &e):
			p.problem(line, ColNIP, i18n.New("roster_nip_invalid", err.Error()))
		case e.Part == nip.PartSerial:
			// Excel keeps 15 significant digits, so a NIP stored as a
			// number ends in 000: say so rather than only "serial 000".
			p.problem(line, ColNIP, i18n.New("roster_nip_serial_excel", e.Msg))
		default:
			p.problem(line, ColNIP, e.Msg)
		}
		return "", nip.Info{}, false
	}
	return v, info, true
}

// scientific reports a number such as "1.98703E+17" or "1,98703122E+17".
func scientific(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i < 3 || i == len(s)-1 || (s[1] != '.' && s[1] != ',') {
		return false
	}
	exp := strings.TrimPrefix(s[i+1:], "+")
	return allDigits(s[:1]) && allDigits(s[2:i]) && allDigits(exp)
}

func allDigits(s string) bool {
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

// checkEmail accepts a bare address with a dotted domain; "budi@gmail" is a
// typo far more often than a real intranet address.
func checkEmail(v string) (string, bool) {
	if len(v) > maxEmailLen {
		return "", false
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v {
		return "", false
	}
	at := strings.LastIndexByte(v, '@')
	domain := v[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", false
	}
	return v, true
}

// normalizePhone turns an Indonesian number into digits with the country
// code: "0812-3456-789", "+62 812 3456 789" and "812 3456 789" (a leading
// zero Excel dropped) all become "628123456789". It returns the message
// of a problem, or nil.
func normalizePhone(v string) (phone string, problem *i18n.Error) {
	var b strings.Builder
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		case r == '+' && i == 0:
		default:
			return "", i18n.New("roster_phone_chars", v)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(v, "+") && !strings.HasPrefix(d, "62"):
		return "", i18n.New("roster_phone_foreign", v)
	case strings.HasPrefix(d, "62"):
	case strings.HasPrefix(d, "0"):
		d = "62" + d[1:]
	case strings.HasPrefix(d, "8"):
		d = "62" + d
	default:
		return "", i18n.New("roster_phone_prefix", v)
	}
	// 62 + an area code or mobile prefix + subscriber number: at least
	// 62 274 12345 (landline) and at most 15 digits (E.164).
	if len(d) < 10 || len(d) > 15 {
		return "", i18n.New("roster_phone_length", v, len(d), d)
	}
	return d, nil
}

// cleanCell trims, removes control and invisible format characters (a BOM
// or zero-width space pasted from a web page) and collapses whitespace runs,
// including non-breaking spaces, to one space.
func cleanCell(s string) string {
	if plain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// plain is the fast path of cleanCell: printable ASCII without leading,
// trailing or doubled spaces needs no work, which is nearly every cell.
func plain(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || (c == ' ' && s[i+1] == ' ') {
			return false
		}
	}
	return true
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimFunc(c, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) != "" {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
