package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/cli"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/roster"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
	"github.com/xuri/excelize/v2"
)

// figure is what every view must say about one unit (sub-units included).
type figure struct{ roster, signed int }

// percent is the figure as pages print it: one decimal, half up, never
// 100 while anyone is missing nor 0 once anyone signed, "—" when empty.
func (f figure) percent() string {
	if f.roster == 0 {
		return "—"
	}
	if f.signed == 0 {
		return "0,0"
	}
	if f.signed == f.roster {
		return "100,0"
	}
	t := (int64(f.signed)*2000 + int64(f.roster)) / (2 * int64(f.roster))
	t = min(max(t, 1), 999)
	return fmt.Sprintf("%d,%d", t/10, t%10)
}

// tree is the small city of these tests: Kemantren → Kelurahan and
// Setda → Bagian, with one Bagian that has nobody on its roster.
type tree struct {
	e      *env
	people map[string]person // by NIP
	order  []string
	camp   uint // the campaign the figures are read for
	codes  map[string]string
}

type person struct {
	name, unit string
	active     bool
}

const (
	kemantren = "Kemantren Gondokusuman"
	kelurahan = "Kelurahan Baciro"
	setda     = "Sekretariat Daerah"
	bagian    = "Bagian Umum"
	hukum     = "Bagian Hukum"
)

func nipOf(i int) string { return fmt.Sprintf("198001012005011%03d", i) }

func newTree(t *testing.T, backend storetest.Backend) *tree {
	e := newEnvOn(t, backend)
	tr := &tree{e: e, people: map[string]person{}, camp: 1, codes: map[string]string{}}
	n := 0
	for _, u := range []struct {
		unit string
		size int
	}{{kemantren, 2}, {kelurahan, 3}, {setda, 2}, {bagian, 4}} {
		for range u.size {
			n++
			tr.people[nipOf(n)] = person{name: fmt.Sprintf("Pegawai %s %d", strings.Fields(u.unit)[1], n), unit: u.unit, active: true}
			tr.order = append(tr.order, nipOf(n))
		}
	}
	// The three people of the shared test roster stay as they are.
	for _, line := range strings.Split(strings.TrimSpace(rosterCSV), "\r\n")[1:] {
		f := strings.Split(line, ";")
		tr.people[f[0]] = person{name: f[1], unit: f[3], active: true}
		tr.order = append(tr.order, f[0])
	}
	tr.importRoster()
	ctx := context.Background()
	if err := e.st.CreateDepartment(ctx, "test", &store.Department{Code: "BAG-HUKUM", Name: hukum}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{kemantren, kelurahan, setda, bagian, hukum} {
		tr.codes[d] = deptCode(t, e, d)
	}
	for child, parent := range map[string]string{kelurahan: kemantren, bagian: setda, hukum: setda} {
		p, err := e.st.DepartmentByCode(ctx, tr.codes[parent])
		if err != nil {
			t.Fatal(err)
		}
		if err := e.st.UpdateDepartment(ctx, "test", tr.codes[child], child, &p.ID); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// importRoster imports the whole roster as it now stands; people marked
// inactive are absent from the file and get deactivated.
func (tr *tree) importRoster() {
	tr.e.t.Helper()
	var sb strings.Builder
	sb.WriteString("nip;nama;jabatan;unit_kerja\n")
	for _, nip := range tr.order {
		if p := tr.people[nip]; p.active {
			fmt.Fprintf(&sb, "%s;%s;Staf;%s\n", nip, p.name, p.unit)
		}
	}
	// The test decides who leaves: confirm the deactivation's size.
	pre, err := roster.Import(context.Background(), tr.e.st, "test", "roster.csv", strings.NewReader(sb.String()),
		roster.ImportOptions{DeactivateMissing: true, DryRun: true})
	if err != nil {
		tr.e.t.Fatal(err)
	}
	if _, err := roster.Import(context.Background(), tr.e.st, "test", "roster.csv", strings.NewReader(sb.String()),
		roster.ImportOptions{DeactivateMissing: true, ConfirmDeactivate: pre.Deactivated}); err != nil {
		tr.e.t.Fatal(err)
	}
}

func (tr *tree) sign(i int) { tr.e.signAs(nipOf(i), tr.people[nipOf(i)].name) }

func (tr *tree) move(i int, unit string) {
	p := tr.people[nipOf(i)]
	p.unit = unit
	tr.people[nipOf(i)] = p
	tr.importRoster()
}

func (tr *tree) deactivate(i int) {
	p := tr.people[nipOf(i)]
	p.active = false
	tr.people[nipOf(i)] = p
	tr.importRoster()
}

func (tr *tree) add(i int, unit string) {
	tr.people[nipOf(i)] = person{name: fmt.Sprintf("Pegawai Baru %d", i), unit: unit, active: true}
	tr.order = append(tr.order, nipOf(i))
	tr.importRoster()
}

func (tr *tree) setStatus(status store.CampaignStatus) {
	if err := tr.e.st.SetCampaignStatus(context.Background(), "test", tr.camp, status); err != nil {
		tr.e.t.Fatal(err)
	}
}

func (tr *tree) newVersion() uint {
	ctx := context.Background()
	old, err := tr.e.st.CampaignByID(ctx, tr.camp)
	if err != nil {
		tr.e.t.Fatal(err)
	}
	next := pledge.NewCampaign(old.Slug, 1, old.Instansi, pledge.DefaultID, pledge.DefaultEN)
	next.Title += " (revisi)"
	if err := tr.e.st.NewCampaignVersion(ctx, "test", old.ID, &next); err != nil {
		tr.e.t.Fatal(err)
	}
	return next.ID
}

func TestCompletionCases(t *testing.T) {
	t.Parallel() // long: runs beside the others once the serial tests are done
	storetest.Each(t, testCompletionCases)
}

func testCompletionCases(t *testing.T, backend storetest.Backend) {
	// People 1–2 are in the Kemantren, 3–5 in its Kelurahan, 6–7 in the
	// Setda, 8–11 in its Bagian Umum; Bagian Hukum has nobody.
	cases := []struct {
		name string
		act  func(tr *tree)
		want map[string]figure // rolled up through sub-units
		also func(t *testing.T, tr *tree)
	}{
		{"move after signing", func(tr *tree) {
			tr.sign(3)
			tr.sign(8)
			tr.move(3, bagian) // signed in the Kelurahan, now in the Bagian
		}, map[string]figure{kelurahan: {2, 0}, kemantren: {4, 0}, bagian: {5, 2}, setda: {7, 2}, hukum: {0, 0}},
			func(t *testing.T, tr *tree) {
				// The new unit's list says where they came from, and its
				// certificate export holds their certificate.
				_, page := tr.e.get(tr.e.staffLogin("admin", store.RoleAdmin), "/dashboard/departments/"+tr.codes[bagian]+"?campaign=1")
				if !strings.Contains(page, "pindah dari "+kelurahan) {
					t.Errorf("unit page does not say the signer moved from %s", kelurahan)
				}
				if names := tr.exportNames(t, bagian); !strings.Contains(strings.Join(names, "\n"), "Bagian_Umum/"+nipOf(3)+"_Pegawai_Baciro_3.pdf") {
					t.Errorf("certificate export of %s leaves out the person who moved in: %v", bagian, names)
				}
			}},
		{"deactivate after signing", func(tr *tree) {
			tr.sign(8)
			tr.sign(9)
			tr.deactivate(8)
		}, map[string]figure{bagian: {3, 1}, setda: {5, 1}, kemantren: {5, 0}}, nil},
		{"empty unit", func(tr *tree) {
			tr.sign(1)
		}, map[string]figure{hukum: {0, 0}, kemantren: {5, 1}, kelurahan: {3, 0}, setda: {6, 0}}, nil},
		{"add staff after close", func(tr *tree) {
			tr.sign(8)
			tr.sign(9)
			tr.setStatus("closed")
			// None of this may move the figures of the closed campaign.
			tr.add(12, bagian)
			tr.add(13, setda)
			tr.move(9, kelurahan)
			tr.deactivate(8)
		}, map[string]figure{bagian: {4, 2}, setda: {6, 2}, kemantren: {5, 0}, kelurahan: {3, 0}, hukum: {0, 0}},
			func(t *testing.T, tr *tree) {
				tr.wantNote(t, "catatan saat penutupan")
				// The closed unit's list is the one recorded at closing.
				_, page := tr.e.get(tr.e.staffLogin("admin", store.RoleAdmin), "/dashboard/departments/"+tr.codes[bagian]+"?campaign=1")
				for _, name := range []string{tr.people[nipOf(8)].name, tr.people[nipOf(9)].name} {
					if !strings.Contains(page, name) {
						t.Errorf("closed list of %s lacks %s", bagian, name)
					}
				}
				if strings.Contains(page, tr.people[nipOf(12)].name) {
					t.Errorf("closed list of %s shows someone added after closing", bagian)
				}
			}},
		{"new version", func(tr *tree) {
			tr.sign(3)
			tr.sign(6)
			tr.camp = tr.newVersion()
			tr.add(12, setda)
			// Version 2 starts from nobody; version 1 is checked below.
			tr.check(tr.e.t, map[string]figure{kemantren: {5, 0}, kelurahan: {3, 0}, setda: {7, 0}})
			tr.camp = 1
		}, map[string]figure{kelurahan: {3, 1}, kemantren: {5, 1}, setda: {6, 1}, bagian: {4, 0}},
			func(t *testing.T, tr *tree) {
				tr.wantNote(t, "catatan saat penutupan")
				// The dashboard shows each version's own numbers.
				_, dash := tr.e.get(tr.e.staffLogin("admin", store.RoleAdmin), "/dashboard?campaign=1")
				for _, want := range []string{`data-version="1">2/14 (14,3%)`, `data-version="2">0/15 (0,0%)`} {
					if !strings.Contains(dash, want) {
						t.Errorf("dashboard lacks the version figures %s", want)
					}
				}
			}},
		{"reopened campaign", func(tr *tree) {
			tr.sign(8)
			tr.setStatus("closed")
			tr.add(12, bagian)
			tr.setStatus("open")
		}, map[string]figure{bagian: {5, 1}, setda: {7, 1}, kemantren: {5, 0}},
			func(t *testing.T, tr *tree) { tr.wantNote(t, "dibuka kembali") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTree(t, backend)
			tc.act(tr)
			tr.check(t, tc.want)
			if tc.also != nil {
				tc.also(t, tr)
			}
		})
	}
}

// check compares every figure of want with the dashboard, the unit pages,
// both report endpoints in all three formats and `ikrar report`.
func (tr *tree) check(t *testing.T, want map[string]figure) {
	t.Helper()
	e := tr.e
	admin := e.staffLogin("admin", store.RoleAdmin)
	q := fmt.Sprintf("?campaign=%d", tr.camp)
	_, dash := e.get(admin, "/dashboard"+q)
	for unit, f := range want {
		code := tr.codes[unit]
		if got := dashboardRow(dash, code); got != fmt.Sprintf("%d/%d/%s", f.roster, f.signed, f.percent()) {
			t.Errorf("dashboard %s: %s, want %d/%d/%s", unit, got, f.roster, f.signed, f.percent())
		}
		_, page := e.get(admin, "/dashboard/departments/"+code+q)
		if got := unitPage(page); got != fmt.Sprintf("%d/%d/%s", f.roster, f.signed, f.percent()) {
			t.Errorf("unit page %s: %s, want %d/%d/%s", unit, got, f.roster, f.signed, f.percent())
		}
	}
	sources := map[string]func(ext string) []byte{
		"summary endpoint": func(ext string) []byte { return e.download(admin, "/reports/summary."+ext+q) },
		"ikrar report": func(ext string) []byte {
			out := filepath.Join(t.TempDir(), "report."+ext)
			tr.cli(t, "report", "--campaign", strconv.Itoa(int(tr.camp)), "--format", ext, "--out", out)
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
	}
	for unit := range want {
		sources["unit endpoint "+unit] = func(ext string) []byte {
			return e.download(admin, "/reports/departments/"+tr.codes[unit]+"."+ext+q)
		}
	}
	// One unit report through the command line too (every unit would
	// only repeat the same code path).
	sources["ikrar report --department "+setda] = func(ext string) []byte {
		out := filepath.Join(t.TempDir(), "unit."+ext)
		tr.cli(t, "report", "--department", tr.codes[setda], "--campaign", strconv.Itoa(int(tr.camp)), "--format", ext, "--out", out)
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for name, get := range sources {
		if name == "summary endpoint" {
			tr.checkTree(t, get("csv"))
		}
		csvRows := summaryCSV(t, get("csv"))
		xlsxRows := summaryXLSX(t, get("xlsx"))
		pdf := pdfText(t, get("pdf"))
		for unit, f := range want {
			if strings.HasPrefix(name, "unit endpoint ") && !tr.inside(unit, strings.TrimPrefix(name, "unit endpoint ")) {
				continue
			}
			if strings.HasPrefix(name, "ikrar report --department ") && !tr.inside(unit, setda) {
				continue
			}
			code := tr.codes[unit]
			if got, ok := csvRows[code]; !ok || got != f {
				t.Errorf("%s CSV %s: %v (present %v), want %v", name, unit, got, ok, f)
			}
			if got, ok := xlsxRows[code]; !ok || got.figure != f || !fractionAgrees(got.fraction, f) {
				t.Errorf("%s XLSX %s: %+v (present %v), want %v", name, unit, got, ok, f)
			}
			if !pdfShows(pdf, unit, f, name == "unit endpoint "+unit || name == "ikrar report --department "+unit) {
				t.Errorf("%s PDF has no line for %s with %d, %d and %s%%:\n%s", name, unit, f.roster, f.signed, f.percent(), pdf)
			}
		}
	}
}

// wantNote checks that the dashboard and a unit page say where the
// figures of the campaign come from.
func (tr *tree) wantNote(t *testing.T, note string) {
	t.Helper()
	admin := tr.e.staffLogin("admin", store.RoleAdmin)
	for _, path := range []string{"/dashboard", "/dashboard/departments/" + tr.codes[setda]} {
		_, page := tr.e.get(admin, fmt.Sprintf("%s?campaign=%d", path, tr.camp))
		if !regexp.MustCompile(`id="campaign-state">[^<]*` + note).MatchString(page) {
			t.Errorf("%s does not say %q", path, note)
		}
	}
}

// cli runs an ikrar command against the test's database.
func (tr *tree) cli(t *testing.T, args ...string) {
	t.Helper()
	e := tr.e
	var stdout, stderr bytes.Buffer
	env := cli.Env{Getenv: func(k string) string {
		return map[string]string{"IKRAR_DATA": e.dir, "IKRAR_DB": e.cfg.DB, "IKRAR_DB_DRIVER": e.cfg.DBDriver,
			"IKRAR_BASE_URL": "https://ikrar.test"}[k]
	}, Stdout: &stdout, Stderr: &stderr}
	if code := cli.Run(context.Background(), args, env); code != 0 {
		t.Fatalf("ikrar %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
	}
}

// exportNames lists the files of `ikrar certificates export` for a unit.
func (tr *tree) exportNames(t *testing.T, unit string) []string {
	out := filepath.Join(t.TempDir(), "certs.zip")
	tr.cli(t, "certificates", "export", "--department", tr.codes[unit], "--campaign", strconv.Itoa(int(tr.camp)), "--out", out)
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names
}

// checkTree checks the summary CSV's tree columns: each unit's parent
// code and level, and that own staff sums to the roster (staff including
// sub-units does not).
func (tr *tree) checkTree(t *testing.T, b []byte) {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	r.Comma, r.FieldsPerRecord = ';', -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	own := 0
	for _, rec := range recs[1:] {
		if len(rec) < len(recs[0]) {
			break
		}
		if rec[col["kode"]] == "" { // the totals row
			if got := strconv.Itoa(own); rec[col["pegawai_sendiri"]] != got || rec[col["jumlah_pegawai"]] != got {
				t.Errorf("summary CSV: own staff sums to %s; totals row says %s own, %s in all", got, rec[col["pegawai_sendiri"]], rec[col["jumlah_pegawai"]])
			}
			break
		}
		n, _ := strconv.Atoi(rec[col["pegawai_sendiri"]])
		own += n
		for child, parent := range map[string]string{kelurahan: kemantren, bagian: setda, hukum: setda} {
			if rec[col["kode"]] == tr.codes[child] && (rec[col["kode_induk"]] != tr.codes[parent] || rec[col["tingkat"]] != "2") {
				t.Errorf("summary CSV: %s has parent %q level %q, want %q level 2", child, rec[col["kode_induk"]], rec[col["tingkat"]], tr.codes[parent])
			}
		}
	}
}

// inside tells whether unit is root or one of its sub-units.
func (tr *tree) inside(unit, root string) bool {
	parents := map[string]string{kelurahan: kemantren, bagian: setda, hukum: setda}
	for u := unit; u != ""; u = parents[u] {
		if u == root {
			return true
		}
	}
	return false
}

var tdRe = regexp.MustCompile(`<td class="n[^"]*">([^<]*)</td>`)

// dashboardRow reads roster/signed/percent of one unit's dashboard row.
func dashboardRow(page, code string) string {
	i := strings.Index(page, `data-code="`+code+`"`)
	if i < 0 {
		return "missing"
	}
	row := page[i:]
	row = row[:strings.Index(row, "</tr>")]
	m := tdRe.FindAllStringSubmatch(row, -1)
	if len(m) < 4 {
		return "unreadable"
	}
	return m[0][1] + "/" + m[1][1] + "/" + m[3][1]
}

func unitPage(page string) string {
	var parts []string
	for _, id := range []string{"dept-roster", "dept-signed", "dept-percent"} {
		m := regexp.MustCompile(`id="` + id + `">([^<]*)<`).FindStringSubmatch(page)
		if m == nil {
			return "no " + id
		}
		parts = append(parts, strings.TrimSuffix(m[1], "%"))
	}
	return strings.Join(parts, "/")
}

// summaryCSV reads the summary section of a report CSV by its header
// names, whatever the separator.
func summaryCSV(t *testing.T, b []byte) map[string]figure {
	t.Helper()
	body := strings.TrimPrefix(string(b), "\ufeff")
	r := csv.NewReader(strings.NewReader(body))
	r.FieldsPerRecord = -1
	if first, _, _ := strings.Cut(body, "\n"); strings.Count(first, ";") > strings.Count(first, ",") {
		r.Comma = ';'
	}
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	out := map[string]figure{}
	for _, rec := range recs[1:] {
		if len(rec) < len(recs[0]) || rec[col["kode"]] == "" {
			break // the totals row ends the summary
		}
		n := func(h string) int {
			v, err := strconv.Atoi(rec[col[h]])
			if err != nil {
				t.Fatalf("CSV %s %q: %v", h, rec[col[h]], err)
			}
			return v
		}
		f := figure{n("jumlah_pegawai"), n("sudah")}
		pct := strings.Replace(rec[col["persen"]], ".", ",", 1)
		if want := f.percent(); pct != want && !(want == "—" && pct == "") {
			t.Errorf("CSV %s percent %q, want %q", rec[col["kode"]], pct, want)
		}
		out[rec[col["kode"]]] = f
	}
	return out
}

type xlsxFigure struct {
	figure
	fraction float64
}

func fractionAgrees(got float64, f figure) bool {
	if f.roster == 0 {
		return math.IsNaN(got)
	}
	return math.Abs(got-float64(f.signed)/float64(f.roster)) < 1e-9
}

func summaryXLSX(t *testing.T, b []byte) map[string]xlsxFigure {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Ringkasan", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	out := map[string]xlsxFigure{}
	for _, row := range rows[1:] {
		if len(row) <= col["Persen"] || row[0] == "" {
			continue
		}
		n := func(h string) int {
			v, err := strconv.Atoi(row[col[h]])
			if err != nil {
				t.Fatalf("XLSX %s %q: %v", h, row[col[h]], err)
			}
			return v
		}
		fr, err := strconv.ParseFloat(row[col["Persen"]], 64)
		if err != nil {
			fr = math.NaN() // "—"
		}
		out[row[0]] = xlsxFigure{figure{n("Jumlah Pegawai"), n("Sudah")}, fr}
	}
	return out
}

// pdfShows looks for the unit's line in the summary table of a PDF
// report, or for the report's own unit in its headline sentence (a unit
// without sub-units has no table).
func pdfShows(text, unit string, f figure, own bool) bool {
	pct := f.percent()
	if pct != "—" {
		pct += "%"
	}
	if own && strings.Contains(text, fmt.Sprintf("%d dari %d pegawai telah menandatangani ikrar netralitas (%s)", f.signed, f.roster, pct)) {
		return true
	}
	for _, line := range strings.Split(text, "\n") {
		fields := strings.Fields(line)
		if !strings.Contains(line, unit) || len(fields) < 4 {
			continue
		}
		tail := fields[len(fields)-4:]
		if tail[0] == strconv.Itoa(f.roster) && tail[1] == strconv.Itoa(f.signed) && tail[3] == pct {
			return true
		}
	}
	return false
}
