package certificate

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// signedStore is a database with one signature.
func signedStore(t *testing.T) (*store.Store, store.Options, store.Signature) {
	t.Helper()
	opts := storetest.Options(t, storetest.SQLite)
	st := storetest.OpenWith(t, opts)
	ctx := context.Background()
	camp := pledge.NewCampaign("pemilu-2024", 1, "Pemerintah Kota Yogyakarta", pledge.DefaultID, pledge.DefaultEN)
	if err := st.CreateCampaign(ctx, "test", &camp); err != nil {
		t.Fatal(err)
	}
	rows := []store.ImportRow{{Line: 2, NIP: "199001012015032001", Name: "Zoë Ngatiyem", Position: "Perawat", Department: "Dinas Kesehatan", Kind: "PNS"}}
	if _, err := st.ImportRoster(ctx, "test", "r", rows, store.ImportOptions{NewToken: func() string { return strings.Repeat("t", 32) }, NewAccessCode: func() string { return "ABCDEFGH" }}); err != nil {
		t.Fatal(err)
	}
	a, err := st.ASNByNIP(ctx, rows[0].NIP)
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.Sign(ctx, store.NewSignature{ASN: a, CampaignID: camp.ID, SignedAt: time.Now(), TypedName: a.Name, PledgeHash: camp.TextHash, CertCode: "IKR-AAAA-BBBB-CCCC-DDDD"})
	if err != nil {
		t.Fatal(err)
	}
	return st, opts, res.Signature
}

// TestKeyIsPinnedToTheDatabase: a server must not start with a key other
// than the one its certificates were signed with (a restore that lost the
// key would otherwise generate a new one silently and call every genuine
// certificate forged), unless told to; then the earlier certificates stay
// verifiable.
func TestKeyIsPinnedToTheDatabase(t *testing.T) {
	ctx := context.Background()
	st, opts, sig := signedStore(t)
	first := t.TempDir()
	s1, err := OpenSigner(ctx, st, KeyOptions{Dir: first}, false)
	if err != nil {
		t.Fatal(err)
	}
	svc := NewService(st, s1, "http://ikrar.test", nil)
	pdf1, err := svc.PDF(ctx, sig)
	if err != nil {
		t.Fatal(err)
	}

	// The restored database without its key: refused, and no key made.
	empty := t.TempDir()
	_, err = OpenSigner(ctx, st, KeyOptions{Dir: empty}, false)
	var mismatch *KeyMismatchError
	if !errors.As(err, &mismatch) || mismatch.Missing == "" || !strings.Contains(err.Error(), "ikrar restore") {
		t.Fatalf("missing key: %v", err)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Fatalf("a key was generated into %s although it was refused", empty)
	}
	// Another key: refused.
	other := t.TempDir()
	if _, err := LoadOrCreateSigner(KeyOptions{Dir: other}); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenSigner(ctx, st, KeyOptions{Dir: other}, false); !errors.As(err, &mismatch) || mismatch.Current == "" {
		t.Fatalf("other key: %v", err)
	}
	// Accepted on purpose: recorded, and certificates of the first key
	// still verify.
	s2, err := OpenSigner(ctx, st, KeyOptions{Dir: other}, true)
	if err != nil {
		t.Fatal(err)
	}
	if keys, _ := st.SigningKeys(ctx); len(keys) != 2 {
		t.Fatalf("%d keys recorded, want 2", len(keys))
	}
	if _, err := NewService(st, s2, "http://ikrar.test", nil).VerifyUpload(ctx, pdf1); err != nil {
		t.Fatalf("certificate of the earlier key after a deliberate change: %v", err)
	}
	if _, err := OpenSigner(ctx, st, KeyOptions{Dir: first}, false); err != nil {
		t.Fatalf("the first key is still one of this database's: %v", err)
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}

	// A database from before keys were recorded: the newest certificate
	// says which key is right.
	if _, err := storetest.DB(t, opts).Exec(`DELETE FROM signing_keys`); err != nil {
		t.Fatal(err)
	}
	third := t.TempDir()
	if _, err := LoadOrCreateSigner(KeyOptions{Dir: third}); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenSigner(ctx, st, KeyOptions{Dir: third}, false); !errors.As(err, &mismatch) {
		t.Fatalf("unrecorded database, wrong key: %v", err)
	}
	if _, err := OpenSigner(ctx, st, KeyOptions{Dir: first}, false); err != nil {
		t.Fatalf("unrecorded database, its own key: %v", err)
	}
}

// TestVerifyAcceptsACopyMadeAgain: after a restore, a certificate may be
// made again (other bytes: the CMS signing time). A copy downloaded before
// is genuine and its content is the record's: it verifies. A genuine PDF
// with other content under the same code does not.
func TestVerifyAcceptsACopyMadeAgain(t *testing.T) {
	ctx := context.Background()
	st, opts, sig := signedStore(t)
	s, err := OpenSigner(ctx, st, KeyOptions{Dir: t.TempDir()}, false)
	if err != nil {
		t.Fatal(err)
	}
	svc := NewService(st, s, "http://ikrar.test", nil)
	before, err := svc.PDF(ctx, sig)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.DB(t, opts).Exec(`DELETE FROM certificates`); err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return time.Now().Add(time.Hour) } // a later CMS signing time, as after a restore
	again, err := svc.PDF(ctx, sig)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(before, again) {
		t.Fatal("the certificate made again has the same bytes; this test needs them to differ")
	}
	// The checking process may run with another --base-url (ikrar verify
	// on an operator's machine): the stored copy says which address the
	// certificates name.
	elsewhere := NewService(st, s, "http://localhost:8080", nil)
	for name, pdf := range map[string][]byte{"downloaded before": before, "made again": again} {
		if _, err := svc.VerifyUpload(ctx, pdf); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := elsewhere.VerifyUpload(ctx, pdf); err != nil {
			t.Errorf("%s, checked with another base URL: %v", name, err)
		}
	}
	d, err := svc.Data(ctx, sig)
	if err != nil {
		t.Fatal(err)
	}
	d.Name = "Orang Lain"
	forged, err := s.Make(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.VerifyUpload(ctx, forged); !errors.Is(err, ErrNotOnRecord) {
		t.Errorf("genuine signature over other content: %v, want ErrNotOnRecord", err)
	}
	d.Code = "IKR-ZZZZ-ZZZZ-ZZZZ-ZZZZ"
	unknown, err := s.Make(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.VerifyUpload(ctx, unknown); !errors.Is(err, ErrNotInDatabase) {
		t.Errorf("genuine signature, code not in the database: %v, want ErrNotInDatabase", err)
	}
}
