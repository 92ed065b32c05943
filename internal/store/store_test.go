package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/ikrar/ikrar/internal/audit"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

func openTest(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

var tokenN int

func seed(t *testing.T, st *store.Store, n int) (store.Campaign, []store.ASN) {
	t.Helper()
	ctx := context.Background()
	c := store.Campaign{Slug: "t", Version: 1, Title: "T", Preamble: "P", Points: `["a","b"]`, Closing: "C", Instansi: "I", TextHash: strings.Repeat("a", 64), Status: "open"}
	if err := st.CreateCampaign(ctx, "test", &c); err != nil {
		t.Fatal(err)
	}
	rows := make([]store.ImportRow, n)
	for i := range rows {
		rows[i] = store.ImportRow{Line: i + 2, NIP: fmt.Sprintf("1980010120050110%02d", i), Name: fmt.Sprintf("Orang %d", i), Position: "Staf", Department: "Dinas Uji", Kind: "PNS"}
	}
	next := func() string { tokenN++; return fmt.Sprintf("token-%030d", tokenN) }
	if _, err := st.ImportRoster(ctx, "test", "seed", rows, store.ImportOptions{NewToken: next, NewAccessCode: func() string { return "ABCDEFGH" }}); err != nil {
		t.Fatal(err)
	}
	var out []store.ASN
	for _, r := range rows {
		a, err := st.ASNByNIP(ctx, r.NIP)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return c, out
}

func newSig(a store.ASN, c store.Campaign, i int) store.NewSignature {
	return store.NewSignature{ASN: a, CampaignID: c.ID, SignedAt: time.Now(), TypedName: a.Name, PledgeHash: c.TextHash, CertCode: fmt.Sprintf("IKR-T%04d-%d", i, time.Now().UnixNano())}
}

func TestGroupCommitConcurrentSigners(t *testing.T) {
	storetest.Each(t, testGroupCommitConcurrentSigners)
}

func testGroupCommitConcurrentSigners(t *testing.T, b storetest.Backend) {
	st := storetest.Open(t, b)
	c, people := seed(t, st, 60)
	ctx := context.Background()
	var wg sync.WaitGroup
	created := make([]store.SignResult, 0, 60*3)
	var mu sync.Mutex
	// Three requests per person at once: exactly one signature each.
	for i, a := range people {
		for k := 0; k < 3; k++ {
			wg.Add(1)
			go func(a store.ASN, i int) {
				defer wg.Done()
				res, err := st.Sign(ctx, newSig(a, c, i))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				created = append(created, res)
				mu.Unlock()
			}(a, i*10+k)
		}
	}
	wg.Wait()
	byASN := map[uint]string{}
	nCreated := 0
	for _, r := range created {
		if r.Created {
			nCreated++
		}
		if prev, ok := byASN[r.Signature.ASNID]; ok && prev != r.Signature.CertCode {
			t.Fatalf("ASN %d got two different signatures %s and %s", r.Signature.ASNID, prev, r.Signature.CertCode)
		}
		byASN[r.Signature.ASNID] = r.Signature.CertCode
	}
	if n, _ := st.CountSignatures(ctx, c.ID); n != 60 || nCreated != 60 {
		t.Fatalf("%d signatures stored, %d reported created, want 60", n, nCreated)
	}
	rep, err := st.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events != 1+1+60 { // campaign, import, signatures
		t.Fatalf("%d audit events", rep.Events)
	}
}

func TestAuditNamesTampering(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want string
	}{
		{"signature row edited", "UPDATE signatures SET typed_name = 'Orang Lain' WHERE id = 2", "signature 2"},
		{"signature time edited", "UPDATE signatures SET signed_at = '2020-01-01 00:00:00+00:00' WHERE id = 1", "signature 1"},
		{"event detail edited", "UPDATE audit_events SET detail = '{}' WHERE id = 2", "event 2"},
		{"event deleted", "DELETE FROM audit_events WHERE id = 3", "event 3"},
		{"signature deleted", "DELETE FROM signatures WHERE id = 1", "missing from the database"},
		{"newest event deleted", "DELETE FROM audit_events WHERE id = (SELECT MAX(id) FROM audit_events)", "removed from the end"},
		{"head anchor deleted", "DELETE FROM audit_heads", "head of the chain is missing"},
		{"signature inserted without event", "INSERT INTO signatures (asn_id, campaign_id, department_id, signed_at, typed_name, pledge_hash, cert_code) SELECT id, 1, department_id, '2024-01-01 00:00:00+00:00', 'x', 'h', 'IKR-FAKE' FROM asns WHERE id = 5", "has no audit event"},
		// Everything the verify page, a certificate or a completion figure
		// shows is covered, and the message names the event that recorded it
		// (events 1 and 2 are the campaign and the import, so signature N
		// is event N+2).
		{"unit of a signature moved", "UPDATE signatures SET department_id = department_id + 100 WHERE id = 2", "event 4: signature 2"},
		{"signature marked revoked", "UPDATE signatures SET revoked = true WHERE id = 3", "event 5: signature 3"},
		{"name as signed edited", "UPDATE signatures SET signer_name = 'Orang Lain' WHERE id = 1", "event 3: signature 1"},
		{"position as signed edited", "UPDATE signatures SET signer_position = 'Kepala Dinas' WHERE id = 2", "event 4: signature 2"},
		{"NIP as signed edited", "UPDATE signatures SET signer_nip = '199001012015032001' WHERE id = 2", "event 4: signature 2"},
		{"roster NIP of a signer edited", "UPDATE asns SET nip = '199001012015032001' WHERE id = (SELECT asn_id FROM signatures WHERE id = 3)", "event 5: signature 3"},
		{"campaign of a signature edited", "UPDATE signatures SET campaign_id = 7 WHERE id = 3", "signature 3"},
		{"text hash of a signature edited", "UPDATE signatures SET pledge_hash = 'b' WHERE id = 3", "signature 3"},
		{"certificate hash on the signature edited", "UPDATE signatures SET cert_sha256 = 'ff' WHERE id = 1", "event 6: signature 1"},
		{"certificate hash set without an event", "UPDATE signatures SET cert_sha256 = 'ee' WHERE id = 2", "event 4: signature 2"},
	}
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				testAuditNamesTampering(t, b, tt.sql, tt.want)
			})
		}
	})
}

func testAuditNamesTampering(t *testing.T, b storetest.Backend, tamper, want string) {
	opts := storetest.Options(t, b)
	st := storetest.OpenWith(t, opts)
	c, people := seed(t, st, 5)
	for i, a := range people[:3] {
		if _, err := st.Sign(context.Background(), newSig(a, c, i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.IssueOnce(context.Background(), 1, func() (store.Certificate, error) { // event 6
		return store.Certificate{PDF: []byte("%PDF certificate"), SHA256: strings.Repeat("c", 64)}, nil
	}); err != nil {
		t.Fatal(err)
	}
	// The newest event is not a signature, so only the head anchor can
	// tell that it was removed.
	if err := st.Record(context.Background(), "test", "links.exported", "links:x", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.VerifyAudit(context.Background()); err != nil {
		t.Fatalf("clean chain: %v", err)
	}
	if _, err := storetest.DB(t, opts).Exec(tamper); err != nil {
		t.Fatal(err)
	}
	_, err := st.VerifyAudit(context.Background())
	var broken *audit.BrokenError
	if !errors.As(err, &broken) || !strings.Contains(err.Error(), want) {
		t.Fatalf("VerifyAudit = %v, want a broken chain naming %q", err, want)
	}
}

func TestReimportKeepsSignaturesAndDeactivates(t *testing.T) {
	storetest.Each(t, testReimportKeepsSignaturesAndDeactivates)
}

func testReimportKeepsSignaturesAndDeactivates(t *testing.T, b storetest.Backend) {
	st := storetest.Open(t, b)
	ctx := context.Background()
	c, people := seed(t, st, 4)
	res, err := st.Sign(ctx, newSig(people[0], c, 0))
	if err != nil {
		t.Fatal(err)
	}
	// The new roster drops person 0 (who signed) and renames person 1.
	rows := []store.ImportRow{
		{Line: 2, NIP: people[1].NIP, Name: "Nama Baru", Position: "Staf", Department: "Dinas Uji", Kind: "PNS"},
		{Line: 3, NIP: people[2].NIP, Name: people[2].Name, Position: "Staf", Department: "Dinas Uji", Kind: "PNS"},
		{Line: 4, NIP: people[3].NIP, Name: people[3].Name, Position: "Staf", Department: "Dinas Uji", Kind: "PNS"},
	}
	out, err := st.ImportRoster(ctx, "test", "v2", rows, store.ImportOptions{DeactivateMissing: true, ConfirmDeactivate: 1, NewToken: func() string { return "unused-token-000000000000" }, NewAccessCode: func() string { return "ABCDEFGH" }})
	if err != nil {
		t.Fatal(err)
	}
	if out.Updated != 1 || out.Unchanged != 2 || out.Deactivated != 1 || out.Added != 0 {
		t.Fatalf("import result %+v", out)
	}
	gone, err := st.ASNByNIP(ctx, people[0].NIP)
	if err != nil || gone.Active {
		t.Fatalf("person who left: %+v, %v (want kept, inactive)", gone, err)
	}
	if _, err := st.ASNByToken(ctx, people[0].Token); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("inactive ASN can still open the signing page: %v", err)
	}
	sig, err := st.SignatureByCode(ctx, res.Signature.CertCode)
	if err != nil || sig.ASNID != people[0].ID {
		t.Fatalf("signature of the person who left: %v", err)
	}
	kept, _ := st.ASNByNIP(ctx, people[1].NIP)
	if kept.Token != people[1].Token || kept.AccessCode != people[1].AccessCode {
		t.Fatal("re-import changed credentials of an existing ASN")
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestMigratesPreviousSchema opens a database created by the first released
// schema (testdata/schema-v1.sql, with data) and checks that migration keeps
// every row and the audit chain. Future schema changes must keep it passing.
func TestMigratesPreviousSchema(t *testing.T) {
	ddl, err := os.ReadFile("testdata/schema-v1.sql")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.sqlite")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(ddl)); err != nil {
		t.Fatalf("load v1 schema: %v", err)
	}
	db.Close()
	st := openTest(t, path)
	ctx := context.Background()
	n, err := st.CountSignatures(ctx, 0)
	if err != nil || n != 1 {
		t.Fatalf("signatures after migration: %d, %v", n, err)
	}
	if _, err := st.ASNByNIP(ctx, "198001012005011000"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit after migration: %v", err)
	}
	// The old signature keeps its old digest rule; what happens to it
	// after the upgrade (its certificate, a revocation) and new signatures
	// follow the new rules, and the whole chain still verifies.
	old, err := st.SignatureByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.IssueOnce(ctx, old.ID, func() (store.Certificate, error) {
		return store.Certificate{PDF: []byte("%PDF x"), SHA256: strings.Repeat("d", 64)}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeSignature(ctx, "admin", old.CertCode, "salah orang"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit after the upgraded database was used: %v", err)
	}
}

// TestRevocationIsAnEvent: revoking records who and why; the flag and the
// event must agree, whichever is changed directly in the database.
func TestRevocationIsAnEvent(t *testing.T) { storetest.Each(t, testRevocationIsAnEvent) }

func testRevocationIsAnEvent(t *testing.T, b storetest.Backend) {
	opts := storetest.Options(t, b)
	st := storetest.OpenWith(t, opts)
	ctx := context.Background()
	c, people := seed(t, st, 2)
	res, err := st.Sign(ctx, newSig(people[0], c, 0))
	if err != nil {
		t.Fatal(err)
	}
	code := res.Signature.CertCode
	if err := st.RevokeSignature(ctx, "user:admin", code, " "); err == nil {
		t.Fatal("revocation without a reason accepted")
	}
	if err := st.RevokeSignature(ctx, "user:admin", code, "ditandatangani orang lain"); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeSignature(ctx, "user:admin", code, "lagi"); err == nil {
		t.Fatal("second revocation accepted")
	}
	sig, err := st.SignatureByCode(ctx, code)
	if err != nil || !sig.Revoked {
		t.Fatalf("after revoking: %+v, %v", sig, err)
	}
	var actor, detail string
	if err := storetest.DB(t, opts).QueryRow(`SELECT actor, detail FROM audit_events WHERE action = 'signature.revoked'`).Scan(&actor, &detail); err != nil {
		t.Fatal(err)
	}
	if actor != "user:admin" || !strings.Contains(detail, "ditandatangani orang lain") {
		t.Fatalf("revocation event: actor %q detail %s", actor, detail)
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatalf("after a proper revocation: %v", err)
	}
	if _, err := storetest.DB(t, opts).Exec(`UPDATE signatures SET revoked = false`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.VerifyAudit(ctx); err == nil || !strings.Contains(err.Error(), "no longer marked revoked") {
		t.Fatalf("un-revoked in the database: VerifyAudit = %v", err)
	}
}

// A signature keeps the signer's NIP, name and position as signed, and a
// database from before those columns existed gets them from the roster
// when it is opened.
func TestSignatureKeepsSignerAsSigned(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ikrar.db")
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	c, people := seed(t, st, 2)
	for i, a := range people {
		res, err := st.Sign(ctx, newSig(a, c, i))
		if err != nil {
			t.Fatal(err)
		}
		s := res.Signature
		if s.SignerNIP != a.NIP || s.SignerName != a.Name || s.SignerPosition != a.Position {
			t.Fatalf("signature %d holds %q %q %q, want %q %q %q", i, s.SignerNIP, s.SignerName, s.SignerPosition, a.NIP, a.Name, a.Position)
		}
	}
	st.Close()

	// An older database: the columns are empty.
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE signatures SET signer_nip = '', signer_name = '', signer_position = ''`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st = openTest(t, path)
	for _, a := range people {
		s, err := st.SignatureOf(ctx, a.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.SignerNIP != a.NIP || s.SignerName != a.Name || s.SignerPosition != a.Position {
			t.Errorf("after upgrade the signature of %s holds %q %q %q", a.NIP, s.SignerNIP, s.SignerName, s.SignerPosition)
		}
	}
}

// A database made before revocations allowed a new signature had a unique
// index over every signature; opening it replaces that with the index over
// live signatures, so a revoked person can sign again, once.
func TestUpgradeAllowsSigningAgainAfterRevocation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ikrar.db")
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	c, people := seed(t, st, 1)
	first, err := st.Sign(ctx, newSig(people[0], c, 0))
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP INDEX idx_sig_live`, `CREATE UNIQUE INDEX idx_sig_asn_campaign ON signatures (asn_id, campaign_id)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	st = openTest(t, path)
	if err := st.RevokeSignature(ctx, "user:admin", first.Signature.CertCode, "salah orang"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SignatureOf(ctx, people[0].ID, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a revoked signature is still the person's signature: %v", err)
	}
	again, err := st.Sign(ctx, newSig(people[0], c, 1))
	if err != nil || !again.Created || again.Signature.CertCode == first.Signature.CertCode {
		t.Fatalf("signing again after revocation: %+v %v", again, err)
	}
	third, err := st.Sign(ctx, newSig(people[0], c, 2))
	if err != nil || third.Created || third.Signature.ID != again.Signature.ID {
		t.Fatalf("a third signature was made: %+v %v", third, err)
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
