package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ikrar "github.com/ikrar/ikrar"
	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/nip"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/roster"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
	"github.com/ikrar/ikrar/internal/web"
)

func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"help", []string{"help"}, exitOK},
		{"unknown mode", []string{"frobnicate"}, exitUsage},
		{"sign without links", []string{"--url", "http://127.0.0.1:1"}, exitUsage},
		{"duration and requests", []string{"--links", "x.csv", "--duration", "1s", "--requests", "5"}, exitUsage},
		{"bad flag", []string{"sign", "--no-such-flag"}, exitUsage},
		{"gen-roster without out", []string{"gen-roster", "--n", "10"}, exitUsage},
		{"gen-roster more departments than entries", []string{"gen-roster", "--n", "3", "--departments", "4", "--out", "-"}, exitUsage},
		{"raw-sqlite bad batch", []string{"raw-sqlite", "--batches", "1,x"}, exitUsage},
		{"links file missing", []string{"--links", filepath.Join(t.TempDir(), "none.csv")}, exitFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, stderr := runArgs(t, tt.args...); code != tt.want {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.want, stderr)
			}
		})
	}
}

// TestGeneratedRosterImports checks the generator's output is a roster
// the importer accepts: valid, unique NIPs, every department used.
func TestGeneratedRosterImports(t *testing.T) {
	var buf bytes.Buffer
	if err := writeRoster(&buf, 5000, 37, 7); err != nil {
		t.Fatal(err)
	}
	rows, err := roster.ParseCSV(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("generated roster rejected: %v", err)
	}
	if len(rows) != 5000 {
		t.Fatalf("%d rows, want 5000", len(rows))
	}
	depts := map[string]int{}
	for _, r := range rows {
		depts[r.Department]++
	}
	if len(depts) != 37 {
		t.Fatalf("%d departments used, want 37", len(depts))
	}
	var again bytes.Buffer
	if err := writeRoster(&again, 5000, 37, 7); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatal("the same seed gave a different roster")
	}
}

// TestRosterNIPsUniqueAndValid samples entries across the whole range the
// generator supports, including the edges of the serial, gender and day
// cycles.
func TestRosterNIPsUniqueAndValid(t *testing.T) {
	seen := map[string]int{}
	var idx []int
	for i := range 4000 {
		idx = append(idx, i)
	}
	for _, base := range []int{998, 1997, 1998, 999_999, maxRosterEntries / 2, maxRosterEntries - 2000} {
		for i := base; i < base+2000 && i < maxRosterEntries; i++ {
			idx = append(idx, i)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, i := range idx {
		n := rosterNIP(r, i)
		if _, err := nip.Validate(n); err != nil {
			t.Fatalf("entry %d: NIP %s invalid: %v", i, n, err)
		}
		if j, dup := seen[n]; dup && j != i {
			t.Fatalf("entries %d and %d share NIP %s", j, i, n)
		}
		seen[n] = i
	}
}

func TestParseLinks(t *testing.T) {
	good := "\ufeffnip,nama,jabatan,unit_kerja,tautan,kode_akses\r\n" +
		"198703122010121002,\"Drs. Budi Santosa, M.Pd.\",Kepala,Dinas,https://ikrar.example/sign/tok-aaaaaaaaaaaaaaaa,ABCDEFGH\r\n" +
		"199001012015032001,'=Zoë,Staf,Dinas,http://localhost:8080/sign/tok-bbbbbbbbbbbbbbbb,ABCDEFGH\r\n"
	got, err := parseLinks(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	want := []signer{{"tok-aaaaaaaaaaaaaaaa", "Drs. Budi Santosa, M.Pd."}, {"tok-bbbbbbbbbbbbbbbb", "=Zoë"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for name, in := range map[string]string{
		"no tautan column": "nip,nama\n1,a\n",
		"not a link":       "nama,tautan\nBudi,https://example.org/verify/x\n",
		"no entries":       "nama,tautan\n",
	} {
		if _, err := parseLinks(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestPercentile(t *testing.T) {
	s := make([]time.Duration, 100)
	for i := range s {
		s[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{{0.50, 50 * time.Millisecond}, {0.95, 95 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}}
	for _, tt := range tests {
		if got := percentile(s, tt.q); got != tt.want {
			t.Errorf("p%v = %v, want %v", tt.q*100, got, tt.want)
		}
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("empty sample: %v", got)
	}
}

func resultLine(t *testing.T, out string) summary {
	t.Helper()
	i := strings.LastIndex(out, "RESULT ")
	if i < 0 {
		t.Fatalf("no RESULT line in:\n%s", out)
	}
	var s summary
	if err := json.Unmarshal([]byte(strings.TrimSpace(out[i+len("RESULT "):])), &s); err != nil {
		t.Fatalf("RESULT line: %v", err)
	}
	return s
}

func TestBareEchoRun(t *testing.T) {
	code, out, stderr := runArgs(t, "bare-echo", "--concurrency", "4", "--requests", "200", "--warmup", "0")
	if code != exitOK {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	s := resultLine(t, out)
	if s.OK != 200 || s.Errors != 0 || s.Post.N != 200 || s.Rate <= 0 {
		t.Fatalf("result %+v", s)
	}
}

// signingServer runs a real ikrar server over a small roster and writes
// its signing-links file.
func signingServer(t *testing.T, people int) (url, links, db string) {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	db = filepath.Join(dir, "ikrar.db")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, store.Options{DSN: db, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := config.Defaults()
	cfg.DataDir, cfg.BaseURL = dir, "http://ikrar.test"
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	camp := pledge.NewCampaign("pemilu-2024", 1, cfg.Instansi, pledge.DefaultID, pledge.DefaultEN)
	if err := st.CreateCampaign(ctx, "test", &camp); err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if err := writeRoster(&csv, people, 3, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(ctx, st, "test", "roster.csv", &csv, roster.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	s, err := web.New(web.Deps{Config: cfg, Store: st, Pledge: &pledge.Service{Store: st, Now: time.Now}, Assets: ikrar.Assets, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	sc, err := org.All(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := report.BuildLinks(ctx, st, sc, cfg.BaseURL, camp, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	links = filepath.Join(dir, "links.csv")
	f, err := os.Create(links)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := report.WriteLinksCSV(f, sheet); err != nil {
		t.Fatal(err)
	}
	return srv.URL, links, db
}

// TestSignRunVerifiesOnDisk drives a real server: every acknowledged
// signature must be found in the database, and a second run over the same
// entries reports them as already signed instead of counting them.
func TestSignRunVerifiesOnDisk(t *testing.T) {
	url, links, db := signingServer(t, 60)
	code, out, stderr := runArgs(t, "--url", url, "--links", links, "--db", db, "--concurrency", "8", "--requests", "40", "--warmup", "0", "--progress", "0")
	if code != exitOK {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	s := resultLine(t, out)
	if s.OK != 40 || s.Errors != 0 || s.Verified == nil || s.Verified.Missing != 0 || s.Verified.Found != s.Acked {
		t.Fatalf("result %+v, verified %+v", s, s.Verified)
	}
	if s.Verified.After != int64(s.Acked) {
		t.Fatalf("database holds %d signatures, %d acknowledged", s.Verified.After, s.Acked)
	}

	code, out, _ = runArgs(t, "--url", url, "--links", links, "--concurrency", "2", "--requests", "5", "--warmup", "0", "--progress", "0")
	if code != exitFailure || !strings.Contains(out, "get: already signed") {
		t.Fatalf("re-run over signed entries: exit %d\n%s", code, out)
	}
	// Without --db the tool re-reads each receipt over HTTP instead.
	code, out, stderr = runArgs(t, "--url", url, "--links", links, "--skip", "50", "--concurrency", "2", "--requests", "5", "--warmup", "0", "--progress", "0")
	if code != exitOK {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	// Visits in flight when the 5th completes finish too, and are checked.
	if v := resultLine(t, out).Verified; v == nil || v.Method != "http" || v.Missing != 0 || v.Found < 5 || v.Found != v.Acked {
		t.Fatalf("HTTP verification %+v", v)
	}
}

// TestSignRunSpreadsOverURLs gives the tool two URLs (two proxies in front
// of one server, as two instances on one database): both get visits, each
// visit's GET and POST go to the same one, and every signature is on disk.
func TestSignRunSpreadsOverURLs(t *testing.T) {
	target, links, db := signingServer(t, 60)
	u, err := neturl.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	var gets, posts [2]atomic.Int64
	urls := make([]string, 2)
	for i := range urls {
		proxy := httputil.NewSingleHostReverseProxy(u)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/sign/"):
				gets[i].Add(1)
			case r.Method == http.MethodPost:
				posts[i].Add(1)
			}
			proxy.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		urls[i] = srv.URL
	}
	code, out, stderr := runArgs(t, "--url", urls[0]+","+urls[1]+"/", "--links", links, "--db", db, "--concurrency", "4", "--requests", "30", "--warmup", "0", "--progress", "0")
	if code != exitOK {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	s := resultLine(t, out)
	if s.OK != 30 || s.Errors != 0 || s.Verified == nil || s.Verified.Missing != 0 || s.Verified.Found != s.Acked {
		t.Fatalf("result %+v, verified %+v", s, s.Verified)
	}
	for i := range urls {
		if g, p := gets[i].Load(), posts[i].Load(); g < 10 || g != p {
			t.Errorf("URL %d: %d GETs, %d POSTs; want at least 10 and as many of each", i, g, p)
		}
	}
}

// TestWarmupErrorsFailTheRun: visits failing during the warm-up (here
// the links of another server's roster) are errors too, not a quiet run.
func TestWarmupErrorsFailTheRun(t *testing.T) {
	url, _, _ := signingServer(t, 10)
	_, otherLinks, _ := signingServer(t, 10)
	code, out, _ := runArgs(t, "--url", url, "--links", otherLinks, "--concurrency", "2", "--requests", "5", "--warmup", "30s", "--progress", "0")
	if code != exitFailure || !strings.Contains(out, "warm-up: get: HTTP 404") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// TestVerifyDBFindsMissing makes sure the durability check can fail.
func TestVerifyDBFindsMissing(t *testing.T) {
	_, _, db := signingServer(t, 3)
	v, err := verifyDB(context.Background(), db, 0, map[int]string{0: "IKR-NOT-ON-DISK"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Missing != 1 || v.Found != 0 {
		t.Fatalf("verification %+v, want 1 missing", v)
	}
}

// TestVerifyDBOnPostgres checks the durability check against instances
// sharing PostgreSQL: --db takes its URL.
func TestVerifyDBOnPostgres(t *testing.T) {
	storetest.Require(t, storetest.Postgres)
	o := storetest.Options(t, storetest.Postgres)
	storetest.OpenWith(t, o) // creates the tables
	v, err := verifyDB(context.Background(), o.DSN, 0, map[int]string{0: "IKR-NOT-ON-DISK", 1: "IKR-NEITHER"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Missing != 2 || v.Found != 0 || v.After != 0 {
		t.Fatalf("verification %+v, want 2 missing of an empty table", v)
	}
}

func TestRawSQLiteRun(t *testing.T) {
	code, out, stderr := runArgs(t, "raw-sqlite", "--dir", t.TempDir(), "--duration", "100ms", "--batches", "1,8")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `"batch":8`) || !strings.Contains(out, "rows/commit") {
		t.Fatalf("output:\n%s", out)
	}
}
