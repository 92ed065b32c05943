package reach_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/reach/smtptest"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
	"github.com/ikrar/ikrar/internal/wib"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }
func quiet() *slog.Logger            { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
func deadline() time.Time            { return time.Date(2024, 12, 20, 16, 59, 59, 0, time.UTC) } // Jumat 20 Desember 2024 23.59 WIB
func startClock() *clock             { return &clock{now: time.Date(2024, 12, 16, 3, 0, 0, 0, time.UTC)} }
func people() []string               { return []string{"ani", "budi", "citra", "tolak.dewi", "", "eko"} }
func addr(name string) string        { return name + "@dinas.example.test" }
func drain(t *testing.T, s *reach.Sender) {
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

// setup opens a database with a campaign closing on Friday 20 December
// 2024 at 23.59 WIB and six people (one without an address, one whose
// address the mail server refuses).
func setup(t *testing.T, b storetest.Backend, c *clock) (*store.Store, store.Campaign, []store.ASN) {
	t.Helper()
	ctx := context.Background()
	o := storetest.Options(t, b)
	o.Now = c.Now
	st := storetest.OpenWith(t, o)
	dl := deadline()
	camp := store.Campaign{Slug: "pemilu", Version: 1, Title: "Ikrar Netralitas ASN 2024", Preamble: "P", Points: `["a","b","c","d"]`, Closing: "C",
		Instansi: "Pemerintah Kota Yogyakarta", TextHash: fmt.Sprintf("%064d", 7), Status: "open", ClosesAt: &dl}
	if err := st.CreateCampaign(ctx, "test", &camp); err != nil {
		t.Fatal(err)
	}
	var rows []store.ImportRow
	for i, n := range people() {
		r := store.ImportRow{Line: i + 2, NIP: fmt.Sprintf("1987031220101210%02d", i), Name: fmt.Sprintf("Pegawai %d %s", i, n), Position: "Staf", Department: "Dinas Kesehatan", Kind: "PNS"}
		if n != "" {
			r.Email = addr(n)
		}
		rows = append(rows, r)
	}
	k := 0
	if _, err := st.ImportRoster(ctx, "test", "seed", rows, store.ImportOptions{NewToken: func() string { k++; return fmt.Sprintf("rtoken-%030d", k) },
		NewAccessCode: func() string { return "ABCDEFGH" }}); err != nil {
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
	return st, camp, out
}

func newSender(t *testing.T, st *store.Store, srv *smtptest.Server, c *clock) *reach.Sender {
	t.Helper()
	m, err := reach.NewSMTP(srv.URL(), "BKPSDM Kota Yogyakarta <ikrar@jogjakota.example.test>")
	if err != nil {
		t.Fatal(err)
	}
	return &reach.Sender{Store: st, Mailer: m, BaseURL: "http://ikrar.test", Rate: 6000, Log: quiet(), Now: c.Now}
}

// TestInvitationsAndReminders sends through a real SMTP server: every
// pending person with an address is invited once with their own link,
// code and the deadline; a refused address is marked on the person; a
// signer gets no reminder; the schedule queues each step once.
func TestInvitationsAndReminders(t *testing.T) { storetest.Each(t, testInvitationsAndReminders) }

func testInvitationsAndReminders(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	c := startClock()
	srv := smtptest.Start(t)
	st, camp, ps := setup(t, b, c)
	s := newSender(t, st, srv, c)

	res, err := reach.Queue(ctx, st, c.Now(), reach.Request{Kind: reach.KindInvitation, Campaign: camp, Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.QueueResult{Pending: 6, Queued: 5, NoAddress: 1}); res != want {
		t.Fatalf("queued %+v, want %+v", res, want)
	}
	drain(t, s)
	got := srv.Messages()
	if len(got) != 4 {
		t.Fatalf("%d messages delivered, want 4 (five queued, one refused)", len(got))
	}
	byTo := map[string]smtptest.Message{}
	for _, m := range got {
		if _, dup := byTo[m.To]; dup {
			t.Fatalf("two messages to %s", m.To)
		}
		byTo[m.To] = m
	}
	ani := byTo[addr("ani")]
	for _, want := range []string{"Yth. Pegawai 0 ani", "http://ikrar.test/sign/" + ps[0].Token, "kode akses ABCDEFGH", "NIP " + ps[0].NIP,
		"Batas waktu: Jumat, 20 Desember 2024 pukul 23.59 WIB", "Pemerintah Kota Yogyakarta", "Deadline: Friday, 20 December 2024 at 23:59 WIB"} {
		if !strings.Contains(ani.Text, want) {
			t.Errorf("invitation text lacks %q:\n%s", want, ani.Text)
		}
	}
	if !strings.Contains(ani.HTML, `href="http://ikrar.test/sign/`+ps[0].Token+`"`) || !strings.Contains(ani.Subject, "Undangan") ||
		!strings.Contains(ani.From, "ikrar@jogjakota.example.test") || !strings.HasPrefix(ani.MessageID, "<ikrar-") {
		t.Errorf("invitation: subject %q from %q id %q html:\n%s", ani.Subject, ani.From, ani.MessageID, ani.HTML)
	}
	if strings.Contains(ani.Text, ps[1].Token) {
		t.Error("one person's message carries another's link")
	}
	reachOf, err := st.ReachOf(ctx, camp.ID, []uint{ps[0].ID, ps[3].ID})
	if err != nil {
		t.Fatal(err)
	}
	if r := reachOf[ps[0].ID]; r.InvitedAt == nil || r.InvitedVia != "email" {
		t.Errorf("ani not recorded as invited: %+v", r)
	}
	if r := reachOf[ps[3].ID]; r.Refused != addr("tolak.dewi") || r.InvitedAt != nil {
		t.Errorf("refused address not marked: %+v", r)
	}
	failed, _ := st.OutboxByState(ctx, store.OutboxFailed, 10)
	if len(failed) != 1 || !strings.Contains(failed[0].LastError, "550") {
		t.Fatalf("failed messages %+v", failed)
	}

	// Invitations again: nothing new.
	if res, _ := reach.Queue(ctx, st, c.Now(), reach.Request{Kind: reach.KindInvitation, Campaign: camp}); res.Queued != 0 {
		t.Fatalf("second invitation run queued %d", res.Queued)
	}

	// Ani signs; the scheduled reminder three days before goes to the others.
	if _, err := st.Sign(ctx, store.NewSignature{ASN: ps[0], CampaignID: camp.ID, SignedAt: c.Now(), TypedName: ps[0].Name, PledgeHash: camp.TextHash, CertCode: "IKR-TEST-0001"}); err != nil {
		t.Fatal(err)
	}
	if reach.DueStep(camp, reach.DefaultSchedule, c.Now()) != "" {
		t.Fatal("a reminder is due four days before the deadline")
	}
	c.now = time.Date(2024, 12, 17, 0, 30, 0, 0, time.UTC) // Selasa 07.30 WIB: three days before
	if err := s.ScheduleReminders(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.ScheduleReminders(ctx); err != nil { // every minute, on every instance: once
		t.Fatal(err)
	}
	drain(t, s)
	reminders := map[string]bool{}
	for _, m := range srv.Messages()[4:] {
		if !strings.HasPrefix(m.Subject, "Pengingat:") || !strings.Contains(m.Text, "belum menandatangani") {
			t.Errorf("not a reminder: %q", m.Subject)
		}
		if reminders[m.To] {
			t.Errorf("two reminders to %s", m.To)
		}
		reminders[m.To] = true
	}
	if len(reminders) != 3 || reminders[addr("ani")] || !reminders[addr("budi")] || !reminders[addr("eko")] {
		t.Fatalf("reminders went to %v, want budi, citra and eko", reminders)
	}
	// Budi signs between the queueing and the sending of the next step:
	// his reminder is skipped, not sent.
	c.now = time.Date(2024, 12, 19, 0, 5, 0, 0, time.UTC) // one day before, 07.05 WIB
	if err := s.ScheduleReminders(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Sign(ctx, store.NewSignature{ASN: ps[1], CampaignID: camp.ID, SignedAt: c.Now(), TypedName: ps[1].Name, PledgeHash: camp.TextHash, CertCode: "IKR-TEST-0002"}); err != nil {
		t.Fatal(err)
	}
	before := len(srv.Messages())
	drain(t, s)
	after := srv.Messages()[before:]
	if len(after) != 2 {
		t.Fatalf("%d reminders one day before, want 2 (citra, eko)", len(after))
	}
	for _, m := range after {
		if m.To == addr("budi") {
			t.Error("a reminder went to a signer")
		}
	}
	reachOf, _ = st.ReachOf(ctx, camp.ID, []uint{ps[2].ID})
	if r := reachOf[ps[2].ID]; r.Reminders != 2 || r.RemindedAt == nil {
		t.Errorf("citra's reminders %+v", r)
	}
	// After the deadline nothing is queued or sent.
	c.now = deadline().Add(time.Minute)
	if _, err := reach.Queue(ctx, st, c.Now(), reach.Request{Kind: reach.KindReminder, Campaign: camp}); err == nil {
		t.Error("reminders queued after the deadline")
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit: %v", err)
	}
}

// TestSMTPDown: with the mail server down nothing is lost: messages are
// retried with a growing pause and go out once it is back.
func TestSMTPDown(t *testing.T) {
	ctx := context.Background()
	c := startClock()
	srv := smtptest.Start(t)
	st, camp, _ := setup(t, storetest.SQLite, c)
	s := newSender(t, st, srv, c)
	srv.Down()
	if _, err := reach.Queue(ctx, st, c.Now(), reach.Request{Kind: reach.KindInvitation, Campaign: camp}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeliverOnce(ctx); err != nil || n != 5 {
		t.Fatalf("delivered %d: %v", n, err)
	}
	queued, _ := st.OutboxByState(ctx, store.OutboxQueued, 10)
	if len(queued) != 5 || queued[0].Attempts != 1 || !strings.Contains(queued[0].LastError, "connect") && !strings.Contains(queued[0].LastError, "refused") {
		t.Fatalf("after a failed try: %+v", queued)
	}
	if n, _ := s.DeliverOnce(ctx); n != 0 {
		t.Fatal("retried before the backoff ended")
	}
	srv.Up()
	c.Add(31 * time.Second)
	drain(t, s)
	if got := len(srv.Messages()); got != 4 {
		t.Fatalf("%d delivered after the server came back, want 4", got)
	}
}

func TestDueStep(t *testing.T) {
	dl := deadline()
	camp := store.Campaign{Status: "open", ClosesAt: &dl}
	at := func(day, hour int) time.Time { return time.Date(2024, 12, day, hour, 0, 0, 0, wib.Zone) }
	tests := []struct {
		now  time.Time
		want string
	}{
		{at(17, 6), ""},
		{at(17, 7), "h-3"},
		{at(18, 23), "h-3"},
		{at(19, 7), "h-1"},
		{at(20, 6), "h-1"},
		{at(20, 7), "h-0"},
		{at(20, 23), "h-0"},
		{at(21, 8), ""},
	}
	for _, tt := range tests {
		if got := reach.DueStep(camp, reach.DefaultSchedule, tt.now); got != tt.want {
			t.Errorf("DueStep at %v = %q, want %q", tt.now, got, tt.want)
		}
	}
}
