package report

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
)

// Sheet names of the workbook; callers reading it back rely on them.
const (
	SheetSummary = "Ringkasan"
	SheetPeople  = "Pegawai"
	SheetInfo    = "Keterangan"
)

// xlsxDateTimeFormat is the day-first format Indonesian users expect.
const xlsxDateTimeFormat = "dd/mm/yyyy hh:mm"

// xlsxStyles holds the style IDs registered once per workbook.
type xlsxStyles struct {
	header, text, int, percent, dateTime       int
	totalText, totalInt, totalPercent, heading int
	indent                                     map[int]int
}

// WriteXLSX writes the report as an Excel workbook: sheet "Ringkasan" with
// one row per department and a totals row (counts as numbers, completion as a
// number with a % format), sheet "Pegawai" when the report has people (NIP
// as text, signing time as a real date-time in WIB), and sheet "Keterangan"
// with the report's title data. Header rows are bold, frozen and filterable.
func WriteXLSX(w io.Writer, r Report) error {
	return writeXLSX(w, r, func(fn func([]Person) error) error {
		if len(r.People) == 0 {
			return nil
		}
		return fn(r.People)
	})
}

// StreamDepartmentXLSX writes what WriteXLSX writes for BuildDepartment's
// report, reading the people batch by batch as it writes (EachPerson): a
// unit holding a whole roster costs one batch of memory (the sheet's XML
// goes to a temporary file, see writeXLSX). It returns the report without
// its people.
func StreamDepartmentXLSX(ctx context.Context, w io.Writer, st *store.Store, sc org.Scope, dept store.Department, camp store.Campaign, now time.Time) (Report, error) {
	r, err := BuildSummary(ctx, st, sc.Narrow(dept.ID), camp, now)
	if err != nil {
		return Report{}, err
	}
	r.Scope = dept.Name
	err = writeXLSX(w, r, func(fn func([]Person) error) error {
		return EachPerson(ctx, st, sc, dept, camp, fn)
	})
	if err != nil {
		return Report{}, err
	}
	return r, nil
}

// writeXLSX writes the workbook of r with the people that each yields, in
// batches, in order (r.People is not read).
//
// The people sheet goes through excelize's StreamWriter, which keeps its
// XML in a temporary file past 16 MB instead of a cell tree in memory
// (before: 800 MB for 100,000 people). excelize builds the archive in a
// bytes.Buffer before copying it to w; the zip writer given to it writes
// to w itself instead, so the buffer stays empty and the archive is never
// whole in memory either.
func writeXLSX(w io.Writer, r Report, each func(func([]Person) error) error) error {
	f := excelize.NewFile()
	defer f.Close() //nolint:errcheck // removes the stream's temporary file; nothing to flush
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })

	if err := buildWorkbook(f, r, each); err != nil {
		return fmt.Errorf("report: build XLSX: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: write XLSX: %w", err)
	}
	return nil
}

func buildWorkbook(f *excelize.File, r Report, each func(func([]Person) error) error) error {
	st, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	if err := writeSummarySheet(f, st, r); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetSummary, err)
	}
	// Before the people sheet exists: SetActiveSheet reads every sheet
	// back, and would parse the streamed one's whole XML (164 MB of
	// allocations for 10,000 people).
	f.SetActiveSheet(0)
	if err := writePeopleSheet(f, st, each); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetPeople, err)
	}
	if _, err := f.NewSheet(SheetInfo); err != nil {
		return err
	}
	if err := writeInfoSheet(f, st, r); err != nil {
		return fmt.Errorf("sheet %s: %w", SheetInfo, err)
	}
	props := &excelize.DocProperties{
		Title:       reportTitle(),
		Subject:     r.CampaignTitle,
		Creator:     "ikrar",
		Description: r.Instansi + " — " + r.Scope,
		Language:    "id-ID",
	}
	if !r.GeneratedAt.IsZero() {
		props.Created = r.GeneratedAt.UTC().Format(time.RFC3339)
		props.Modified = props.Created
	}
	return f.SetDocProps(props)
}

func newXLSXStyles(f *excelize.File) (*xlsxStyles, error) {
	border := []excelize.Border{{Type: "bottom", Color: "1F3A5F", Style: 1}}
	dateFmt := xlsxDateTimeFormat
	pctFmt := "0.0%"
	const textFmt = 49 // built-in "@": keeps NIPs as text if a user edits the cell
	st := &xlsxStyles{indent: map[int]int{}}
	mk := func(s *excelize.Style) (int, error) { return f.NewStyle(s) }
	var err error
	if st.header, err = mk(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F3A5F"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		Border:    border,
	}); err != nil {
		return nil, err
	}
	if st.text, err = mk(&excelize.Style{NumFmt: textFmt}); err != nil {
		return nil, err
	}
	if st.int, err = mk(&excelize.Style{NumFmt: 3}); err != nil { // "#,##0"
		return nil, err
	}
	if st.percent, err = mk(&excelize.Style{CustomNumFmt: &pctFmt}); err != nil {
		return nil, err
	}
	if st.dateTime, err = mk(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return nil, err
	}
	totalBorder := []excelize.Border{{Type: "top", Color: "1F3A5F", Style: 2}}
	if st.totalText, err = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: totalBorder}); err != nil {
		return nil, err
	}
	if st.totalInt, err = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: totalBorder, NumFmt: 3}); err != nil {
		return nil, err
	}
	if st.totalPercent, err = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: totalBorder, CustomNumFmt: &pctFmt}); err != nil {
		return nil, err
	}
	if st.heading, err = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}); err != nil {
		return nil, err
	}
	return st, nil
}

// indentStyle returns a text style indented by depth levels, so child
// departments read as a tree.
func (st *xlsxStyles) indentStyle(f *excelize.File, depth int) (int, error) {
	if depth <= 0 {
		return st.text, nil
	}
	depth = min(depth, 15) // Excel caps indentation at 15 levels
	if id, ok := st.indent[depth]; ok {
		return id, nil
	}
	id, err := f.NewStyle(&excelize.Style{NumFmt: 49 /* "@" */, Alignment: &excelize.Alignment{Horizontal: "left", Indent: depth * 2}})
	if err != nil {
		return 0, err
	}
	st.indent[depth] = id
	return id, nil
}

func cellName(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		// Only reachable with a column/row outside Excel's grid, which the
		// fixed layouts here never produce.
		panic(err)
	}
	return name
}

// setRow writes values from column A and applies the matching style IDs
// (0 keeps the default style).
func setRow(f *excelize.File, sheet string, row int, values []any, styles []int) error {
	for i, v := range values {
		c := cellName(i+1, row)
		var err error
		switch v := v.(type) {
		case string:
			if v == "" {
				break // leave the cell blank rather than an empty string
			}
			// SetCellStr never interprets the text, so a NIP stays a string.
			err = f.SetCellStr(sheet, c, v)
		default:
			err = f.SetCellValue(sheet, c, v)
		}
		if err != nil {
			return err
		}
		if i < len(styles) && styles[i] != 0 {
			if err := f.SetCellStyle(sheet, c, c, styles[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// finishTable styles the header row, freezes it and adds an autofilter over
// the header and data rows (rows 1..lastDataRow); lastRow is the last row
// written, recorded as the sheet's used range.
func finishTable(f *excelize.File, sheet string, st *xlsxStyles, cols, lastDataRow, lastRow int) error {
	if err := f.SetSheetDimension(sheet, "A1:"+cellName(cols, lastRow)); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", cellName(cols, 1), st.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 20); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	return f.AutoFilter(sheet, "A1:"+cellName(cols, max(lastDataRow, 2)), nil)
}

func writeSummarySheet(f *excelize.File, st *xlsxStyles, r Report) error {
	const sheet = SheetSummary
	// Jumlah Pegawai, Sudah and Belum include sub-units; Pegawai Sendiri
	// is the unit's own staff, so its column sums to the roster.
	header := []any{i18n.T(pdfLang, "xlsx_col_code"), i18n.T(pdfLang, "xlsx_col_parent"), i18n.T(pdfLang, "xlsx_col_level"), i18n.T(pdfLang, "xlsx_col_unit"), i18n.T(pdfLang, "xlsx_col_own"), i18n.T(pdfLang, "xlsx_col_roster"), i18n.T(pdfLang, "report_col_signed"), i18n.T(pdfLang, "report_col_pending"), i18n.T(pdfLang, "report_col_percent")}
	if err := setRow(f, sheet, 1, header, nil); err != nil {
		return err
	}
	row := 2
	for _, d := range r.Departments {
		nameStyle, err := st.indentStyle(f, d.Depth)
		if err != nil {
			return err
		}
		if err := setRow(f, sheet, row,
			[]any{Neutralize(d.Code), Neutralize(d.ParentCode), d.Depth + 1, Neutralize(d.Name), d.OwnRoster, d.Roster, d.Signed, d.Pending(), xlsxPercent(d)},
			[]int{st.text, st.text, st.int, nameStyle, st.int, st.int, st.int, st.int, st.percent}); err != nil {
			return err
		}
		row++
	}
	// The totals row sits just below the filter range so sorting or
	// filtering departments never moves it.
	if err := setRow(f, sheet, row,
		[]any{"", "", "", i18n.T(pdfLang, "report_total_row"), r.Total.OwnRoster, r.Total.Roster, r.Total.Signed, r.Total.Pending(), xlsxPercent(r.Total)},
		[]int{st.totalText, st.totalText, st.totalText, st.totalText, st.totalInt, st.totalInt, st.totalInt, st.totalInt, st.totalPercent}); err != nil {
		return err
	}
	for _, cw := range []struct {
		col   string
		width float64
	}{{"A", 12}, {"B", 12}, {"C", 8}, {"D", 52}, {"E", 16}, {"F", 16}, {"G", 11}, {"H", 11}, {"I", 10}} {
		if err := f.SetColWidth(sheet, cw.col, cw.col, cw.width); err != nil {
			return err
		}
	}
	return finishTable(f, sheet, st, len(header), row-1, row)
}

// xlsxPercent is a percentage cell: the exact fraction, which the percent
// number format shows with one decimal, or "—" for a unit with nobody to
// sign.
func xlsxPercent(d DepartmentStat) any {
	if d.Empty() {
		return "—"
	}
	return d.Fraction()
}

// peopleHeaderKeys and peopleWidths are the people sheet's columns.
var (
	peopleHeaderKeys = []string{"report_col_nip", "report_col_name", "report_col_position", "xlsx_col_kind", "xlsx_col_unit", "xlsx_col_status", "xlsx_col_signed_at", "xlsx_col_cert", "xlsx_col_moved", "xlsx_col_reach"}
	peopleWidths     = []float64{21, 34, 34, 8, 34, 9, 18, 18, 30}
)

// writePeopleSheet adds sheet "Pegawai" once the first person comes, and
// writes it through a StreamWriter: rows in order, column widths and the
// frozen header before them, the filter and the ignored-error range
// (recorded on the sheet, written by Flush) after them.
func writePeopleSheet(f *excelize.File, st *xlsxStyles, each func(func([]Person) error) error) error {
	const sheet = SheetPeople
	var sw *excelize.StreamWriter
	row := 1
	cells := make([]any, len(peopleHeaderKeys))
	err := each(func(people []Person) error {
		if sw == nil && len(people) > 0 {
			var err error
			if sw, err = startPeopleSheet(f, st); err != nil {
				return err
			}
		}
		for _, p := range people {
			row++
			status := i18n.T(pdfLang, "xlsx_status_pending")
			var at any
			if p.Signed() {
				status = i18n.T(pdfLang, "xlsx_status_signed")
				// excelize stores the wall-clock time of the value's
				// location, so converting to WIB makes the cell show WIB.
				at = p.SignedAt.In(wib.Zone)
			}
			for i, v := range []any{Neutralize(p.NIP), Neutralize(p.Name), Neutralize(p.Position), Neutralize(p.Kind),
				Neutralize(p.Department), status, at, Neutralize(p.CertificateCode), Neutralize(p.MovedFrom), Neutralize(p.Reach)} {
				style := st.text
				if i == 6 {
					style = st.dateTime
				}
				if v == "" {
					v = nil // a blank cell with its style, not an empty string
				}
				cells[i] = excelize.Cell{StyleID: style, Value: v}
			}
			if err := sw.SetRow(cellName(1, row), cells); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || sw == nil {
		return err
	}
	last := row
	if last >= 2 {
		// NIPs are digits stored as text on purpose (18 digits exceed Excel's
		// 15-digit precision); silence Excel's green-triangle warning.
		if err := f.AddIgnoredErrors(sheet, "A2:A"+fmt.Sprint(last), excelize.IgnoredErrorsNumberStoredAsText); err != nil {
			return err
		}
	}
	if err := f.AutoFilter(sheet, "A1:"+cellName(len(peopleHeaderKeys), max(last, 2)), nil); err != nil {
		return err
	}
	return sw.Flush()
}

// startPeopleSheet creates the people sheet and writes what must come
// before its rows: widths, the frozen pane and the styled header.
func startPeopleSheet(f *excelize.File, st *xlsxStyles) (*excelize.StreamWriter, error) {
	if _, err := f.NewSheet(SheetPeople); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(SheetPeople)
	if err != nil {
		return nil, err
	}
	// Right to left: each width is put in front of those set before, and
	// the StreamWriter writes them as they are; spreadsheet programs want
	// <col> elements in ascending order.
	for i := len(peopleWidths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, peopleWidths[i]); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return nil, err
	}
	header := make([]any, len(peopleHeaderKeys))
	for i, key := range peopleHeaderKeys {
		header[i] = excelize.Cell{StyleID: st.header, Value: i18n.T(pdfLang, key)}
	}
	return sw, sw.SetRow("A1", header, excelize.RowOpts{Height: 20})
}

func writeInfoSheet(f *excelize.File, st *xlsxStyles, r Report) error {
	const sheet = SheetInfo
	if err := setRow(f, sheet, 1, []any{reportTitle()}, []int{st.heading}); err != nil {
		return err
	}
	var generated any = ""
	if !r.GeneratedAt.IsZero() {
		generated = r.GeneratedAt.In(wib.Zone)
	}
	rows := [][]any{
		{i18n.T(pdfLang, "xlsx_info_instansi"), Neutralize(r.Instansi)},
		{i18n.T(pdfLang, "xlsx_info_campaign"), Neutralize(r.CampaignTitle)},
		{i18n.T(pdfLang, "xlsx_info_scope"), Neutralize(r.Scope)},
		{i18n.T(pdfLang, "xlsx_info_time"), generated},
		{i18n.T(pdfLang, "xlsx_info_made_by"), "ikrar"},
	}
	for i, vals := range rows {
		styles := []int{st.totalText, st.text}
		if _, ok := vals[1].(time.Time); ok {
			styles[1] = st.dateTime
		}
		if err := setRow(f, sheet, i+3, vals, styles); err != nil {
			return err
		}
	}
	if err := f.SetSheetDimension(sheet, "A1:B"+fmt.Sprint(len(rows)+2)); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", "A", 22); err != nil {
		return err
	}
	return f.SetColWidth(sheet, "B", "B", 70)
}
