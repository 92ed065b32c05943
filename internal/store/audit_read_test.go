package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestAuditBatchReaderReadsAsDatabaseSQL: on SQLite, audit verify reads
// the chain and the signature rows below database/sql (the batch
// reader). Whatever a row holds, even a value written by hand in a type
// ikrar never writes, it must read exactly what database/sql reads (the
// same values, or the same error), taking the plain rows itself and
// handing the rest to database/sql.
func TestAuditBatchReaderReadsAsDatabaseSQL(t *testing.T) {
	opts := storetest.Options(t, storetest.SQLite)
	sigs := buildSegmentChain(t, storetest.OpenWith(t, opts))
	sig := sigs[2]
	built := storetest.DB(t, opts)
	for _, tt := range []struct {
		name      string
		edit      string
		args      []any
		own, rows bool // the batch reader reads the events, the rows itself
	}{
		{"as written", "", nil, true, true},
		{"time with T and Z", "UPDATE audit_events SET at = '2024-01-08T01:02:03.5Z' WHERE id = 3", nil, true, true},
		{"time without zone", "UPDATE audit_events SET at = '2024-01-08 01:02:03.123456789' WHERE id = 3", nil, true, true},
		{"time in another zone", "UPDATE audit_events SET at = '2024-01-08 08:02:03.25+07:00' WHERE id = 3", nil, true, true},
		{"time with ten digits", "UPDATE audit_events SET at = '2024-01-08 01:02:03.1234567891+00:00' WHERE id = 3", nil, true, true},
		{"time with trailing zeros", "UPDATE audit_events SET at = '2024-01-08 01:02:03.500+00:00' WHERE id = 3", nil, true, true},
		{"date only", "UPDATE audit_events SET at = '2024-01-08' WHERE id = 3", nil, true, true},
		{"no such day", "UPDATE audit_events SET at = '2023-02-29 01:02:03+00:00' WHERE id = 3", nil, true, true},
		{"leap day", "UPDATE audit_events SET at = '2024-02-29 23:59:59.999999999+00:00' WHERE id = 3", nil, true, true},
		{"hour 24", "UPDATE audit_events SET at = '2024-01-08 24:00:00+00:00' WHERE id = 3", nil, true, true},
		{"not a time", "UPDATE audit_events SET at = 'kemarin' WHERE id = 3", nil, true, true},
		{"time as a number", "UPDATE audit_events SET at = 1700000000 WHERE id = 3", nil, false, true},
		{"time in milliseconds", "UPDATE audit_events SET at = 1700000000123 WHERE id = 3", nil, false, true},
		{"actor as a blob", "UPDATE audit_events SET actor = X'61646d696e' WHERE id = 4", nil, false, true},
		{"hash as a blob", "UPDATE audit_events SET hash = X'00ff' WHERE id = 4", nil, false, true},
		{"detail as a real", "UPDATE audit_events SET detail = 1.5 WHERE id = 5", nil, true, true}, // text affinity: stored as '1.5'
		{"signed time in another form", "UPDATE signatures SET signed_at = '2024-01-08T01:02:03Z' WHERE id = ?", []any{sig}, true, true},
		{"signed time as a number", "UPDATE signatures SET signed_at = 1700000000 WHERE id = ?", []any{sig}, true, false},
		{"revoked as 2", "UPDATE signatures SET revoked = 2 WHERE id = ?", []any{sig}, true, false},
		{"revoked as text", "UPDATE signatures SET revoked = 'ya' WHERE id = ?", []any{sig}, true, false},
		{"revoked as 1", "UPDATE signatures SET revoked = 1 WHERE id = ?", []any{sig}, true, true},
		{"no certificate hash", "UPDATE signatures SET cert_sha256 = NULL WHERE id = ?", []any{sig}, true, true},
		{"certificate hash as a blob", "UPDATE signatures SET cert_sha256 = X'00' WHERE id = ?", []any{sig}, true, false},
		{"drawing as text", "UPDATE signatures SET drawn_png = 'garis' WHERE id = ?", []any{sig}, true, true},
		{"no drawing", "UPDATE signatures SET drawn_png = NULL WHERE id = ?", []any{sig}, true, true},
		{"empty drawing", "UPDATE signatures SET drawn_png = X'' WHERE id = ?", []any{sig}, true, true},
		{"negative unit", "UPDATE signatures SET department_id = -1 WHERE id = ?", []any{sig}, true, false},
		{"unit as text", "UPDATE signatures SET department_id = 'dinas' WHERE id = ?", []any{sig}, true, false},
		{"name as a blob", "UPDATE signatures SET signer_name = X'4e' WHERE id = ?", []any{sig}, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Each case edits its own copy of the chain.
			o := store.Options{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "ikrar.db")}
			if _, err := built.Exec("VACUUM INTO ?", o.DSN); err != nil {
				t.Fatal(err)
			}
			if tt.edit != "" {
				if _, err := storetest.DB(t, o).Exec(tt.edit, tt.args...); err != nil {
					t.Fatal(err)
				}
			}
			st := storetest.OpenWith(t, o)
			batch, viaSQL, own, rows, err := st.AuditReadsBothWays(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if batch != viaSQL {
				t.Errorf("batch reader read\n%s\ndatabase/sql read\n%s", batch, viaSQL)
			}
			if own != tt.own || rows != tt.rows {
				t.Errorf("batch reader took the events %v, the rows %v; want %v, %v", own, rows, tt.own, tt.rows)
			}
		})
	}
}

// TestAuditBatchReaderReadsTheStoresFile: the batch reader must read the
// file the store's connections have open. They open "file:" + DSN as a
// URI, so SQLite decodes a %XX in the path (and ends it at a #); a reader
// that opened the DSN as a plain file name read another file where one of
// that literal name existed, and verify then checked that file's chain
// against this one's head.
func TestAuditBatchReaderReadsTheStoresFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// "ikrar%2562.db" is the file "ikrar%62.db"; "ikrar%62.db" is "ikrarb.db".
	other := storetest.OpenWith(t, store.Options{Driver: "sqlite", DSN: filepath.Join(dir, "ikrar%2562.db")})
	for i := range 5 {
		if err := other.Record(ctx, "admin", "test.other", fmt.Sprint(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	other.Close()
	if _, err := os.Stat(filepath.Join(dir, "ikrar%62.db")); err != nil {
		t.Fatal(err)
	}
	st := storetest.OpenWith(t, store.Options{Driver: "sqlite", DSN: filepath.Join(dir, "ikrar%62.db")})
	for i := range 2 {
		if err := st.Record(ctx, "admin", "test.this", fmt.Sprint(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, segments := range []int{1, 2} {
		rep, err := st.VerifyAuditIn(ctx, segments, 1)
		if err != nil {
			t.Fatalf("%d segment(s): %v", segments, err)
		}
		if rep.Events != 2 {
			t.Fatalf("%d segment(s): verified %d events, the store holds 2", segments, rep.Events)
		}
	}
}

// TestVerifyAuditDoesNotWaitForTheWriter: on SQLite the batch readers
// take their snapshot under a moment of write lock. While the writer is
// busy for long (a roster import is one transaction), verify reads on
// one connection through database/sql instead of waiting for it, with
// the same report.
func TestVerifyAuditDoesNotWaitForTheWriter(t *testing.T) {
	st := storetest.Open(t, storetest.SQLite)
	buildSegmentChain(t, st)
	ctx := context.Background()
	want, err := st.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	release, err := st.HoldWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	got, err := st.VerifyAudit(ctx)
	if err != nil || got != want {
		t.Fatalf("writer busy: %+v, %v; want %+v", got, err, want)
	}
}
