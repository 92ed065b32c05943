package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// cityOnSQLite builds a small but complete city on SQLite: a department
// tree, a roster with someone who left, signatures (one with a drawing),
// a certificate, a head bound to a department, a disabled user, a login.
func cityOnSQLite(t *testing.T) (*store.Store, []store.ASN) {
	t.Helper()
	src := storetest.Open(t, storetest.SQLite)
	ctx := context.Background()
	c, people := seed(t, src, 5)
	parent := people[0].DepartmentID
	sub := store.Department{Code: "bidang-uji", Name: "Bidang Uji", ParentID: &parent}
	if err := src.CreateDepartment(ctx, "test", &sub); err != nil {
		t.Fatal(err)
	}
	var sigs []store.Signature
	for i, p := range people[:3] {
		n := newSig(p, c, i)
		if i == 1 {
			n.DrawnPNG = []byte("\x89PNG drawn")
		}
		res, err := src.Sign(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		sigs = append(sigs, res.Signature)
	}
	if _, err := src.IssueOnce(ctx, sigs[0].ID, func() (store.Certificate, error) {
		return store.Certificate{PDF: []byte("%PDF certificate bytes"), SHA256: strings.Repeat("c", 64)}, nil
	}); err != nil {
		t.Fatal(err)
	}
	// Closed once and reopened: the closing record travels too.
	for _, status := range []store.CampaignStatus{store.CampaignClosed, store.CampaignOpen} {
		if err := src.SetCampaignStatus(ctx, "test", c.ID, status); err != nil {
			t.Fatal(err)
		}
	}
	head := store.User{Username: "kepala", PasswordHash: "x", Role: store.RoleHead}
	if err := src.CreateUser(ctx, "test", &head, []uint{parent, sub.ID}); err != nil {
		t.Fatal(err)
	}
	gone := store.User{Username: "mantan", PasswordHash: "x", Role: store.RoleAdmin}
	if err := src.CreateUser(ctx, "test", &gone, nil); err != nil {
		t.Fatal(err)
	}
	if err := src.SetUserDisabled(ctx, "test", gone.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := src.CreateSession(ctx, head.ID, "session-token", time.Hour); err != nil {
		t.Fatal(err)
	}
	// Person 4 leaves the roster (kept, inactive).
	var rows []store.ImportRow
	for i, p := range people[:4] {
		rows = append(rows, store.ImportRow{Line: i + 2, NIP: p.NIP, Name: p.Name, Position: "Staf", Department: "Dinas Uji", Kind: "PNS"})
	}
	if _, err := src.ImportRoster(ctx, "test", "v2", rows, store.ImportOptions{DeactivateMissing: true, ConfirmDeactivate: 1,
		NewToken: func() string { return "unused" }, NewAccessCode: func() string { return "ABCDEFGH" }}); err != nil {
		t.Fatal(err)
	}
	// Reaching people: a link visit, a refused address, a reminder schedule.
	if err := src.RecordOpens(ctx, []store.LinkOpen{{ASNID: people[3].ID, CampaignID: c.ID, OpenedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := src.RefuseAddress(ctx, people[3].ID, "tolak@example.test", "550 mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	if err := src.SetReminderDays(ctx, "test", c.ID, "5, 1"); err != nil {
		t.Fatal(err)
	}
	// A unit announced at 100 % (the head has no address: no message).
	if _, err := src.RecordUnitCompleted(ctx, c.ID, store.Department{ID: people[0].DepartmentID}); err != nil {
		t.Fatal(err)
	}
	return src, people
}

// TestCopyToMovesACity copies a SQLite city into an empty database (SQLite
// or PostgreSQL) and checks that everything arrived as it was, that the
// chain verifies there, and that the new home keeps working.
func TestCopyToMovesACity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		src, people := cityOnSQLite(t)
		ctx := context.Background()
		dst := storetest.Open(t, b)
		var heard []string
		rep, err := src.CopyTo(ctx, dst, func(c store.TableCount) { heard = append(heard, c.Table) })
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"campaigns": 1, "departments": 2, "asns": 5, "signatures": 3, "certificates": 1,
			"users": 2, "user_departments": 2, "campaign_closings": 1, "closed_roster_entries": 5, "closed_unit_counts": 1,
			"link_opens": 1, "email_refusals": 1, "reminder_schedules": 1, "unit_completions": 1}
		srcAudit, err := src.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want["audit_events"] = int64(srcAudit.Events)
		for _, tc := range rep.Tables {
			if tc.Rows != want[tc.Table] {
				t.Errorf("%s: %d rows copied, want %d", tc.Table, tc.Rows, want[tc.Table])
			}
		}
		if len(rep.Tables) != 26 || len(heard) != 26 {
			t.Fatalf("report has %d tables, progress heard %v", len(rep.Tables), heard)
		}
		if rep.Audit != srcAudit {
			t.Fatalf("target chain %+v, source chain %+v", rep.Audit, srcAudit)
		}

		if l, _ := src.ASNByNIP(ctx, people[4].NIP); l.Active {
			t.Fatal("source: person 4 still active")
		}
		left, err := dst.ASNByNIP(ctx, people[4].NIP)
		if err != nil || left.Active {
			t.Fatalf("the person who left arrived as %+v (%v), want inactive", left, err)
		}
		if u, err := dst.UserByUsername(ctx, "mantan"); err != nil || !u.Disabled {
			t.Fatalf("disabled user arrived as %+v (%v)", u, err)
		}
		srcSig, _ := src.SignatureOf(ctx, people[1].ID, 1)
		dstSig, err := dst.SignatureOf(ctx, people[1].ID, 1)
		if err != nil || !bytes.Equal(dstSig.DrawnPNG, srcSig.DrawnPNG) || !dstSig.SignedAt.Equal(srcSig.SignedAt) || dstSig.CertCode != srcSig.CertCode {
			t.Fatalf("signature arrived as %+v (%v), was %+v", dstSig, err, srcSig)
		}
		first, _ := src.SignatureOf(ctx, people[0].ID, 1)
		if cert, err := dst.CertificateOf(ctx, first.ID); err != nil || string(cert.PDF) != "%PDF certificate bytes" {
			t.Fatalf("certificate arrived as %q (%v)", cert.PDF, err)
		}
		depts, _ := dst.Departments(ctx)
		if len(depts) != 2 || (depts[0].ParentID == nil) == (depts[1].ParentID == nil) {
			t.Fatalf("department tree arrived as %+v", depts)
		}

		// The new home goes on: new rows get fresh ids, the chain grows.
		res, err := dst.Sign(ctx, newSig(people[3], store.Campaign{ID: 1, TextHash: strings.Repeat("a", 64)}, 9))
		if err != nil || !res.Created || res.Signature.ID <= first.ID {
			t.Fatalf("signing after the move: %+v, %v", res, err)
		}
		d := store.Department{Code: "baru", Name: "Dinas Baru"}
		if err := dst.CreateDepartment(ctx, "test", &d); err != nil {
			t.Fatalf("new department after the move: %v", err)
		}
		after, err := dst.VerifyAudit(ctx)
		if err != nil || after.Events != srcAudit.Events+2 {
			t.Fatalf("chain after the move: %+v, %v", after, err)
		}

		// A second copy into the same database is refused.
		if _, err := src.CopyTo(ctx, dst, nil); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("copy into a non-empty database = %v, want a refusal", err)
		}
	})
}

// TestCopyToRefusesNanosecondTimes: a chain written with nanosecond times
// (before ikrar cut them to microseconds) cannot verify on PostgreSQL, so
// the copy refuses and leaves the target empty.
func TestCopyToRefusesNanosecondTimes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		opts := storetest.Options(t, storetest.SQLite)
		src := storetest.OpenWith(t, opts)
		seed(t, src, 1)
		if _, err := storetest.DB(t, opts).Exec(`UPDATE audit_events SET at = '2024-02-14 01:02:03.123456789+00:00' WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		dst := storetest.Open(t, b)
		_, err := src.CopyTo(context.Background(), dst, nil)
		if err == nil || !strings.Contains(err.Error(), "finer than a microsecond") {
			t.Fatalf("CopyTo = %v, want a refusal naming the precision", err)
		}
		if n, _ := dst.CountSignatures(context.Background(), 0); n != 0 {
			t.Fatal("a refused copy left rows behind")
		}
		if _, err := src.CopyTo(context.Background(), dst, nil); err == nil || strings.Contains(err.Error(), "not empty") {
			t.Fatalf("after a refused copy the target should still be empty: %v", err)
		}
	})
}
