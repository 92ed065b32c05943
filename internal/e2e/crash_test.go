package e2e

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// TestKillDuringSigningLosesNothing is the crash bar of the spec: kill -9
// while many people sign, restart, and every signature that was answered
// with a receipt must be on disk, intact and in the audit chain. The kill
// comes at a different moment of the load in each round, and each round
// restarts on the same data folder and goes on with the people not yet
// acknowledged (so some re-sign after a crash that may have kept theirs).
func TestKillDuringSigningLosesNothing(t *testing.T) {
	const (
		rosterSize = 15000
		signers    = 48
	)
	f := newSigningFixture(t, rosterSize, 20240214)
	client := newClient(signers)
	led := newLedger()
	srv := f.Srv

	// Offsets count from the first receipt of the round, so every kill
	// lands while signers are busy however slow the machine is.
	for round, after := range []time.Duration{500 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second} {
		acked, _, _ := led.snapshot()
		var queue []person
		for _, p := range f.People {
			if _, ok := acked[p.NIP]; !ok {
				queue = append(queue, p)
			}
		}
		before := led.ackCount.Load()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		go func() { done <- drive(ctx, client, srv.Base, queue, signers, led) }()
		if !waitFor(30*time.Second, func() bool { return led.ackCount.Load() > before }) {
			cancel()
			<-done
			_, failures, netErrs := led.snapshot()
			t.Fatalf("round %d: no signature acknowledged within 30s (%d failures, %d network errors): %v\n%s",
				round+1, len(failures), netErrs, failures[:min(len(failures), 5)], srv.state())
		}
		time.Sleep(after)
		srv.kill()
		cancel()
		started := <-done
		client.CloseIdleConnections()
		_, failures, netErrs := led.snapshot()
		t.Logf("round %d: killed %v after the first receipt; %d acknowledged this round, %d started, %d network errors so far",
			round+1, after, led.ackCount.Load()-before, started, netErrs)
		if started >= len(queue) {
			t.Logf("round %d: the queue ran out before the kill; raise rosterSize to keep the kill mid-load", round+1)
		}
		for _, msg := range failures[:min(len(failures), 10)] {
			t.Errorf("round %d: %s", round+1, msg)
		}
		if len(failures) > 0 {
			t.Fatalf("round %d: %d signing requests got an answer other than a receipt", round+1, len(failures))
		}

		srv = startServer(t, f.Data)
		checkHealthz(t, srv.Base)
		acked, _, _ = led.snapshot()
		db := openReadOnly(t, f.DB)
		onDisk := signaturesOnDisk(t, db)
		checkAcknowledged(t, onDisk, acked)
		checkSignaturesAudited(t, db)
		db.Close()
		t.Logf("round %d: %d acknowledged, %d on disk; %s", round+1, len(acked), len(onDisk), auditOK(t, "--data", f.Data))
		if t.Failed() {
			t.FailNow()
		}
	}

	// The restarted server still serves what was signed before the crashes:
	// receipts, certificates and the public verification page.
	acked, _, _ := led.snapshot()
	checked := 0
	for _, p := range f.People {
		a, ok := acked[p.NIP]
		if !ok {
			continue
		}
		code, err := signOnce(context.Background(), client, srv.Base, p, "")
		if err != nil || code != a.Code {
			t.Errorf("NIP %s after restarts: receipt code %q (%v), acknowledged %s", p.NIP, code, err, a.Code)
		}
		pdf := get(t, client, srv.Base+"/sign/"+p.Token+"/certificate.pdf", http.StatusOK)
		if len(pdf) < 5 || string(pdf[:5]) != "%PDF-" {
			t.Errorf("NIP %s: certificate does not start with %%PDF-: %q", p.NIP, pdf[:min(len(pdf), 16)])
		}
		get(t, client, srv.Base+"/verify/"+a.Code, http.StatusOK)
		if checked++; checked == 3 {
			break
		}
	}
	srv.stop()
	auditOK(t, "--data", f.Data)
}

// checkHealthz requires GET /healthz to answer 200 "ok".
func checkHealthz(t *testing.T, base string) {
	t.Helper()
	body := get(t, http.DefaultClient, base+"/healthz", http.StatusOK)
	if string(body) != "ok" {
		t.Fatalf("/healthz body = %q, want \"ok\"", body)
	}
}

// get fetches a URL and requires the given status.
func get(t *testing.T, c *http.Client, url string, want int) []byte {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", url, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d: %s", url, resp.StatusCode, want, tail(string(body), 300))
	}
	return body
}
