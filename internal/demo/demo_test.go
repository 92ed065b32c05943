package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/nip"
	"github.com/ikrar/ikrar/internal/staff"
	"github.com/ikrar/ikrar/internal/store"
)

func TestSeedOnceWithValidData(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DSN: filepath.Join(t.TempDir(), "demo.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, created, err := Seed(ctx, st, "Pemerintah Kota Yogyakarta", "http://localhost:8080", 42)
	if err != nil || !created {
		t.Fatalf("seed: %v created=%v", err, created)
	}
	if res.ASN < 200 || len(res.Links) != 3 {
		t.Fatalf("seeded %d ASN, %d links", res.ASN, len(res.Links))
	}
	err = st.ActiveASN(ctx, nil, func(batch []store.ASN) error {
		for _, a := range batch {
			if _, err := nip.Validate(a.NIP); err != nil {
				t.Errorf("demo NIP %s invalid: %v", a.NIP, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.Links {
		if !strings.HasPrefix(l, "http://localhost:8080/sign/") {
			t.Errorf("link %q", l)
		}
	}
	if _, err := staff.Authenticate(ctx, st, res.HeadUser, res.HeadPassword); err != nil {
		t.Errorf("printed head password does not work: %v", err)
	}
	if _, err := staff.Authenticate(ctx, st, res.AdminUser, res.AdminPassword); err != nil {
		t.Errorf("printed admin password does not work: %v", err)
	}
	if _, again, err := Seed(ctx, st, "x", "y", 1); err != nil || again {
		t.Fatalf("second seed: created=%v err=%v (want a no-op)", again, err)
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
