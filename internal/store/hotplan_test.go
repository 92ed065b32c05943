package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestHotReadsKeyedWhateverTheStatistics checks the plans PostgreSQL keeps
// for the signing path's reads of signatures (the signing page's, and the
// group committer's read of signatures already stored). pgx prepares every
// statement it sends; after five runs a prepared statement switches to a
// generic plan and keeps it until the table is analysed. Made while the
// signatures table is empty (a new database, the first minute of a
// campaign), a plan that finds a person's signature by campaign alone, or
// by a sequential scan, reads every signature on each visit, so each read
// costs more as signing goes on. Every scan of signatures must therefore be
// keyed by the person (asn_id) in the generic plan on an empty, never
// analysed table.
func TestHotReadsKeyedWhateverTheStatistics(t *testing.T) {
	storetest.Require(t, storetest.Postgres)
	ctx := context.Background()
	o := storetest.Options(t, storetest.Postgres)
	storetest.OpenWith(t, o) // creates the tables, signatures empty
	conn, err := storetest.DB(t, o).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		t.Fatal(err)
	}
	for name, q := range store.HotReadsPostgres() {
		t.Run(name, func(t *testing.T) {
			if _, err := conn.ExecContext(ctx, "PREPARE "+name+" AS "+q); err != nil {
				t.Fatal(err)
			}
			args := map[string]string{"asnByToken": "(1, 'token')", "signatureOf": "(1, 1)", "existing": "('{1,2}', '{1,1}')"}[name]
			var plan string
			if err := conn.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) EXECUTE "+name+args).Scan(&plan); err != nil {
				t.Fatal(err)
			}
			var root []struct{ Plan planNode }
			if err := json.Unmarshal([]byte(plan), &root); err != nil {
				t.Fatal(err)
			}
			scans := 0
			root[0].Plan.walk(func(n planNode) {
				if n.Relation != "signatures" {
					return
				}
				scans++
				if !strings.Contains(n.IndexCond, "asn_id") {
					t.Errorf("%s scans signatures by %q (%s), not by the person: the plan\n%s", name, n.IndexCond, n.Type, plan)
				}
			})
			if scans == 0 {
				t.Fatalf("%s: no scan of signatures in the plan\n%s", name, plan)
			}
		})
	}
}

type planNode struct {
	Type      string     `json:"Node Type"`
	Relation  string     `json:"Relation Name"`
	IndexCond string     `json:"Index Cond"`
	Plans     []planNode `json:"Plans"`
}

func (n planNode) walk(fn func(planNode)) {
	fn(n)
	for _, c := range n.Plans {
		c.walk(fn)
	}
}
