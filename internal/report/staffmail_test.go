package report

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/reach/smtptest"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// staffFixture is a campaign closing Friday 20 December 2024 23.59 WIB,
// Dinas Kesehatan (three people) and Inspektorat (two), a head of each
// with an address, a second head of Dinas Kesehatan without one, and an
// admin with one. It is Monday 16 December, 10.00 WIB.
type staffFixture struct {
	o    store.Options
	st   *store.Store
	camp store.Campaign
	c    *testClock
}

func newStaffFixture(t *testing.T, b storetest.Backend) staffFixture {
	t.Helper()
	ctx := context.Background()
	c := &testClock{now: time.Date(2024, 12, 16, 3, 0, 0, 0, time.UTC)}
	o := storetest.Options(t, b)
	o.Now = c.Now
	st := storetest.OpenWith(t, o)
	dl := time.Date(2024, 12, 20, 16, 59, 59, 0, time.UTC)
	camp := store.Campaign{Slug: "pemilu", Version: 1, Title: "Ikrar Netralitas ASN 2024", Preamble: "P", Points: `["a","b"]`, Closing: "C",
		Instansi: "Pemerintah Kota Yogyakarta", TextHash: strings.Repeat("b", 64), Status: "open", ClosesAt: &dl}
	if err := st.CreateCampaign(ctx, "test", &camp); err != nil {
		t.Fatal(err)
	}
	var rows []store.ImportRow
	for i, p := range []struct{ name, dept string }{{"Ani Kesehatan", "Dinas Kesehatan"}, {"Budi Kesehatan", "Dinas Kesehatan"},
		{"Citra Kesehatan", "Dinas Kesehatan"}, {"Dodi Inspektur", "Inspektorat"}, {"Eka Inspektur", "Inspektorat"}} {
		rows = append(rows, store.ImportRow{Line: i + 2, NIP: fmt.Sprintf("1987031220101220%02d", i), Name: p.name, Position: "Staf", Department: p.dept, Kind: "PNS"})
	}
	k := 0
	if _, err := st.ImportRoster(ctx, "test", "seed", rows, store.ImportOptions{NewToken: func() string { k++; return fmt.Sprintf("stoken-%030d", k) },
		NewAccessCode: func() string { return "ABCDEFGH" }}); err != nil {
		t.Fatal(err)
	}
	dept := func(name string) uint {
		for _, r := range rows {
			if r.Department == name {
				a, err := st.ASNByNIP(ctx, r.NIP)
				if err != nil {
					t.Fatal(err)
				}
				return a.DepartmentID
			}
		}
		t.Fatalf("no department %s", name)
		return 0
	}
	kes, insp := dept("Dinas Kesehatan"), dept("Inspektorat")
	for _, u := range []struct {
		name, role, email string
		depts             []uint
	}{
		{"kepala.kes", store.RoleHead, "kepala.kes@jogjakota.example.test", []uint{kes}},
		{"wakil.kes", store.RoleHead, "", []uint{kes}},
		{"kepala.insp", store.RoleHead, "kepala.insp@jogjakota.example.test", []uint{insp}},
		{"admin", store.RoleAdmin, "admin@jogjakota.example.test", nil},
	} {
		if err := st.CreateUser(ctx, "test", &store.User{Username: u.name, Role: u.role, Email: u.email, PasswordHash: "x"}, u.depts); err != nil {
			t.Fatal(err)
		}
	}
	return staffFixture{o: o, st: st, camp: camp, c: c}
}

func (f staffFixture) sign(t *testing.T, st *store.Store, i int) {
	t.Helper()
	a, err := st.ASNByNIP(context.Background(), fmt.Sprintf("1987031220101220%02d", i))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Sign(context.Background(), store.NewSignature{ASN: a, CampaignID: f.camp.ID, SignedAt: f.c.Now(), TypedName: a.Name,
		PledgeHash: f.camp.TextHash, CertCode: fmt.Sprintf("IKR-S-%d", i)}); err != nil {
		t.Fatal(err)
	}
}

// sender is one instance's sender (a new one plays a restart).
func (f staffFixture) sender(t *testing.T, st *store.Store, srv *smtptest.Server) *reach.Sender {
	t.Helper()
	m, err := reach.NewSMTP(srv.URL(), "BKPSDM Kota Yogyakarta <ikrar@jogjakota.example.test>")
	if err != nil {
		t.Fatal(err)
	}
	return &reach.Sender{Store: st, Mailer: m, BaseURL: "http://ikrar.test", Rate: 6000, Now: f.c.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Staff: StaffMail{Store: st, BaseURL: "http://ikrar.test"}, DigestAt: 7 * time.Hour}
}

func deliverAll(t *testing.T, s *reach.Sender) {
	t.Helper()
	for i := 0; i < 20; i++ {
		n, err := s.DeliverOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("outbox never drained")
}

func byRecipient(t *testing.T, ms []smtptest.Message) map[string][]smtptest.Message {
	out := map[string][]smtptest.Message{}
	for _, m := range ms {
		out[m.To] = append(out[m.To], m)
	}
	return out
}

// TestDailyDigest: at the digest time each head with an address gets one
// digest a day through a real SMTP server, with their own units' figures
// (as the dashboard counts them) and pending names only, the deadline and
// the instansi; a head without an address is listed, and a second look the
// same day, or another instance, sends nothing more.
func TestDailyDigest(t *testing.T) { storetest.Each(t, testDailyDigest) }

func testDailyDigest(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	f := newStaffFixture(t, b)
	srv := smtptest.Start(t)
	f.sign(t, f.st, 0)      // Ani
	f.c.Add(-4 * time.Hour) // 06.00 WIB: before the digest time
	s := f.sender(t, f.st, srv)
	if err := s.ScheduleDigests(ctx); err != nil {
		t.Fatal(err)
	}
	deliverAll(t, s)
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages before 07.00 WIB", n)
	}
	f.c.Add(4 * time.Hour) // 10.00 WIB
	if err := s.ScheduleDigests(ctx); err != nil {
		t.Fatal(err)
	}
	deliverAll(t, s)
	got := byRecipient(t, srv.Messages())
	if len(srv.Messages()) != 2 || len(got["kepala.kes@jogjakota.example.test"]) != 1 || len(got["kepala.insp@jogjakota.example.test"]) != 1 {
		t.Fatalf("digests to %v, want one to each head with an address", reflect.ValueOf(got).MapKeys())
	}

	// The figures are the dashboard's: CompletionOf over the head's scope.
	kesUser, _ := f.st.UserByUsername(ctx, "kepala.kes")
	sc, err := org.For(ctx, f.st, &kesUser)
	if err != nil {
		t.Fatal(err)
	}
	_, total, err := CompletionOf(ctx, f.st, sc, f.camp.ID)
	if err != nil {
		t.Fatal(err)
	}
	kes := got["kepala.kes@jogjakota.example.test"][0]
	for _, want := range []string{"Yth. kepala.kes", "Senin, 16 Desember 2024", "== Ikrar Netralitas ASN 2024 ==",
		"Batas waktu: Jumat, 20 Desember 2024 pukul 23.59 WIB (4 hari lagi)",
		fmt.Sprintf("Sudah: %d dari %d pegawai (%s %%)", total.Signed, total.Roster, total.PercentText("id")), "Sudah: 1 dari 3 pegawai (33,3 %)",
		"- Dinas Kesehatan: 1/3 (33,3 %), belum 2", "Budi Kesehatan (NIP 198703122010122001), Dinas Kesehatan", "Citra Kesehatan",
		"Pemerintah Kota Yogyakarta", "http://ikrar.test/dashboard", "-- English --", "1 of 3 signed (33.3 %)"} {
		if !strings.Contains(kes.Text, want) {
			t.Errorf("digest of kepala.kes lacks %q:\n%s", want, kes.Text)
		}
	}
	for _, other := range []string{"Ani Kesehatan", "Dodi", "Eka", "Inspektorat"} {
		if strings.Contains(kes.Text, other) || strings.Contains(kes.HTML, other) {
			t.Errorf("digest of kepala.kes names %q (signed, or another head's unit)", other)
		}
	}
	if !strings.Contains(kes.HTML, "<li>Budi Kesehatan (NIP 198703122010122001), Dinas Kesehatan</li>") || !strings.Contains(kes.Subject, "1 dari 3") {
		t.Errorf("digest subject %q html:\n%s", kes.Subject, kes.HTML)
	}
	insp := got["kepala.insp@jogjakota.example.test"][0]
	if !strings.Contains(insp.Text, "- Inspektorat: 0/2 (0,0 %), belum 2") || !strings.Contains(insp.Text, "Dodi Inspektur") || strings.Contains(insp.Text, "Kesehatan") {
		t.Errorf("digest of kepala.insp:\n%s", insp.Text)
	}

	// Again the same day, by this sender or a second instance: nothing more.
	st2 := storetest.OpenWith(t, f.o)
	s2 := f.sender(t, st2, srv)
	for _, x := range []*reach.Sender{s, s2} {
		if err := x.ScheduleDigests(ctx); err != nil {
			t.Fatal(err)
		}
		deliverAll(t, x)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("%d messages after a second look the same day, want 2", n)
	}
	if names, err := f.st.HeadsWithoutEmail(ctx); err != nil || !reflect.DeepEqual(names, []string{"wakil.kes"}) {
		t.Fatalf("heads without email: %v %v", names, err)
	}
	// The next morning: one more each.
	f.c.Add(24 * time.Hour)
	if err := s2.ScheduleDigests(ctx); err != nil {
		t.Fatal(err)
	}
	deliverAll(t, s2)
	if n := len(srv.Messages()); n != 4 {
		t.Fatalf("%d messages after the next morning, want 4", n)
	}
	// No campaign open for signing: no digest.
	if err := f.st.SetCampaignStatus(ctx, "test", f.camp.ID, store.CampaignClosed); err != nil {
		t.Fatal(err)
	}
	f.c.Add(24 * time.Hour)
	if err := s2.ScheduleDigests(ctx); err != nil {
		t.Fatal(err)
	}
	deliverAll(t, s2)
	if n := len(srv.Messages()); n != 4 {
		t.Fatalf("%d messages with no campaign open, want still 4", n)
	}
}

// TestUnitCompleteMessage: a unit reaching 100 % sends one message to its
// head with an address (and, a top-level unit, to the admin), noticed by
// the same check that sends unit.completed; checking again, from a
// restarted instance, with the digest also running, sends nothing more.
func TestUnitCompleteMessage(t *testing.T) { storetest.Each(t, testUnitCompleteMessage) }

func testUnitCompleteMessage(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	f := newStaffFixture(t, b)
	srv := smtptest.Start(t)
	s := f.sender(t, f.st, srv)
	announce := func(st *store.Store) int {
		t.Helper()
		a, err := AnnounceCompletedUnits(ctx, st, f.c.Now())
		if err != nil {
			t.Fatal(err)
		}
		return a.Messages
	}
	f.sign(t, f.st, 0)
	f.sign(t, f.st, 1)
	if n := announce(f.st); n != 0 {
		t.Fatalf("%d messages for a unit at 67 %%", n)
	}
	f.sign(t, f.st, 2) // Dinas Kesehatan complete
	if n := announce(f.st); n != 2 {
		t.Fatalf("Dinas Kesehatan complete: %d messages queued, want 2 (its head and the admin)", n)
	}
	if n := announce(f.st); n != 0 {
		t.Fatalf("announced again: %d", n)
	}
	// A restart (another instance on the same database) with the digest
	// running beside it.
	st2 := storetest.OpenWith(t, f.o)
	s2 := f.sender(t, st2, srv)
	if n := announce(st2); n != 0 {
		t.Fatalf("announced again after a restart: %d", n)
	}
	if err := s2.ScheduleDigests(ctx); err != nil {
		t.Fatal(err)
	}
	deliverAll(t, s2)
	deliverAll(t, s)
	var done []smtptest.Message
	for _, m := range srv.Messages() {
		if strings.Contains(m.Subject, "100 %") {
			done = append(done, m)
		}
	}
	if len(done) != 2 {
		t.Fatalf("%d 100 %% messages, want 2: %v", len(done), done)
	}
	got := byRecipient(t, done)
	head := got["kepala.kes@jogjakota.example.test"]
	if len(head) != 1 || len(got["admin@jogjakota.example.test"]) != 1 {
		t.Fatalf("100 %% messages to %v", reflect.ValueOf(got).MapKeys())
	}
	for _, want := range []string{"Yth. kepala.kes", "semua pegawai Dinas Kesehatan (3 dari 3) sudah menandatangani Ikrar Netralitas ASN 2024",
		"Batas waktu: Jumat, 20 Desember 2024 pukul 23.59 WIB", "Pemerintah Kota Yogyakarta", "All staff of Dinas Kesehatan (3 of 3)"} {
		if !strings.Contains(head[0].Text, want) {
			t.Errorf("100 %% message lacks %q:\n%s", want, head[0].Text)
		}
	}
	if !strings.HasPrefix(head[0].Subject, "Dinas Kesehatan: 100 %") {
		t.Errorf("subject %q", head[0].Subject)
	}
	// The digest of kepala.kes says the unit is done; Inspektorat's head
	// heard nothing of it.
	for _, m := range byRecipient(t, srv.Messages())["kepala.insp@jogjakota.example.test"] {
		if strings.Contains(m.Text, "Kesehatan") {
			t.Errorf("kepala.insp told of Dinas Kesehatan:\n%s", m.Text)
		}
	}
	counts, err := f.st.OutboxCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range counts {
		if x.State != store.OutboxSent {
			t.Errorf("%d %s messages %s", x.N, x.Kind, x.State)
		}
	}
}
