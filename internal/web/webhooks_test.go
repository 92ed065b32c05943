package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/store"
)

// The webhooks page makes a subscription (its secret shown once), and its
// test button sends a signed test event through the outbox; the delivery
// log on the page shows the receiver's answer.
func TestAdminWebhooks(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	var got []string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Header.Get("webhook-signature")+" "+string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(rcv.Close)
	admin := e.staffLogin("admin", store.RoleAdmin)
	_, page := e.get(admin, "/admin/webhooks")
	if status, _, _ := e.post(admin, "/admin/webhooks", url.Values{"_csrf": {csrfOf(t, page)}, "url": {"javascript:alert(1)"}, "event": {"roster.imported"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("a javascript: URL was accepted: %d", status)
	}
	status, body, _ := e.post(admin, "/admin/webhooks", url.Values{"_csrf": {csrfOf(t, page)}, "url": {rcv.URL}, "event": {"roster.imported", "campaign.closed", "certificate.issued"}})
	m := regexp.MustCompile(`id="new-secret"[^>]*>(whsec_[^<]+)<`).FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("create webhook: %d", status)
	}
	if _, again := e.get(admin, "/admin/webhooks"); strings.Contains(again, m[1]) {
		t.Error("the secret is shown again")
	}
	subs, err := e.st.Webhooks(context.Background())
	if err != nil || len(subs) != 1 {
		t.Fatalf("webhooks: %v %v", subs, err)
	}
	status, _, resp := e.post(admin, "/admin/webhooks/"+itoa(subs[0].ID)+"/test", url.Values{"_csrf": {csrfOf(t, page)}})
	if status != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "ok=webhook_test") {
		t.Fatalf("send test event: %d", status)
	}
	s := &reach.Sender{Store: e.st, Rate: 6000}
	if n, err := s.DeliverOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("deliver: %d %v", n, err)
	}
	mu.Lock()
	if len(got) != 1 || !strings.HasPrefix(got[0], "v1,") || !strings.Contains(got[0], `"type":"webhook.test"`) {
		t.Errorf("receiver got %q", got)
	}
	mu.Unlock()
	if _, page = e.get(admin, "/admin/webhooks"); !strings.Contains(page, "<td>202</td>") {
		t.Error("the delivery log does not show the receiver's 202")
	}

	// A certificate made is an event with its code.
	code := e.signAs("198703122010121002", "Budi Santosa")
	if status, _ := e.get(e.client(), "/sign/"+e.asn("198703122010121002").Token+"/certificate.pdf"); status != http.StatusOK {
		t.Fatalf("certificate download: %d", status)
	}
	for range 5 {
		if n, err := s.DeliverOnce(context.Background()); err != nil || n == 0 {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	found := false
	for _, g := range got {
		found = found || (strings.Contains(g, `"type":"certificate.issued"`) && strings.Contains(g, code))
	}
	if !found {
		t.Errorf("no certificate.issued event with %s among %q", code, got)
	}
}

func itoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }

// A queued webhook is named as such on the outbox page.
func TestOutboxNamesWebhooks(t *testing.T) {
	e := newEnv(t)
	sub := store.WebhookSubscription{URL: "http://127.0.0.1:9/none", Secret: reach.NewWebhookSecret(), Events: store.EventRosterImported}
	if err := e.st.CreateWebhook(context.Background(), "test", &sub); err != nil {
		t.Fatal(err)
	}
	if err := reach.SendTestEvent(context.Background(), e.st, sub.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, page := e.get(e.staffLogin("admin", store.RoleAdmin), "/admin/outbox")
	if !strings.Contains(page, "<td>Webhook</td>") {
		t.Error("the outbox page does not name the webhook kind")
	}
}
