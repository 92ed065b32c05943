package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"github.com/ikrar/ikrar/internal/excelcsv"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/staff"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
	"github.com/xuri/excelize/v2"
)

const staffPassword = "rahasia-sekali-123"

// staffLogin creates a user (once) and returns a client logged in as them.
func (e *env) staffLogin(username, role string, depts ...string) *http.Client {
	e.t.Helper()
	if _, err := e.st.UserByUsername(context.Background(), username); err != nil {
		if _, err := staff.Add(context.Background(), e.st, "test", username, role, staffPassword, depts); err != nil {
			e.t.Fatal(err)
		}
	}
	c := e.client()
	_, body := e.get(c, "/login")
	status, _, resp := e.post(c, "/login", url.Values{"_csrf": {csrfOf(e.t, body)}, "username": {username}, "password": {staffPassword}})
	if status != 303 || resp.Header.Get("Location") != "/dashboard" {
		e.t.Fatalf("login %s: status %d location %q", username, status, resp.Header.Get("Location"))
	}
	return c
}

func deptCode(t *testing.T, e *env, name string) string {
	t.Helper()
	ds, err := e.st.Departments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Name == name {
			return d.Code
		}
	}
	t.Fatalf("no department %q", name)
	return ""
}

func TestLoginLogoutAndLimits(t *testing.T) {
	t.Parallel() // long: runs beside the others once the serial tests are done
	storetest.Each(t, testLoginLogoutAndLimits)
}

func testLoginLogoutAndLimits(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	c := e.staffLogin("admin", store.RoleAdmin)
	status, body := e.get(c, "/dashboard")
	if status != 200 || !strings.Contains(body, "Dinas Kesehatan") {
		t.Fatalf("dashboard after login: %d", status)
	}
	// Logout needs CSRF too, and ends the session server-side.
	status, _, _ = e.post(c, "/logout", url.Values{"_csrf": {"forged"}})
	if status != 403 {
		t.Fatalf("logout with forged CSRF: %d", status)
	}
	status, _, _ = e.post(c, "/logout", url.Values{"_csrf": {csrfOf(t, body)}})
	if status != 303 {
		t.Fatalf("logout: %d", status)
	}
	status, _ = e.get(c, "/dashboard")
	if status != 303 {
		t.Fatalf("dashboard after logout: %d, want redirect to login", status)
	}

	anon := e.client()
	_, body = e.get(anon, "/login")
	csrf := csrfOf(t, body)
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"wrong password", url.Values{"_csrf": {csrf}, "username": {"admin"}, "password": {"salah-salah-salah"}}, 401, "Nama pengguna atau kata sandi salah"},
		{"unknown user", url.Values{"_csrf": {csrf}, "username": {"nobody"}, "password": {staffPassword}}, 401, "Nama pengguna atau kata sandi salah"},
		{"missing csrf", url.Values{"username": {"admin"}, "password": {staffPassword}}, 403, "Formulir kedaluwarsa"},
		{"wrong csrf", url.Values{"_csrf": {"x" + csrf}, "username": {"admin"}, "password": {staffPassword}}, 403, "Formulir kedaluwarsa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := e.post(anon, "/login", tt.form)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d want %d; body lacks %q", status, tt.status, tt.want)
			}
		})
	}
	// Five failures lock the account for a while, even with the right password.
	for i := 0; i < 5; i++ {
		e.post(anon, "/login", url.Values{"_csrf": {csrf}, "username": {"admin"}, "password": {fmt.Sprintf("guess-%d-xxxxxx", i)}})
	}
	status, body, _ = e.post(anon, "/login", url.Values{"_csrf": {csrf}, "username": {"admin"}, "password": {staffPassword}})
	if status != 429 || !strings.Contains(body, "Terlalu banyak percobaan") {
		t.Fatalf("after 5 failures: %d", status)
	}
}

// signAs signs the pledge for a NIP through the HTTP flow.
func (e *env) signAs(nipStr, name string) string {
	e.t.Helper()
	c := e.client()
	a := e.asn(nipStr)
	_, body := e.get(c, "/sign/"+a.Token)
	status, body, _ := e.post(c, "/sign/"+a.Token, signForm(csrfOf(e.t, body), name))
	m := codeRe.FindStringSubmatch(body)
	if status != 200 || m == nil {
		e.t.Fatalf("sign %s: status %d", nipStr, status)
	}
	return m[1]
}

func TestHeadSeesOnlyOwnDepartment(t *testing.T) { storetest.Each(t, testHeadSeesOnlyOwnDepartment) }

func testHeadSeesOnlyOwnDepartment(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	own := deptCode(t, e, "Dinas Pendidikan, Pemuda, dan Olahraga")
	other := deptCode(t, e, "Dinas Kesehatan")
	ownCode := e.signAs("198703122010121002", "Budi Santosa")
	otherCode := e.signAs("199001012015032001", "Zoe Ngatiyem")

	head := e.staffLogin("kepala.disdikpora", store.RoleHead, own)
	admin := e.staffLogin("admin", store.RoleAdmin)
	anon := e.client()
	q := "?campaign=1"
	foreign := []string{
		"/dashboard/departments/" + other + q,
		"/reports/departments/" + other + ".pdf" + q,
		"/reports/departments/" + other + ".csv" + q,
		"/reports/departments/" + other + ".xlsx" + q,
		"/dashboard/certificates/" + otherCode,
	}
	for _, path := range foreign {
		if status, body := e.get(head, path); status != 404 || strings.Contains(body, "Ngatiyem") {
			t.Errorf("head GET %s: status %d, want 404 without data", path, status)
		}
		if status, _ := e.get(admin, path); status != 200 {
			t.Errorf("admin GET %s: status %d, want 200", path, status)
		}
		if status, _ := e.get(anon, path); status != 303 {
			t.Errorf("anonymous GET %s: status %d, want redirect to login", path, status)
		}
	}
	for _, path := range []string{"/dashboard/departments/" + own + q, "/reports/departments/" + own + ".csv" + q, "/dashboard/certificates/" + ownCode} {
		if status, _ := e.get(head, path); status != 200 {
			t.Errorf("head GET own %s: status %d", path, status)
		}
	}
	_, body := e.get(head, "/dashboard")
	if strings.Contains(body, "Dinas Kesehatan") || !strings.Contains(body, "Dinas Pendidikan") {
		t.Error("head dashboard shows other departments or misses its own")
	}
	// A signing token grants nothing on staff pages.
	a := e.asn("198703122010121002")
	if status, _ := e.get(anon, "/dashboard?token="+a.Token); status != 303 {
		t.Errorf("token on dashboard: %d", status)
	}
}

var numRe = func(id string) *regexp.Regexp { return regexp.MustCompile(`id="` + id + `">([0-9.,]+)%?<`) }

func TestCompletionAgreesEverywhere(t *testing.T) { storetest.Each(t, testCompletionAgreesEverywhere) }

func testCompletionAgreesEverywhere(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	// A bigger roster in one department with a known number of signatures.
	var sb strings.Builder
	sb.WriteString("nip,nama,jabatan,unit_kerja\n")
	var nips []string
	for i := 0; i < 40; i++ {
		n := fmt.Sprintf("19800101200501%d%03d", 1+i%2, i+1)
		nips = append(nips, n)
		fmt.Fprintf(&sb, "%s,Pegawai Nomor %d,Staf,Kemantren Gondokusuman\n", n, i+1)
	}
	if err := importCSV(e, sb.String()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 25; i++ { // 25 of 40 = 62.5 %
		e.signAs(nips[i], fmt.Sprintf("Pegawai Nomor %d", i+1))
	}
	code := deptCode(t, e, "Kemantren Gondokusuman")
	admin := e.staffLogin("admin", store.RoleAdmin)
	_, page := e.get(admin, "/dashboard/departments/"+code+"?campaign=1")
	get := func(id string) string {
		m := numRe(id).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no %s on department page:\n%.3000s", id, page)
		}
		return m[1]
	}
	if get("dept-roster") != "40" || get("dept-signed") != "25" || get("dept-pending") != "15" || get("dept-percent") != "62,5" {
		t.Fatalf("department page numbers: %s %s %s %s", get("dept-roster"), get("dept-signed"), get("dept-pending"), get("dept-percent"))
	}
	_, dash := e.get(admin, "/dashboard")
	if !strings.Contains(dash, `<td class="n">40</td><td class="n">25</td><td class="n hide-sm">15</td><td class="n">62,5</td>`) {
		t.Error("dashboard row for Kemantren Gondokusuman does not show 40/25/15/62,5")
	}

	// CSV: parses, agrees, no formula-leading cells.
	_, csvBody := e.get(admin, "/reports/departments/"+code+".csv?campaign=1")
	if !strings.HasPrefix(csvBody, "\ufeff") {
		t.Error("CSV lacks BOM")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBody, "\ufeff")))
	r.Comma = ';' // the documented format: Excel with the id-ID locale
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	signed, pending, sawRow := 0, 0, false
	for _, rec := range recs {
		rec[0] = excelcsv.Untext(rec[0])
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("formula-leading cell %q", cell)
			}
		}
		// kode, kode_induk, tingkat, unit_kerja, pegawai_sendiri, jumlah_pegawai, sudah, belum
		if len(rec) >= 8 && rec[2] == "1" && rec[3] == "Kemantren Gondokusuman" {
			sawRow = true
			if rec[5] != "40" || rec[6] != "25" || rec[7] != "15" {
				t.Errorf("CSV summary row %v", rec)
			}
		}
		if len(rec[0]) != 18 { // people rows start with the NIP
			continue
		}
		for _, cell := range rec {
			switch cell {
			case "sudah":
				signed++
			case "belum":
				pending++
			}
		}
	}
	if !sawRow || signed != 25 || pending != 15 {
		t.Errorf("CSV: summary row %v, %d signed, %d pending", sawRow, signed, pending)
	}

	// XLSX: numeric cells with the same counts.
	resp, err := admin.Get(e.srv.URL + "/reports/departments/" + code + ".xlsx?campaign=1")
	if err != nil {
		t.Fatal(err)
	}
	xb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	f, err := excelize.OpenReader(bytes.NewReader(xb))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Ringkasan")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, row := range rows {
		if len(row) >= 8 && row[3] == "Kemantren Gondokusuman" {
			found = true
			cell, _ := excelize.CoordinatesToCellName(6, i+1)
			typ, _ := f.GetCellType("Ringkasan", cell)
			if row[5] != "40" || row[6] != "25" || row[7] != "15" || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
				t.Errorf("XLSX row %v (cell %s type %v)", row, cell, typ)
			}
		}
	}
	if !found {
		t.Errorf("XLSX has no Gondokusuman row: %v", rows)
	}

	// PDF: qpdf accepts it, pdftotext shows the counts.
	resp, err = admin.Get(e.srv.URL + "/reports/departments/" + code + ".pdf?campaign=1")
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := pdfText(t, pb)
	for _, want := range []string{"40", "25", "15", "62,5", "Pegawai Nomor 40"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF report text lacks %q", want)
		}
	}
}

func importCSV(e *env, data string) error {
	_, err := importRoster(e, data)
	return err
}

// needTool finds an external checker; in CI its absence is a failure.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed (required in CI)", name)
		}
		t.Skipf("%s not installed; install poppler-utils and qpdf to run this check", name)
	}
	return p
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	needTool(t, "pdftotext")
	needTool(t, "qpdf")
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
