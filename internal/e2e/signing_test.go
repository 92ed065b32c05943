package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/ikrar/ikrar/internal/excelcsv"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/nip"
	_ "github.com/mattn/go-sqlite3"
)

// person is one roster entry as a signer knows it: the name on the roster
// (with titles), the name they type (without), and their signing token.
type person struct {
	NIP   string
	Name  string
	Typed string
	Token string
}

var (
	firstNames = []string{"Budi", "Siti", "Agus", "Dewi", "Joko", "Sri", "Hendra", "Rina", "Bambang", "Yuni",
		"Eko", "Wulan", "Teguh", "Lestari", "Wahyu", "Ratna", "Dwi", "Putri", "Arif", "Endah"}
	lastNames = []string{"Santosa", "Rahayu", "Wibowo", "Kusuma", "Pratama", "Hidayat", "Utami", "Saputra",
		"Nugroho", "Setiawati", "Purnomo", "Handayani", "Susanto", "Wijaya", "Hartono", "Maharani"}
	prefixes = []string{"", "", "", "Drs. ", "Dra. ", "Ir. ", "dr. ", "Hj. "}
	suffixes = []string{"", "", ", S.E.", ", S.Pd.", ", M.Pd.", ", S.Kom.", ", M.Si.", ", S.H., M.H."}
	units    = []string{"Dinas Pendidikan, Pemuda, dan Olahraga", "Dinas Kesehatan", "Inspektorat",
		"Dinas Komunikasi, Informatika, dan Persandian", "Kemantren Mergangsan", "Kemantren Gondokusuman"}
	jabatan = []string{"Analis Kepegawaian", "Guru Ahli Pertama", "Perawat Terampil", "Pranata Komputer", "Auditor Muda"}
)

// writeRoster writes a roster CSV of n ASN with valid, distinct NIPs and
// returns the rows by NIP. The seed makes a failing run reproducible.
func writeRoster(t *testing.T, path string, n int, seed uint64) map[string]person {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed^0x1d2a6b))
	byNIP := make(map[string]person, n)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"nip", "nama", "jabatan", "unit_kerja"})
	for len(byNIP) < n {
		id := nip.Generate(r, "", time.Time{}, time.Time{}, 0, 0)
		if _, dup := byNIP[id]; dup {
			continue
		}
		bare := firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
		name := prefixes[r.IntN(len(prefixes))] + bare + suffixes[r.IntN(len(suffixes))]
		byNIP[id] = person{NIP: id, Name: name, Typed: bare}
		_ = w.Write([]string{id, name, jabatan[r.IntN(len(jabatan))], units[r.IntN(len(units))]})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatalf("write roster CSV: %v", err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatalf("write roster CSV: %v", err)
	}
	return byNIP
}

// readLinks parses `ikrar links export` CSV output: a UTF-8 BOM, the header
// nip,nama,jabatan,unit_kerja,tautan,kode_akses, then one row per ASN.
func readLinks(t *testing.T, path string) map[string]person {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read links CSV: %v", err)
	}
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Fatalf("links CSV does not start with a UTF-8 BOM: %q", b[:min(len(b), 20)])
	}
	cr := csv.NewReader(bytes.NewReader(b[3:]))
	cr.Comma = ';' // the documented export format
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("parse links CSV: %v", err)
	}
	want := []string{"nip", "nama", "jabatan", "unit_kerja", "tautan", "kode_akses"}
	if len(rows) == 0 || strings.Join(rows[0], ",") != strings.Join(want, ",") {
		t.Fatalf("links CSV header = %q, want %q", rows[0], want)
	}
	out := make(map[string]person, len(rows)-1)
	for _, row := range rows[1:] {
		row[0] = excelcsv.Untext(row[0])
		u, err := url.Parse(row[4])
		if err != nil || !strings.HasPrefix(u.Path, "/sign/") {
			t.Fatalf("links CSV: bad signing link %q for NIP %s", row[4], row[0])
		}
		out[row[0]] = person{NIP: row[0], Name: row[1], Token: strings.TrimPrefix(u.Path, "/sign/")}
	}
	return out
}

// signingFixture is a data folder with a roster of generated ASN and an
// open campaign, and a server running over it.
type signingFixture struct {
	Data   string
	DB     string
	Srv    *server
	People []person // the generated roster entries, in a fixed order
}

// newSigningFixture goes the way an operator would: import the roster from
// CSV, export the signing links to hand out, then start the server.
func newSigningFixture(t *testing.T, n int, seed uint64) *signingFixture {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	rosterPath := filepath.Join(dir, "roster.csv")
	roster := writeRoster(t, rosterPath, n, seed)
	res := mustCLI(t, "roster", "import", "--data", data, rosterPath)
	if !strings.Contains(res.Stdout, fmt.Sprintf("%d added", n)) {
		t.Fatalf("roster import did not add %d ASN: %s", n, res)
	}
	linksPath := filepath.Join(dir, "links.csv")
	mustCLI(t, "links", "export", "--data", data, "--out", linksPath)
	links := readLinks(t, linksPath)
	if len(links) != n {
		t.Fatalf("links export wrote %d links for a roster of %d", len(links), n)
	}
	srv := startServer(t, data)
	f := &signingFixture{Data: data, DB: filepath.Join(data, "ikrar.db"), Srv: srv}
	for id, p := range roster {
		l, ok := links[id]
		if !ok {
			t.Fatalf("links export lacks imported NIP %s", id)
		}
		if l.Name != p.Name {
			t.Fatalf("links export names NIP %s %q, roster says %q", id, l.Name, p.Name)
		}
		p.Token = l.Token
		f.People = append(f.People, p)
	}
	// Map order is random; a fixed order keeps runs comparable.
	slices.SortFunc(f.People, func(a, b person) int { return strings.Compare(a.NIP, b.NIP) })
	return f
}

var (
	csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	certCode  = regexp.MustCompile(`id="cert-code">(IKR-[^<]+)<`)
)

// newClient returns an HTTP client sized for many concurrent signers, with
// no cookie jar: each signing keeps its own CSRF cookie.
func newClient(conns int) *http.Client {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: 30 * time.Second}
	return &http.Client{Transport: tr, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// statusError is an HTTP answer other than the one expected: unlike a
// network error (the server was killed mid-request) it is always a failure.
type statusError struct {
	Step   string
	Status int
	Body   string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s: status %d: %s", e.Step, e.Status, tail(e.Body, 300))
}

// signOnce walks the signing journey over HTTP: load the page (and its CSRF
// token and cookie), post the ticked pledge with the typed name, read the
// certificate code off the receipt. If the page is already a receipt (an
// earlier attempt landed before a crash), its code is the answer.
func signOnce(ctx context.Context, c *http.Client, base string, p person, drawing string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sign/"+p.Token, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("GET sign page: %w", err)
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", fmt.Errorf("GET sign page: read: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", &statusError{"GET sign page", resp.StatusCode, string(page)}
	}
	if m := certCode.FindSubmatch(page); m != nil {
		return string(m[1]), nil
	}
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return "", &statusError{"GET sign page: no _csrf field", resp.StatusCode, string(page)}
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "_csrf" {
			cookie = ck
		}
	}
	if cookie == nil {
		return "", &statusError{"GET sign page: no _csrf cookie", resp.StatusCode, string(page)}
	}
	form := url.Values{"_csrf": {string(m[1])}, "name": {p.Typed}}
	for i := 1; i <= 4; i++ {
		form.Set(fmt.Sprintf("point%d", i), "on")
	}
	if drawing != "" {
		form.Set("drawing", drawing)
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/sign/"+p.Token, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "_csrf", Value: cookie.Value})
	resp, err = c.Do(req)
	if err != nil {
		return "", fmt.Errorf("POST signature: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", fmt.Errorf("POST signature: read: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", &statusError{"POST signature", resp.StatusCode, string(body)}
	}
	code := certCode.FindSubmatch(body)
	if code == nil {
		return "", &statusError{"POST signature: receipt without certificate code", resp.StatusCode, string(body)}
	}
	return string(code[1]), nil
}

// ack is a signature the server acknowledged with a 200 receipt.
type ack struct {
	Code  string
	Typed string
}

// ledger records what the signers were told. Only 200 receipts count as
// acknowledged; network errors (the kill) leave the outcome unknown.
type ledger struct {
	mu        sync.Mutex
	acked     map[string]ack // by NIP
	failures  []string       // HTTP answers other than 200: always a bug
	netErrors int
	ackCount  atomic.Int64
}

func newLedger() *ledger { return &ledger{acked: map[string]ack{}} }

func (l *ledger) record(p person, code string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var se *statusError
	switch {
	case err == nil:
		if prev, ok := l.acked[p.NIP]; ok && prev.Code != code {
			l.failures = append(l.failures, fmt.Sprintf("NIP %s acknowledged twice with different codes %s and %s", p.NIP, prev.Code, code))
		}
		l.acked[p.NIP] = ack{Code: code, Typed: p.Typed}
		l.ackCount.Add(1)
	case errors.As(err, &se):
		l.failures = append(l.failures, fmt.Sprintf("NIP %s: %v", p.NIP, err))
	default:
		l.netErrors++
	}
}

func (l *ledger) snapshot() (map[string]ack, []string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	acked := make(map[string]ack, len(l.acked))
	for k, v := range l.acked {
		acked[k] = v
	}
	return acked, append([]string(nil), l.failures...), l.netErrors
}

// drive runs workers concurrent signers over queue until the queue is done
// or ctx ends, and returns how many people it started on.
func drive(ctx context.Context, c *http.Client, base string, queue []person, workers int, led *ledger) int {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(queue) {
					return
				}
				code, err := signOnce(ctx, c, base, queue[i], "")
				if ctx.Err() != nil && err != nil {
					return // cancelled by the test, not an answer from the server
				}
				led.record(queue[i], code, err)
			}
		}()
	}
	wg.Wait()
	return min(int(next.Load()), len(queue))
}

// waitFor polls cond until it holds or the limit passes.
func waitFor(limit time.Duration, cond func() bool) bool {
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cond()
}

// openReadOnly opens an ikrar SQLite file the way an auditor would: read
// only, straight from disk, without the product's code.
func openReadOnly(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		t.Fatalf("open %s read-only: %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Ping(); err != nil {
		t.Fatalf("open %s read-only: %v", path, err)
	}
	return db
}

// storedSignature is a signature row as it is on disk.
type storedSignature struct {
	NIP       string
	TypedName string
}

// signaturesOnDisk reads every signature by certificate code.
func signaturesOnDisk(t *testing.T, db *sql.DB) map[string]storedSignature {
	t.Helper()
	rows, err := db.Query(`SELECT s.cert_code, a.nip, s.typed_name FROM signatures s JOIN asns a ON a.id = s.asn_id`)
	if err != nil {
		t.Fatalf("read signatures: %v", err)
	}
	defer rows.Close()
	out := map[string]storedSignature{}
	for rows.Next() {
		var code string
		var s storedSignature
		if err := rows.Scan(&code, &s.NIP, &s.TypedName); err != nil {
			t.Fatalf("read signatures: %v", err)
		}
		out[code] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read signatures: %v", err)
	}
	return out
}

// checkSignaturesAudited asserts, in SQL rather than through ikrar, that
// every signature has its audit event and every signature event its row.
func checkSignaturesAudited(t *testing.T, db *sql.DB) {
	t.Helper()
	queries := []struct{ what, q string }{
		{"signatures without a signature.created audit event", `SELECT COUNT(*) FROM signatures s WHERE NOT EXISTS
			(SELECT 1 FROM audit_events e WHERE e.action = 'signature.created' AND e.subject = 'signature:' || s.cert_code)`},
		{"signature.created audit events without their signature", `SELECT COUNT(*) FROM audit_events e WHERE e.action = 'signature.created'
			AND NOT EXISTS (SELECT 1 FROM signatures s WHERE e.subject = 'signature:' || s.cert_code)`},
		{"ASN with more than one signature of a campaign", `SELECT COUNT(*) FROM (SELECT asn_id FROM signatures
			GROUP BY asn_id, campaign_id HAVING COUNT(*) > 1)`},
	}
	for _, q := range queries {
		var n int
		if err := db.QueryRow(q.q).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", q.what, err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, q.what)
		}
	}
}

// checkAcknowledged asserts that every acknowledged signature is on disk
// under its certificate code, for the right person, with the typed name.
func checkAcknowledged(t *testing.T, onDisk map[string]storedSignature, acked map[string]ack) {
	t.Helper()
	missing := 0
	for id, a := range acked {
		s, ok := onDisk[a.Code]
		switch {
		case !ok:
			missing++
			if missing <= 10 {
				t.Errorf("acknowledged signature of NIP %s (certificate %s) is not in the database", id, a.Code)
			}
		case s.NIP != id:
			t.Errorf("certificate %s was acknowledged to NIP %s but belongs to NIP %s", a.Code, id, s.NIP)
		case s.TypedName != a.Typed:
			t.Errorf("certificate %s: typed name %q on disk, %q was signed", a.Code, s.TypedName, a.Typed)
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged signatures are lost", missing, len(acked))
	}
}

// auditOK runs `ikrar audit verify` and requires "ok N events, head H".
func auditOK(t *testing.T, args ...string) string {
	t.Helper()
	res := runCLI(t, append([]string{"audit", "verify"}, args...)...)
	if res.Code != 0 || !strings.HasPrefix(res.Stdout, "ok ") || !strings.Contains(res.Stdout, " events, head ") {
		t.Fatalf("ikrar audit verify: want exit 0 and \"ok N events, head H\", got %s", res)
	}
	return strings.TrimSpace(res.Stdout)
}
