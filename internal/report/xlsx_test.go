package report

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar/ikrar/internal/wib"
)

func openXLSX(t *testing.T, r Report) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, r); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	writeSample(t, "report.xlsx", buf.Bytes())
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("workbook does not open: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// numberCell asserts the cell holds a number (excelize reports the OOXML
// default type, an omitted t attribute, as CellTypeUnset) and returns it.
func numberCell(t *testing.T, f *excelize.File, sheet, cell string) float64 {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Fatalf("%s!%s has cell type %v, want a number", sheet, cell, typ)
	}
	raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("%s!%s raw value %q is not a number", sheet, cell, raw)
	}
	return v
}

// textCell asserts the cell is stored as a string and returns it.
func textCell(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Fatalf("%s!%s has cell type %v, want text", sheet, cell, typ)
	}
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func cellNumFmt(t *testing.T, f *excelize.File, sheet, cell string) (builtin int, custom string) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		custom = *st.CustomNumFmt
	}
	return st.NumFmt, custom
}

func TestWriteXLSXDepartmentReport(t *testing.T) {
	r := departmentReport(120)
	r.Departments = []DepartmentStat{
		{Code: "1.05", Name: "Dinas Pendidikan, Pemuda, dan Olahraga", Roster: 100, Signed: 57},
		{Code: "1.05.1", ParentCode: "1.05", Name: "=Bidang Pendidikan Dasar", Depth: 1, Roster: 20, Signed: 19, OwnRoster: 20},
	}
	for i, payload := range injectionPayloads {
		r.People[i].Name = payload
	}
	r.People[10].NIP = "199812312024212001"
	f := openXLSX(t, r)

	if got, want := f.GetSheetList(), []string{SheetSummary, SheetPeople, SheetInfo}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}

	// Ringkasan: counts are numbers, percent is a fraction with a % format.
	for cell, want := range map[string]float64{"F2": 100, "G2": 57, "H2": 43, "F3": 20, "G3": 19, "H3": 1, "C3": 2, "E3": 20} {
		if got := numberCell(t, f, SheetSummary, cell); got != want {
			t.Errorf("%s = %v, want %v", cell, got, want)
		}
	}
	if got := numberCell(t, f, SheetSummary, "I2"); got != 0.57 {
		t.Errorf("percent I2 = %v, want 0.57", got)
	}
	if _, custom := cellNumFmt(t, f, SheetSummary, "I2"); !strings.Contains(custom, "%") {
		t.Errorf("percent I2 number format = %q, want a %% format", custom)
	}
	if got := textCell(t, f, SheetSummary, "D3"); got != "'=Bidang Pendidikan Dasar" {
		t.Errorf("department name = %q, want neutralised", got)
	}
	if got := textCell(t, f, SheetSummary, "D4"); got != "Jumlah" {
		t.Errorf("totals label = %q", got)
	}
	if got := numberCell(t, f, SheetSummary, "F4"); got != float64(r.Total.Roster) {
		t.Errorf("totals roster = %v, want %d", got, r.Total.Roster)
	}

	// Pegawai: NIP as exact text, sign time as a real date-time in WIB.
	for i, p := range r.People {
		row := strconv.Itoa(i + 2)
		if got := textCell(t, f, SheetPeople, "A"+row); got != p.NIP {
			t.Fatalf("row %s NIP = %q, want %q", row, got, p.NIP)
		}
	}
	first := r.People[0]
	if !first.Signed() {
		t.Fatal("fixture: first person should have signed")
	}
	serial := numberCell(t, f, SheetPeople, "G2")
	if serial < 46000 || serial > 47000 { // 2025-12 … 2028-09
		t.Errorf("date serial %v is not in the expected range", serial)
	}
	if _, custom := cellNumFmt(t, f, SheetPeople, "G2"); custom != xlsxDateTimeFormat {
		t.Errorf("date cell number format = %q, want %q", custom, xlsxDateTimeFormat)
	}
	shown, err := f.GetCellValue(SheetPeople, "G2")
	if err != nil {
		t.Fatal(err)
	}
	if want := first.SignedAt.In(wib.Zone).Format("02/01/2006 15:04"); shown != want {
		t.Errorf("date shows %q, want %q (WIB)", shown, want)
	}
	for i, payload := range injectionPayloads {
		if got := textCell(t, f, SheetPeople, "B"+strconv.Itoa(i+2)); got != "'"+payload {
			t.Errorf("payload %q stored as %q", payload, got)
		}
	}

	// Header rows: bold, frozen, filterable.
	for _, sheet := range []string{SheetSummary, SheetPeople} {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header not frozen: %+v", sheet, panes)
		}
		id, err := f.GetCellStyle(sheet, "A1")
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Font == nil || !st.Font.Bold {
			t.Errorf("%s: header not bold", sheet)
		}
	}
	filters := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" {
			filters[dn.Scope] = dn.RefersTo
		}
	}
	if got := filters[SheetSummary]; !strings.HasSuffix(got, "$A$1:$I$3") {
		t.Errorf("summary autofilter = %q, want the header and department rows only", got)
	}
	if got := filters[SheetPeople]; !strings.HasSuffix(got, "$A$1:$J$121") {
		t.Errorf("people autofilter = %q", got)
	}
}

func TestWriteXLSXSummaryHasNoPeopleSheet(t *testing.T) {
	f := openXLSX(t, summaryReport(30))
	if got := f.GetSheetList(); slices.Contains(got, SheetPeople) {
		t.Errorf("summary workbook has sheets %q, want no %s", got, SheetPeople)
	}
	rows, err := f.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 32 {
		t.Errorf("summary has %d rows, want header + 30 + totals", len(rows))
	}
	if got := numberCell(t, f, SheetInfo, "B6"); got < 46000 {
		t.Errorf("report time is not a date serial: %v", got)
	}
}

func TestWriteXLSXEmptyReport(t *testing.T) {
	f := openXLSX(t, Report{})
	if got, want := f.GetSheetList(), []string{SheetSummary, SheetInfo}; !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	if got := numberCell(t, f, SheetSummary, "F2"); got != 0 {
		t.Errorf("empty totals roster = %v", got)
	}
}
