// Package storetest opens fresh, empty ikrar databases for tests: a SQLite
// file in the test's temporary folder, and, when IKRAR_TEST_POSTGRES holds
// the DSN of a PostgreSQL server, a schema of its own on that server,
// dropped when the test ends. Tests run the same body on both with Each.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3" // the raw SQLite handle of DB

	"github.com/ikrar/ikrar/internal/store"
)

// Backend names a database ikrar runs on.
type Backend string

// The backends, named as IKRAR_DB_DRIVER names them.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// EnvPostgres is the variable holding the PostgreSQL server's DSN.
const EnvPostgres = "IKRAR_TEST_POSTGRES"

// Backends lists every backend, SQLite first.
func Backends() []Backend { return []Backend{SQLite, Postgres} }

// Each runs fn once per backend as subtests named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, b Backend)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(string(b), func(t *testing.T) {
			Require(t, b)
			fn(t, b)
		})
	}
}

// Require skips the test when backend b is not available here, saying
// why, and fails it instead under CI, where every backend must run.
func Require(t testing.TB, b Backend) {
	t.Helper()
	if b != Postgres || os.Getenv(EnvPostgres) != "" {
		return
	}
	msg := EnvPostgres + " is not set, so the PostgreSQL variant of this test cannot run " +
		"(set it to a server's DSN, e.g. postgres://postgres@127.0.0.1:5433/postgres; .ci/run starts one)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Options returns store options for a fresh, empty database on backend b.
// Open them once, or several times to play several ikrar instances sharing
// one database.
func Options(t testing.TB, b Backend) store.Options {
	t.Helper()
	Require(t, b)
	if b == SQLite {
		return store.Options{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "ikrar.db")}
	}
	return store.Options{Driver: "postgres", DSN: NewSchema(t)}
}

// Open opens a fresh store on backend b, closed when the test ends.
func Open(t testing.TB, b Backend) *store.Store {
	t.Helper()
	return OpenWith(t, Options(t, b))
}

// OpenWith opens a store on existing options, closed when the test ends.
func OpenWith(t testing.TB, o store.Options) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatalf("open %s store: %v", o.Driver, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// NewSchema creates an empty schema on the IKRAR_TEST_POSTGRES server and
// returns a DSN whose search_path points at it; the schema is dropped when
// the test ends. A schema is much cheaper than a database, and ikrar's
// tables, indexes and audit-chain lock are all per schema.
func NewSchema(t testing.TB) string {
	t.Helper()
	Require(t, Postgres)
	base := os.Getenv(EnvPostgres)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "ikrar_test_" + hex.EncodeToString(b[:])
	admin := openPostgres(t, base)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", EnvPostgres, err)
	}
	admin.Close()
	t.Cleanup(func() {
		db := openPostgres(t, base)
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return WithSearchPath(t, base, schema)
}

// WithSearchPath returns dsn (a URL or key=value DSN) with its search_path
// set to schema.
func WithSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	return WithParam(t, dsn, "search_path", schema)
}

// WithParam returns dsn (a URL or key=value DSN) with a connection
// parameter set.
func WithParam(t testing.TB, dsn, key, value string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("%s is not a valid URL: %v", EnvPostgres, err)
		}
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + key + "=" + value
}

// DB opens the database behind o directly, without ikrar's code, the way a
// person with database access would (to tamper with rows, or to count).
func DB(t testing.TB, o store.Options) *sql.DB {
	t.Helper()
	var db *sql.DB
	if o.Driver == "postgres" {
		db = openPostgres(t, o.DSN)
	} else {
		var err error
		if db, err = sql.Open("sqlite3", "file:"+o.DSN+"?_busy_timeout=10000"); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openPostgres(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	db := stdlib.OpenDB(*cfg)
	if err := db.Ping(); err != nil {
		db.Close()
		t.Fatalf("connect to PostgreSQL (%s): %v", EnvPostgres, err)
	}
	return db
}
