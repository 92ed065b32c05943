package report

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestUnitCompletedOnce: unit.completed goes once per campaign and unit,
// when the last of its staff signs, and only to those who subscribe.
func TestUnitCompletedOnce(t *testing.T) { storetest.Each(t, testUnitCompletedOnce) }

func testUnitCompletedOnce(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st := storetest.Open(t, b)
	camp := store.Campaign{Slug: "pemilu", Version: 1, Title: "Ikrar", Preamble: "P", Points: `["a","b"]`, Closing: "C",
		Instansi: "Pemerintah Kota Yogyakarta", TextHash: strings.Repeat("a", 64), Status: "open"}
	if err := st.CreateCampaign(ctx, "test", &camp); err != nil {
		t.Fatal(err)
	}
	rows := []store.ImportRow{
		{Line: 2, NIP: "198703122010121001", Name: "Ani", Position: "Staf", Department: "Dinas Kesehatan", Kind: "PNS"},
		{Line: 3, NIP: "198703122010121002", Name: "Budi", Position: "Staf", Department: "Dinas Kesehatan", Kind: "PNS"},
		{Line: 4, NIP: "198703122010121003", Name: "Citra", Position: "Staf", Department: "Inspektorat", Kind: "PNS"},
	}
	k := 0
	if _, err := st.ImportRoster(ctx, "test", "seed", rows, store.ImportOptions{NewToken: func() string { k++; return fmt.Sprintf("utoken-%030d", k) },
		NewAccessCode: func() string { return "ABCDEFGH" }}); err != nil {
		t.Fatal(err)
	}
	sign := func(nip string) {
		a, err := st.ASNByNIP(ctx, nip)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Sign(ctx, store.NewSignature{ASN: a, CampaignID: camp.ID, SignedAt: time.Now(), TypedName: a.Name,
			PledgeHash: camp.TextHash, CertCode: "IKR-U-" + nip}); err != nil {
			t.Fatal(err)
		}
	}
	emit := func() int {
		n, err := EmitCompletedUnits(ctx, st, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	sign("198703122010121001")
	sign("198703122010121002")
	if n := emit(); n != 0 {
		t.Fatalf("%d events without a subscription", n)
	}
	if err := st.CreateWebhook(ctx, "test", &store.WebhookSubscription{URL: "http://127.0.0.1:1/x", Secret: "whsec_dGVzdA==", Events: store.EventUnitCompleted}); err != nil {
		t.Fatal(err)
	}
	if n := emit(); n != 1 {
		t.Fatalf("Dinas Kesehatan complete: %d events, want 1", n)
	}
	if n := emit(); n != 0 {
		t.Fatalf("the same unit announced again: %d", n)
	}
	sign("198703122010121003")
	if n := emit(); n != 1 {
		t.Fatalf("Inspektorat complete: %d events, want 1", n)
	}
}
