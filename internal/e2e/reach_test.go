package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/reach/smtptest"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// writeMailRoster writes n people of one unit, each with an email address
// except every fifth, and returns them by address.
func writeMailRoster(t *testing.T, path string, n int) map[string]person {
	t.Helper()
	var b strings.Builder
	b.WriteString("nip;nama;jabatan;unit_kerja;email\n")
	out := map[string]person{}
	for i := 0; i < n; i++ {
		p := person{NIP: fmt.Sprintf("19870312201012%04d", 1001+i), Name: fmt.Sprintf("Pegawai Nomor %d", i)}
		p.Typed = p.Name
		email := ""
		if i%5 != 4 {
			email = fmt.Sprintf("pegawai%d@dinas.example.test", i)
			out[email] = p
		}
		fmt.Fprintf(&b, "%s;%s;Staf;Dinas Kesehatan;%s\n", p.NIP, p.Name, email)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

var linkInMail = regexp.MustCompile(`http://127\.0\.0\.1:\d+/sign/([A-Za-z0-9_-]{16,64})`)

// TestReachByEmail: a roster with emails is imported, invitations go out
// through a real SMTP server, a person follows the link in their message
// and signs, and the reminders then go to the others only.
func TestReachByEmail(t *testing.T) {
	sink := smtptest.Start(t)
	dir := t.TempDir()
	rosterPath := filepath.Join(dir, "roster.csv")
	people := writeMailRoster(t, rosterPath, 10) // 8 with an address
	mustCLI(t, "roster", "import", "--data", dir, rosterPath)
	mail := []string{"--smtp-url", sink.URL(), "--mail-from", "BKPSDM Kota Uji <ikrar@example.test>", "--mail-rate", "6000"}
	srv := startServer(t, dir, mail...)

	res := mustCLI(t, "messages", "send", "--data", dir, "--kind", "invitation")
	if !strings.Contains(res.Stdout, "queued 8 invitation messages") || !strings.Contains(res.Stdout, "2 without an email address") {
		t.Fatalf("messages send: %s", res)
	}
	got := sink.WaitFor(8, 30*time.Second)
	if len(got) != 8 {
		t.Fatalf("%d invitations arrived, want 8; %s", len(got), srv.state())
	}
	first := got[0]
	p, ok := people[first.To]
	if !ok {
		t.Fatalf("message to a stranger: %s", first.To)
	}
	m := linkInMail.FindStringSubmatch(first.Text)
	if m == nil || !strings.Contains(first.Text, "Yth. "+p.Name) {
		t.Fatalf("invitation without a link or greeting:\n%s", first.Text)
	}
	p.Token = m[1]
	if _, err := signOnce(context.Background(), newClient(1), srv.Base, p, ""); err != nil {
		t.Fatalf("signing through the mailed link: %v", err)
	}

	res = mustCLI(t, "messages", "send", "--data", dir, "--kind", "reminder")
	if !strings.Contains(res.Stdout, "queued 7 reminder messages") {
		t.Fatalf("reminders: %s", res)
	}
	got = sink.WaitFor(15, 30*time.Second)
	if len(got) != 15 {
		t.Fatalf("%d messages in all, want 15", len(got))
	}
	for _, r := range got[8:] {
		if r.To == first.To {
			t.Errorf("a reminder went to %s, who signed", r.To)
		}
		if !strings.HasPrefix(r.Subject, "Pengingat:") {
			t.Errorf("reminder subject %q", r.Subject)
		}
	}
	status := mustCLI(t, "messages", "status", "--data", dir)
	if !regexp.MustCompile(`invitation\s+0\s+0\s+8\s+0\s+0`).MatchString(status.Stdout) || !regexp.MustCompile(`reminder\s+0\s+0\s+7\s+0\s+0`).MatchString(status.Stdout) {
		t.Errorf("messages status:\n%s", status.Stdout)
	}
	srv.stop()
}

// TestSenderKilledMidBatch: `ikrar serve` is killed with kill -9 while it
// sends a batch and started again: every message arrives, and at most the
// one in flight at the kill arrives twice (at least once at the SMTP
// boundary), with the same Message-ID; every row ends sent.
func TestSenderKilledMidBatch(t *testing.T) {
	sink := smtptest.Start(t)
	dir := t.TempDir()
	rosterPath := filepath.Join(dir, "roster.csv")
	people := writeMailRoster(t, rosterPath, 75) // 60 with an address
	mustCLI(t, "roster", "import", "--data", dir, rosterPath)
	mail := []string{"--smtp-url", sink.URL(), "--mail-from", "ikrar@example.test", "--mail-rate", "600", "--mail-lease", "2s"}
	srv := startServer(t, dir, mail...)
	mustCLI(t, "messages", "send", "--data", dir, "--kind", "invitation")
	if n := len(sink.WaitFor(15, 30*time.Second)); n < 15 || n >= 60 {
		t.Fatalf("%d messages before the kill; want some, not all", n)
	}
	srv.kill()
	before := len(sink.Messages())
	srv = startServer(t, dir, mail...)
	got := sink.WaitFor(60, 60*time.Second)
	time.Sleep(time.Second) // anything extra would arrive now
	got = sink.Messages()
	byTo, byID := map[string]int{}, map[string]string{}
	for _, m := range got {
		byTo[m.To]++
		if to, dup := byID[m.MessageID]; dup && to != m.To {
			t.Errorf("Message-ID %s reused for %s and %s", m.MessageID, to, m.To)
		}
		byID[m.MessageID] = m.To
	}
	dups := 0
	for addr := range people {
		switch n := byTo[addr]; {
		case n == 0:
			t.Errorf("no message reached %s", addr)
		case n > 1:
			dups += n - 1
		}
	}
	if dups > 1 {
		t.Errorf("%d duplicate messages after one kill, want at most 1", dups)
	}
	status := mustCLI(t, "messages", "status", "--data", dir)
	if !regexp.MustCompile(`invitation\s+0\s+0\s+60\s+0\s+0`).MatchString(status.Stdout) {
		t.Errorf("outbox after restart (%d delivered before the kill):\n%s", before, status.Stdout)
	}
	srv.stop()
}

// TestTwoSendersOnePostgres: two `ikrar serve` on one PostgreSQL both send
// the outbox; every message arrives exactly once.
func TestTwoSendersOnePostgres(t *testing.T) {
	dsn := storetest.NewSchema(t)
	sink := smtptest.Start(t)
	db := []string{"--db-driver", "postgres", "--db", dsn}
	dir := t.TempDir()
	dataA, dataB := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	rosterPath := filepath.Join(dir, "roster.csv")
	people := writeMailRoster(t, rosterPath, 150) // 120 with an address
	mustCLI(t, append(append([]string{"roster", "import", "--data", dataA}, db...), rosterPath)...)
	mail := []string{"--smtp-url", sink.URL(), "--mail-from", "ikrar@example.test", "--mail-rate", "1200"}
	srvA := startServer(t, dataA, append(append([]string{}, db...), mail...)...)
	// Instances on one database share its signing key (docs/DEPLOY.md); a
	// second key is refused.
	keyArgs := []string{"--signing-cert", filepath.Join(dataA, certificate.CertFileName), "--signing-key", filepath.Join(dataA, certificate.KeyFileName)}
	srvB := startServer(t, dataB, append(append(append([]string{}, db...), mail...), keyArgs...)...)
	res := mustCLI(t, append([]string{"messages", "send", "--data", dataA, "--kind", "invitation"}, db...)...)
	if !strings.Contains(res.Stdout, "queued 120 invitation") {
		t.Fatalf("messages send: %s", res)
	}
	got := sink.WaitFor(120, 60*time.Second)
	time.Sleep(time.Second)
	got = sink.Messages()
	if len(got) != 120 {
		t.Errorf("%d messages arrived, want 120 exactly", len(got))
	}
	seen := map[string]bool{}
	for _, m := range got {
		if seen[m.To] {
			t.Errorf("two messages to %s", m.To)
		}
		seen[m.To] = true
		if _, ok := people[m.To]; !ok {
			t.Errorf("message to a stranger %s", m.To)
		}
	}
	pg := openPostgres(t, dsn)
	if n := countPG(t, pg, `SELECT COUNT(*) FROM outbox_messages WHERE state <> 'sent' OR attempts <> 1`); n != 0 {
		t.Errorf("%d outbox rows not sent on the first attempt", n)
	}
	srvA.stop()
	srvB.stop()
}

// TestSMTPDownSigningGoesOn: with the mail server down, signing works as
// ever and the outbox keeps the messages, retrying; once the server is back
// they go out.
func TestSMTPDownSigningGoesOn(t *testing.T) {
	sink := smtptest.Start(t)
	sink.Down()
	dir := t.TempDir()
	rosterPath := filepath.Join(dir, "roster.csv")
	people := writeMailRoster(t, rosterPath, 5) // 4 with an address
	mustCLI(t, "roster", "import", "--data", dir, rosterPath)
	linksPath := filepath.Join(dir, "links.csv")
	mustCLI(t, "links", "export", "--data", dir, "--out", linksPath)
	links := readLinks(t, linksPath)
	srv := startServer(t, dir, "--smtp-url", sink.URL(), "--mail-from", "ikrar@example.test", "--mail-rate", "6000")
	mustCLI(t, "messages", "send", "--data", dir, "--kind", "invitation")
	// Wait until every message has failed once.
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := mustCLI(t, "messages", "status", "--data", dir)
		if regexp.MustCompile(`invitation\s+4\s+0\s+0\s+0\s+0`).MatchString(st.Stdout) && strings.Contains(srv.stderr.String(), "message will be retried") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("messages not retrying: %s\n%s", st.Stdout, srv.state())
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, p := range people {
		p.Token = links[p.NIP].Token
		if _, err := signOnce(context.Background(), newClient(1), srv.Base, p, ""); err != nil {
			t.Fatalf("signing with the mail server down: %v", err)
		}
		break
	}
	sink.Up()
	// The first retry is due 30 s after the failure; do not wait for it
	// here: the outbox still holds all four, unsent and not failed.
	st := mustCLI(t, "messages", "status", "--data", dir)
	if !regexp.MustCompile(`invitation\s+4\s+0\s+0\s+0\s+0`).MatchString(st.Stdout) {
		t.Errorf("outbox after the outage: %s", st.Stdout)
	}
	srv.stop()
}

// TestHeadDigestAndUnitDone: a head with an address gets the day's digest
// from the running server (figures and pending names of their unit), and,
// once the last person signs, one "unit at 100 %" message; after a kill -9
// and a restart the same day neither comes again.
func TestHeadDigestAndUnitDone(t *testing.T) {
	sink := smtptest.Start(t)
	dir := t.TempDir()
	rosterPath := filepath.Join(dir, "roster.csv")
	writeMailRoster(t, rosterPath, 5)
	mustCLI(t, "roster", "import", "--data", dir, rosterPath)
	linksPath := filepath.Join(dir, "links.csv")
	mustCLI(t, "links", "export", "--data", dir, "--out", linksPath)
	links := readLinks(t, linksPath)
	runCLIStdin := func(stdin string, args ...string) {
		t.Helper()
		if res := runCLIWithStdin(t, stdin, args...); res.Code != 0 {
			t.Fatalf("%v: %s", args, res)
		}
	}
	runCLIStdin("rahasia-kepala-1\n", "user", "add", "--data", dir, "--role", "head", "--username", "kepala.kes",
		"--email", "kepala.kes@dinas.example.test", "--department", "dinas-kesehatan", "--password-stdin")
	args := []string{"--smtp-url", sink.URL(), "--mail-from", "BKPSDM Kota Uji <ikrar@example.test>", "--mail-rate", "6000",
		"--digest-time", "00:00", "--completed-check", "1s"}
	srv := startServer(t, dir, args...)

	got := sink.WaitFor(1, 30*time.Second)
	if len(got) != 1 || got[0].To != "kepala.kes@dinas.example.test" {
		t.Fatalf("digest: %d messages %+v; %s", len(got), got, srv.state())
	}
	for _, want := range []string{"Yth. kepala.kes", "Sudah: 0 dari 5 pegawai (0,0 %), belum: 5", "- Dinas Kesehatan: 0/5 (0,0 %), belum 5",
		"Belum menandatangani:", "Pegawai Nomor 0 (NIP 198703122010121001), Dinas Kesehatan", "Pegawai Nomor 4"} {
		if !strings.Contains(got[0].Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, got[0].Text)
		}
	}
	for nip, p := range links {
		p.Typed = p.Name
		if _, err := signOnce(context.Background(), newClient(1), srv.Base, p, ""); err != nil {
			t.Fatalf("sign %s: %v", nip, err)
		}
	}
	got = sink.WaitFor(2, 30*time.Second)
	if len(got) != 2 || !strings.HasPrefix(got[1].Subject, "Dinas Kesehatan: 100 %") || got[1].To != "kepala.kes@dinas.example.test" ||
		!strings.Contains(got[1].Text, "(5 dari 5)") {
		t.Fatalf("100 %% message: %d messages, last %+v; %s", len(got), got[len(got)-1], srv.state())
	}

	srv.kill()
	srv = startServer(t, dir, args...)
	time.Sleep(4 * time.Second) // several completion checks and sender rounds
	if got := sink.Messages(); len(got) != 2 {
		t.Errorf("%d messages after a kill -9 and a restart, want still 2", len(got))
	}
	status := mustCLI(t, "messages", "status", "--data", dir)
	if !regexp.MustCompile(`digest\s+0\s+0\s+1\s+0\s+0`).MatchString(status.Stdout) || !regexp.MustCompile(`unit-complete\s+0\s+0\s+1\s+0\s+0`).MatchString(status.Stdout) {
		t.Errorf("messages status:\n%s", status.Stdout)
	}
	srv.stop()
}
