package report

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pdfkit"
	"github.com/ikrar/ikrar/internal/wib"
)

// Page geometry of the report, in mm.
const (
	marginX       = 15.0
	contentW      = pageW - 2*marginX
	contentBottom = pageH - 17 // footer rule sits below this
	footerRuleY   = pageH - 13
	chartMaxBars  = 20
	dailyMaxDays  = 31
)

// pdfLang is the language the PDFs are printed in: their words are
// catalogue keys (package i18n), worded in Indonesian.
const pdfLang = "id"

// reportTitle is the document title printed on every report.
func reportTitle() string { return i18n.T(pdfLang, "report_title") }

// continued marks a section title repeated on the next page.
func continued() string { return " " + i18n.T(pdfLang, "report_continued") }

// reportPDF carries the drawing state of one report: the document and the
// current vertical position.
type reportPDF struct {
	*pdfDoc
	r         Report
	y         float64
	generated string
}

// WritePDF renders the report as an A4 PDF: a title band, the totals, the
// completion table per department, a bar chart of completion per department,
// a chart of signatures per day, and (for department reports) the lists of
// people who signed and who have not. Tables continue across pages with
// their header repeated; every page carries "Halaman X dari Y".
func WritePDF(w io.Writer, r Report) error {
	if err := CheckPDFPeople(len(r.People)); err != nil {
		return err
	}
	doc := newPDFDoc(reportTitle()+" — "+r.Scope, r.Instansi, r.GeneratedAt)
	rp := &reportPDF{pdfDoc: doc, r: r, generated: wib.DateTime(r.GeneratedAt)}
	doc.f.SetHeaderFunc(rp.header)
	doc.f.SetFooterFunc(rp.footer)
	doc.f.AddPage()

	rp.totals()
	rp.departmentTable()
	rp.percentChart()
	rp.dailyChart()
	if len(r.People) > 0 {
		signed, pending := splitPeople(r.People)
		rp.peopleTable(i18n.T(pdfLang, "report_signed_n", formatIntID(len(signed))), signed, true,
			i18n.T(pdfLang, "report_none_signed"))
		rp.peopleTable(i18n.T(pdfLang, "report_pending_n", formatIntID(len(pending))), pending, false,
			i18n.T(pdfLang, "report_all_signed"))
	}
	return doc.output(w, "PDF report")
}

// header draws the title band on the first page and a slim running header on
// the others, then places the cursor below it.
func (rp *reportPDF) header() {
	f := rp.f
	if f.PageNo() > 1 {
		rp.font(false, 7.5)
		rp.textColor(pdfkit.Muted)
		left := joinNonEmpty(" · ", rp.r.Instansi, reportTitle())
		rp.font(true, 7.5)
		scope := rp.fit(rp.r.Scope, 70)
		scopeW := rp.width(scope)
		rp.text(marginX, 11, contentW, scope, 'R')
		rp.font(false, 7.5)
		rp.text(marginX, 11, 0, rp.fit(left, contentW-scopeW-6), 'L')
		rp.draw(pdfkit.Navy)
		f.SetLineWidth(0.35)
		f.Line(marginX, 13.5, pageW-marginX, 13.5)
		rp.y = 20
		return
	}

	rp.font(false, 9.5)
	campaign := rp.wrap(rp.r.CampaignTitle, contentW, 2)
	bandH := 29 + float64(len(campaign))*4.6
	rp.fill(pdfkit.Navy)
	f.Rect(0, 0, pageW, bandH, "F")
	rp.fill(pdfkit.Gold)
	f.Rect(0, bandH, pageW, 1.1, "F")

	rp.font(true, 8.5)
	rp.textColor(pdfkit.NavyLight)
	rp.text(marginX, 11, 0, rp.fit(strings.ToUpper(rp.r.Instansi), contentW), 'L')
	rp.font(true, 17)
	rp.textColor(pdfkit.White)
	rp.text(marginX, 20.5, 0, reportTitle(), 'L')
	rp.font(false, 9.5)
	rp.textColor(pdfkit.NavyLight)
	for i, line := range campaign {
		rp.text(marginX, 27.5+float64(i)*4.6, 0, line, 'L')
	}

	// Scope and time of the report, as a two-column label/value strip.
	top := bandH + 7
	half := contentW / 2
	rp.font(false, 7.5)
	rp.textColor(pdfkit.Muted)
	rp.text(marginX, top, 0, i18n.T(pdfLang, "report_scope"), 'L')
	rp.text(marginX+half, top, half, i18n.T(pdfLang, "report_time"), 'R')
	rp.font(true, 10.5)
	rp.textColor(pdfkit.Ink)
	rp.text(marginX, top+5.5, 0, rp.fit(rp.r.Scope, half+20), 'L')
	rp.font(false, 10.5)
	rp.text(marginX+half, top+5.5, half, rp.generated, 'R')
	rp.y = top + 12
}

func (rp *reportPDF) footer() {
	made := i18n.T(pdfLang, "report_made_by")
	if rp.generated != "" {
		made = i18n.T(pdfLang, "report_made_by_at", rp.generated)
	}
	pdfkit.Footer{Left: marginX, Right: pageW - marginX, RuleY: footerRuleY,
		Made: joinNonEmpty(" · ", made, rp.r.CampaignTitle), Note: rp.r.Checkpoint}.Draw(rp.f)
}

// newPage starts a page; the header callback resets rp.y.
func (rp *reportPDF) newPage() { rp.f.AddPage() }

// ensure starts a new page unless h mm still fit on this one.
func (rp *reportPDF) ensure(h float64) {
	if rp.y+h > contentBottom {
		rp.newPage()
	}
}

// sectionTitle prints a section heading and keeps it on the same page as
// the first keep mm of its content.
func (rp *reportPDF) sectionTitle(title string, keep float64) {
	rp.ensure(11 + keep)
	rp.y += 2
	rp.font(true, 11.5)
	rp.textColor(pdfkit.Navy)
	rp.text(marginX, rp.y+4, 0, title, 'L')
	if !strings.HasSuffix(title, continued()) {
		rp.f.Bookmark(pdfkit.Text(title), 0, rp.y) // one outline entry per section
	}
	rp.fill(pdfkit.Gold)
	rp.f.Rect(marginX, rp.y+6, 14, 0.8, "F")
	rp.draw(pdfkit.Rule)
	rp.f.SetLineWidth(0.2)
	rp.f.Line(marginX+14, rp.y+6.4, pageW-marginX, rp.y+6.4)
	rp.y += 10
}

// totals draws the four headline figures and an overall progress bar.
func (rp *reportPDF) totals() {
	t := rp.r.Total
	cards := []struct {
		label, value string
		accent       pdfkit.RGB
	}{
		{i18n.T(pdfLang, "report_card_roster"), formatIntID(t.Roster), pdfkit.Navy},
		{i18n.T(pdfLang, "report_card_signed"), formatIntID(t.Signed), pdfkit.Green},
		{i18n.T(pdfLang, "report_card_pending"), formatIntID(t.Pending()), pdfkit.Red},
		{i18n.T(pdfLang, "report_card_percent"), formatPercentID(t), pdfkit.Gold},
	}
	const gap, h = 4.0, 20.0
	w := (contentW - gap*float64(len(cards)-1)) / float64(len(cards))
	for i, c := range cards {
		x := marginX + float64(i)*(w+gap)
		rp.fill(pdfkit.Zebra)
		rp.f.Rect(x, rp.y, w, h, "F")
		rp.fill(c.accent)
		rp.f.Rect(x, rp.y, 1.2, h, "F")
		rp.font(true, 6.5)
		rp.textColor(pdfkit.Muted)
		rp.text(x+4, rp.y+6, 0, c.label, 'L')
		rp.font(true, 17)
		rp.textColor(pdfkit.Ink)
		rp.text(x+4, rp.y+15.5, 0, c.value, 'L')
	}
	rp.y += h + 5
	rp.progressBar(marginX, rp.y, contentW, 2.6, t.Percent())
	rp.y += 7
	rp.font(false, 8.5)
	rp.textColor(pdfkit.Muted)
	rp.text(marginX, rp.y, 0, i18n.T(pdfLang, "report_total_line",
		formatIntID(t.Signed), formatIntID(t.Roster), formatPercentID(t)), 'L')
	rp.y += 6
}

// column describes one table column.
type column struct {
	title    string
	w        float64
	align    byte // 'L', 'R' or 'C'
	maxLines int  // lines a cell may wrap to; 1 truncates with an ellipsis
	bar      bool // draws a progress bar from tableRow.pct instead of text
}

// tableRow is one body row of a table.
type tableRow struct {
	cells  []string
	indent float64 // mm, applied to the first wrapping column
	bold   bool
	total  bool    // totals row: heavier rule above, tinted
	pct    float64 // for bar columns
}

// tableSpec is a table with its section title, repeated with "(lanjutan)"
// when the table continues on a new page.
type tableSpec struct {
	title    string
	cols     []column
	fontSize float64
}

const (
	cellPadX   = 1.8
	cellPadY   = 1.5
	tableHeadH = 7.0
)

// table draws spec with rows, breaking pages between rows and repeating the
// column header (and the section title) on each new page.
func (rp *reportPDF) table(spec tableSpec, rows []tableRow) {
	f := rp.f
	rp.font(false, spec.fontSize)
	lineH := rp.lineHeight()
	capH := spec.fontSize * ptToMM * 0.73

	head := func() {
		rp.fill(pdfkit.Navy)
		f.Rect(marginX, rp.y, contentW, tableHeadH, "F")
		rp.font(true, spec.fontSize-0.5)
		rp.textColor(pdfkit.White)
		x := marginX
		for _, c := range spec.cols {
			rp.text(x+cellPadX, rp.baseline(rp.y, tableHeadH), c.w-2*cellPadX, c.title, c.align)
			x += c.w
		}
		rp.y += tableHeadH
	}

	// Keep the title, the header and the first row together.
	rp.sectionTitle(spec.title, tableHeadH+lineH+2*cellPadY)
	head()
	for i, row := range rows {
		rp.font(row.bold, spec.fontSize)
		cells := make([][]string, len(spec.cols))
		lines := 1
		indentUsed := false
		for j, c := range spec.cols {
			if c.bar {
				continue
			}
			text := ""
			if j < len(row.cells) {
				text = row.cells[j]
			}
			avail := c.w - 2*cellPadX
			if c.maxLines > 1 && !indentUsed {
				avail -= row.indent
			}
			if c.maxLines > 1 {
				cells[j] = rp.wrap(text, avail, c.maxLines)
			} else {
				cells[j] = []string{rp.fit(text, avail)}
			}
			lines = max(lines, len(cells[j]))
			if c.maxLines > 1 {
				indentUsed = true
			}
		}
		rowH := float64(lines)*lineH + 2*cellPadY
		if rp.y+rowH > contentBottom {
			rp.closeTable()
			rp.newPage()
			rp.sectionTitle(spec.title+continued(), tableHeadH+rowH)
			head()
			rp.font(row.bold, spec.fontSize)
		}
		switch {
		case row.total:
			rp.fill(pdfkit.NavyLight)
			f.Rect(marginX, rp.y, contentW, rowH, "F")
			rp.draw(pdfkit.Navy)
			f.SetLineWidth(0.5)
			f.Line(marginX, rp.y, pageW-marginX, rp.y)
		case i%2 == 1:
			rp.fill(pdfkit.Zebra)
			f.Rect(marginX, rp.y, contentW, rowH, "F")
		}
		rp.textColor(pdfkit.Ink)
		x := marginX
		indentUsed = false
		for j, c := range spec.cols {
			if c.bar {
				// Level with the first text line, like the numbers.
				rp.progressBar(x+cellPadX, rp.y+cellPadY+lineH/2-1.2, c.w-2*cellPadX, 2.4, row.pct)
				x += c.w
				continue
			}
			tx, tw := x+cellPadX, c.w-2*cellPadX
			if c.maxLines > 1 && !indentUsed {
				tx += row.indent
				tw -= row.indent
				indentUsed = true
			}
			for k, line := range cells[j] {
				base := rp.y + cellPadY + float64(k)*lineH + (lineH+capH)/2
				rp.text(tx, base, tw, line, c.align)
			}
			x += c.w
		}
		rp.y += rowH
	}
	rp.closeTable()
	rp.y += 5
}

// closeTable draws the rule that ends a table (or its part on this page).
func (rp *reportPDF) closeTable() {
	rp.draw(pdfkit.Navy)
	rp.f.SetLineWidth(0.35)
	rp.f.Line(marginX, rp.y, pageW-marginX, rp.y)
}

func (rp *reportPDF) departmentTable() {
	if len(rp.r.Departments) < 2 {
		return // a single department is exactly the totals shown above
	}
	spec := tableSpec{
		title:    i18n.T(pdfLang, "report_units_title"),
		fontSize: 8,
		cols: []column{
			{title: i18n.T(pdfLang, "report_col_code"), w: 20, align: 'L', maxLines: 1},
			{title: i18n.T(pdfLang, "report_col_unit"), w: 70, align: 'L', maxLines: 2},
			{title: i18n.T(pdfLang, "report_col_staff"), w: 17, align: 'R', maxLines: 1},
			{title: i18n.T(pdfLang, "report_col_signed"), w: 16, align: 'R', maxLines: 1},
			{title: i18n.T(pdfLang, "report_col_pending"), w: 16, align: 'R', maxLines: 1},
			{title: i18n.T(pdfLang, "report_col_percent"), w: 17, align: 'R', maxLines: 1},
			{title: i18n.T(pdfLang, "report_col_progress"), w: 24, align: 'L', bar: true},
		},
	}
	rows := make([]tableRow, 0, len(rp.r.Departments)+1)
	ds := rp.r.Departments
	for i, d := range ds {
		rows = append(rows, tableRow{
			cells:  []string{d.Code, d.Name, formatIntID(d.Roster), formatIntID(d.Signed), formatIntID(d.Pending()), formatPercentID(d)},
			indent: float64(min(max(d.Depth, 0), 6)) * 4,
			// A parent (followed by deeper rows) is bold so its children
			// read as a group under it.
			bold: i+1 < len(ds) && ds[i+1].Depth > d.Depth,
			pct:  d.Percent(),
		})
	}
	t := rp.r.Total
	rows = append(rows, tableRow{
		cells: []string{"", i18n.T(pdfLang, "report_total_row"), formatIntID(t.Roster), formatIntID(t.Signed), formatIntID(t.Pending()), formatPercentID(t)},
		bold:  true, total: true, pct: t.Percent(),
	})
	rp.table(spec, rows)
}

// percentChart draws a horizontal bar chart of completion per department; with
// more than chartMaxBars departments it shows the highest ones.
func (rp *reportPDF) percentChart() {
	// Units with nobody to sign have no percentage to rank.
	var ds []DepartmentStat
	for _, d := range rp.r.Departments {
		if !d.Empty() {
			ds = append(ds, d)
		}
	}
	if len(ds) < 2 {
		return // one bar repeats the totals above
	}
	title := i18n.T(pdfLang, "report_chart_title")
	if len(ds) > chartMaxBars {
		all := len(ds)
		sorted := append([]DepartmentStat(nil), ds...)
		sort.SliceStable(sorted, func(i, j int) bool {
			if a, b := sorted[i].percentTenths(), sorted[j].percentTenths(); a != b {
				return a > b
			}
			return sorted[i].Roster > sorted[j].Roster
		})
		ds = sorted[:chartMaxBars]
		title = i18n.T(pdfLang, "report_chart_top", chartMaxBars, all)
	}
	const (
		pitch  = 6.0
		barH   = 3.6
		labelW = 64.0
		valueW = 14.0
	)
	chartH := float64(len(ds))*pitch + 14
	rp.sectionTitle(title, chartH)
	f := rp.f
	x0 := marginX + labelW
	cw := contentW - labelW - valueW
	top := rp.y

	// Grid at 0/25/50/75/100 % with axis labels below.
	rp.draw(pdfkit.Rule)
	f.SetLineWidth(0.15)
	rp.font(false, 6.5)
	rp.textColor(pdfkit.Muted)
	bottom := top + float64(len(ds))*pitch
	for p := 0; p <= 100; p += 25 {
		gx := x0 + cw*float64(p)/100
		f.Line(gx, top-1, gx, bottom+0.5)
		rp.text(gx-10, bottom+4, 20, fmt.Sprintf("%d%%", p), 'C')
	}
	for i, d := range ds {
		y := top + float64(i)*pitch
		rp.font(false, 7.5)
		rp.textColor(pdfkit.Ink)
		rp.text(marginX, rp.baseline(y, pitch), labelW-3, rp.fit(d.Name, labelW-3), 'R')
		by := y + (pitch-barH)/2
		rp.fill(pdfkit.Track)
		f.Rect(x0, by, cw, barH, "F")
		pct := d.Percent()
		if pct > 0 {
			rp.fill(completionColor(pct))
			f.Rect(x0, by, cw*pct/100, barH, "F")
		}
		rp.font(true, 7.5)
		rp.text(x0+cw+1.5, rp.baseline(y, pitch), valueW-1.5, formatPercentID(d), 'L')
	}
	rp.y = bottom + 7
	rp.legend()
	rp.y += 6
}

// legend explains the traffic-light colours.
func (rp *reportPDF) legend() {
	items := []struct {
		c     pdfkit.RGB
		label string
	}{{pdfkit.Green, "≥ 90%"}, {pdfkit.Amber, "50–89,9%"}, {pdfkit.Red, "< 50%"}}
	rp.font(false, 7)
	rp.textColor(pdfkit.Muted)
	x := marginX + 64
	for _, it := range items {
		rp.fill(it.c)
		rp.f.Rect(x, rp.y-2.3, 2.6, 2.6, "F")
		rp.text(x+3.8, rp.y, 0, it.label, 'L')
		x += 3.8 + rp.width(it.label) + 7
	}
}

// dailyChart draws the number of signatures per day as vertical bars (the
// last dailyMaxDays days when there are more).
func (rp *reportPDF) dailyChart() {
	days := rp.r.Daily
	if len(days) == 0 {
		return
	}
	title := i18n.T(pdfLang, "report_daily_title")
	if len(days) > dailyMaxDays {
		days = days[len(days)-dailyMaxDays:]
		title = i18n.T(pdfLang, "report_daily_last", dailyMaxDays)
	}
	const plotH = 38.0
	rp.sectionTitle(title, plotH+14)
	f := rp.f
	maxCount := 0
	for _, d := range days {
		maxCount = max(maxCount, d.Count)
	}
	top := rp.dailyAxis(maxCount, plotH)
	axisW := 12.0
	x0 := marginX + axisW
	cw := contentW - axisW
	slot := cw / float64(len(days))
	barW := math.Min(slot*0.62, 12)
	scaleMax := niceCeil(maxCount)
	labelEvery := int(math.Ceil(11 / slot)) // a "25/11" label needs ~11 mm
	for i, d := range days {
		h := 0.0
		if scaleMax > 0 {
			h = plotH * float64(d.Count) / float64(scaleMax)
		}
		bx := x0 + float64(i)*slot + (slot-barW)/2
		rp.fill(pdfkit.Navy)
		if h > 0 {
			f.Rect(bx, top+plotH-h, barW, h, "F")
		}
		if slot >= 5.5 && d.Count > 0 {
			rp.font(false, 6)
			rp.textColor(pdfkit.Ink)
			rp.text(bx-4, top+plotH-h-1.2, barW+8, formatIntID(d.Count), 'C')
		}
		if i%labelEvery == 0 {
			rp.font(false, 6.5)
			rp.textColor(pdfkit.Muted)
			day := d.Day.In(wib.Zone)
			rp.text(bx-6, top+plotH+4, barW+12, fmt.Sprintf("%02d/%02d", day.Day(), int(day.Month())), 'C')
		}
	}
	rp.y = top + plotH + 11
}

// dailyAxis draws the horizontal grid and the count scale of the daily
// chart and returns the top of the plot area.
func (rp *reportPDF) dailyAxis(maxCount int, plotH float64) float64 {
	f := rp.f
	top := rp.y + 2
	scaleMax := niceCeil(maxCount)
	rp.font(false, 6.5)
	rp.textColor(pdfkit.Muted)
	f.SetLineWidth(0.15)
	for i := 0; i <= 4; i++ {
		y := top + plotH - plotH*float64(i)/4
		if i == 0 {
			rp.draw(pdfkit.Muted)
		} else {
			rp.draw(pdfkit.Rule)
		}
		f.Line(marginX+12, y, pageW-marginX, y)
		rp.text(marginX, y+1, 10, formatIntID(scaleMax*i/4), 'R')
	}
	return top
}

// niceCeil rounds n up to a value whose quarters are whole, readable numbers
// (4, 8, 20, 40, 100, 200, 400, ...).
func niceCeil(n int) int {
	if n <= 4 {
		return 4
	}
	step := 1
	for {
		for _, m := range []int{1, 2, 5} {
			if c := 4 * m * step; c >= n {
				return c
			}
		}
		step *= 10
	}
}

// peopleTable prints one of the two people lists.
func (rp *reportPDF) peopleTable(title string, people []Person, signed bool, empty string) {
	if len(people) == 0 {
		rp.sectionTitle(title, 8)
		rp.font(false, 9)
		rp.textColor(pdfkit.Muted)
		rp.text(marginX, rp.y+3, 0, empty, 'L')
		rp.y += 10
		return
	}
	withUnit := distinctDepartments(rp.r.People) > 1
	var cols []column
	switch {
	case signed && withUnit:
		cols = []column{{i18n.T(pdfLang, "report_col_no"), 9, 'R', 1, false}, {i18n.T(pdfLang, "report_col_name"), 40, 'L', 2, false}, {i18n.T(pdfLang, "report_col_nip"), 36, 'L', 1, false},
			{i18n.T(pdfLang, "report_col_position"), 33, 'L', 2, false}, {i18n.T(pdfLang, "report_col_unit"), 31, 'L', 2, false}, {i18n.T(pdfLang, "report_col_time"), 31, 'L', 2, false}}
	case signed:
		cols = []column{{i18n.T(pdfLang, "report_col_no"), 10, 'R', 1, false}, {i18n.T(pdfLang, "report_col_name"), 51, 'L', 2, false}, {i18n.T(pdfLang, "report_col_nip"), 36, 'L', 1, false},
			{i18n.T(pdfLang, "report_col_position"), 52, 'L', 2, false}, {i18n.T(pdfLang, "report_col_time"), 31, 'L', 2, false}}
	case withUnit:
		cols = []column{{i18n.T(pdfLang, "report_col_no"), 9, 'R', 1, false}, {i18n.T(pdfLang, "report_col_name"), 49, 'L', 2, false}, {i18n.T(pdfLang, "report_col_nip"), 36, 'L', 1, false},
			{i18n.T(pdfLang, "report_col_position"), 45, 'L', 2, false}, {i18n.T(pdfLang, "report_col_unit"), 41, 'L', 2, false}}
	default:
		cols = []column{{i18n.T(pdfLang, "report_col_no"), 10, 'R', 1, false}, {i18n.T(pdfLang, "report_col_name"), 60, 'L', 2, false}, {i18n.T(pdfLang, "report_col_nip"), 36, 'L', 1, false},
			{i18n.T(pdfLang, "report_col_position"), 74, 'L', 2, false}}
	}
	rows := make([]tableRow, len(people))
	for i, p := range people {
		cells := []string{formatIntID(i + 1), p.Name, p.NIP, p.Position}
		unit := p.Department
		if p.MovedFrom != "" {
			unit += " (" + i18n.T(pdfLang, "report_moved_from", p.MovedFrom) + ")"
			if !withUnit {
				cells[3] = joinNonEmpty(" · ", p.Position, i18n.T(pdfLang, "report_moved_from", p.MovedFrom))
			}
		}
		if withUnit {
			cells = append(cells, unit)
		}
		if signed {
			cells = append(cells, formatShortDateTimeID(p.SignedAt))
		}
		rows[i] = tableRow{cells: cells}
	}
	rp.table(tableSpec{title: title, cols: cols, fontSize: 8}, rows)
}

func distinctDepartments(people []Person) int {
	seen := map[string]struct{}{}
	for _, p := range people {
		seen[p.Department] = struct{}{}
	}
	return len(seen)
}
