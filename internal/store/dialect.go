package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/ikrar/ikrar/internal/i18n"
)

// dialect is everything that differs between SQLite and PostgreSQL. The
// rest of the package writes one set of queries and asks the dialect only
// for these few things, so nothing database-specific leaks out of store.
type dialect interface {
	// multiWriter reports whether several processes may write at once.
	// SQLite has one writer (this process's single connection); PostgreSQL
	// may be shared by several ikrar instances, so cross-process state
	// (locks, rate limits) must live in the database.
	multiWriter() bool
	// chainLock is the SQL that serialises audit-chain appends across
	// processes until the transaction ends, or "" when the single writer
	// already does.
	chainLock() string
	// rebind turns the ? placeholders of a database/sql query into the
	// driver's own (GORM rebinds its own queries).
	rebind(query string) string
	// returningID is appended to an INSERT to read the new row's id back,
	// or "" when the driver reports it through LastInsertId.
	returningID() string
	// wibDay is a SQL expression giving the calendar day in WIB (UTC+7) of
	// a UTC timestamp column, as 'YYYY-MM-DD' text.
	wibDay(col string) string
	// backup writes a consistent copy of the database to path.
	backup(ctx context.Context, s *Store, path string) error
	// snapshot is how to begin a transaction whose reads all see one
	// moment of the database.
	snapshot() *sql.TxOptions
	// readSnapshots begins up to n read transactions on the reader pool
	// that all see the same moment of the database (at least one), for
	// reads split over several connections, each with what else reads
	// that moment for audit verify (see auditReader).
	readSnapshots(ctx context.Context, s *Store, n int) ([]auditReader, error)
	// headTrigger is the SQL that installs (idempotently) the trigger keeping
	// audit_heads at the newest audit event.
	headTrigger() []string
	// countTriggers is the SQL that installs the completion counters'
	// triggers, idempotently (see counts.go); pauseRosterCount switches
	// the roster insert trigger off (and on again) inside a large import's
	// transaction, which recounts.
	countTriggers() []string
	pauseRosterCount(tx *gorm.DB, pause bool) error
	// byteOrder makes ORDER BY col sort in byte order, as Go compares
	// strings (PostgreSQL would otherwise use the database's collation).
	byteOrder(col string) string
	// importCache enlarges (on) the page cache of the connection a roster
	// import runs on, and gives it back (off).
	importCache(db *gorm.DB, on bool) error
	// afterCopy runs in CopyTo's transaction once rows with explicit ids
	// are in, so new rows get ids after them.
	afterCopy(tx *gorm.DB) error
	// hotReadContext is the context the prepared point reads of the
	// signing pages (hotpath.go) run with.
	hotReadContext(ctx context.Context) context.Context
}

// dialectOf picks the dialect of a connection. appendEvent gets only a
// transaction, so the choice is made from the connection itself.
func dialectOf(db *gorm.DB) dialect {
	if db.Dialector.Name() == "postgres" {
		return postgresDialect{}
	}
	return sqliteDialect{}
}

type sqliteDialect struct{}

func (sqliteDialect) multiWriter() bool        { return false }
func (sqliteDialect) chainLock() string        { return "" }
func (sqliteDialect) rebind(q string) string   { return q }
func (sqliteDialect) returningID() string      { return "" }
func (sqliteDialect) wibDay(col string) string { return "date(" + col + ", '+7 hours')" }
func (sqliteDialect) backup(ctx context.Context, s *Store, path string) error {
	return s.backupSQLite(ctx, path)
}

// importCache: a roster import inserts into the roster's indexes at random
// places (NIP and token are not in file order). With SQLite's default page
// cache of 2 MB, a 1,000,000-row import read nearly every index page back
// from the operating system for each insert; 64 MB holds those indexes for
// a roster of a few million. The writer's cache goes back to the default
// afterwards, so the server's memory at rest does not keep it.
func (sqliteDialect) importCache(db *gorm.DB, on bool) error {
	size := "-2000"
	if on {
		size = "-65536"
	}
	if err := db.Exec("PRAGMA main.cache_size = " + size).Error; err != nil {
		return fmt.Errorf("roster import: page cache: %w", err)
	}
	return nil
}

// SQLite's default collation (BINARY) is byte order.
func (sqliteDialect) byteOrder(col string) string { return col }

// A SQLite read transaction already reads one snapshot (WAL), and the
// reader connections are query-only.
func (sqliteDialect) snapshot() *sql.TxOptions { return nil }

// hotReadContext drops the request's cancellation from a signing page's
// point read. With a context that can be cancelled (every HTTP request's)
// database/sql starts a goroutine per query to watch it, and go-sqlite3
// one per row fetched, reading the row there while the request waits for
// it: two goroutine starts and hand-offs per read, four per signing visit,
// for a read of one indexed row that takes a few microseconds, too short
// to be worth interrupting. Server CPU per visit under ikrar-load: ~2-4 %
// less (docs/PERFORMANCE.md). PostgreSQL keeps the request's context: its
// reads cross the network.
func (sqliteDialect) hotReadContext(ctx context.Context) context.Context {
	return context.WithoutCancel(ctx)
}

// verifyWriterWait is how long readSnapshots waits for the writer.
const verifyWriterWait = 2 * time.Second

// readSnapshots: a SQLite read transaction takes its snapshot at its first
// read, so each makes one while this process holds the write lock (BEGIN
// IMMEDIATE on the writer, across processes too): no commit can land
// between them. The lock is held for those few reads only, after the
// connections are in hand. Each transaction has a batch reader of its
// own (sqliteBatchReader), which begins its snapshot under the same lock.
// Where the lock cannot be had (a read-only file, or a writer busy for
// longer than verifyWriterWait), one transaction is returned, without a
// batch reader.
func (d sqliteDialect) readSnapshots(ctx context.Context, s *Store, n int) ([]auditReader, error) {
	pool, err := s.r.DB()
	if err != nil {
		return nil, err
	}
	file, err := sqliteFile(ctx, pool)
	if err != nil {
		return nil, err
	}
	var rs []auditReader
	closeAll := func() {
		for _, r := range rs {
			r.close()
		}
	}
	for range max(n, 1) {
		tx, err := pool.BeginTx(ctx, nil)
		if err != nil {
			closeAll()
			return nil, err
		}
		r := auditReader{tx: tx, d: d}
		if r.batch, err = openSQLiteBatchReader(file); err != nil {
			s.log.Debug("verify: reading through database/sql", "err", err)
		}
		rs = append(rs, r)
	}
	if len(rs) == 1 && rs[0].batch == nil {
		return rs, nil
	}
	w, err := s.w.DB()
	if err != nil {
		closeAll()
		return nil, err
	}
	// The writer may be busy for long (a roster import is one
	// transaction): wait for it a moment at most, then read on one
	// connection rather than keep the check waiting.
	wait, cancel := context.WithTimeout(ctx, verifyWriterWait)
	conn, err := w.Conn(wait)
	cancel()
	var lock *sql.Tx
	if err == nil {
		defer conn.Close()                 // after the lock's rollback
		lock, err = conn.BeginTx(ctx, nil) // _txlock=immediate
	}
	if err != nil {
		s.log.Warn("verify: no write lock for a shared snapshot, reading on one connection", "err", err)
		for _, r := range rs[1:] {
			r.close()
		}
		rs[0].batch.close()
		rs[0].batch = nil
		return rs[:1], nil
	}
	defer lock.Rollback()
	for i, r := range rs {
		var seq int64
		if err := r.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_heads").Scan(&seq); err != nil {
			closeAll()
			return nil, err
		}
		if r.batch == nil {
			continue
		}
		if err := r.batch.begin(); err != nil {
			s.log.Warn("verify: reading through database/sql", "err", err)
			r.batch.close()
			rs[i].batch = nil
		}
	}
	return rs, nil
}

// sqliteFile is the file the pool's connections have open, as SQLite
// resolved it, for the raw readers to open: they open "file:" + DSN as a
// URI (a %XX in the path decoded, a # ending it), so the DSN itself may
// name another file, or none ("" in memory).
func sqliteFile(ctx context.Context, pool *sql.DB) (string, error) {
	var file string
	err := pool.QueryRowContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file)
	return file, err
}

func (sqliteDialect) headTrigger() []string {
	return []string{`CREATE TRIGGER IF NOT EXISTS audit_head_track AFTER INSERT ON audit_events BEGIN
		INSERT INTO audit_heads (id, seq, hash) VALUES (1, NEW.id, NEW.hash)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash WHERE excluded.seq > audit_heads.seq;
	END`}
}

// SQLite gives a new row the largest id plus one by itself.
func (sqliteDialect) afterCopy(*gorm.DB) error { return nil }

// chainLockKey names the audit chain among advisory locks ("ikra"); the
// second key is the schema, so two ikrar schemas in one database (tests)
// keep separate chains without waiting on each other.
const chainLockKey = 0x696b7261

type postgresDialect struct{}

func (postgresDialect) multiWriter() bool { return true }

func (postgresDialect) chainLock() string {
	return "SELECT pg_advisory_xact_lock(" + strconv.Itoa(chainLockKey) + ", hashtext(current_schema()))"
}

func (postgresDialect) rebind(q string) string {
	var sb strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			sb.WriteString("$" + strconv.Itoa(n))
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

func (postgresDialect) returningID() string { return " RETURNING id" }

func (postgresDialect) wibDay(col string) string {
	return "to_char((" + col + " AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD')"
}

// errUsePgDump is what `ikrar backup` says on PostgreSQL: a consistent
// online copy of a PostgreSQL database is pg_dump's job, not ikrar's.
var errUsePgDump = i18n.New("backup_use_pg_dump")

func (postgresDialect) backup(context.Context, *Store, string) error { return errUsePgDump }

func (postgresDialect) snapshot() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

func (postgresDialect) hotReadContext(ctx context.Context) context.Context { return ctx }

// readSnapshots: the first transaction exports its snapshot and the others
// import it (SET TRANSACTION SNAPSHOT, their first statement).
func (d postgresDialect) readSnapshots(ctx context.Context, s *Store, n int) ([]auditReader, error) {
	pool, err := s.r.DB()
	if err != nil {
		return nil, err
	}
	first, err := pool.BeginTx(ctx, d.snapshot())
	if err != nil {
		return nil, err
	}
	rs := []auditReader{{tx: first, d: d}}
	rollback := func() {
		for _, r := range rs {
			r.close()
		}
	}
	if n <= 1 {
		return rs, nil
	}
	var id string
	if err := first.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&id); err != nil {
		rollback()
		return nil, err
	}
	for range n - 1 {
		tx, err := pool.BeginTx(ctx, d.snapshot())
		if err != nil {
			rollback()
			return nil, err
		}
		rs = append(rs, auditReader{tx: tx, d: d})
		// The id comes from the server; the statement takes no parameters.
		if _, err := tx.ExecContext(ctx, "SET TRANSACTION SNAPSHOT '"+strings.ReplaceAll(id, "'", "")+"'"); err != nil {
			rollback()
			return nil, err
		}
	}
	return rs, nil
}

func (postgresDialect) headTrigger() []string {
	return []string{`CREATE OR REPLACE FUNCTION ikrar_audit_head() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			INSERT INTO audit_heads (id, seq, hash) VALUES (1, NEW.id, NEW.hash)
			ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash WHERE EXCLUDED.seq > audit_heads.seq;
			RETURN NEW;
		END $$`,
		`CREATE OR REPLACE TRIGGER audit_head_track AFTER INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION ikrar_audit_head()`}
}

func (postgresDialect) byteOrder(col string) string { return col + ` COLLATE "C"` }

// importCache: PostgreSQL's shared buffers are the server's to size.
func (postgresDialect) importCache(*gorm.DB, bool) error { return nil }

// afterCopy moves each id sequence past the copied rows.
func (postgresDialect) afterCopy(tx *gorm.DB) error {
	for _, table := range []string{"campaigns", "departments", "asns", "signatures", "users", "closed_roster_entries", "replaced_certificates", "audit_checkpoints", "outbox_messages",
		"api_tokens", "webhook_subscriptions", "webhook_attempts"} {
		q := "SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), COALESCE((SELECT MAX(id) FROM " + table + "), 0) + 1, false)"
		if err := tx.Exec(q).Error; err != nil {
			return fmt.Errorf("advance id sequence of %s: %w", table, err)
		}
	}
	return nil
}

// lockChain takes the audit-chain lock inside tx where the dialect needs
// one; taking it again in the same transaction is harmless. Every
// transaction that appends an event takes it first, before touching other
// rows: on PostgreSQL a signature batch holds it while its foreign keys lock
// roster rows, so taking it last could deadlock against that batch.
func lockChain(tx *gorm.DB) error {
	if q := dialectOf(tx).chainLock(); q != "" {
		if err := tx.Exec(q).Error; err != nil {
			return fmt.Errorf("lock audit chain: %w", err)
		}
	}
	return nil
}

// cleanText makes free text that arrives with a request storable on every
// database: PostgreSQL refuses invalid UTF-8 and NUL bytes in text columns,
// where SQLite would keep them, so both store the same cleaned string.
func cleanText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
