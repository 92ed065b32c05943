package e2e

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestTwoInstancesOnePostgresSurviveKill is the availability promise of
// PostgreSQL: two `ikrar serve` processes on one database, with one signing
// key, take signers at the same time; one is killed with kill -9 in the
// middle of the load and the signers it was serving go on at the other.
// Afterwards nothing acknowledged is lost, nobody signed twice, the audit
// chain is one verified chain, and every certificate was made exactly once
// (the one an instance was making when it died is made again by the other
// instance, and only that one).
func TestTwoInstancesOnePostgresSurviveKill(t *testing.T) {
	const (
		rosterSize = 4000
		signers    = 24 // per instance
	)
	dsn := storetest.NewSchema(t)
	db := []string{"--db-driver", "postgres", "--db", dsn}
	dir := t.TempDir()
	dataA, dataB := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	rosterPath := filepath.Join(dir, "roster.csv")
	roster := writeRoster(t, rosterPath, rosterSize, 20241127)
	res := mustCLI(t, append(append([]string{"roster", "import", "--data", dataA}, db...), rosterPath)...)
	if !strings.Contains(res.Stdout, fmt.Sprintf("%d added", rosterSize)) {
		t.Fatalf("roster import: %s", res)
	}
	// A starts first (--demo adds the campaign, and A makes the signing
	// key); B is handed the same key, as every instance must be.
	srvA := startServer(t, dataA, append(db, "--demo")...)
	keyArgs := []string{"--signing-cert", filepath.Join(dataA, certificate.CertFileName), "--signing-key", filepath.Join(dataA, certificate.KeyFileName)}
	srvB := startServer(t, dataB, append(append([]string{}, db...), keyArgs...)...)

	linksPath := filepath.Join(dir, "links.csv")
	mustCLI(t, append([]string{"links", "export", "--data", dataA, "--out", linksPath}, db...)...)
	links := readLinks(t, linksPath)
	var people []person
	for id, p := range roster {
		p.Token = links[id].Token
		if p.Token == "" {
			t.Fatalf("links export lacks NIP %s", id)
		}
		people = append(people, p)
	}
	r := rand.New(rand.NewPCG(7, 11))
	r.Shuffle(len(people), func(i, j int) { people[i], people[j] = people[j], people[i] })

	client := newClient(2 * signers)
	led := newLedger()
	// A takes the first half, B the second; the first 100 people are sent
	// to both at once, so the two instances race to sign the same people.
	half := len(people) / 2
	queueB := append(append([]person(nil), people[:100]...), people[half:]...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); drive(ctx, client, srvA.Base, people[:half], signers, led) }()
	go func() { defer wg.Done(); drive(ctx, client, srvB.Base, queueB, signers, led) }()
	// Downloads of certificates while signing, from both instances: the
	// first download makes the certificate if no worker has yet.
	dl := newDownloads()
	dlCtx, stopDownloads := context.WithCancel(ctx)
	var dlDone sync.WaitGroup
	dlDone.Add(1)
	go func() {
		defer dlDone.Done()
		dl.run(dlCtx, client, []string{srvA.Base, srvB.Base}, people, led)
	}()

	if !waitFor(30*time.Second, func() bool { return led.ackCount.Load() >= 600 }) {
		t.Fatalf("fewer than 600 signatures acknowledged within 30s\nA: %s\nB: %s", srvA.state(), srvB.state())
	}
	time.Sleep(500 * time.Millisecond)
	srvB.kill()
	killedAt := led.ackCount.Load()
	wg.Wait()
	stopDownloads()
	dlDone.Wait()
	acked, failures, netErrs := led.snapshot()
	t.Logf("B killed after %d acknowledgements; %d acknowledged in all, %d network errors (B's signers after the kill)", killedAt, len(acked), netErrs)
	for _, f := range failures[:min(len(failures), 10)] {
		t.Errorf("answer other than a receipt: %s", f)
	}
	if len(failures) > 0 {
		t.Logf("A's errors: %s\nB's errors: %s", errorLines(srvA.stderr.String()), errorLines(srvB.stderr.String()))
		t.FailNow()
	}
	if len(acked) >= len(people) {
		t.Fatalf("everyone signed before the kill; raise rosterSize to keep it mid-load")
	}
	// Everyone not acknowledged signs again, at A.
	var rest []person
	for _, p := range people {
		if _, ok := acked[p.NIP]; !ok {
			rest = append(rest, p)
		}
	}
	drive(context.Background(), client, srvA.Base, rest, signers, led)
	acked, failures, _ = led.snapshot()
	if len(failures) > 0 || len(acked) != len(people) {
		t.Fatalf("after retrying at A: %d of %d acknowledged, failures %v\nA: %s", len(acked), len(people), failures[:min(len(failures), 5)], srvA.state())
	}

	pg := openPostgres(t, dsn)
	checkAcknowledged(t, signaturesOnDisk(t, pg), acked)
	checkOneSignatureEach(t, pg, len(people))
	t.Logf("audit: %s", auditOK(t, append([]string{"--data", dataA}, db...)...))

	// Certificates: A's workers finish what is left, B's included.
	if !waitFor(2*time.Minute, func() bool {
		return countPG(t, pg, `SELECT COUNT(*) FROM signatures s
		LEFT JOIN certificates c ON c.signature_id = s.id WHERE c.signature_id IS NULL`) == 0
	}) {
		t.Fatalf("certificates still missing after 2 minutes\nA: %s", srvA.state())
	}
	if n := countPG(t, pg, `SELECT COUNT(*) FROM signatures s JOIN certificates c ON c.signature_id = s.id
		WHERE s.cert_sha256 <> c.sha256`); n != 0 {
		t.Errorf("%d signatures record a certificate hash other than their certificate's", n)
	}
	stored := storedCertificates(t, pg)
	made := madeCertificates(t, map[string]string{"A": srvA.stderr.String(), "B": srvB.stderr.String()})
	checkMadeOnce(t, stored, made)
	dl.check(t, stored)

	// A certificate B made verifies with the key both share.
	for sigID, m := range made {
		if len(m) == 1 && m[0].inst == "B" {
			checkVerifies(t, pg, sigID, dir, append([]string{"--data", dataA}, db...))
			break
		}
	}
	srvA.stop()
}

func openPostgres(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { db.Close() })
	return db
}

func countPG(t *testing.T, db *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// checkOneSignatureEach asserts, in SQL, one signature per person and
// one signature.created event per signature.
func checkOneSignatureEach(t *testing.T, db *sql.DB, people int) {
	t.Helper()
	for _, c := range []struct {
		what string
		q    string
		want int
	}{
		{"signatures", `SELECT COUNT(*) FROM signatures`, people},
		{"people who signed", `SELECT COUNT(DISTINCT asn_id) FROM signatures`, people},
		{"signature.created events", `SELECT COUNT(*) FROM audit_events WHERE action = 'signature.created'`, people},
		{"signatures without their event", `SELECT COUNT(*) FROM signatures s WHERE NOT EXISTS
			(SELECT 1 FROM audit_events e WHERE e.action = 'signature.created' AND e.subject = 'signature:' || s.cert_code)`, 0},
	} {
		if n := countPG(t, db, c.q); n != c.want {
			t.Errorf("%d %s, want %d", n, c.what, c.want)
		}
	}
}

// storedCertificates maps signature id to the stored certificate's SHA-256.
func storedCertificates(t *testing.T, db *sql.DB) map[uint]string {
	t.Helper()
	rows, err := db.Query(`SELECT signature_id, sha256 FROM certificates`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[uint]string{}
	for rows.Next() {
		var id uint
		var sha string
		if err := rows.Scan(&id, &sha); err != nil {
			t.Fatal(err)
		}
		out[id] = sha
	}
	return out
}

type made struct{ inst, sha string }

var madeLine = regexp.MustCompile(`msg="certificate made" signature=(\d+) code=\S+ sha256=([0-9a-f]{64})`)

// madeCertificates reads every "certificate made" line of the instances'
// logs: which instance made which certificate, with which bytes.
func madeCertificates(t *testing.T, logs map[string]string) map[uint][]made {
	t.Helper()
	out := map[uint][]made{}
	for inst, log := range logs {
		for _, m := range madeLine.FindAllStringSubmatch(log, -1) {
			id, _ := strconv.ParseUint(m[1], 10, 64)
			out[uint(id)] = append(out[uint(id)], made{inst, m[2]})
		}
	}
	return out
}

// checkMadeOnce: every stored certificate was made by exactly one
// instance, once. The only other certificates made are the few B was
// making when it died: never stored, and made again (and stored) by A.
func checkMadeOnce(t *testing.T, stored map[uint]string, madeBy map[uint][]made) {
	t.Helper()
	lostWithB := 0
	for id, sha := range stored {
		var keep, dropped []made
		for _, m := range madeBy[id] {
			if m.sha == sha {
				keep = append(keep, m)
			} else {
				dropped = append(dropped, m)
			}
		}
		if len(keep) != 1 {
			t.Errorf("stored certificate of signature %d was made %d times by %v", id, len(keep), madeBy[id])
			continue
		}
		for _, d := range dropped {
			if d.inst != "B" || keep[0].inst != "A" {
				t.Errorf("certificate of signature %d made twice: %v, stored %s", id, madeBy[id], sha)
			}
			lostWithB++
		}
	}
	for id := range madeBy {
		if _, ok := stored[id]; !ok {
			t.Errorf("certificate of signature %d was made but none is stored", id)
		}
	}
	// B had two workers and a few downloads at most in flight.
	if lostWithB > 8 {
		t.Errorf("%d certificates made by B were made again by A; only those in flight at the kill may be", lostWithB)
	}
	byInst := map[string]int{}
	for _, ms := range madeBy {
		for _, m := range ms {
			byInst[m.inst]++
		}
	}
	t.Logf("%d certificates, each made once (A made %d, B %d); %d were in flight on B when it died and were made by A instead",
		len(stored), byInst["A"], byInst["B"], lostWithB)
}

// downloads fetches certificates of people already acknowledged from
// either instance while the load runs, and remembers what it was served.
type downloads struct {
	mu     sync.Mutex
	served map[string]string // certificate code -> SHA-256 of the bytes served
}

func newDownloads() *downloads { return &downloads{served: map[string]string{}} }

func (d *downloads) run(ctx context.Context, c *http.Client, bases []string, people []person, led *ledger) {
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ctx.Err() == nil; i += 4 {
				p := people[i%len(people)]
				led.mu.Lock()
				a, ok := led.acked[p.NIP]
				led.mu.Unlock()
				if !ok {
					time.Sleep(5 * time.Millisecond)
					continue
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, bases[i%len(bases)]+"/sign/"+p.Token+"/certificate.pdf", nil)
				resp, err := c.Do(req)
				if err != nil {
					time.Sleep(10 * time.Millisecond)
					continue // B was killed, or the test is over
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					continue // cut by the kill; a wrong answer shows in check
				}
				sum := sha256.Sum256(body)
				d.mu.Lock()
				if prev, ok := d.served[a.Code]; ok && prev != hex.EncodeToString(sum[:]) {
					d.served[a.Code] = "two different certificates served"
				} else {
					d.served[a.Code] = hex.EncodeToString(sum[:])
				}
				d.mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// check: every certificate served during the load is the one stored.
func (d *downloads) check(t *testing.T, stored map[uint]string) {
	t.Helper()
	bySHA := map[string]bool{}
	for _, sha := range stored {
		bySHA[sha] = true
	}
	for code, sha := range d.served {
		if !bySHA[sha] {
			t.Errorf("certificate %s served during the load is not the certificate of record (%s)", code, sha)
		}
	}
	t.Logf("%d certificates downloaded during the load, all the certificates of record", len(d.served))
	if len(d.served) == 0 {
		t.Error("no certificate was downloaded during the load")
	}
}

// checkVerifies runs `ikrar verify` on a certificate one instance made,
// with the other's configuration.
func checkVerifies(t *testing.T, db *sql.DB, sigID uint, dir string, args []string) {
	t.Helper()
	var pdf []byte
	if err := db.QueryRow(`SELECT pdf FROM certificates WHERE signature_id = $1`, sigID).Scan(&pdf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "made-by-b.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	res := runCLI(t, append(append([]string{"verify"}, args...), path)...)
	if res.Code != 0 {
		t.Fatalf("a certificate made by B does not verify with A's configuration: %s", res)
	}
}

// errorLines keeps a server log's ERROR lines (at most 20), which say why
// an answer was not a receipt.
func errorLines(log string) string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "ERROR") && len(out) < 20 {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
