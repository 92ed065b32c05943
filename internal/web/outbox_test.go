package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/roster"
	"github.com/ikrar/ikrar/internal/store"
)

// TestOutboxPage: without SMTP the page says messages are not sent; it
// counts by kind and state, lists failures with their error, and retries.
func TestOutboxPage(t *testing.T) {
	e, admin := adminEnv(t)
	ctx := context.Background()
	cs, _ := e.st.Campaigns(ctx)
	e.withEmails(map[string]string{"198703122010121002": "budi@example.test", "199001012015032001": "zoe@example.test"})
	status, body := e.get(admin, "/admin/outbox")
	if status != http.StatusOK || !strings.Contains(body, "Belum ada pesan") {
		t.Fatalf("empty outbox: status %d", status)
	}
	res, err := reach.Queue(ctx, e.st, time.Now(), reach.Request{Kind: reach.KindInvitation, Campaign: cs[0], Actor: "admin"})
	if err != nil || res.Queued != 2 {
		t.Fatalf("queue %+v %v", res, err)
	}
	claimed, err := e.st.ClaimMessages(ctx, 1, time.Minute)
	if err != nil || len(claimed) != 1 {
		t.Fatal(err)
	}
	if err := e.st.MarkFailed(ctx, claimed[0].ID, "550 5.1.1 mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	_, body = e.get(admin, "/admin/outbox")
	if w := between(body, `id="outbox-waiting"`, "</section>"); !strings.Contains(w, "tidak terkirim: SMTP belum diatur") || !strings.Contains(w, "@example.test") {
		t.Errorf("waiting messages do not say where they would go:\n%s", w)
	}
	for _, want := range []string{"Tidak terkirim: SMTP belum diatur", "(1 pesan menunggu)", "550 5.1.1 mailbox unavailable", "Undangan"} {
		if !strings.Contains(body, want) {
			t.Errorf("outbox page lacks %q", want)
		}
	}
	status, _, resp := e.post(admin, "/admin/outbox/retry", url.Values{"_csrf": {csrfOf(t, body)}, "id": {"1"}})
	if status != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "outbox_retried") {
		t.Fatalf("retry: status %d", status)
	}
	if q, _ := e.st.OutboxByState(ctx, store.OutboxQueued, 10); len(q) != 2 {
		t.Fatalf("%d queued after retry, want 2", len(q))
	}
	if _, body = e.get(admin, "/admin/outbox?lang=en"); !strings.Contains(body, "Not sent: SMTP is not set up") {
		t.Error("English outbox page")
	}
	head := e.adminLogin("kepala", store.RoleHead, "dinas-kesehatan")
	if status, _ := e.get(head, "/admin/outbox"); status == http.StatusOK {
		t.Error("a head sees the outbox")
	}
	// A head without an address gets no digest: the page counts and names them.
	_, body = e.get(admin, "/admin/outbox?lang=id")
	if w := between(body, `id="heads-no-email"`, "</section>"); !strings.Contains(w, "Kepala unit tanpa email: 1") || !strings.Contains(w, "kepala") {
		t.Errorf("heads without email:\n%s", w)
	}
	u, _ := e.st.UserByUsername(ctx, "kepala")
	if err := e.st.SetUserEmail(ctx, "test", u.ID, "kepala@example.test"); err != nil {
		t.Fatal(err)
	}
	if _, body = e.get(admin, "/admin/outbox"); strings.Contains(body, `id="heads-no-email"`) {
		t.Error("a head with an address is still listed without one")
	}
}

// withEmails gives people of the test roster an email address, the way an
// admin does: by importing the roster again with an email column.
func (e *env) withEmails(byNIP map[string]string) {
	e.t.Helper()
	csv := "nip;nama;jabatan;unit_kerja;telepon;email\r\n"
	for _, line := range strings.Split(strings.TrimSpace(rosterCSV), "\r\n")[1:] {
		nip := strings.SplitN(line, ";", 2)[0]
		csv += line + ";" + byNIP[nip] + "\r\n"
	}
	if _, err := roster.Import(context.Background(), e.st, "test", "roster.csv", strings.NewReader(csv), roster.ImportOptions{}); err != nil {
		e.t.Fatal(err)
	}
}
