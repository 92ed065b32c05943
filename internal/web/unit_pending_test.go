package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
)

// TestUnitPendingFiles: for their own unit a head gets the pending-only
// list as CSV (with each person's wa.me link, phone normalised) and PDF,
// the ceremony cards of the pending people only, and a group text with
// names and /sign but no personal link; other units are 404.
func TestUnitPendingFiles(t *testing.T) {
	e := newEnv(t)
	budi, kartini, zoe := e.asn("198703122010121002"), e.asn("198512302010012003"), e.asn("199001012015032001")
	own, other := e.deptCode(budi.DepartmentID), e.deptCode(zoe.DepartmentID)
	e.signAs(kartini.NIP, "Kartini")
	head := e.adminLogin("kepala", store.RoleHead, own)
	base := "/dashboard/departments/" + own

	status, csv := e.get(head, base+"/pending/belum.csv")
	if status != http.StatusOK || !strings.Contains(csv, "Drs. Budi Santosa, M.Pd.") || strings.Contains(csv, "Kartini") {
		t.Fatalf("pending CSV (status %d):\n%s", status, csv)
	}
	if !strings.Contains(csv, "https://wa.me/628123456789?text=Yth.+Drs.+Budi") || !strings.Contains(csv, "/sign/"+budi.Token) {
		t.Errorf("pending CSV lacks the normalised wa.me link or the personal link:\n%s", csv)
	}
	_, pdf := e.get(head, base+"/pending/belum.pdf")
	text := pdfText(t, []byte(pdf))
	if !strings.Contains(text, "Dinas Pendidikan, Pemuda, dan Olahraga") || !strings.Contains(text, "Budi Santosa") ||
		!strings.Contains(text, "+628123456789") || strings.Contains(text, "Kartini") {
		t.Errorf("pending PDF:\n%s", text)
	}
	_, cards := e.get(head, base+"/pending/kartu.pdf")
	if text := pdfText(t, []byte(cards)); !strings.Contains(text, "Budi Santosa") || strings.Contains(text, "Kartini") {
		t.Errorf("pending cards:\n%s", text)
	}
	_, page := e.get(head, base+"/whatsapp")
	group := between(page, `id="group-text">`, "</textarea>")
	if !strings.Contains(group, "1. Drs. Budi Santosa, M.Pd.") || !strings.Contains(group, "http://ikrar.test/sign lalu") ||
		strings.Contains(group, budi.Token) || strings.Contains(group, "Kartini") {
		t.Errorf("group text:\n%s", group)
	}
	// A head never gets access codes (links alone cannot sign a campaign
	// that needs link and code); an admin's list carries them.
	if strings.Contains(csv, budi.AccessCode) || strings.Contains(string(cards), budi.AccessCode) || strings.Contains(text, budi.AccessCode) {
		t.Errorf("a head's pending files carry Budi's access code %s", budi.AccessCode)
	}
	if text := pdfText(t, []byte(cards)); strings.Contains(text, budi.AccessCode) {
		t.Errorf("a head's cards carry Budi's access code")
	}
	admin := e.adminLogin("admin", store.RoleAdmin)
	if _, adminCSV := e.get(admin, base+"/pending/belum.csv"); !strings.Contains(adminCSV, budi.AccessCode) {
		t.Errorf("the admin's pending CSV lacks the access code:\n%s", adminCSV)
	}
	for _, path := range []string{"/dashboard/departments/" + other + "/pending/belum.csv", "/dashboard/departments/" + other + "/whatsapp",
		"/dashboard/departments/" + other + "/pending/kartu.pdf", base + "/pending/other.txt"} {
		if status, _ := e.get(head, path); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
	}
}
