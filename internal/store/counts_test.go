package store_test

import (
	"context"
	"database/sql"
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
		checkCounters(t, st, c.ID, step)
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
	if b != storetest.Postgres {
		return
	}
	// A database whose counters are of version 1 (row triggers for new
	// signatures on PostgreSQL): opening it replaces them, and a new
	// signature is counted once, not once per generation of triggers, and
	// no trigger of version 1 is left behind.
	triggers := func() (names []string) {
		t.Helper()
		rows, err := db.Query(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'signatures'::regclass AND NOT tgisinternal ORDER BY tgname`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return names
	}
	current := triggers()
	st.Close()
	for _, q := range []string{
		"CREATE TRIGGER count_signature_day AFTER INSERT OR DELETE ON signatures FOR EACH ROW EXECUTE FUNCTION ikrar_count_signature_day()",
		"CREATE TRIGGER count_signature_insert AFTER INSERT ON signatures FOR EACH ROW WHEN (NOT NEW.revoked) EXECUTE FUNCTION ikrar_count_signature()",
		"UPDATE count_versions SET version = 1",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	st = storetest.OpenWith(t, o)
	check("reopened from version 1")
	if got := triggers(); !reflect.DeepEqual(got, current) {
		t.Fatalf("triggers on signatures after the upgrade %v, want %v", got, current)
	}
	if _, err := st.Sign(ctx, newSig(people[4], c, 40)); err != nil {
		t.Fatal(err)
	}
	check("signed after reopening from version 1")
}

// checkCounters compares the figures every page reads from the counters
// with a direct recount: completion by unit, and signatures per day over
// every unit and over the first one.
func checkCounters(t *testing.T, st *store.Store, campaignID uint, step string) {
	t.Helper()
	ctx := context.Background()
	got, err := st.CompletionByDepartment(ctx, campaignID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := st.RecountCompletionByDepartment(ctx, campaignID)
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
		got, err := st.SignaturesPerDay(ctx, campaignID, ids)
		if err != nil {
			t.Fatal(err)
		}
		want, err := st.RecountSignaturesPerDay(ctx, campaignID, ids)
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

// TestCompletionCountersManyRowsPerStatement drives the counters with what
// one statement or one transaction can hold at once: the group committer's
// multi-row insert (several signatures of one unit, of two units, on two
// WIB days, one that conflicts with a live signature and is not stored,
// one of a person no longer on the roster, one stored already revoked),
// then a revocation, a move and a deactivation in one transaction, then a
// deleted signature, checking the counters against a recount after each.
func TestCompletionCountersManyRowsPerStatement(t *testing.T) {
	storetest.Each(t, testCompletionCountersManyRowsPerStatement)
}

func testCompletionCountersManyRowsPerStatement(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	o := storetest.Options(t, b)
	st := storetest.OpenWith(t, o)
	c, people := seed(t, st, 8)
	other := store.Department{Code: "lain", Name: "Dinas Lain"}
	if err := st.CreateDepartment(ctx, "test", &other); err != nil {
		t.Fatal(err)
	}
	db := storetest.DB(t, o)
	exec := func(tx interface {
		Exec(string, ...any) (sql.Result, error)
	}, q string, args ...any) {
		t.Helper()
		if _, err := tx.Exec(rebind(b, q), args...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Sign(ctx, newSig(people[0], c, 0)); err != nil {
		t.Fatal(err)
	}
	exec(db, `UPDATE asns SET department_id = ? WHERE id IN (?, ?)`, other.ID, people[4].ID, people[5].ID)
	exec(db, `UPDATE asns SET active = false WHERE id = ?`, people[7].ID)
	checkCounters(t, st, c.ID, "before the batch")

	// 16:30 UTC is 23:30 WIB: the day before the others.
	late := time.Date(2026, 11, 29, 16, 30, 0, 0, time.UTC)
	early := late.Add(time.Hour)
	batch := []struct {
		who     int
		at      time.Time
		revoked bool
	}{{0, early, false}, {1, late, false}, {2, early, false}, {3, early, false}, {4, late, false}, {5, early, false}, {7, early, false}, {6, early, true}}
	var q strings.Builder
	var args []any
	q.WriteString(`INSERT INTO signatures (asn_id, campaign_id, department_id, signed_at, typed_name, drawn_png, ip, user_agent, pledge_hash,
		cert_code, signer_nip, signer_name, signer_position, staff_user, device_key, cert_sha256, revoked) VALUES `)
	for i, r := range batch {
		if i > 0 {
			q.WriteString(", ")
		}
		a := people[r.who]
		dept := a.DepartmentID
		if r.who == 4 || r.who == 5 {
			dept = other.ID
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, '', '', ?, ?, ?, ?, ?, '', '', '', ?)")
		args = append(args, a.ID, c.ID, dept, r.at, a.Name, []byte{}, c.TextHash, fmt.Sprintf("IKR-M%04d", i), a.NIP, a.Name, "Staf", r.revoked)
	}
	q.WriteString(" ON CONFLICT (asn_id, campaign_id) WHERE revoked = false DO NOTHING")
	res, err := db.Exec(rebind(b, q.String()), args...)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(batch)-1) {
		t.Fatalf("the batch stored %d rows (%v), want %d: all but the conflicting one", n, err, len(batch)-1)
	}
	checkCounters(t, st, c.ID, "one multi-row insert")

	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	exec(tx, `UPDATE signatures SET revoked = true WHERE asn_id = ? AND campaign_id = ?`, people[1].ID, c.ID)
	exec(tx, `UPDATE asns SET department_id = ? WHERE id = ?`, other.ID, people[2].ID)
	exec(tx, `UPDATE asns SET active = false WHERE id = ?`, people[3].ID)
	exec(tx, `UPDATE asns SET active = true WHERE id = ?`, people[7].ID)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	checkCounters(t, st, c.ID, "revocation, move, deactivation and return in one transaction")

	exec(db, `DELETE FROM signatures WHERE asn_id = ? AND campaign_id = ?`, people[4].ID, c.ID)
	checkCounters(t, st, c.ID, "a signature deleted")
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
		if _, err := db.Exec(rebind(b, q), args...); err != nil {
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
			q = rebind(b, q)
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
