package web_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
)

// TestReissueCertificate: an admin re-issues a certificate from its verify
// page; the new file is the one on record, the old one still verifies as
// genuine and says it was replaced, and the audit chain stays intact
// (issue 14: certificates made with a wrong public address).
func TestReissueCertificate(t *testing.T) {
	e, admin := adminEnv(t)
	a := e.asn(adminNIPZoe)
	code := e.signAs(a.NIP, a.Name)
	old := e.download(e.client(), "/sign/"+a.Token+"/certificate.pdf")

	_, page := e.get(admin, "/verify/"+code)
	if !strings.Contains(page, `id="reissue-form"`) {
		t.Fatal("the admin's verify page has no re-issue form")
	}
	if status, _, _ := e.post(admin, "/admin/signatures/"+code+"/reissue", url.Values{"_csrf": {csrfOf(t, page)}}); status != 422 {
		t.Errorf("re-issue without a reason: status %d", status)
	}
	status, _, resp := e.post(admin, "/admin/signatures/"+code+"/reissue", url.Values{"_csrf": {csrfOf(t, page)}, "reason": {"QR code pointed at localhost"}})
	if status != 303 || resp.Header.Get("Location") != "/verify/"+code {
		t.Fatalf("re-issue: status %d", status)
	}
	fresh := e.download(e.client(), "/sign/"+a.Token+"/certificate.pdf")
	if bytes.Equal(old, fresh) {
		t.Fatal("the certificate was not made again")
	}
	if status, body := e.upload(fresh); status != 200 || strings.Contains(body, `id="verify-replaced"`) {
		t.Errorf("new certificate: status %d, replaced notice %v", status, strings.Contains(body, `id="verify-replaced"`))
	}
	status, body := e.upload(old)
	if status != 200 || !strings.Contains(body, `id="verify-replaced"`) || !strings.Contains(body, "sudah diganti") || !strings.Contains(body, a.Name) {
		t.Errorf("old certificate: status %d\n%.2000s", status, body)
	}
	if _, err := e.st.VerifyAudit(context.Background()); err != nil {
		t.Fatalf("audit chain after a re-issue: %v", err)
	}
	// Heads and strangers cannot re-issue.
	head := e.adminLogin("kepala", "head", adminDeptKes)
	_, hp := e.get(head, "/dashboard")
	if status, _, _ := e.post(head, "/admin/signatures/"+code+"/reissue", url.Values{"_csrf": {csrfOf(t, hp)}, "reason": {"x"}}); status != 404 {
		t.Errorf("head: status %d", status)
	}
}
