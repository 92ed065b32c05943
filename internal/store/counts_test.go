package store_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestCompletionCountersMatchRecount drives the completion counters through
// every kind of change (signing, revocation, moves, deactivation and
// return, a large import that recounts instead of counting per row, and a
// database opened again) and compares the figures every page reads with a
// direct recount after each step, on SQLite and PostgreSQL.
func TestCompletionCountersMatchRecount(t *testing.T) {
	storetest.Each(t, testCompletionCountersMatchRecount)
}

func testCompletionCountersMatchRecount(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	o := storetest.Options(t, b)
	st := storetest.OpenWith(t, o)
	c, people := seed(t, st, 6)
	tok := 0
	opts := func(o store.ImportOptions) store.ImportOptions {
		o.NewToken = func() string { tok++; return fmt.Sprintf("count-token-%020d", tok) }
		o.NewAccessCode = func() string { return "ABCDEFGH" }
		return o
	}
	check := func(step string) {
		t.Helper()
		got, err := st.CompletionByDepartment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		want, err := st.RecountCompletionByDepartment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: counters %v, recount %v", step, got, want)
		}
		ds, err := st.Departments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ids := range [][]uint{nil, {ds[0].ID}} {
			got, err := st.SignaturesPerDay(ctx, c.ID, ids)
			if err != nil {
				t.Fatal(err)
			}
			want, err := st.RecountSignaturesPerDay(ctx, c.ID, ids)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 {
				want = []store.DayCount{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: signatures per day in %v: counters %v, recount %v", step, ids, got, want)
			}
		}
	}
	check("seeded")
	var codes []string
	for i, a := range people[:4] {
		res, err := st.Sign(ctx, newSig(a, c, i))
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, res.Signature.CertCode)
	}
	check("signed")
	if err := st.RevokeSignature(ctx, "test", codes[1], "salah orang"); err != nil {
		t.Fatal(err)
	}
	check("revoked")
	if _, err := st.Sign(ctx, newSig(people[1], c, 10)); err != nil { // signs again after the revocation
		t.Fatal(err)
	}
	check("signed again")
	row := func(line int, a store.ASN, dept string) store.ImportRow {
		return store.ImportRow{Line: line, NIP: a.NIP, Name: a.Name, Position: "Staf", Department: dept, Kind: "PNS"}
	}
	// Person 0 (signed) moves, person 2 (signed) and 4 leave.
	moved := []store.ImportRow{row(2, people[0], "Dinas Lain"), row(3, people[1], "Dinas Uji"), row(4, people[3], "Dinas Uji"), row(5, people[5], "Dinas Lain")}
	if _, err := st.ImportRoster(ctx, "test", "v2", moved, opts(store.ImportOptions{DeactivateMissing: true, ConfirmDeactivate: 2})); err != nil {
		t.Fatal(err)
	}
	check("moved and deactivated")
	// They come back, with enough new people that the import recounts.
	var big []store.ImportRow
	for i, a := range people {
		big = append(big, row(i+2, a, "Dinas Uji"))
	}
	for i := range 1500 {
		big = append(big, store.ImportRow{Line: len(big) + 2, NIP: fmt.Sprintf("19900101201501%04d", i+1), Name: "Baru", Position: "Staf",
			Department: fmt.Sprintf("Dinas %d", i/100), Kind: "PNS"})
	}
	if _, err := st.ImportRoster(ctx, "test", "v3", big, opts(store.ImportOptions{})); err != nil {
		t.Fatal(err)
	}
	check("large import")
	back, err := st.ASNByNIP(ctx, people[2].NIP)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Sign(ctx, newSig(back, c, 20)); err != nil {
		t.Fatal(err)
	}
	check("signed after the large import")
	// A database from before the counters: the recount on opening fills them.
	st.Close()
	db := storetest.DB(t, o)
	for _, q := range []string{"DROP TRIGGER IF EXISTS count_signature_delete" + map[storetest.Backend]string{storetest.Postgres: " ON signatures"}[b],
		"DELETE FROM count_versions", "DELETE FROM roster_counts", "DELETE FROM signed_counts", "DELETE FROM signed_days"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	st = storetest.OpenWith(t, o)
	check("reopened")
	if _, err := st.Sign(ctx, newSig(people[5], c, 30)); err != nil {
		t.Fatal(err)
	}
	check("signed after reopening")
}

// TestReachCountsMatchRecount compares the dashboard's reach funnel, which
// counts from the small side, with the rule applied to every roster entry.
func TestReachCountsMatchRecount(t *testing.T) { storetest.Each(t, testReachCountsMatchRecount) }

func testReachCountsMatchRecount(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	o := storetest.Options(t, b)
	st := storetest.OpenWith(t, o)
	c, people := seed(t, st, 8)
	db := storetest.DB(t, o)
	exec := func(q string, args ...any) {
		t.Helper()
		if b == storetest.Postgres {
			for i := 1; strings.Contains(q, "?"); i++ {
				q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
			}
		}
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	// 0-3 have an invitation (2's only queued), 1, 4 and 5 opened their
	// link, 1, 5 and 6 signed (6's signature is then revoked), and 3 and 5
	// leave the roster.
	for i, state := range []string{"sent", "sent", "queued", "sent"} {
		exec(`INSERT INTO outbox_messages (asn_id, campaign_id, kind, step, channel, recipient, state, next_at, attempts, last_error, created_at, updated_at)
			VALUES (?, ?, 'invitation', '', 'email', 'a@b.go.id', ?, ?, 0, '', ?, ?)`, people[i].ID, c.ID, state, time.Now().UTC(), time.Now().UTC(), time.Now().UTC())
	}
	for _, i := range []int{1, 4, 5} {
		exec(`INSERT INTO link_opens (asn_id, campaign_id, opened_at) VALUES (?, ?, ?)`, people[i].ID, c.ID, time.Now().UTC())
	}
	for _, i := range []int{1, 5, 6} {
		res, err := st.Sign(ctx, newSig(people[i], c, i))
		if err != nil {
			t.Fatal(err)
		}
		if i == 6 {
			if err := st.RevokeSignature(ctx, "test", res.Signature.CertCode, "salah"); err != nil {
				t.Fatal(err)
			}
		}
	}
	var rows []store.ImportRow
	for i, a := range people {
		if i != 3 && i != 5 {
			rows = append(rows, store.ImportRow{Line: i + 2, NIP: a.NIP, Name: a.Name, Position: "Staf", Department: "Dinas Uji", Kind: "PNS"})
		}
	}
	if _, err := st.ImportRoster(ctx, "test", "v2", rows, store.ImportOptions{DeactivateMissing: true, ConfirmDeactivate: 2}); err != nil {
		t.Fatal(err)
	}
	ds, err := st.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, ids := range [][]uint{nil, {ds[0].ID}, {ds[0].ID + 1000}} {
		got, err := st.ReachCountsOf(ctx, c.ID, ids)
		if err != nil {
			t.Fatal(err)
		}
		// The rule, entry by entry.
		want := store.ReachCounts{}
		count := func(cond string, args ...any) int {
			q := `SELECT COUNT(*) FROM asns WHERE active = true` + cond
			if ids != nil {
				q += fmt.Sprintf(" AND department_id = %d", ids[0])
			}
			if b == storetest.Postgres {
				for i := 1; strings.Contains(q, "?"); i++ {
					q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
				}
			}
			var n int
			if err := db.QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		want.Roster = count("")
		want.Invited = count(` AND EXISTS (SELECT 1 FROM outbox_messages o WHERE o.asn_id = asns.id AND o.campaign_id = ? AND o.kind = 'invitation' AND o.state = 'sent')`, c.ID)
		want.Opened = count(` AND (EXISTS (SELECT 1 FROM link_opens l WHERE l.asn_id = asns.id AND l.campaign_id = ?)
			OR EXISTS (SELECT 1 FROM signatures g WHERE g.asn_id = asns.id AND g.campaign_id = ? AND g.revoked = false))`, c.ID, c.ID)
		if got != want {
			t.Fatalf("departments %v: reach %+v, recount %+v", ids, got, want)
		}
		if ids == nil && (want.Roster != 6 || want.Invited != 2 || want.Opened != 2) {
			t.Fatalf("the scenario itself: %+v (want roster 6, invited 2, opened 2)", want)
		}
	}
}
