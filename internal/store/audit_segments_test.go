package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestVerifySegmentsMatchOneWalk: verification split into segments (two,
// three, four) reports exactly what one walk from the first event reports
// (event count, head, and the first break with its message) for a break
// at every event of the chain, so in every segment and on both sides of
// every border, and for every kind of signature row edit.
func TestVerifySegmentsMatchOneWalk(t *testing.T) { storetest.Each(t, testVerifySegmentsMatchOneWalk) }

// segBatch is the batch size of these tests: with ~40 events, segments of
// a few batches each.
const segBatch = 3

func testVerifySegmentsMatchOneWalk(t *testing.T, b storetest.Backend) {
	opts := storetest.Options(t, b)
	st := storetest.OpenWith(t, opts)
	db := storetest.DB(t, opts)
	sigs := buildSegmentChain(t, st)
	if got := sameInSegments(t, st, "clean chain"); strings.Contains(got, "broken") {
		t.Fatalf("clean chain: %s", got)
	}
	var events int
	if err := db.QueryRow("SELECT COUNT(*) FROM audit_events").Scan(&events); err != nil {
		t.Fatal(err)
	}
	// Every event: its content edited, its link edited, the event removed.
	for id := 1; id <= events; id++ {
		var detail, prevHash string
		if err := db.QueryRow(rebind(b, "SELECT detail, prev_hash FROM audit_events WHERE id = ?"), id).Scan(&detail, &prevHash); err != nil {
			t.Fatal(err)
		}
		tamper(t, st, db, b, fmt.Sprintf("event %d edited", id),
			"UPDATE audit_events SET detail = ? WHERE id = ?", []any{detail + " ", id},
			"UPDATE audit_events SET detail = ? WHERE id = ?", []any{detail, id})
		tamper(t, st, db, b, fmt.Sprintf("event %d relinked", id),
			"UPDATE audit_events SET prev_hash = ? WHERE id = ?", []any{strings.Repeat("f", 64), id},
			"UPDATE audit_events SET prev_hash = ? WHERE id = ?", []any{prevHash, id})
		var e struct {
			at                                         time.Time
			actor, action, subject, detail, prev, hash string
		}
		if err := db.QueryRow(rebind(b, "SELECT at, actor, action, subject, detail, prev_hash, hash FROM audit_events WHERE id = ?"), id).
			Scan(&e.at, &e.actor, &e.action, &e.subject, &e.detail, &e.prev, &e.hash); err != nil {
			t.Fatal(err)
		}
		tamper(t, st, db, b, fmt.Sprintf("event %d removed", id),
			"DELETE FROM audit_events WHERE id = ?", []any{id},
			"INSERT INTO audit_events (id, at, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			[]any{id, e.at, e.actor, e.action, e.subject, e.detail, e.prev, e.hash})
	}
	// Every signature row: what its signature, certificate and revocation
	// events cover.
	for _, id := range sigs {
		var name, certSHA string
		var revoked bool
		if err := db.QueryRow(rebind(b, "SELECT typed_name, revoked, cert_sha256 FROM signatures WHERE id = ?"), id).Scan(&name, &revoked, &certSHA); err != nil {
			t.Fatal(err)
		}
		tamper(t, st, db, b, fmt.Sprintf("signature %d renamed", id),
			"UPDATE signatures SET typed_name = ? WHERE id = ?", []any{"Orang Lain", id},
			"UPDATE signatures SET typed_name = ? WHERE id = ?", []any{name, id})
		tamper(t, st, db, b, fmt.Sprintf("signature %d revocation flipped", id),
			"UPDATE signatures SET revoked = ? WHERE id = ?", []any{!revoked, id},
			"UPDATE signatures SET revoked = ? WHERE id = ?", []any{revoked, id})
		tamper(t, st, db, b, fmt.Sprintf("signature %d certificate hash edited", id),
			"UPDATE signatures SET cert_sha256 = ? WHERE id = ?", []any{strings.Repeat("e", 64), id},
			"UPDATE signatures SET cert_sha256 = ? WHERE id = ?", []any{certSHA, id})
	}
	// Two rows edited, in the first segment and the last: the first is named.
	first, last := sigs[0], sigs[len(sigs)-1]
	var firstName, lastName string
	if err := db.QueryRow(rebind(b, "SELECT typed_name FROM signatures WHERE id = ?"), first).Scan(&firstName); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(rebind(b, "SELECT typed_name FROM signatures WHERE id = ?"), last).Scan(&lastName); err != nil {
		t.Fatal(err)
	}
	exec(t, db, b, "UPDATE signatures SET typed_name = ? WHERE id IN (?, ?)", "Orang Lain", first, last)
	if got := sameInSegments(t, st, "two signatures renamed"); !strings.Contains(got, fmt.Sprintf(": signature %d ", first)) {
		t.Errorf("two signatures renamed: %s, want signature %d named", got, first)
	}
	exec(t, db, b, "UPDATE signatures SET typed_name = ? WHERE id = ?", firstName, first)
	exec(t, db, b, "UPDATE signatures SET typed_name = ? WHERE id = ?", lastName, last)
}

// TestVerifySegmentsForgedReferences: a chain rewritten with valid hashes
// in which a certificate event names a signature made only later (or
// never) breaks at that event, whichever segment the signature's own
// event is in, and segments report it as one walk does.
func TestVerifySegmentsForgedReferences(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		for _, tt := range []struct {
			name   string
			target func(sigs []uint) uint // the signature the forged event names
		}{
			{"signature made later", func(sigs []uint) uint { return sigs[len(sigs)-1] }},
			{"signature never made", func([]uint) uint { return 999 }},
		} {
			t.Run(tt.name, func(t *testing.T) {
				opts := storetest.Options(t, b)
				st := storetest.OpenWith(t, opts)
				db := storetest.DB(t, opts)
				sigs := buildSegmentChain(t, st)
				var lastSigned int
				if err := db.QueryRow(rebind(b, "SELECT MAX(id) FROM audit_events WHERE action = ?"), store.ActionSigned).Scan(&lastSigned); err != nil {
					t.Fatal(err)
				}
				// Forge each certificate event before the last signature's
				// event in turn, so the forged event sits in every segment.
				var ids []int
				rows, err := db.Query(rebind(b, "SELECT id FROM audit_events WHERE action = ? AND id < ? ORDER BY id"), store.ActionCertificateIssued, lastSigned)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var id int
					if err := rows.Scan(&id); err != nil {
						t.Fatal(err)
					}
					ids = append(ids, id)
				}
				rows.Close()
				if len(ids) < 4 {
					t.Fatalf("only %d certificate events before event %d", len(ids), lastSigned)
				}
				for _, id := range ids {
					var detail string
					if err := db.QueryRow(rebind(b, "SELECT detail FROM audit_events WHERE id = ?"), id).Scan(&detail); err != nil {
						t.Fatal(err)
					}
					target := tt.target(sigs)
					exec(t, db, b, "UPDATE audit_events SET detail = ? WHERE id = ?",
						audit.Detail(map[string]string{"signature_id": strconv.FormatUint(uint64(target), 10), "sha256": strings.Repeat("c", 64)}), id)
					rehashFrom(t, db, b, id)
					want := fmt.Sprintf("audit chain broken at event %d: %s names signature %d, which has no earlier signature event", id, store.ActionCertificateIssued, target)
					if got := sameInSegments(t, st, fmt.Sprintf("event %d forged", id)); !strings.Contains(got, want) {
						t.Errorf("event %d forged: %s, want %q", id, got, want)
					}
					exec(t, db, b, "UPDATE audit_events SET detail = ? WHERE id = ?", detail, id)
					rehashFrom(t, db, b, id)
				}
				if _, err := st.VerifyAuditIn(context.Background(), 1, segBatch); err != nil {
					t.Fatalf("restored: %v", err)
				}
			})
		}
	})
}

// buildSegmentChain writes ~40 events: signatures, their certificates
// (some at once, some much later, one replaced), a revocation long after
// the signature, and other events between. It returns the signature ids.
func buildSegmentChain(t *testing.T, st *store.Store) []uint {
	t.Helper()
	ctx := context.Background()
	c, people := seed(t, st, 10)
	var sigs []uint
	issue := func(id uint, n int) {
		if _, err := st.IssueOnce(ctx, id, func() (store.Certificate, error) {
			return store.Certificate{PDF: []byte("%PDF certificate"), SHA256: fmt.Sprintf("%064d", n)}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i, a := range people {
		res, err := st.Sign(ctx, newSig(a, c, i))
		if err != nil {
			t.Fatal(err)
		}
		sigs = append(sigs, res.Signature.ID)
		if i%2 == 0 {
			issue(res.Signature.ID, i)
		}
		if i%3 == 0 {
			if err := st.Record(ctx, "test", "links.exported", "links:x", nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, id := range sigs {
		if i%2 == 1 {
			issue(id, i)
		}
	}
	if err := st.ReplaceCertificate(ctx, "admin", "alamat salah", store.Certificate{SignatureID: sigs[0], PDF: []byte("%PDF again"), SHA256: strings.Repeat("9", 64)}); err != nil {
		t.Fatal(err)
	}
	sig1, err := st.SignatureByID(ctx, sigs[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeSignature(ctx, "admin", sig1.CertCode, "salah orang"); err != nil {
		t.Fatal(err)
	}
	if err := st.Record(ctx, "test", "links.exported", "links:y", nil); err != nil {
		t.Fatal(err)
	}
	return sigs
}

// sameInSegments verifies in one walk and in two, three and four segments
// (batches of segBatch events), fails the test where they differ, and
// returns what the walk reported.
func sameInSegments(t *testing.T, st *store.Store, label string) string {
	t.Helper()
	verify := func(segments int) string {
		rep, err := st.VerifyAuditIn(context.Background(), segments, segBatch)
		return fmt.Sprintf("%d events, head %s, %v", rep.Events, rep.Head, err)
	}
	want := verify(1)
	for _, n := range []int{2, 3, 4} {
		if got := verify(n); got != want {
			t.Errorf("%s, %d segments:\n  %s\none walk:\n  %s", label, n, got, want)
		}
	}
	return want
}

// tamper applies a change, checks that one walk names a break and that
// segments name the same, and undoes the change.
func tamper(t *testing.T, st *store.Store, db *sql.DB, b storetest.Backend, label, do string, doArgs []any, undo string, undoArgs []any) {
	t.Helper()
	exec(t, db, b, do, doArgs...)
	if got := sameInSegments(t, st, label); !strings.Contains(got, "audit chain broken") {
		t.Errorf("%s: %s, want a broken chain", label, got)
	}
	exec(t, db, b, undo, undoArgs...)
	if _, err := st.VerifyAuditIn(context.Background(), 1, segBatch); err != nil {
		t.Fatalf("%s, undone: %v", label, err)
	}
}

// rehashFrom recomputes the links and hashes from event id to the head,
// as someone rewriting the whole chain would.
func rehashFrom(t *testing.T, db *sql.DB, b storetest.Backend, id int) {
	t.Helper()
	prev := audit.Genesis
	if id > 1 {
		if err := db.QueryRow(rebind(b, "SELECT hash FROM audit_events WHERE id = ?"), id-1).Scan(&prev); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query(rebind(b, "SELECT id, at, actor, action, subject, detail FROM audit_events WHERE id >= ? ORDER BY id"), id)
	if err != nil {
		t.Fatal(err)
	}
	var evs []audit.Event
	for rows.Next() {
		var e audit.Event
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	rows.Close()
	for _, e := range evs {
		e.PrevHash = prev
		prev = audit.Hash(e)
		exec(t, db, b, "UPDATE audit_events SET prev_hash = ?, hash = ? WHERE id = ?", e.PrevHash, prev, e.Seq)
	}
	exec(t, db, b, "UPDATE audit_heads SET hash = ?", prev)
}

func exec(t *testing.T, db *sql.DB, b storetest.Backend, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(rebind(b, q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// rebind numbers the ? placeholders for PostgreSQL.
func rebind(b storetest.Backend, q string) string {
	if b != storetest.Postgres {
		return q
	}
	return store.RebindPostgres(q)
}
