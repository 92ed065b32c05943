package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"html"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

// rawDSN opens SQLite exactly as internal/store opens its writer: WAL,
// synchronous=FULL (an fsync per commit), immediate transactions.
func rawDSN(path string) string {
	return "file:" + path + "?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=10000&_foreign_keys=on&_txlock=immediate"
}

// rawSchema is shaped like the signatures table with its indexes, so a raw
// insert costs what the store's signature insert costs minus the audit
// event, GORM and everything above.
const rawSchema = `CREATE TABLE sigs (
	id INTEGER PRIMARY KEY AUTOINCREMENT, asn_id INTEGER NOT NULL, campaign_id INTEGER NOT NULL,
	department_id INTEGER NOT NULL, signed_at DATETIME NOT NULL, typed_name TEXT NOT NULL, drawn_png BLOB,
	ip TEXT, user_agent TEXT, pledge_hash TEXT NOT NULL, cert_code TEXT NOT NULL, cert_sha256 TEXT,
	revoked NUMERIC NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX sigs_asn_campaign ON sigs(asn_id, campaign_id);
CREATE INDEX sigs_campaign_dept ON sigs(campaign_id, department_id);
CREATE INDEX sigs_campaign_time ON sigs(campaign_id, signed_at);
CREATE UNIQUE INDEX sigs_cert_code ON sigs(cert_code);`

const rawInsert = `INSERT INTO sigs (asn_id, campaign_id, department_id, signed_at, typed_name, ip, user_agent, pledge_hash, cert_code)
	VALUES (?, 1, ?, ?, ?, '127.0.0.1', 'ikrar-load/1 (simulated signer)', '3f8a6c0e6d1b0b5e2b8f0b7f5d2c9a1e4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e', ?)`

// rawRun is the insert rate at one batch size.
type rawRun struct {
	Batch     int     `json:"batch"`
	Writers   int     `json:"writers"`
	Rows      int     `json:"rows"`
	Seconds   float64 `json:"seconds"`
	RowsPerS  float64 `json:"rows_per_s"`
	CommitP50 float64 `json:"commit_p50_ms"`
	CommitP99 float64 `json:"commit_p99_ms"`
}

func runRawSQLite(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("raw-sqlite", stderr)
	dir := fs.String("dir", "", "folder on the same disk as the server's data (default: a temporary folder)")
	dur := fs.Duration("duration", 5*time.Second, "time per batch size")
	batches := fs.String("batches", "1,16,64,256", "rows per transaction to measure, comma-separated")
	writers := fs.Int("writers", 1, "concurrent writers for the one-row-per-transaction run")
	if err := parse(fs, args); err != nil {
		return err
	}
	var sizes []int
	for _, f := range strings.Split(*batches, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return usageError{fmt.Sprintf("bad batch size %q", f)}
		}
		sizes = append(sizes, n)
	}
	if *writers < 1 {
		return usageError{"--writers must be at least 1"}
	}
	work, err := os.MkdirTemp(*dir, "ikrar-raw-sqlite-")
	if err != nil {
		return fmt.Errorf("create work folder: %w", err)
	}
	defer os.RemoveAll(work)

	fmt.Fprintf(stdout, "raw SQLite inserts (WAL, synchronous=FULL, one fsync per commit) in %s\n", work)
	var runs []rawRun
	for i, b := range sizes {
		w := 1
		if b == 1 {
			w = *writers
		}
		r, err := rawInserts(ctx, filepath.Join(work, "raw"+strconv.Itoa(i)+".db"), b, w, *dur)
		if err != nil {
			return err
		}
		runs = append(runs, r)
		fmt.Fprintf(stdout, "  %4d rows/commit, %d writer(s): %9.0f rows/s  (commit p50 %.2f ms, p99 %.2f ms, %d rows in %.1f s)\n",
			r.Batch, r.Writers, r.RowsPerS, r.CommitP50, r.CommitP99, r.Rows, r.Seconds)
	}
	printResultLine(stdout, map[string]any{"mode": "raw-sqlite", "runs": runs})
	return nil
}

// rawInserts inserts batch rows per transaction for d and reports the rate.
func rawInserts(ctx context.Context, path string, batch, writers int, d time.Duration) (rawRun, error) {
	db, err := sql.Open("sqlite3", rawDSN(path))
	if err != nil {
		return rawRun{}, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(writers)
	db.SetMaxIdleConns(writers)
	if _, err := db.ExecContext(ctx, rawSchema); err != nil {
		return rawRun{}, fmt.Errorf("create raw table: %w", err)
	}
	var seq atomic.Int64
	var mu sync.Mutex
	var commits []time.Duration
	var firstErr error
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			var local []time.Duration
			defer func() {
				mu.Lock()
				commits = append(commits, local...)
				mu.Unlock()
			}()
			for ctx.Err() == nil && time.Now().Before(end) {
				t0 := time.Now()
				if err := insertBatch(ctx, db, batch, &seq); err != nil {
					mu.Lock()
					firstErr = errors.Join(firstErr, err)
					mu.Unlock()
					return
				}
				local = append(local, time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return rawRun{}, firstErr
	}
	l := summarize(commits)
	rows := len(commits) * batch
	return rawRun{Batch: batch, Writers: writers, Rows: rows, Seconds: round2(elapsed.Seconds()),
		RowsPerS: math.Round(float64(rows) / elapsed.Seconds()), CommitP50: l.P50, CommitP99: l.P99}, nil
}

func insertBatch(ctx context.Context, db *sql.DB, batch int, seq *atomic.Int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, rawInsert)
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	defer stmt.Close()
	now := time.Now().UTC()
	for range batch {
		n := seq.Add(1)
		if _, err := stmt.ExecContext(ctx, n, n%200+1, now, "Budi Santosa", "IKR-"+strconv.FormatInt(n, 36)); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func runBareEcho(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bare-echo", stderr)
	conc := fs.Int("concurrency", 64, "concurrent simulated signers")
	dur := fs.Duration("duration", 0, "measured time after the warm-up (default 10s unless --requests)")
	reqs := fs.Int("requests", 0, "measured visits (instead of --duration)")
	warm := fs.Duration("warmup", 2*time.Second, "warm-up time, not counted")
	progress := fs.Duration("progress", 0, "print a progress line this often (0 = never)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *conc < 1 {
		return usageError{"--concurrency must be at least 1"}
	}
	if *dur > 0 && *reqs > 0 {
		return usageError{"give --duration or --requests, not both"}
	}
	if *dur == 0 && *reqs == 0 {
		*dur = 10 * time.Second
	}
	base, stop, err := startBareEcho()
	if err != nil {
		return err
	}
	defer stop()
	v := &signVisitor{client: newClient(*conc, 30*time.Second), bases: []string{base}, entry: bareEntry}
	cfg := loadConfig{Concurrency: *conc, Warmup: *warm, Duration: *dur, Requests: *reqs, Entries: math.MaxInt32,
		Progress: stdout, ProgressInt: *progress}
	fmt.Fprintf(stdout, "bare Echo handler in this process at %s: the same GET+POST visit, no database, no templates\n", base)
	res := runLoad(ctx, cfg, v.visit)
	sum := printReport(stdout, "bare-echo", cfg, res, nil)
	printResultLine(stdout, sum)
	if sum.Errors > 0 {
		return fmt.Errorf("%d requests failed", sum.Errors)
	}
	return nil
}

func bareEntry(i int) signer {
	return signer{Token: fmt.Sprintf("bare%020d", i), Name: "Budi Santosa"}
}

// startBareEcho serves the smallest handler pair that a signing visit can
// run against: a page with a CSRF token and four checkboxes, and a POST that
// checks the token and answers with a certificate code.
func startBareEcho() (string, func(), error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/sign/:token", func(c echo.Context) error {
		tok := rand.Text()
		c.SetCookie(&http.Cookie{Name: "_csrf", Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return c.HTML(http.StatusOK, `<!doctype html><title>Ikrar</title><form method="post">`+
			`<input type="hidden" name="_csrf" value="`+tok+`">`+
			`<input type="checkbox" name="point1"><input type="checkbox" name="point2">`+
			`<input type="checkbox" name="point3"><input type="checkbox" name="point4">`+
			`<input name="name"><button>Tanda tangani</button></form>`)
	})
	e.POST("/sign/:token", func(c echo.Context) error {
		ck, err := c.Cookie("_csrf")
		if err != nil || ck.Value != c.FormValue("_csrf") || c.FormValue("point4") != "on" {
			return c.String(http.StatusForbidden, "forbidden")
		}
		return c.HTML(http.StatusOK, `<!doctype html><title>Tanda terima</title><p>`+html.EscapeString(c.FormValue("name"))+
			`</p><dd id="cert-code">IKR-`+rand.Text()[:12]+`</dd>`)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
