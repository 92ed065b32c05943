package reach_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// receiver is a webhook endpoint on loopback that checks every delivery's
// Standard Webhooks signature itself and fails the first few.
type receiver struct {
	mu       sync.Mutex
	secret   string
	failures int
	got      []delivery
}

type delivery struct {
	id, ts  string
	valid   bool
	body    map[string]any
	answerd int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	id, ts := req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp")
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.secret, "whsec_"))
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "."))
	m.Write(body)
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	valid := false
	for _, sig := range strings.Fields(req.Header.Get("webhook-signature")) {
		valid = valid || hmac.Equal([]byte(sig), []byte(want))
	}
	var payload map[string]any
	_ = json.Unmarshal(body, &payload)
	r.mu.Lock()
	defer r.mu.Unlock()
	status := http.StatusNoContent
	if r.failures > 0 {
		r.failures--
		status = http.StatusServiceUnavailable
	}
	r.got = append(r.got, delivery{id: id, ts: ts, valid: valid, body: payload, answerd: status})
	w.WriteHeader(status)
}

// TestWebhookDeliveredThroughOutbox: a roster import emits roster.imported
// to a real HTTP receiver that fails twice; the outbox retries with
// backoff under the same webhook-id and signature scheme until it
// succeeds, and the delivery log holds every attempt with its status.
func TestWebhookDeliveredThroughOutbox(t *testing.T) { storetest.Each(t, testWebhookDelivered) }

func testWebhookDelivered(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	c := startClock()
	st, camp, _ := setup(t, b, c)
	rcv := &receiver{secret: reach.NewWebhookSecret(), failures: 2}
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	sub := store.WebhookSubscription{URL: srv.URL + "/ikrar", Secret: rcv.secret, Events: store.EventRosterImported + " " + store.EventCampaignClosed}
	if err := st.CreateWebhook(ctx, "test", &sub); err != nil {
		t.Fatal(err)
	}
	other := store.WebhookSubscription{URL: srv.URL + "/other", Secret: reach.NewWebhookSecret(), Events: store.EventSignatureCreated}
	if err := st.CreateWebhook(ctx, "test", &other); err != nil {
		t.Fatal(err)
	}
	rows := []store.ImportRow{{Line: 2, NIP: "198703122010121099", Name: "Pegawai Baru", Position: "Staf", Department: "Dinas Kesehatan", Kind: "PNS"}}
	if _, err := st.ImportRoster(ctx, "api:simpeg", "api", rows, store.ImportOptions{NewToken: func() string { return "rtoken-webhook-000000000000000000" },
		NewAccessCode: func() string { return "ABCDEFGH" }}); err != nil {
		t.Fatal(err)
	}
	// No SMTP: the sender still delivers webhooks (and leaves mail alone).
	s := &reach.Sender{Store: st, Rate: 6000, Log: quiet(), Now: c.Now}
	for attempt := 1; attempt <= 3; attempt++ {
		if _, err := s.DeliverOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(rcv.got); n != attempt {
			t.Fatalf("attempt %d: the receiver got %d deliveries", attempt, n)
		}
		if n, _ := s.DeliverOnce(ctx); n != 0 {
			t.Fatalf("attempt %d: retried before its backoff", attempt)
		}
		c.Add(5 * time.Minute)
	}
	if n, _ := s.DeliverOnce(ctx); n != 0 || len(rcv.got) != 3 {
		t.Fatalf("delivered again after success: %d deliveries", len(rcv.got))
	}
	first := rcv.got[0]
	for i, d := range rcv.got {
		if !d.valid {
			t.Errorf("delivery %d: signature does not verify", i+1)
		}
		if d.id != first.id || !strings.HasPrefix(d.id, "msg_") {
			t.Errorf("delivery %d: webhook-id %q, want the same id on every retry (%q)", i+1, d.id, first.id)
		}
		if _, err := strconv.ParseInt(d.ts, 10, 64); err != nil {
			t.Errorf("delivery %d: webhook-timestamp %q", i+1, d.ts)
		}
		if d.body["type"] != store.EventRosterImported {
			t.Errorf("delivery %d: type %v", i+1, d.body["type"])
		}
	}
	if data, _ := first.body["data"].(map[string]any); data["added"] != float64(1) || data["actor"] != "api:simpeg" {
		t.Errorf("payload data: %v", first.body["data"])
	}
	log, err := st.WebhookAttempts(ctx, sub.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, a := range log {
		codes = append(codes, fmt.Sprintf("%d:%d", a.Attempt, a.StatusCode))
	}
	if got := strings.Join(codes, " "); got != "3:204 2:503 1:503" {
		t.Errorf("delivery log (newest first): %s, want 3:204 2:503 1:503", got)
	}

	// Closing the campaign is an event too; the test button reaches one
	// subscription only.
	if err := st.SetCampaignStatus(ctx, "test", camp.ID, "closed"); err != nil {
		t.Fatal(err)
	}
	if err := reach.SendTestEvent(ctx, st, other.ID, c.Now()); err != nil {
		t.Fatal(err)
	}
	drain(t, s)
	var types []string
	for _, d := range rcv.got[3:] {
		types = append(types, fmt.Sprint(d.body["type"]))
	}
	if got := strings.Join(types, ","); !strings.Contains(got, store.EventCampaignClosed) || !strings.Contains(got, store.EventTest) || len(types) != 2 {
		t.Errorf("after closing and the test button: %s", got)
	}
}

// A sender killed after claiming a delivery (its lease still running)
// loses nothing: once the lease ends another sender delivers it, once.
func TestWebhookSurvivesDeadSender(t *testing.T) { storetest.Each(t, testWebhookSurvivesDeadSender) }

func testWebhookSurvivesDeadSender(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	c := startClock()
	st, _, _ := setup(t, b, c)
	rcv := &receiver{secret: reach.NewWebhookSecret()}
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	sub := store.WebhookSubscription{URL: srv.URL, Secret: rcv.secret, Events: store.EventRosterImported}
	if err := st.CreateWebhook(ctx, "test", &sub); err != nil {
		t.Fatal(err)
	}
	if err := reach.SendTestEvent(ctx, st, sub.ID, c.Now()); err != nil {
		t.Fatal(err)
	}
	// The first sender claims it and dies before posting.
	claimed, err := st.ClaimMessagesOf(ctx, 10, 2*time.Minute, []string{store.KindWebhook})
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	s := &reach.Sender{Store: st, Rate: 6000, Log: quiet(), Now: c.Now, Lease: 2 * time.Minute}
	if n, _ := s.DeliverOnce(ctx); n != 0 {
		t.Fatal("a second sender took a delivery whose lease still runs")
	}
	c.Add(3 * time.Minute)
	drain(t, s)
	if len(rcv.got) != 1 || !rcv.got[0].valid || rcv.got[0].body["type"] != store.EventTest {
		t.Fatalf("after the lease: %+v", rcv.got)
	}
}

// TestSignatureCreatedWebhook: a new signature queues signature.created in
// the group commit's own transaction; signing again queues nothing; the
// receiver gets each event once, signed.
func TestSignatureCreatedWebhook(t *testing.T) { storetest.Each(t, testSignatureCreatedWebhook) }

func testSignatureCreatedWebhook(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	c := startClock()
	st, camp, people := setup(t, b, c)
	rcv := &receiver{secret: reach.NewWebhookSecret()}
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)
	sub := store.WebhookSubscription{URL: srv.URL + "/ikrar", Secret: rcv.secret, Events: store.EventSignatureCreated}
	if err := st.CreateWebhook(ctx, "test", &sub); err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for i, a := range people[:3] {
		res, err := st.Sign(ctx, store.NewSignature{ASN: a, CampaignID: camp.ID, SignedAt: c.Now(), TypedName: a.Name,
			PledgeHash: camp.TextHash, CertCode: fmt.Sprintf("IKR-WHK%d-%d", i, time.Now().UnixNano())})
		if err != nil || !res.Created {
			t.Fatalf("sign %d: %+v %v", i, res, err)
		}
		codes[res.Signature.CertCode] = true
	}
	// The same person again: no second signature, no second event.
	if res, err := st.Sign(ctx, store.NewSignature{ASN: people[0], CampaignID: camp.ID, SignedAt: c.Now(), TypedName: people[0].Name,
		PledgeHash: camp.TextHash, CertCode: "IKR-WHK-AGAIN"}); err != nil || res.Created {
		t.Fatalf("second signature: %+v %v", res, err)
	}
	s := &reach.Sender{Store: st, Rate: 6000, Log: quiet(), Now: c.Now}
	for i := 0; i < 3; i++ {
		if _, err := s.DeliverOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(rcv.got) != 3 {
		t.Fatalf("%d signature.created deliveries, want 3", len(rcv.got))
	}
	for i, d := range rcv.got {
		data, _ := d.body["data"].(map[string]any)
		if !d.valid || d.body["type"] != store.EventSignatureCreated || !codes[fmt.Sprint(data["certificate_code"])] ||
			data["nip"] == "" || data["signed_at_utc"] == nil {
			t.Errorf("delivery %d: valid %v, body %v", i+1, d.valid, d.body)
		}
		delete(codes, fmt.Sprint(data["certificate_code"]))
	}
}
