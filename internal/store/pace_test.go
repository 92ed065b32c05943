package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestPaceWait(t *testing.T) {
	start := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	pace := 4 * time.Millisecond
	tests := []struct {
		name      string
		lastStart time.Time
		lastSize  int
		now       time.Time
		want      time.Duration
	}{
		{"first commit", time.Time{}, 0, start, 0},
		{"last commit alone: a lone signer is not paced", start, 1, start.Add(time.Millisecond), 0},
		{"last commit had company: wait out the pace", start, 2, start.Add(time.Millisecond), 3 * time.Millisecond},
		{"a long commit already took the pace", start, 64, start.Add(5 * time.Millisecond), -time.Millisecond},
		{"exactly at the pace", start, 14, start.Add(pace), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := paceWait(tc.lastStart, tc.lastSize, tc.now, pace); got != tc.want {
				t.Errorf("paceWait = %v, want %v", got, tc.want)
			}
		})
	}
}

func reqs(n int) []signReq {
	out := make([]signReq, n)
	for i := range out {
		out[i] = signReq{ctx: context.Background(), sig: NewSignature{TypedName: string(rune('a' + i))}}
	}
	return out
}

func TestGather(t *testing.T) {
	t.Run("without a timeout only what is queued", func(t *testing.T) {
		q := make(chan signReq, 8)
		for _, r := range reqs(3) {
			q <- r
		}
		got := gather(q, nil, nil)
		if len(got) != 3 || len(q) != 0 {
			t.Fatalf("gathered %d, %d left queued; want 3 and 0", len(got), len(q))
		}
	})
	t.Run("with a timeout also what arrives before it fires", func(t *testing.T) {
		q := make(chan signReq)
		timeout := make(chan time.Time)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range reqs(4) {
				q <- r // unbuffered: each is taken before the next is sent
			}
			timeout <- time.Now()
		}()
		got := gather(q, reqs(1), timeout)
		wg.Wait()
		if len(got) != 5 {
			t.Fatalf("gathered %d requests, want the first and the 4 that came before the timeout", len(got))
		}
		for i, want := range []string{"a", "a", "b", "c", "d"} {
			if got[i].sig.TypedName != want {
				t.Errorf("request %d is %q, want %q: arrival order kept", i, got[i].sig.TypedName, want)
			}
		}
	})
	t.Run("a closed queue ends the wait", func(t *testing.T) {
		q := make(chan signReq, 1)
		q <- reqs(1)[0]
		close(q)
		got := gather(q, nil, make(chan time.Time)) // the timeout never fires
		if len(got) != 1 {
			t.Fatalf("gathered %d, want 1", len(got))
		}
	})
	t.Run("never more than maxBatch", func(t *testing.T) {
		q := make(chan signReq, maxBatch+10)
		for _, r := range reqs(maxBatch + 10) {
			q <- r
		}
		if got := gather(q, nil, make(chan time.Time)); len(got) != maxBatch {
			t.Fatalf("gathered %d, want %d", len(got), maxBatch)
		}
	})
}

// TestPacedCommitCarriesLateArrivals runs the committer itself: after a
// commit that had company, the next batch waits for its timer, and the
// signatures sent meanwhile are answered by that one commit, all stored.
// Rides that block until the queue holds what the test wants make the
// batches deterministic.
func TestPacedCommitCarriesLateArrivals(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{DSN: filepath.Join(t.TempDir(), "pace.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dept := Department{Code: "d", Name: "D"}
	if err := st.CreateDepartment(ctx, "test", &dept); err != nil {
		t.Fatal(err)
	}
	campaign := Campaign{Slug: "c", Version: 1, Title: "T", Preamble: "P", Points: `[]`, Closing: "C", Instansi: "I", TextHash: "h", Status: "open"}
	if err := st.CreateCampaign(ctx, "test", &campaign); err != nil {
		t.Fatal(err)
	}
	asns := make([]ASN, 5)
	for i := range asns {
		asns[i] = ASN{NIP: fmt.Sprintf("19800101200501100%d", i), Name: "A", Position: "P", DepartmentID: dept.ID, Kind: "PNS",
			Active: true, Token: fmt.Sprintf("token-pace-%012d", i), AccessCode: "ABCDEFGH"}
		if err := st.w.Create(&asns[i]).Error; err != nil {
			t.Fatal(err)
		}
	}

	fire := make(chan time.Time)
	waits := make(chan time.Duration, 8)
	st.signer.pace = time.Hour
	st.signer.after = func(d time.Duration) (<-chan time.Time, func() bool) {
		waits <- d
		return fire, func() bool { return true }
	}
	answered := make(chan error, 8)
	sign := func(i int) {
		_, err := st.Sign(ctx, NewSignature{ASN: asns[i], CampaignID: campaign.ID, SignedAt: time.Now(), TypedName: "A",
			PledgeHash: "h", CertCode: fmt.Sprintf("IKR-PACE-%d", i)})
		answered <- err
	}
	queued := func(n int) {
		for deadline := time.Now().Add(10 * time.Second); len(st.signer.q) != n; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Errorf("the committer's queue never held %d requests", n)
				return
			}
		}
	}
	// hold rides a batch and keeps its commit open until n requests wait
	// in the queue; started says its batch is being written.
	hold := func(n int) (started <-chan struct{}) {
		s := make(chan struct{})
		go func() {
			answered <- st.ride(ctx, func(context.Context, *sql.Tx) error {
				close(s)
				queued(n)
				return nil
			})
		}()
		return s
	}

	// Batch 1: a holder alone, so batch 2 is not paced. Batch 2:
	// signatures 0 and 1 and a holder that keeps that commit open until
	// signatures 2, 3 and 4 wait behind it.
	<-hold(3)
	go sign(0)
	go sign(1)
	started := hold(3)
	<-started
	for _, i := range []int{2, 3, 4} {
		go sign(i)
	}
	for range 4 { // both holders, signatures 0 and 1
		if err := <-answered; err != nil {
			t.Fatal(err)
		}
	}

	// Batch 3 follows a commit that had company: it waits, gathering
	// signatures 3 and 4 behind 2, and nothing is answered before it
	// commits.
	select {
	case d := <-waits:
		if d <= 0 || d > time.Hour {
			t.Fatalf("paced wait %v, want up to the pace", d)
		}
	case err := <-answered:
		t.Fatalf("the batch after a commit with company was not paced: answered (err %v)", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the batch after a commit with company was not paced")
	}
	queued(0)
	select {
	case err := <-answered:
		t.Fatalf("a signature was answered before its paced commit (err %v)", err)
	default:
	}
	fire <- time.Now()
	for range 3 {
		if err := <-answered; err != nil {
			t.Fatal(err)
		}
	}
	select {
	case d := <-waits:
		t.Fatalf("a second paced wait (%v): signatures 2, 3 and 4 should have been one batch", d)
	default:
	}
	var n int64
	if err := st.w.Raw(`SELECT count(*) FROM signatures`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Fatalf("%d signatures stored, want 5", n)
	}
}
