package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestAdminUnitsImport: the admin page imports a units file with the same
// preview and line-numbered problems as the roster (issue 14).
func TestAdminUnitsImport(t *testing.T) {
	e := newEnv(t)
	admin := e.adminLogin("admin", "admin")
	upload := func(name, content string) (int, string) {
		t.Helper()
		csrf := e.adminCSRF(admin, "/admin/roster/units")
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("_csrf", csrf)
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = io.WriteString(fw, content)
		_ = mw.Close()
		resp, err := admin.Post(e.srv.URL+"/admin/roster/units/preview", mw.FormDataContentType(), &buf)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	status, body := upload("unit.csv", "kode;nama;induk\nkemantren-gk;Kemantren Gondokusuman;\nkel-baciro;Kelurahan Baciro;Kemantren Gondokusuman\n")
	if status != 200 || !strings.Contains(body, `id="preview-added">2<`) || !strings.Contains(body, `id="preview-moved">1<`) {
		t.Fatalf("preview: %d\n%s", status, body)
	}
	m := adminTokenRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no commit token")
	}
	// A units token is not a roster token.
	csrf := e.adminCSRF(admin, "/admin/roster")
	if status, _, _ := e.post(admin, "/admin/roster/commit", url.Values{"_csrf": {csrf}, "token": {m[1]}, "name": {"x.csv"}}); status == 303 {
		t.Fatal("a units upload was committed as a roster")
	}
	status, body = upload("unit.csv", "kode;nama;induk\nkemantren-gk;Kemantren Gondokusuman;\nkel-baciro;Kelurahan Baciro;Kemantren Gondokusuman\n")
	m = adminTokenRe.FindStringSubmatch(body)
	status, _, resp := e.post(admin, "/admin/roster/units/commit", url.Values{"_csrf": {csrf}, "token": {m[1]}, "name": {"unit.csv"}})
	if status != 303 || !strings.Contains(resp.Header.Get("Location"), "moved=1") {
		t.Fatalf("commit: %d %s", status, resp.Header.Get("Location"))
	}
	_, depts := e.get(admin, "/admin/departments")
	if !strings.Contains(depts, `<tr class="depth1"><td>Kelurahan Baciro</td>`) {
		t.Error("Kelurahan Baciro is not under its Kemantren on the departments page")
	}

	status, body = upload("salah.csv", "kode;nama;induk\nkemantren-gk;Kemantren Gondokusuman;kel-baciro\n")
	if status != 422 || !strings.Contains(body, `<td class="n">2</td><td class="mono">induk</td>`) || !strings.Contains(body, "lingkaran") {
		t.Fatalf("cycle: %d\n%s", status, body)
	}
}

// TestAdminRosterSimilarUnits: a new unit name one comma away from an
// existing unit is shown as "mirip dengan" and must be mapped or confirmed
// before the import commits (issue 14).
func TestAdminRosterSimilarUnits(t *testing.T) {
	e, admin := adminEnv(t)
	file := "nip;nama;jabatan;unit_kerja\r\n" + adminNIPBudi + ";Drs. Budi Santosa, M.Pd.;Kepala Seksi Kurikulum;Dinas Pendidikan, Pemuda dan Olahraga\r\n"
	status, body := e.adminUpload(admin, "koma.csv", file, false)
	if status != 200 || !strings.Contains(body, `id="similar-units"`) || !strings.Contains(body, "mirip dengan <strong>Dinas Pendidikan, Pemuda, dan Olahraga</strong>") {
		t.Fatalf("preview %d:\n%.4000s", status, body)
	}
	post := func(body string, extra url.Values) (int, string) {
		m := adminTokenRe.FindStringSubmatch(body)
		v := url.Values{"_csrf": {csrfOf(t, body)}, "token": {m[1]}, "name": {"koma.csv"}}
		for k, vs := range extra {
			v[k] = vs
		}
		status, b, _ := e.post(admin, "/admin/roster/commit", v)
		return status, b
	}
	// No decision: refused, asked again, nothing written.
	status, body = post(body, url.Values{"similar_n": {"1"}, "unit_name_0": {"Dinas Pendidikan, Pemuda dan Olahraga"}, "unit_existing_0": {"Dinas Pendidikan, Pemuda, dan Olahraga"}})
	if status != 422 || !strings.Contains(body, "Pilih untuk setiap unit yang mirip") || !strings.Contains(body, `id="similar-units"`) {
		t.Fatalf("undecided commit: %d\n%.3000s", status, body)
	}
	// Mapped: Budi stays in his unit, no new unit.
	status, _ = post(body, url.Values{"similar_n": {"1"}, "unit_name_0": {"Dinas Pendidikan, Pemuda dan Olahraga"},
		"unit_existing_0": {"Dinas Pendidikan, Pemuda, dan Olahraga"}, "unit_choice_0": {"map"}})
	if status != 303 {
		t.Fatalf("mapped commit: %d", status)
	}
	_, depts := e.get(admin, "/admin/departments")
	if strings.Contains(depts, "Pemuda dan Olahraga") {
		t.Error("the near-duplicate unit was created although it was mapped")
	}
}

// TestAdminRosterDeactivatedPaged: the people a preview would deactivate
// are listed by name, 50 a page, and the next page is computed again from
// the pending upload without writing anything.
func TestAdminRosterDeactivatedPaged(t *testing.T) {
	e, admin := adminEnv(t)
	var sb strings.Builder
	sb.WriteString("nip;nama;jabatan;unit_kerja\n")
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&sb, "19870312201012%d%03d;Pegawai %03d;Staf;Inspektorat\n", 1+i%2, i+1, i+1)
	}
	if _, err := importRoster(e, sb.String()); err != nil {
		t.Fatal(err)
	}
	file := "nip;nama;jabatan;unit_kerja\r\n" + adminNIPBudi + ";Drs. Budi Santosa, M.Pd.;Kepala Seksi Kurikulum;Dinas Pendidikan, Pemuda, dan Olahraga\r\n"
	status, body := e.adminUpload(admin, "satu.csv", file, true)
	if status != 200 || !strings.Contains(body, `id="deactivated-page">1 / 2<`) || strings.Count(body, `<td class="mono">1987`)+strings.Count(body, `<td class="mono">1990`)+strings.Count(body, `<td class="mono">1985`) != 50 {
		t.Fatalf("first page: %d\n%.2000s", status, body)
	}
	m := regexp.MustCompile(`href="(/admin/roster/preview\?[^"]+)" rel="next"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no link to the next page")
	}
	status, p2 := e.get(admin, strings.ReplaceAll(m[1], "&amp;", "&"))
	if status != 200 || !strings.Contains(p2, `id="deactivated-page">2 / 2<`) || !strings.Contains(p2, `rel="prev"`) || !strings.Contains(p2, `id="commit-form"`) {
		t.Fatalf("second page: %d\n%.2000s", status, p2)
	}
	if !e.asn(adminNIPZoe).Active {
		t.Fatal("paging wrote something")
	}
}
