package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	ikrar "github.com/ikrar/ikrar"
	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/web"
	"github.com/labstack/echo/v4"
)

// Server-side benchmarks of the signing visit and the dashboard, each
// beside its raw limit in the same run. Requests go straight to ServeHTTP,
// so these measure the server's own CPU on -cpu 2 without a load generator
// or network sharing the cores (cmd/ikrar-load measures the whole system).
//
//	go test -run '^$' -bench 'SignVisit|BareEchoVisit' -cpu 2 -count 6 ./internal/web
//	go test -run '^$' -bench 'Dashboard' -cpu 2 -count 6 ./internal/web
//
// The databases (a 100,000-entry roster; 10,000 to 1,000,000 entries with
// 60% signed) are built once and cached in $IKRAR_BENCH_CACHE (default
// the user cache folder, ikrar-bench); the 1,000,000 one takes a few
// minutes to build the first time.

const benchDepartments = 500

// benchCacheDir is where built benchmark databases are kept between runs.
func benchCacheDir(b *testing.B) string {
	dir := os.Getenv("IKRAR_BENCH_CACHE")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dir = filepath.Join(base, "ikrar-bench")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	return dir
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// benchDB returns the path of a cached database with a campaign, 500
// departments (50 with 9 sub-units each) and n roster entries, signed by
// the given share of them over 14 days, 1 % of whom then moved to another
// unit (so completion's correction for moves has work to do, as in a real
// campaign). It builds it on first use.
func benchDB(b *testing.B, n int, signedShare float64) string {
	b.Helper()
	name := fmt.Sprintf("roster%d-signed%02.0f-units%d-v4.db", n, signedShare*100, benchDepartments)
	path := filepath.Join(benchCacheDir(b), name)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	b.Logf("building %s (cached for later runs)…", path)
	start := time.Now()
	tmp := path + ".building"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	if err := buildBenchDB(tmp, n, signedShare); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %s in %s", name, time.Since(start).Round(time.Second))
	return path
}

func buildBenchDB(path string, n int, signedShare float64) error {
	ctx := context.Background()
	// The roster is imported a week before the first signature, as in a
	// real campaign; the store's clock stamps it then.
	imported := time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC)
	var clock atomic.Int64 // the store's clock, moved on for the moves
	clock.Store(imported.UnixNano())
	st, err := store.Open(ctx, store.Options{DSN: path, Logger: quietLog(), Now: func() time.Time { return time.Unix(0, clock.Load()).UTC() }})
	if err != nil {
		return err
	}
	defer st.Close()
	camp := pledge.NewCampaign("pemilu-2024", 1, "Pemerintah Kota Yogyakarta", pledge.DefaultID, pledge.DefaultEN)
	if err := st.CreateCampaign(ctx, "bench", &camp); err != nil {
		return err
	}
	names := make([]string, 0, benchDepartments)
	for p := range benchDepartments / 10 {
		parent := store.Department{Code: fmt.Sprintf("dinas-%02d", p), Name: fmt.Sprintf("Dinas %02d", p)}
		if err := st.CreateDepartment(ctx, "bench", &parent); err != nil {
			return err
		}
		names = append(names, parent.Name)
		for c := range 9 {
			child := store.Department{Code: fmt.Sprintf("dinas-%02d-unit-%d", p, c), Name: fmt.Sprintf("Dinas %02d Unit %d", p, c), ParentID: &parent.ID}
			if err := st.CreateDepartment(ctx, "bench", &child); err != nil {
				return err
			}
			names = append(names, child.Name)
		}
	}
	r := rand.New(rand.NewPCG(uint64(n), 42))
	token := 0
	opts := store.ImportOptions{
		NewToken:      func() string { token++; return fmt.Sprintf("bench-token-%012d", token) },
		NewAccessCode: func() string { return "ABCDEFGH" },
	}
	// Chunks keep the builder's memory modest; the roster size is what the
	// benchmarks are about, not how it got there.
	const chunk = 100_000
	for start := 0; start < n; start += chunk {
		rows := make([]store.ImportRow, 0, min(chunk, n-start))
		for i := start; i < min(start+chunk, n); i++ {
			rows = append(rows, store.ImportRow{Line: i + 2, NIP: fmt.Sprintf("19%016d", i), Name: fmt.Sprintf("Pegawai Nomor %d", i),
				Position: "Analis Kebijakan Ahli Muda", Department: names[r.IntN(len(names))], Kind: "PNS"})
		}
		if _, err := st.ImportRoster(ctx, "bench", "bench.csv", rows, opts); err != nil {
			return err
		}
	}
	if signedShare <= 0 {
		return nil
	}
	var todo []store.ASN
	err = st.ActiveASN(ctx, nil, func(batch []store.ASN) error {
		for _, a := range batch {
			if r.Float64() < signedShare {
				todo = append(todo, a)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	opens := time.Date(2024, 1, 8, 1, 0, 0, 0, time.UTC)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	for range 128 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(todo) {
					return
				}
				a := todo[i]
				at := opens.Add(time.Duration(uint64(a.ID)*2654435761%(14*24*3600)) * time.Second)
				_, err := st.Sign(ctx, store.NewSignature{ASN: a, CampaignID: camp.ID, SignedAt: at, TypedName: a.Name,
					IP: "10.1.2.3", UserAgent: "bench", PledgeHash: camp.TextHash, CertCode: fmt.Sprintf("IKR-BNCH-%010d", a.ID)})
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	clock.Store(time.Date(2024, 1, 25, 1, 0, 0, 0, time.UTC).UnixNano())
	return moveSome(ctx, st, todo, names, r)
}

// moveSome moves 1 % of the signers to another unit, through a roster
// import (stamped after the signing fortnight by the caller's clock).
func moveSome(ctx context.Context, st *store.Store, signers []store.ASN, names []string, r *rand.Rand) error {
	var rows []store.ImportRow
	for i, a := range signers {
		if i%100 != 0 {
			continue
		}
		rows = append(rows, store.ImportRow{Line: len(rows) + 2, NIP: a.NIP, Name: a.Name, Position: a.Position,
			Department: names[r.IntN(len(names))], Kind: a.Kind})
	}
	_, err := st.ImportRoster(ctx, "bench", "moves.csv", rows, store.ImportOptions{})
	return err
}

// copyDB copies a cached database into a fresh folder so a benchmark may
// write to it.
func copyDB(b *testing.B, src string) string {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "ikrar.db")
	in, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(dst, in, 0o600); err != nil {
		b.Fatal(err)
	}
	return dst
}

func benchServer(b *testing.B, dbPath string) (*web.Server, *store.Store) {
	b.Helper()
	st, err := store.Open(context.Background(), store.Options{DSN: dbPath, Logger: quietLog()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	cfg := config.Defaults()
	cfg.DataDir = filepath.Dir(dbPath)
	cfg.BaseURL = "http://ikrar.test"
	if err := cfg.Finish(); err != nil {
		b.Fatal(err)
	}
	s, err := web.New(web.Deps{Config: cfg, Store: st, Pledge: &pledge.Service{Store: st, Now: time.Now}, Assets: ikrar.Assets, Log: quietLog()})
	if err != nil {
		b.Fatal(err)
	}
	return s, st
}

type benchSigner struct{ token, name string }

// visit is one browser visit straight through the handler: GET the page,
// then POST the form with its CSRF token and cookie.
func visit(h http.Handler, s benchSigner, buf *bytes.Buffer) error {
	rec := httptest.NewRecorder()
	rec.Body = buf
	buf.Reset()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sign/"+s.token, nil))
	if rec.Code != http.StatusOK {
		return fmt.Errorf("GET: %d", rec.Code)
	}
	m := csrfRe.FindSubmatch(buf.Bytes())
	if m == nil {
		return fmt.Errorf("GET: no CSRF token")
	}
	var cookie string
	for _, c := range rec.Result().Cookies() {
		if c.Name == "_csrf" {
			cookie = c.Name + "=" + c.Value
		}
	}
	form := url.Values{"_csrf": {string(m[1])}, "point1": {"on"}, "point2": {"on"}, "point3": {"on"}, "point4": {"on"}, "name": {s.name}}
	req := httptest.NewRequest(http.MethodPost, "/sign/"+s.token, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	rec = httptest.NewRecorder()
	rec.Body = buf
	buf.Reset()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !bytes.Contains(buf.Bytes(), []byte(`id="cert-code">IKR-`)) {
		return fmt.Errorf("POST: %d", rec.Code)
	}
	return nil
}

// runVisits drives b.N visits from 64 concurrent signers and reports
// visits (signatures) per second.
func runVisits(b *testing.B, h http.Handler, signers []benchSigner) {
	if b.N > len(signers) {
		b.Fatalf("b.N = %d but the roster has %d entries: use -benchtime with fewer iterations", b.N, len(signers))
	}
	var next atomic.Int64
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		buf := new(bytes.Buffer)
		for pb.Next() {
			if err := visit(h, signers[next.Add(1)-1], buf); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signatures/s")
	// CPU per visit is the working figure on a shared machine: the rate
	// moves with whatever else runs, the CPU a visit costs much less.
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/visit")
}

// processCPU is the user + system CPU time this process has used so far
// (client and server both: the visits run in-process).
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSignVisit is GET + POST of the signing page by 64 concurrent
// signers over a 100,000-entry roster, each signature durably committed.
func BenchmarkSignVisit(b *testing.B) {
	base := benchDB(b, 100_000, 0)
	s, st := benchServer(b, copyDB(b, base))
	var signers []benchSigner
	err := st.ActiveASN(context.Background(), nil, func(batch []store.ASN) error {
		for _, a := range batch {
			signers = append(signers, benchSigner{a.Token, a.Name})
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	runVisits(b, s, signers)
}

// BenchmarkBareEchoVisit is the HTTP raw limit: the same visit against two
// trivial Echo handlers (a page with a token and a cookie, a POST that
// checks them), no middleware, templates or database.
func BenchmarkBareEchoVisit(b *testing.B) {
	e := echo.New()
	var n atomic.Int64
	e.GET("/sign/:token", func(c echo.Context) error {
		tok := fmt.Sprintf("%032x", n.Add(1))
		c.SetCookie(&http.Cookie{Name: "_csrf", Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return c.HTML(http.StatusOK, `<form method="post"><input type="hidden" name="_csrf" value="`+tok+`"><input name="name"></form>`)
	})
	e.POST("/sign/:token", func(c echo.Context) error {
		ck, err := c.Cookie("_csrf")
		if err != nil || ck.Value != c.FormValue("_csrf") {
			return c.String(http.StatusForbidden, "forbidden")
		}
		return c.HTML(http.StatusOK, `<p>`+html.EscapeString(c.FormValue("name"))+`</p><dd id="cert-code">IKR-`+fmt.Sprintf("%012d", n.Add(1))+`</dd>`)
	})
	signers := make([]benchSigner, max(b.N, 1))
	for i := range signers {
		signers[i] = benchSigner{fmt.Sprintf("bare%020d", i), "Budi Santosa"}
	}
	runVisits(b, e, signers)
}

// BenchmarkDashboard measures the admin dashboard over rosters of 10,000
// to 1,000,000 entries (500 departments, 60% signed): "page" is GET
// /dashboard through the server, "queries" the data it needs (scope,
// completion per department rolled up the tree, signatures per day), and
// "raw" the floor: the two GROUP BY counts alone over database/sql.
func BenchmarkDashboard(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("roster=%d", n), func(b *testing.B) {
			path := benchDB(b, n, 0.6)
			s, st := benchServer(b, path)
			ctx := context.Background()
			camps, err := st.Campaigns(ctx)
			if err != nil || len(camps) == 0 {
				b.Fatalf("campaigns: %v", err)
			}
			camp := camps[0]
			b.Run("page", func(b *testing.B) {
				cookie := adminSession(b, st)
				b.ResetTimer()
				for range b.N {
					req := httptest.NewRequest(http.MethodGet, "/dashboard", nil)
					req.Header.Set("Cookie", cookie)
					rec := httptest.NewRecorder()
					s.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("GET /dashboard: %d", rec.Code)
					}
				}
			})
			b.Run("queries", func(b *testing.B) {
				for range b.N {
					sc, err := org.All(ctx, st)
					if err != nil {
						b.Fatal(err)
					}
					rows, total, err := report.CompletionOf(ctx, st, sc, camp.ID)
					if err != nil || len(rows) != benchDepartments || total.Roster != n {
						b.Fatalf("%d rows, roster %d, err %v", len(rows), total.Roster, err)
					}
					if _, err := st.SignaturesPerDay(ctx, camp.ID, sc.IDs()); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("raw", func(b *testing.B) {
				db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				b.ResetTimer()
				for range b.N {
					for _, q := range []string{
						"SELECT department_id, COUNT(*) FROM asns GROUP BY department_id",
						"SELECT department_id, COUNT(*) FROM signatures WHERE campaign_id = 1 GROUP BY department_id",
					} {
						if err := drain(db, q); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		})
	}
}

func drain(db *sql.DB, q string) error {
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	var id, n int64
	for rows.Next() {
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
	}
	return rows.Err()
}

// adminSession creates an admin and a session for it, returning the
// cookie header value.
func adminSession(b *testing.B, st *store.Store) string {
	b.Helper()
	ctx := context.Background()
	u, err := st.UserByUsername(ctx, "bench-admin")
	if err != nil {
		u = store.User{Username: "bench-admin", PasswordHash: "x", Role: store.RoleAdmin}
		if err := st.CreateUser(ctx, "bench", &u, nil); err != nil {
			b.Fatal(err)
		}
	}
	token := fmt.Sprintf("bench-session-%d", time.Now().UnixNano())
	if err := st.CreateSession(ctx, u.ID, token, time.Hour); err != nil {
		b.Fatal(err)
	}
	return "ikrar_session=" + token
}
