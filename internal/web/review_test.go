package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// A head who opens a subordinate's personal link in their own browser and
// signs is flagged for review; with "link and access code" on, the link
// alone no longer signs, while the person who types their code at /sign
// signs without typing it again.
func TestWhoReallySigned(t *testing.T) { storetest.Each(t, testWhoReallySigned) }

func testWhoReallySigned(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	ctx := context.Background()
	own := deptCode(t, e, "Dinas Pendidikan, Pemuda, dan Olahraga")
	other := deptCode(t, e, "Dinas Kesehatan")
	head := e.staffLogin("kepala.disdikpora", store.RoleHead, own)
	admin := e.staffLogin("admin", store.RoleAdmin)

	// The head signs Budi's pledge in the head's own browser.
	budi := e.asn("198703122010121002")
	_, body := e.get(head, "/sign/"+budi.Token)
	if status, _, _ := e.post(head, "/sign/"+budi.Token, signForm(csrfOf(t, body), "Budi Santosa")); status != http.StatusOK {
		t.Fatalf("head signing Budi's link: %d", status)
	}
	sig, err := e.st.SignatureOf(ctx, budi.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sig.StaffUser != "kepala.disdikpora" || len(sig.DeviceKey) != 16 {
		t.Fatalf("signature made in the head's browser records staff %q device %q", sig.StaffUser, sig.DeviceKey)
	}
	// Zoë signs on her own phone: not flagged.
	e.signAs("199001012015032001", "Zoë Ngatiyem")

	for name, c := range map[string]*http.Client{"admin": admin, "head": head} {
		status, page := e.get(c, "/dashboard/review?campaign=1")
		if status != http.StatusOK {
			t.Fatalf("%s review page: %d", name, status)
		}
		staffPart := page[strings.Index(page, `id="review-staff"`):strings.Index(page, `id="review-clusters"`)]
		if !strings.Contains(staffPart, "Drs. Budi Santosa, M.Pd.") || !strings.Contains(staffPart, "kepala.disdikpora") || !strings.Contains(staffPart, sig.CertCode) {
			t.Errorf("%s review page does not list Budi's signature from the head's browser:\n%s", name, staffPart)
		}
		if strings.Contains(staffPart, "Ngatiyem") {
			t.Errorf("%s review page flags a signature made without a staff session", name)
		}
	}
	// A head of another unit does not see it.
	stranger := e.staffLogin("kepala.dinkes", store.RoleHead, other)
	if _, page := e.get(stranger, "/dashboard/review?campaign=1"); strings.Contains(page, "Budi") {
		t.Error("another unit's head sees the signature")
	}
	if status, _ := e.get(e.client(), "/dashboard/review"); status != http.StatusSeeOther && status != http.StatusUnauthorized && status != http.StatusForbidden {
		t.Errorf("anonymous review page: %d", status)
	}

	// Link and access code: the admin turns it on.
	_, edit := e.get(admin, "/admin/campaigns/1/edit")
	if status, _, _ := e.post(admin, "/admin/campaigns/1/require-code", url.Values{"_csrf": {csrfOf(t, edit)}, "require_code": {"on"}}); status != http.StatusSeeOther {
		t.Fatalf("require code: %d", status)
	}
	kartini := e.asn("198512302010012003")
	_, body = e.get(head, "/sign/"+kartini.Token)
	if !strings.Contains(body, `name="code"`) {
		t.Fatal("signing page does not ask for the access code")
	}
	for _, code := range []string{"", "WRONGCOD"} {
		form := signForm(csrfOf(t, body), "Kartini")
		form.Set("code", code)
		status, page, _ := e.post(head, "/sign/"+kartini.Token, form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, "Kode akses salah") {
			t.Fatalf("signing with code %q: %d", code, status)
		}
	}
	if _, err := e.st.SignatureOf(ctx, kartini.ID, 1); err == nil {
		t.Fatal("signed without the access code")
	}
	// Kartini herself: NIP + code at /sign, then the form without the code.
	c := e.client()
	_, entry := e.get(c, "/sign")
	status, _, resp := e.post(c, "/sign", url.Values{"_csrf": {csrfOf(t, entry)}, "nip": {kartini.NIP}, "code": {kartini.AccessCode}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/sign/"+kartini.Token {
		t.Fatalf("entry: %d %s", status, resp.Header.Get("Location"))
	}
	_, body = e.get(c, "/sign/"+kartini.Token)
	if strings.Contains(body, `name="code"`) {
		t.Error("the code is asked again after /sign")
	}
	if status, _, _ := e.post(c, "/sign/"+kartini.Token, signForm(csrfOf(t, body), "Kartini")); status != http.StatusOK {
		t.Fatalf("Kartini signing after /sign: %d", status)
	}
	if sig, err := e.st.SignatureOf(ctx, kartini.ID, 1); err != nil || sig.StaffUser != "" {
		t.Fatalf("Kartini's signature: %+v %v", sig, err)
	}
	// All three signed from one address with one browser within minutes:
	// one device cluster (in the test every client is 127.0.0.1 and Go).
	_, page := e.get(admin, "/dashboard/review?campaign=1")
	clusters := page[strings.Index(page, `id="review-clusters"`):]
	for _, name := range []string{"Budi Santosa", "Ngatiyem", "Kartini"} {
		if !strings.Contains(clusters, name) {
			t.Errorf("device cluster lacks %s:\n%s", name, clusters)
		}
	}
}
