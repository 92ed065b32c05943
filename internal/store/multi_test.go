package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestInstancesShareOneDatabase plays two ikrar instances on one database:
// the same people sign through both at once, and staff actions append to
// the audit chain through both. Exactly one signature per person must
// result, both instances must answer with it, and the chain must stay one
// chain. (On SQLite the two stores are two writers on one file, as when the
// CLI runs beside the server.)
func TestInstancesShareOneDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		opts := storetest.Options(t, b)
		a := storetest.OpenWith(t, opts)
		c, people := seed(t, a, 40)
		bb := storetest.OpenWith(t, opts)
		ctx := context.Background()

		type answer struct {
			asn     uint
			code    string
			created bool
		}
		answers := make(chan answer, len(people)*4)
		var wg sync.WaitGroup
		for i, p := range people {
			for k, inst := range []*store.Store{a, bb, a, bb} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := inst.Sign(ctx, newSig(p, c, i*10+k))
					if err != nil {
						t.Error(err)
						return
					}
					answers <- answer{res.Signature.ASNID, res.Signature.CertCode, res.Created}
				}()
			}
		}
		// Staff actions on both instances interleave with the signatures.
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				inst := []*store.Store{a, bb}[i%2]
				if err := inst.Record(ctx, "test", "export.done", fmt.Sprintf("export:%d", i), nil); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		close(answers)
		codes := map[uint]string{}
		created := 0
		for ans := range answers {
			if ans.created {
				created++
			}
			if prev, ok := codes[ans.asn]; ok && prev != ans.code {
				t.Fatalf("ASN %d answered with two signatures, %s and %s", ans.asn, prev, ans.code)
			}
			codes[ans.asn] = ans.code
		}
		if n, err := bb.CountSignatures(ctx, c.ID); err != nil || n != int64(len(people)) || created != len(people) {
			t.Fatalf("%d signatures stored (%v), %d reported created, want %d", n, err, created, len(people))
		}
		for _, inst := range []*store.Store{a, bb} {
			rep, err := inst.VerifyAudit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := 1 + 1 + len(people) + 10; rep.Events != want { // campaign, import, signatures, exports
				t.Fatalf("%d audit events, want %d", rep.Events, want)
			}
		}
	})
}

// pdfMaker counts how often each certificate is made.
type pdfMaker struct {
	mu    sync.Mutex
	count map[uint]int
}

func (m *pdfMaker) make(sigID uint) func() (store.Certificate, error) {
	return func() (store.Certificate, error) {
		m.mu.Lock()
		m.count[sigID]++
		n := m.count[sigID]
		m.mu.Unlock()
		time.Sleep(2 * time.Millisecond) // a PDF takes a while; let the others pile up
		body := fmt.Sprintf("%%PDF-1.7 signature %d make %d", sigID, n)
		return store.Certificate{PDF: []byte(body), SHA256: fmt.Sprintf("%064d", n)}, nil
	}
}

// TestIssueOnceAcrossInstances: two instances, downloads (IssueOnce) and
// background workers (TryIssueOnce) all ask for the same certificates at
// once. Each certificate must be made exactly once and everyone who got an
// answer must have the same bytes.
func TestIssueOnceAcrossInstances(t *testing.T) {
	storetest.Require(t, storetest.Postgres)
	opts := storetest.Options(t, storetest.Postgres)
	a := storetest.OpenWith(t, opts)
	c, people := seed(t, a, 12)
	bb := storetest.OpenWith(t, opts)
	ctx := context.Background()
	var sigIDs []uint
	for i, p := range people {
		res, err := a.Sign(ctx, newSig(p, c, i))
		if err != nil {
			t.Fatal(err)
		}
		sigIDs = append(sigIDs, res.Signature.ID)
	}
	m := &pdfMaker{count: map[uint]int{}}
	var mu sync.Mutex
	got := map[uint]map[string]bool{}
	var busy atomic.Int64
	var wg sync.WaitGroup
	for _, id := range sigIDs {
		for k := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				inst := []*store.Store{a, bb}[k%2]
				issue := inst.IssueOnce
				if k >= 4 {
					issue = inst.TryIssueOnce
				}
				cert, err := issue(ctx, id, m.make(id))
				if errors.Is(err, store.ErrBusy) {
					busy.Add(1)
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if got[id] == nil {
					got[id] = map[string]bool{}
				}
				got[id][string(cert.PDF)] = true
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	for _, id := range sigIDs {
		if m.count[id] != 1 {
			t.Errorf("certificate of signature %d made %d times, want once", id, m.count[id])
		}
		if len(got[id]) != 1 {
			t.Errorf("signature %d: callers got %d different certificates", id, len(got[id]))
		}
		stored, err := bb.CertificateOf(ctx, id)
		if err != nil || !got[id][string(stored.PDF)] {
			t.Errorf("signature %d: stored certificate is not the one served (%v)", id, err)
		}
		sig, _ := bb.SignatureByID(ctx, id)
		if sig.CertSHA256 != stored.SHA256 {
			t.Errorf("signature %d records certificate hash %q, stored %q", id, sig.CertSHA256, stored.SHA256)
		}
	}
	t.Logf("%d worker attempts stepped aside for the other instance", busy.Load())
	if _, err := a.IssueOnce(ctx, 999999, m.make(999999)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("IssueOnce of an unknown signature = %v, want ErrNotFound", err)
	}
}

// TestIssueOnceAfterIssuerDies: an instance dies while making a
// certificate (its database connection is cut mid-transaction). Nothing it
// made may be stored, and another instance must then make the certificate.
func TestIssueOnceAfterIssuerDies(t *testing.T) {
	storetest.Require(t, storetest.Postgres)
	opts := storetest.Options(t, storetest.Postgres)
	a := storetest.OpenWith(t, opts)
	c, people := seed(t, a, 1)
	ctx := context.Background()
	res, err := a.Sign(ctx, newSig(people[0], c, 0))
	if err != nil {
		t.Fatal(err)
	}
	id := res.Signature.ID

	dyingOpts := opts
	// A name of this run's own: other test processes on the same server
	// must not be counted (or killed).
	dyingName := fmt.Sprintf("ikrar-dying-%d", time.Now().UnixNano())
	dyingOpts.DSN = storetest.WithParam(t, opts.DSN, "application_name", dyingName)
	dying := storetest.OpenWith(t, dyingOpts)
	making := make(chan struct{})
	release := make(chan struct{})
	dyingErr := make(chan error, 1)
	go func() {
		_, err := dying.IssueOnce(ctx, id, func() (store.Certificate, error) {
			close(making)
			<-release
			return store.Certificate{PDF: []byte("%PDF from the instance that died"), SHA256: strings.Repeat("d", 64)}, nil
		})
		dyingErr <- err
	}()
	<-making

	// While the dying instance holds the signature, a worker elsewhere
	// steps aside and a download waits.
	bb := storetest.OpenWith(t, opts)
	if _, err := bb.TryIssueOnce(ctx, id, func() (store.Certificate, error) {
		t.Error("made a certificate another instance holds")
		return store.Certificate{}, errors.New("unexpected")
	}); !errors.Is(err, store.ErrBusy) {
		t.Fatalf("TryIssueOnce while another instance issues = %v, want ErrBusy", err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = bb.IssueOnce(short, id, func() (store.Certificate, error) { return store.Certificate{}, errors.New("unexpected") })
	cancel()
	if err == nil {
		t.Fatal("IssueOnce did not wait for the instance holding the signature")
	}

	// The instance dies: its backend goes away with its transaction.
	raw := storetest.DB(t, opts)
	// pg_stat_activity may lag a moment behind the backend's state on a
	// loaded server: ask again for a little while.
	var killed int
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		err := raw.QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE application_name = $1 AND state = 'idle in transaction'`, dyingName).Scan(&killed)
		if err != nil {
			t.Fatalf("terminate the dying instance's transaction: %v", err)
		}
		if killed > 0 || time.Now().After(deadline) {
			break
		}
	}
	if killed != 1 {
		t.Fatalf("terminate the dying instance's transaction: %d terminated", killed)
	}
	close(release)
	if err := <-dyingErr; err == nil {
		t.Fatal("the dying instance's certificate was stored after its connection was cut")
	}

	// pg_terminate_backend only signals the backend: its locks go when the
	// process has exited, which a loaded server may take a moment to do. A
	// worker that finds the signature busy tries again later; so does this.
	made := 0
	var cert store.Certificate
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		cert, err = bb.TryIssueOnce(ctx, id, func() (store.Certificate, error) {
			made++
			return store.Certificate{PDF: []byte("%PDF from the survivor"), SHA256: strings.Repeat("s", 64)}, nil
		})
		if !errors.Is(err, store.ErrBusy) || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || made != 1 || string(cert.PDF) != "%PDF from the survivor" {
		t.Fatalf("survivor: made %d, certificate %q, %v", made, cert.PDF, err)
	}
	if stored, _ := a.CertificateOf(ctx, id); string(stored.PDF) != "%PDF from the survivor" {
		t.Fatalf("stored certificate %q", stored.PDF)
	}
}

// TestIssueOnceSQLite: on SQLite the single process makes and stores the
// certificate, and asking again returns the stored one without making.
func TestIssueOnceSQLite(t *testing.T) {
	st := storetest.Open(t, storetest.SQLite)
	c, people := seed(t, st, 1)
	ctx := context.Background()
	res, err := st.Sign(ctx, newSig(people[0], c, 0))
	if err != nil {
		t.Fatal(err)
	}
	m := &pdfMaker{count: map[uint]int{}}
	first, err := st.IssueOnce(ctx, res.Signature.ID, m.make(res.Signature.ID))
	if err != nil {
		t.Fatal(err)
	}
	again, err := st.TryIssueOnce(ctx, res.Signature.ID, m.make(res.Signature.ID))
	if err != nil || string(again.PDF) != string(first.PDF) || m.count[res.Signature.ID] != 1 {
		t.Fatalf("second issue: %q vs %q, made %d times, %v", again.PDF, first.PDF, m.count[res.Signature.ID], err)
	}
}

// TestRateLimitCounters: failures count in a fixed window that starts at
// the first failure, across instances, and reset and purge forget them.
func TestRateLimitCounters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		opts := storetest.Options(t, b)
		a := storetest.OpenWith(t, opts)
		bb := storetest.OpenWith(t, opts)
		ctx := context.Background()
		t0 := time.Date(2024, 2, 14, 8, 0, 0, 0, time.UTC)
		const win = 15 * time.Minute
		for i, inst := range []*store.Store{a, bb, a} {
			if err := inst.RecordFailure(ctx, "login-ip:x", t0.Add(time.Duration(i)*time.Minute), win); err != nil {
				t.Fatal(err)
			}
		}
		steps := []struct {
			at   time.Duration
			want int
		}{{2 * time.Minute, 3}, {14 * time.Minute, 3}, {15 * time.Minute, 0}}
		for _, s := range steps {
			n, start, err := bb.Failures(ctx, "login-ip:x", t0.Add(s.at), win)
			if err != nil || n != s.want {
				t.Fatalf("failures at +%v = %d (%v), want %d", s.at, n, err, s.want)
			}
			if n > 0 && !start.Equal(t0) {
				t.Fatalf("window start at +%v = %v, want %v", s.at, start, t0)
			}
		}
		// A failure after the window starts a new one at one.
		if err := a.RecordFailure(ctx, "login-ip:x", t0.Add(20*time.Minute), win); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := a.Failures(ctx, "login-ip:x", t0.Add(21*time.Minute), win); n != 1 {
			t.Fatalf("failures in the new window = %d, want 1", n)
		}
		if n, _, _ := a.Failures(ctx, "login-ip:other", t0, win); n != 0 {
			t.Fatalf("another bucket has %d failures", n)
		}
		if err := bb.ResetFailures(ctx, "login-ip:x"); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := a.Failures(ctx, "login-ip:x", t0.Add(21*time.Minute), win); n != 0 {
			t.Fatalf("failures after reset = %d", n)
		}
		_ = a.RecordFailure(ctx, "old", t0, win)
		_ = a.RecordFailure(ctx, "new", t0.Add(time.Hour), win)
		if err := a.PurgeFailures(ctx, t0.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		rows, err := storetest.DB(t, opts).Query("SELECT bucket FROM rate_limits ORDER BY bucket")
		if err != nil {
			t.Fatal(err)
		}
		var left []string
		for rows.Next() {
			var b string
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			left = append(left, b)
		}
		rows.Close()
		if strings.Join(left, ",") != "new" {
			t.Fatalf("after purge the table holds %v, want only the live window", left)
		}
	})
}

// TestReportsAgreeOnBothDatabases checks the hand-written aggregate SQL:
// signatures per WIB day (the day turns at 17:00 UTC), completion by
// department against the active roster, and the admin totals.
func TestReportsAgreeOnBothDatabases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		st := storetest.Open(t, b)
		c, people := seed(t, st, 4)
		ctx := context.Background()
		times := []time.Time{
			time.Date(2024, 2, 13, 16, 59, 59, 0, time.UTC), // 23:59:59 WIB on the 13th
			time.Date(2024, 2, 13, 17, 0, 0, 0, time.UTC),   // 00:00 WIB on the 14th
			time.Date(2024, 2, 14, 3, 0, 0, 0, time.UTC),    // 10:00 WIB on the 14th
		}
		for i, at := range times {
			n := newSig(people[i], c, i)
			n.SignedAt = at
			if _, err := st.Sign(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		days, err := st.SignaturesPerDay(ctx, c.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(days)
		want := fmt.Sprint([]store.DayCount{{Day: time.Date(2024, 2, 13, 0, 0, 0, 0, time.UTC), Count: 1}, {Day: time.Date(2024, 2, 14, 0, 0, 0, 0, time.UTC), Count: 2}})
		if got != want {
			t.Fatalf("signatures per day = %s, want %s", got, want)
		}
		// Person 0 (signed) leaves the roster: completion counts the active
		// roster only, the admin totals too.
		rows := []store.ImportRow{}
		for i, p := range people[1:] {
			rows = append(rows, store.ImportRow{Line: i + 2, NIP: p.NIP, Name: p.Name, Position: "Staf", Department: "Dinas Uji", Kind: "PNS"})
		}
		if _, err := st.ImportRoster(ctx, "test", "v2", rows, store.ImportOptions{DeactivateMissing: true, ConfirmDeactivate: 1,
			NewToken: func() string { return "unused" }, NewAccessCode: func() string { return "ABCDEFGH" }}); err != nil {
			t.Fatal(err)
		}
		comp, err := st.CompletionByDepartment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		d := comp[people[1].DepartmentID]
		if len(comp) != 1 || d.Roster != 3 || d.Signed != 2 {
			t.Fatalf("completion = %+v, want one department with roster 3, signed 2", comp)
		}
		tot, err := st.AdminTotals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tot != (store.Totals{Departments: 1, ActiveASN: 3, Signatures: 3, Users: 0}) {
			t.Fatalf("admin totals = %+v", tot)
		}
	})
}

// TestSignatureTextIsStorable: a typed name with a NUL byte or broken
// UTF-8 (which PostgreSQL refuses) is stored the same way on both.
func TestSignatureTextIsStorable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		st := storetest.Open(t, b)
		c, people := seed(t, st, 1)
		n := newSig(people[0], c, 0)
		n.TypedName = "Orang\x00 0\xff"
		n.UserAgent = "agent\x00\xfe"
		res, err := st.Sign(context.Background(), n)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := st.SignatureByID(context.Background(), res.Signature.ID)
		if err != nil || sig.TypedName != "Orang 0\uFFFD" || sig.UserAgent != "agent\uFFFD" || res.Signature.TypedName != sig.TypedName {
			t.Fatalf("stored %q / %q, answered %q (%v)", sig.TypedName, sig.UserAgent, res.Signature.TypedName, err)
		}
		if _, err := st.VerifyAudit(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestBackupPerDatabase: SQLite copies the file; PostgreSQL refuses and
// names pg_dump in both languages.
func TestBackupPerDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		st := storetest.Open(t, b)
		out := t.TempDir() + "/backup.db"
		err := st.Backup(context.Background(), out)
		switch b {
		case storetest.SQLite:
			if err != nil {
				t.Fatal(err)
			}
		case storetest.Postgres:
			if err == nil || !strings.Contains(err.Error(), "pg_dump") || !strings.Contains(err.Error(), "gunakan") {
				t.Fatalf("Backup on PostgreSQL = %v, want a pointer to pg_dump", err)
			}
		}
	})
}
