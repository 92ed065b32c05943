package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// seedOutbox makes n people in one department, every third without an
// email, and returns the campaign and the people.
func seedOutbox(t *testing.T, st *store.Store, n int) (store.Campaign, []store.ASN) {
	t.Helper()
	ctx := context.Background()
	c := store.Campaign{Slug: "t", Version: 1, Title: "T", Preamble: "P", Points: `["a","b"]`, Closing: "C", Instansi: "I", TextHash: fmt.Sprintf("%064d", 1), Status: "open"}
	if err := st.CreateCampaign(ctx, "test", &c); err != nil {
		t.Fatal(err)
	}
	rows := make([]store.ImportRow, n)
	for i := range rows {
		rows[i] = store.ImportRow{Line: i + 2, NIP: fmt.Sprintf("1980010120050110%02d", i), Name: fmt.Sprintf("Orang %d", i), Position: "Staf", Department: "Dinas Uji", Kind: "PNS"}
		if i%3 != 2 {
			rows[i].Email = fmt.Sprintf("orang%d@example.test", i)
		}
	}
	k := 0
	next := func() string { k++; return fmt.Sprintf("otoken-%030d", k) }
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

func TestOutboxQueueAndClaim(t *testing.T) { storetest.Each(t, testOutboxQueueAndClaim) }

func testOutboxQueueAndClaim(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2024, 12, 17, 1, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	o := storetest.Options(t, b)
	o.Now = clock
	st := storetest.OpenWith(t, o)
	c, people := seedOutbox(t, st, 9) // 6 with an address, 3 without
	if _, err := st.Sign(ctx, newSig(people[0], c, 0)); err != nil {
		t.Fatal(err)
	}
	spec := store.QueueSpec{CampaignID: c.ID, Kind: "invitation", DryRun: true}
	res, err := st.QueueMessages(ctx, "test", spec)
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.QueueResult{Pending: 8, Queued: 5, NoAddress: 3}); res != want {
		t.Fatalf("dry run %+v, want %+v", res, want)
	}
	spec.DryRun = false
	if res, err = st.QueueMessages(ctx, "test", spec); err != nil || res.Queued != 5 {
		t.Fatalf("queue: %+v %v", res, err)
	}
	// Again, and for one department: nothing new.
	res, err = st.QueueMessages(ctx, "test", store.QueueSpec{CampaignID: c.ID, Kind: "invitation", DepartmentIDs: []uint{people[0].DepartmentID}})
	if err != nil || res.Queued != 0 || res.Already != 5 {
		t.Fatalf("second queue: %+v %v", res, err)
	}
	// The pending filter of the roster page agrees with what was queued.
	_, pending, err := st.RosterPage(ctx, store.RosterFilter{CampaignID: c.ID, DepartmentIDs: []uint{people[0].DepartmentID}, Status: "pending"})
	if err != nil || pending != 8 {
		t.Fatalf("roster pending %d %v", pending, err)
	}

	// Two claims never share a message.
	first, err := st.ClaimMessages(ctx, 3, time.Minute)
	if err != nil || len(first) != 3 {
		t.Fatalf("claim: %v %v", first, err)
	}
	second, err := st.ClaimMessages(ctx, 10, time.Minute)
	if err != nil || len(second) != 2 {
		t.Fatalf("second claim: %d %v", len(second), err)
	}
	if more, _ := st.ClaimMessages(ctx, 10, time.Minute); len(more) != 0 {
		t.Fatalf("claimed %d messages held by others", len(more))
	}
	seen := map[uint]bool{}
	for _, m := range append(first, second...) {
		if seen[m.ID] || m.Attempts != 1 || m.Kind != "invitation" || m.Recipient == "" {
			t.Fatalf("bad claim %+v", m)
		}
		seen[m.ID] = true
	}
	for _, m := range first {
		if err := st.MarkSent(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.MarkRetry(ctx, second[0].ID, clock().Add(30*time.Second), "dial tcp: connection refused"); err != nil {
		t.Fatal(err)
	}
	// second[1]'s sender dies. Past the lease both come back, the sent ones never.
	advance(61 * time.Second)
	again, err := st.ClaimMessages(ctx, 10, time.Minute)
	if err != nil || len(again) != 2 {
		t.Fatalf("after lease: %d claimed %v", len(again), err)
	}
	for _, m := range again {
		if m.ID != second[0].ID && m.ID != second[1].ID || m.Attempts != 2 {
			t.Fatalf("reclaimed %+v", m)
		}
	}
	// A late answer from the dead sender cannot turn a sent message back.
	if err := st.MarkSent(ctx, again[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkRetry(ctx, again[0].ID, clock(), "late"); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkFailed(ctx, again[1].ID, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	counts, err := st.OutboxCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, x := range counts {
		got[x.Kind+"/"+x.State] = x.N
	}
	if got["invitation/sent"] != 4 || got["invitation/failed"] != 1 || len(got) != 2 {
		t.Fatalf("counts %v", got)
	}
	if n, err := st.RetryFailed(ctx, "admin", 0); err != nil || n != 1 {
		t.Fatalf("retry %d %v", n, err)
	}
	if re, _ := st.ClaimMessages(ctx, 10, time.Minute); len(re) != 1 || re[0].Attempts != 1 {
		t.Fatalf("retried claim %+v", re)
	}

	// A refused address no longer counts as usable.
	if err := st.RefuseAddress(ctx, people[1].ID, people[1].Email, "550 mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	res, err = st.QueueMessages(ctx, "test", store.QueueSpec{CampaignID: c.ID, Kind: "reminder", Step: "h-1"})
	if err != nil || res.Queued != 4 || res.NoAddress != 4 {
		t.Fatalf("reminders %+v %v", res, err)
	}
	reach, err := st.ReachOf(ctx, c.ID, []uint{people[1].ID, people[3].ID})
	if err != nil {
		t.Fatal(err)
	}
	if reach[people[1].ID].Refused != people[1].Email || reach[people[1].ID].InvitedAt == nil && reach[people[3].ID].InvitedAt == nil {
		t.Errorf("reach %+v", reach)
	}
	if err := st.RecordOpens(ctx, []store.LinkOpen{{ASNID: people[3].ID, CampaignID: c.ID, OpenedAt: clock()}, {ASNID: people[3].ID, CampaignID: c.ID, OpenedAt: clock().Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	reach, _ = st.ReachOf(ctx, c.ID, []uint{people[3].ID})
	if op := reach[people[3].ID].OpenedAt; op == nil || !op.Equal(clock()) {
		t.Errorf("opened %v, want the first visit %v", op, clock())
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit: %v", err)
	}
}

// TestReachOfManyPeople: a report over a whole roster asks for the reach
// of more people than one statement may bind (SQLite: 32,766 variables).
func TestReachOfManyPeople(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		st := storetest.Open(t, b)
		c, people := seed(t, st, 2)
		ids := make([]uint, 70_000)
		for i := range ids {
			ids[i] = uint(i + 1000)
		}
		ids[len(ids)-1] = people[1].ID
		if _, err := st.Sign(context.Background(), newSig(people[1], c, 1)); err != nil {
			t.Fatal(err)
		}
		got, err := st.ReachOf(context.Background(), c.ID, ids)
		if err != nil || len(got) != 0 {
			t.Fatalf("reach of 70,000 people: %d entries, %v", len(got), err)
		}
	})
}

// TestSenderWritesBesideSigning: the sender's claims and outcomes (which
// ride the signatures' group commit on SQLite) and concurrent signing all
// land: every signature is stored with its audit event, and every claimed
// message ends in the state its sender gave it (a late second outcome
// changes nothing).
func TestSenderWritesBesideSigning(t *testing.T) { storetest.Each(t, testSenderWritesBesideSigning) }

func testSenderWritesBesideSigning(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st := storetest.Open(t, b)
	c, people := seedOutbox(t, st, 60) // 40 with an address
	if res, err := st.QueueMessages(ctx, "test", store.QueueSpec{CampaignID: c.ID, Kind: "invitation"}); err != nil || res.Queued != 40 {
		t.Fatalf("queue: %+v %v", res, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(people)+100)
	for i, p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.Sign(ctx, newSig(p, c, i)); err != nil {
				errs <- fmt.Errorf("sign %d: %w", i, err)
			}
		}()
	}
	sent := 0
	for {
		batch, err := st.ClaimMessages(ctx, 7, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) == 0 {
			break
		}
		for _, m := range batch {
			if err := st.MarkSent(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
			// Marking it again changes nothing and is no error.
			if err := st.MarkFailed(ctx, m.ID, "late answer"); err != nil {
				t.Fatal(err)
			}
			sent++
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if sent != 40 {
		t.Fatalf("%d messages claimed and sent, want 40", sent)
	}
	counts, err := st.OutboxCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts[0].State != store.OutboxSent || counts[0].N != 40 {
		t.Fatalf("outbox %+v, want 40 sent", counts)
	}
	for i, p := range people {
		if _, err := st.SignatureOf(ctx, p.ID, c.ID); err != nil {
			t.Errorf("signature of person %d: %v", i, err)
		}
	}
	if rep, err := st.VerifyAudit(ctx); err != nil || rep.Events < len(people) {
		t.Fatalf("audit chain: %+v %v", rep, err)
	}
}

// TestWebhookClaimUsesKindIndex: an instance without SMTP claims only
// webhooks every two seconds; with a large mail queue waiting for another
// instance, that look must go through the kind index, not read the queue.
func TestWebhookClaimUsesKindIndex(t *testing.T) {
	o := storetest.Options(t, storetest.SQLite)
	storetest.OpenWith(t, o)
	db := storetest.DB(t, o)
	rows, err := db.Query(`EXPLAIN QUERY PLAN SELECT id FROM outbox_messages
		WHERE state IN ('queued', 'sending') AND next_at <= '2030-01-01' AND kind IN ('webhook')
		ORDER BY next_at, id LIMIT 10`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if !strings.Contains(strings.Join(plan, "\n"), "idx_outbox_kind_due") {
		t.Fatalf("webhook claim plan does not use idx_outbox_kind_due:\n%s", strings.Join(plan, "\n"))
	}
}

// TestRecordOpensMany: the signing pages hand over thousands of visits at
// a time, more than one statement takes; each person's first visit is
// kept, whether a later one comes in the same call, the same statement or
// a later call.
func TestRecordOpensMany(t *testing.T) { storetest.Each(t, testRecordOpensMany) }

func testRecordOpensMany(t *testing.T, b storetest.Backend) {
	st := storetest.Open(t, b)
	ctx := context.Background()
	c, people := seedOutbox(t, st, 60)
	first := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	var opens []store.LinkOpen
	// 1,210 visits over 60 people, in an order that puts a person's later
	// visits in other statements than their first (500 per statement).
	for i := range 1210 {
		p := people[(i*7)%len(people)]
		opens = append(opens, store.LinkOpen{ASNID: p.ID, CampaignID: c.ID, OpenedAt: first.Add(time.Duration(i) * time.Minute)})
	}
	want := map[uint]time.Time{}
	for _, o := range opens {
		if _, ok := want[o.ASNID]; !ok {
			want[o.ASNID] = o.OpenedAt
		}
	}
	if err := st.RecordOpens(ctx, opens); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordOpens(ctx, []store.LinkOpen{{ASNID: people[0].ID, CampaignID: c.ID, OpenedAt: first.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	ids := make([]uint, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	reach, err := st.ReachOf(ctx, c.ID, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		got := reach[p.ID].OpenedAt
		if got == nil || !got.Equal(want[p.ID]) {
			t.Errorf("%s opened %v, want the first visit %v", p.NIP, got, want[p.ID])
		}
	}
}
