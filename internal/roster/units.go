package roster

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/xuri/excelize/v2"
)

// Columns of a units file ("kode;nama;induk").
const (
	ColUnitCode   = "kode"
	ColUnitName   = "nama"
	ColUnitParent = "induk"
)

// MaxUnitRows bounds a units file: a province has a few thousand units.
const MaxUnitRows = 50_000

// maxUnitCode is the size of departments.code.
const maxUnitCode = 64

var unitHeaderAliases = map[string]string{
	"kode": ColUnitCode, "code": ColUnitCode, "kode unit": ColUnitCode, "kode unit kerja": ColUnitCode,
	"nama": ColUnitName, "name": ColUnitName, "nama unit": ColUnitName, "unit kerja": ColUnitName,
	"unit": ColUnitName, "nama unit kerja": ColUnitName, "department": ColUnitName,
	"induk": ColUnitParent, "parent": ColUnitParent, "unit induk": ColUnitParent, "kode induk": ColUnitParent,
	"parent unit": ColUnitParent, "unit kerja induk": ColUnitParent,
}

// ParseUnits reads a units file (CSV with ";" or "," or tab, or XLSX): a
// header naming at least nama, optionally kode and induk (the parent's code
// or name), then one unit per line. Every problem is reported with its line
// and column; any problem means no rows.
func ParseUnits(r io.Reader, filename string) ([]store.UnitRow, error) {
	var records func(yield func(line int, cells []string) bool) error
	switch ext := strings.ToLower(filepath.Ext(filename)); ext {
	case ".csv":
		records = func(yield func(int, []string) bool) error { return unitCSVRecords(r, yield) }
	case ".xlsx":
		records = func(yield func(int, []string) bool) error { return unitXLSXRecords(r, yield) }
	default:
		return nil, fileError(i18n.New("roster_format_unsupported", ext))
	}
	p := &unitParser{cols: map[string]int{}}
	if err := records(p.record); err != nil {
		return nil, err
	}
	return p.finish()
}

type unitParser struct {
	header   bool
	cols     map[string]int
	rows     []store.UnitRow
	problems []Problem
}

func (p *unitParser) problem(line int, col string, m *i18n.Error) {
	p.problems = append(p.problems, Problem{Line: line, Column: col, Msg: m})
}

func (p *unitParser) record(line int, cells []string) bool {
	if blank(cells) {
		return true
	}
	if !p.header {
		for i, c := range cells {
			if col, ok := unitHeaderAliases[normalizeHeader(c)]; ok {
				if _, dup := p.cols[col]; dup {
					p.problem(line, col, i18n.New("units_column_twice", col))
					return false
				}
				p.cols[col] = i
			}
		}
		if _, ok := p.cols[ColUnitName]; !ok {
			p.problem(line, "", i18n.New("units_no_header"))
			return false
		}
		p.header = true
		return true
	}
	if len(p.rows)+len(p.problems) >= MaxUnitRows {
		p.problem(line, "", i18n.New("units_too_many", MaxUnitRows))
		return false
	}
	cell := func(col string) string {
		i, ok := p.cols[col]
		if !ok || i >= len(cells) {
			return ""
		}
		return cleanCell(cells[i])
	}
	for _, c := range cells {
		if !utf8.ValidString(c) {
			p.problem(line, "", i18n.New("roster_not_utf8"))
			return true
		}
	}
	r := store.UnitRow{Line: line, Code: cell(ColUnitCode), Name: cell(ColUnitName), Parent: cell(ColUnitParent)}
	ok := true
	if r.Name == "" {
		ok = false
		p.problem(line, ColUnitName, i18n.New("units_name_empty"))
	}
	for _, t := range []struct {
		col, v string
		max    int
	}{{ColUnitCode, r.Code, maxUnitCode}, {ColUnitName, r.Name, MaxTextChars}, {ColUnitParent, r.Parent, MaxTextChars}} {
		if n := utf8.RuneCountInString(t.v); n > t.max {
			ok = false
			p.problem(line, t.col, i18n.New("units_too_long", n, t.max))
		}
	}
	if r.Parent != "" && (strings.EqualFold(r.Parent, r.Name) || (r.Code != "" && strings.EqualFold(r.Parent, r.Code))) {
		ok = false
		p.problem(line, ColUnitParent, i18n.New("roster_own_parent"))
	}
	if ok {
		if r.Code != "" {
			// Codes appear in URLs and file names: lower-case letters,
			// digits and "-" only, so "1.02.01" becomes "1-02-01".
			r.Code = store.DepartmentCode(r.Code)
		}
		p.rows = append(p.rows, r)
	}
	return true
}

func (p *unitParser) finish() ([]store.UnitRow, error) {
	if len(p.problems) == 0 && !p.header {
		p.problem(0, "", i18n.New("roster_file_empty"))
	}
	if len(p.problems) == 0 && len(p.rows) == 0 {
		p.problem(0, "", i18n.New("units_no_rows"))
	}
	if len(p.problems) > 0 {
		return nil, &Errors{Problems: p.problems}
	}
	return p.rows, nil
}

func unitCSVRecords(r io.Reader, yield func(int, []string) bool) error {
	br := bufio.NewReaderSize(r, sniffBytes)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	head, err := br.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("reading units CSV: %w", err)
	}
	cr := csv.NewReader(&recordLimiter{r: br, limit: maxRecordBytes})
	cr.Comma = sniffSeparator(head)
	cr.FieldsPerRecord = -1
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &Errors{Problems: []Problem{{Line: pe.StartLine, Msg: i18n.New("units_bad_quote", pe.Err.Error())}}}
			}
			return fileError(i18n.New("units_unreadable", err.Error()))
		}
		line, _ := cr.FieldPos(0)
		if !yield(line, rec) {
			return nil
		}
	}
}

func unitXLSXRecords(r io.Reader, yield func(int, []string) bool) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = notXLSX(fmt.Errorf("%v", v))
		}
	}()
	b, err := io.ReadAll(r) // the XLSX reader needs random access; callers bound r
	if err != nil {
		return notXLSX(err)
	}
	if err := checkXLSXSizes(b, UploadLimits); err != nil { // a units file is small; refuse a bomb before it inflates
		return err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: UploadLimits.MaxUnzipped})
	if err != nil {
		return notXLSX(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return fileError(i18n.New("roster_no_sheet"))
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return notXLSX(err)
	}
	defer it.Close()
	for line := 1; it.Next(); line++ {
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return notXLSX(err)
		}
		if !yield(line, cells) {
			return nil
		}
	}
	return nil
}

// ImportUnits parses a units file and applies it in one transaction (or
// only previews it with dryRun). The CLI and the admin page both call it.
func ImportUnits(ctx context.Context, st *store.Store, actor, filename string, r io.Reader, dryRun bool) (store.UnitsResult, error) {
	rows, err := ParseUnits(r, filename)
	if err != nil {
		return store.UnitsResult{}, err
	}
	res, err := st.ImportUnits(ctx, actor, filename, rows, dryRun)
	if err != nil {
		return store.UnitsResult{}, asProblems("import units "+filename, err)
	}
	return res, nil
}
