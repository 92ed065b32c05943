package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // the drivers the server uses
	_ "github.com/mattn/go-sqlite3"
)

// verification says whether every acknowledged signature is really stored.
type verification struct {
	Method  string `json:"method"` // "db" or "http"
	Acked   int    `json:"acked"`
	Found   int    `json:"found"`
	Missing int    `json:"missing"`
	Before  int64  `json:"db_before,omitempty"`
	After   int64  `json:"db_after,omitempty"`
}

func (v verification) String() string {
	s := fmt.Sprintf("%d of %d acknowledged signatures found, %d missing", v.Found, v.Acked, v.Missing)
	if v.Method == "db" {
		return fmt.Sprintf("database holds %d signatures (%d before the run, +%d); %s", v.After, v.Before, v.After-v.Before, s)
	}
	return s + " (checked by re-reading each receipt over HTTP; pass --db for the database count)"
}

// openReadOnly opens the server's database: a SQLite file, or a
// PostgreSQL URL (postgres://…) when the servers share PostgreSQL.
func openReadOnly(path string) (*sql.DB, error) {
	if isPostgres(path) {
		u, err := url.Parse(path)
		if err != nil {
			return nil, fmt.Errorf("--db: %w", err)
		}
		// The tool must never write to the server's database.
		q := u.Query()
		q.Set("default_transaction_read_only", "on")
		u.RawQuery = q.Encode()
		return sql.Open("pgx", u.String())
	}
	// mode=ro: the tool must never write to the server's database.
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return nil, fmt.Errorf("open %s read-only: %w", path, err)
	}
	return db, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// placeholders is "?,?,?" for SQLite or "$1,$2,$3" for PostgreSQL.
func placeholders(postgres bool, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = "?"
		if postgres {
			p[i] = "$" + strconv.Itoa(i+1)
		}
	}
	return strings.Join(p, ",")
}

func countSignatures(ctx context.Context, path string) (int64, error) {
	db, err := openReadOnly(path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM signatures").Scan(&n); err != nil {
		return 0, fmt.Errorf("count signatures in %s: %w", path, err)
	}
	return n, nil
}

// verifyDB looks up every acknowledged certificate code in the database
// file. A fresh connection reads what is committed, which with
// synchronous=FULL is what is on disk.
func verifyDB(ctx context.Context, path string, before int64, acked map[int]string) (verification, error) {
	v := verification{Method: "db", Acked: len(acked), Before: before}
	db, err := openReadOnly(path)
	if err != nil {
		return v, err
	}
	defer db.Close()
	codes := make([]any, 0, len(acked))
	for _, c := range acked {
		codes = append(codes, c)
	}
	const chunk = 500
	for start := 0; start < len(codes); start += chunk {
		part := codes[start:min(start+chunk, len(codes))]
		q := "SELECT COUNT(*) FROM signatures WHERE cert_code IN (" + placeholders(isPostgres(path), len(part)) + ")"
		var n int
		if err := db.QueryRowContext(ctx, q, part...).Scan(&n); err != nil {
			return v, fmt.Errorf("look up acknowledged signatures: %w", err)
		}
		v.Found += n
	}
	v.Missing = v.Acked - v.Found
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM signatures").Scan(&v.After); err != nil {
		return v, fmt.Errorf("count signatures: %w", err)
	}
	return v, nil
}

// verifyHTTP re-reads each signer's page, which for a signed entry is the
// receipt read back from the database, and compares the certificate code.
func (sv *signVisitor) verifyHTTP(ctx context.Context, conc int, acked map[int]string) (verification, error) {
	v := verification{Method: "http", Acked: len(acked)}
	type item struct {
		i    int
		code string
	}
	jobs := make(chan item)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			buf := new(bytes.Buffer)
			for it := range jobs {
				u := sv.base(it.i) + "/sign/" + sv.entry(it.i).Token
				if sv.campaign != "" {
					u += "?campaign=" + url.QueryEscape(sv.campaign)
				}
				status, _, err := do(ctx, sv.client, http.MethodGet, u, nil, "", buf)
				ok := err == nil && status == http.StatusOK && between(buf.Bytes(), certMarker, '<') == it.code
				mu.Lock()
				if ok {
					v.Found++
				}
				mu.Unlock()
			}
		})
	}
	for i, c := range acked {
		jobs <- item{i, c}
	}
	close(jobs)
	wg.Wait()
	v.Missing = v.Acked - v.Found
	return v, nil
}
