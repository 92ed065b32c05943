//go:build cgo

package store

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
)

// tokenReads serves ASNByTokenFor on SQLite from a few read-only
// connections of its own, below database/sql, each with sqlASNByToken
// prepared (rawPointRead): a read is one call into C that binds, steps,
// packs the row and resets, then one copy of the row into Go. Through
// database/sql and the driver the same read took ~15 calls into C (a
// bind, a step and a column type and value per column), a lock and a
// connection taken from the pool, driver arguments, reflective scanning
// into the fields and ~40 allocations; it was ~6 % of the server's CPU
// under signing load, run twice per signing visit, several times
// SQLite's own work. BenchmarkASNByTokenFor (-cpu 2, 10,000 entries):
// 2.7-4.7 µs of CPU and 1 allocation per read, ~90 % of it inside
// SQLite, against 9.5-10.7 µs and 56 allocations through database/sql.
//
// It reads what the driver returns for these columns, as database/sql
// would scan it; a row holding anything else (a NULL, or a value of
// another type, written by hand) is not plain (errNotPlain), and the
// read is made again through database/sql, so results and errors stay
// the driver's (TestTokenReadsMatchDatabaseSQL, FuzzASNByTokenFor).
type tokenReads struct {
	file string // see sqliteFile
	log  *slog.Logger
	// conns hands each connection to one goroutine at a time; close
	// takes them all back, so it waits for the reads in flight. A
	// connection is opened by the first read that takes its slot (nil
	// until then): each holds ~230 kB (its copy of the schema, its page
	// cache) that a server nobody signs on does not need.
	conns     chan *rawPointRead
	n         int
	failed    atomic.Bool // a connection could not be opened: database/sql reads
	closeOnce sync.Once
}

// tokenReadConns: two, one per core of the machines measured. Each read
// holds its connection inside one call into C for its few microseconds;
// with four, BenchmarkASNByTokenFor (-cpu 2, also with 32 goroutines
// reading) spent 2.9-4.4 µs of CPU per read against 2.5-3.1 µs with two,
// the reads spread over more page caches and colder ones.
const tokenReadConns = 2

// errStoreClosed: a read after Store.Close.
var errStoreClosed = errors.New("store is closed")

func newTokenReads(file string, n int, log *slog.Logger) *tokenReads {
	t := &tokenReads{file: file, log: log, conns: make(chan *rawPointRead, n), n: n}
	for range n {
		t.conns <- nil
	}
	return t
}

func openTokenConn(file string) (*rawPointRead, error) {
	r, err := openRawPointRead(file, sqlASNByToken)
	if err == nil && !plainDecltypes(r.decltypes()) {
		r.close()
		err = errors.New("unexpected column types")
	}
	if err != nil {
		return nil, fmt.Errorf("signing token reader: %w", err)
	}
	return r, nil
}

// plainDecltypes: the driver returns each column's value as it is
// stored (no declared type it converts by: a time or a boolean), which
// is what read assumes.
func plainDecltypes(types []string) bool {
	for _, t := range types {
		switch t {
		case "date", "datetime", "timestamp", "boolean":
			return false
		}
	}
	return len(types) == len(asnSigningColumns)+1
}

// read is ASNByTokenFor's read, or errNotPlain where database/sql must
// make it (no raw connections, a row not plain, an argument database/sql
// refuses or an error from SQLite, whose message is then the driver's).
func (t *tokenReads) read(token string, campaignID uint) (ASN, bool, error) {
	if t == nil || t.failed.Load() || uint64(campaignID) > math.MaxInt64 {
		return ASN{}, false, errNotPlain
	}
	r, ok := <-t.conns
	if !ok {
		return ASN{}, false, fmt.Errorf("signing token: %w", errStoreClosed)
	}
	if r == nil {
		var err error
		if r, err = openTokenConn(t.file); err != nil {
			if !t.failed.Swap(true) {
				t.log.Warn("signing token reads through database/sql", "err", err)
			}
			t.conns <- nil
			return ASN{}, false, fmt.Errorf("%w: %v", errNotPlain, err)
		}
	}
	row, found, err := r.row(int64(campaignID), token)
	// One allocation for all the row's text: the strings below point
	// into this copy (a string per column was five more).
	row = bytes.Clone(row)
	t.conns <- r
	if err != nil {
		return ASN{}, false, fmt.Errorf("%w: %v", errNotPlain, err)
	}
	if !found {
		return ASN{}, false, hotNotFound(sql.ErrNoRows, "signing token")
	}
	a := ASN{Token: token, Active: true}
	var signed bool
	p := packed{b: row}
	if !(p.uint(&a.ID) && p.text(&a.NIP) && p.text(&a.Name) && p.text(&a.Position) && p.uint(&a.DepartmentID) &&
		p.text(&a.Kind) && p.text(&a.AccessCode) && p.nullInt(&signed)) || !p.done() {
		return ASN{}, false, errNotPlain
	}
	return a, signed, nil
}

// close waits for the reads in flight and closes the connections; a
// read after it finds conns closed.
func (t *tokenReads) close() {
	if t == nil {
		return
	}
	t.closeOnce.Do(func() {
		for range t.n {
			if r := <-t.conns; r != nil {
				r.close()
			}
		}
		close(t.conns)
	})
}
