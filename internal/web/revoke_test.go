package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// An admin revokes a signature with a reason: the verify page says DICABUT
// with the date and the reason (by code and by upload), the person signs
// again with a new certificate, completion counts them once, and the
// audit chain verifies with the revocation in it.
func TestRevokeAndSignAgain(t *testing.T) { storetest.Each(t, testRevokeAndSignAgain) }

func testRevokeAndSignAgain(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	ctx := context.Background()
	a := e.asn("199001012015032001")
	oldCode := e.signAs(a.NIP, "Zoë Ngatiyem")
	oldPDF := e.download(e.client(), "/sign/"+a.Token+"/certificate.pdf")
	admin := e.staffLogin("admin", store.RoleAdmin)
	head := e.staffLogin("kepala.dinkes", store.RoleHead, deptCode(t, e, "Dinas Kesehatan"))

	_, page := e.get(admin, "/verify/"+oldCode)
	if !strings.Contains(page, `id="revoke-form"`) {
		t.Fatal("an admin sees no revoke form on a valid signature")
	}
	if _, anon := e.get(e.client(), "/verify/"+oldCode); strings.Contains(anon, `id="revoke-form"`) {
		t.Fatal("the public sees the revoke form")
	}
	csrf := csrfOf(t, page)
	// A head may not revoke, and a reason is required.
	_, headPage := e.get(head, "/verify/"+oldCode)
	if status, _, _ := e.post(head, "/admin/signatures/"+oldCode+"/revoke", url.Values{"_csrf": {csrfOf(t, headPage)}, "reason": {"x"}}); status == http.StatusSeeOther {
		t.Fatal("a head revoked a signature")
	}
	if status, _, _ := e.post(admin, "/admin/signatures/"+oldCode+"/revoke", url.Values{"_csrf": {csrf}, "reason": {"  "}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("revoke without a reason: %d", status)
	}
	status, _, resp := e.post(admin, "/admin/signatures/"+oldCode+"/revoke", url.Values{"_csrf": {csrf}, "reason": {"ditandatangani oleh atasan, bukan oleh yang bersangkutan"}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/verify/"+oldCode {
		t.Fatalf("revoke: %d %s", status, resp.Header.Get("Location"))
	}

	_, page = e.get(e.client(), "/verify/"+oldCode)
	for _, want := range []string{"DICABUT", `id="revoked-at"`, "WIB", "ditandatangani oleh atasan"} {
		if !strings.Contains(page, want) {
			t.Errorf("verify page of the revoked code lacks %q", want)
		}
	}
	if status, page := e.upload(oldPDF); status != http.StatusOK || !strings.Contains(page, "DICABUT") || !strings.Contains(page, "ditandatangani oleh atasan") {
		t.Errorf("upload of the revoked certificate: %d", status)
	}

	// Zoë signs again: a new signature and certificate.
	newCode := e.signAs(a.NIP, "Zoë Ngatiyem")
	if newCode == oldCode {
		t.Fatal("signing again returned the revoked signature")
	}
	if _, page := e.get(e.client(), "/verify/"+newCode); !strings.Contains(page, `id="verify-name"`) {
		t.Error("the new signature does not verify")
	}
	sc, err := org.All(ctx, e.st)
	if err != nil {
		t.Fatal(err)
	}
	_, total, err := report.CompletionOf(ctx, e.st, sc, 1)
	if err != nil {
		t.Fatal(err)
	}
	if total.Signed != 1 || total.Roster != 3 {
		t.Errorf("completion after revoke and re-sign: %d of %d, want 1 of 3", total.Signed, total.Roster)
	}
	if rep, err := e.st.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit after revoke and re-sign: %v", err)
	} else if rep.Events == 0 {
		t.Fatal("no events")
	}
	// Revoked again without signing again: counts nowhere.
	_, page = e.get(admin, "/verify/"+newCode)
	e.post(admin, "/admin/signatures/"+newCode+"/revoke", url.Values{"_csrf": {csrfOf(t, page)}, "reason": {"uji"}})
	if _, total, _ = report.CompletionOf(ctx, e.st, sc, 1); total.Signed != 0 {
		t.Errorf("completion with every signature revoked: %d signed", total.Signed)
	}
}

// After a key rotation, a certificate signed by the old key and one
// signed by the new key both verify by upload on a server running the new
// key, and the verify page names the key of each.
func TestRotatedKeysVerifyByUpload(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.asn("199001012015032001"), e.asn("198703122010121002")
	e.signAs(a.NIP, "Zoë Ngatiyem")
	oldPDF := e.download(e.client(), "/sign/"+a.Token+"/certificate.pdf")
	rot, err := certificate.RotateKey(ctx, e.st, certificate.KeyOptions{Dir: e.dir}, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// A server started after the rotation signs with the new key.
	e2 := openEnv(t, store.Options{Driver: e.cfg.DBDriver, DSN: e.cfg.DB}, e.dir)
	e2.signAs(b.NIP, "Budi Santosa")
	newPDF := e2.download(e2.client(), "/sign/"+b.Token+"/certificate.pdf")
	for name, c := range map[string]struct {
		pdf []byte
		key string
	}{"old key": {oldPDF, rot.Old}, "new key": {newPDF, rot.New}} {
		status, page := e2.upload(c.pdf)
		if status != http.StatusOK || !strings.Contains(page, `id="verify-name"`) || !strings.Contains(page, c.key) {
			t.Errorf("%s certificate by upload after rotation: %d (key %s named: %v)", name, status, c.key, strings.Contains(page, c.key))
		}
	}
}
