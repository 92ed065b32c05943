package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
)

// TestReturningSignerOfOlderVersion: someone who signed version 1 and opens
// their link after a new version sees, above the new form, that the text
// changed and when, links to their earlier receipt and certificate, and
// the changed words of each point; someone who never signed sees only the
// form.
func TestReturningSignerOfOlderVersion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const budi = "198703122010121002"
	oldCode := e.signAs(budi, "Budi Santosa")

	// The admin changes one word of point 2 and confirms the new version.
	points := append([]string(nil), pledge.DefaultID.Points...)
	points[1] = strings.Replace(points[1], "tidak memihak", "tidak berpihak", 1)
	admin := e.adminLogin("admin", store.RoleAdmin)
	form := adminCampaignForm(e.adminCSRF(admin, "/admin/campaigns/1/edit"), points...)
	form.Set("action", "new_version")
	form.Set("confirm", "1")
	if status, _, _ := e.post(admin, "/admin/campaigns/1", form); status != http.StatusSeeOther {
		t.Fatalf("new version: %d", status)
	}
	all, err := e.st.Campaigns(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("campaigns: %d, %v", len(all), err)
	}
	next := all[0]

	c := e.client()
	token := e.asn(budi).Token
	status, page := e.get(c, "/sign/"+token)
	if status != 200 || !strings.Contains(page, `id="sign-form"`) {
		t.Fatalf("signing page of version 2: %d", status)
	}
	for _, want := range []string{
		`id="text-changed"`,
		"Teks ikrar ini diubah pada " + wib.Date(next.CreatedAt),
		"Anda sudah menandatangani versi 1",
		`href="/sign/` + token + `?campaign=1"`,
		`href="/sign/` + token + `/certificate.pdf?campaign=1"`,
		"<del>memihak</del>", "<ins>berpihak</ins>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("signing page lacks %q", want)
		}
	}
	if i, j := strings.Index(page, `id="text-changed"`), strings.Index(page, `id="sign-form"`); i < 0 || i > j {
		t.Error("the change notice is not above the form")
	}
	// The earlier receipt and certificate are where the links say.
	if status, receipt := e.get(c, "/sign/"+token+"?campaign=1"); status != 200 || !strings.Contains(receipt, oldCode) {
		t.Errorf("earlier receipt: %d, code %s shown: %v", status, oldCode, strings.Contains(receipt, oldCode))
	}
	if pdf := e.download(c, "/sign/"+token+"/certificate.pdf?campaign=1"); !strings.HasPrefix(string(pdf), "%PDF") {
		t.Error("earlier certificate is not a PDF")
	}
	// The verify page of the earlier certificate names its version and
	// the position as signed.
	if _, v := e.get(e.client(), "/verify/"+oldCode); !strings.Contains(v, `id="verify-campaign"`) || !strings.Contains(v, "(versi 1)") ||
		!strings.Contains(v, "Kepala Seksi Kurikulum") {
		t.Error("verify page lacks the campaign version or the position as signed")
	}
	// In English too.
	if _, en := e.get(c, "/sign/"+token+"?lang=en"); !strings.Contains(en, "You signed version 1") {
		t.Error("English signing page does not say the text changed")
	}

	// Someone who never signed sees only the form.
	if _, page := e.get(e.client(), "/sign/"+e.asn("199001012015032001").Token); strings.Contains(page, `id="text-changed"`) {
		t.Error("a first-time signer is told the text changed")
	}
	// Once version 2 is signed, the receipt shows.
	e.signAs(budi, "Budi Santosa")
	if _, page := e.get(c, "/sign/"+token); strings.Contains(page, `id="text-changed"`) || strings.Contains(page, `id="sign-form"`) {
		t.Error("after signing version 2 the page still asks to sign")
	}
}
