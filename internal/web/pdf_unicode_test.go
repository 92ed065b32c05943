package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPDFsWithNonBMPNames: one character beyond U+FFFF (an emoji, 𝔘, 𠜎) in
// a name or a unit name made the reports and the signing-link sheet answer
// 500 (a gofpdf panic). Every PDF route must answer with a PDF.
func TestPDFsWithNonBMPNames(t *testing.T) {
	e, admin := adminEnv(t)
	roster := "nip;nama;jabatan;unit_kerja\r\n" +
		"198703122010121002;Budi 😀 Santosa;Guru 𝔘;Dinas 𠜎 Pendidikan\r\n" +
		"199001012015032001;Zoë \u202eNgatiyem;Perawat;Dinas Kesehatan 🏥\r\n"
	if _, err := importRoster(e, roster); err != nil {
		t.Fatal(err)
	}
	a := e.asn("198703122010121002")
	e.signAs(a.NIP, "Budi 😀 Santosa")
	paths := []string{"/reports/summary.pdf", "/admin/exports/links.pdf", "/sign/" + a.Token + "/certificate.pdf"}
	for _, code := range []string{"dinas-pendidikan", "dinas-kesehatan"} {
		paths = append(paths, "/reports/departments/"+code+".pdf", "/admin/exports/links.pdf?department="+code)
	}
	for _, p := range paths {
		resp, err := admin.Get(e.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/pdf") {
			t.Errorf("GET %s: %d %s, want a PDF", p, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}
