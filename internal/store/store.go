// Package store owns the database: GORM models, migrations and named
// queries that return domain values and sentinel errors. Nothing outside
// this package talks to GORM.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Sentinel errors callers branch on.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrFrozen    = errors.New("campaign text is frozen: it has signatures")
	ErrNoTextSet = errors.New("campaign has no text")
)

// Store is the database handle. SQLite allows one writer at a time, so all
// writes share a single connection (queued in Go instead of spinning on
// SQLITE_BUSY); reads use their own pool and run beside the writer in WAL
// mode.
type Store struct {
	w   *gorm.DB
	r   *gorm.DB
	log *slog.Logger
	now func() time.Time
	dsn string

	signer *groupCommitter
	hot    *hotStmts
	tokens *tokenReads // nil: ASNByTokenFor reads through database/sql
	d      dialect

	verifyMu sync.Mutex // one VerifyAudit at a time (see verifyAudit)
}

// Options configure Open.
type Options struct {
	Driver string // "sqlite" (default) or "postgres"
	DSN    string // SQLite file path, or PostgreSQL DSN (URL or key=value)
	Logger *slog.Logger
	Now    func() time.Time
}

// Open connects, migrates and starts the signature group committer.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	gcfg := &gorm.Config{Logger: logger.Discard, NowFunc: func() time.Time { return o.Now().UTC() }, SkipDefaultTransaction: true, PrepareStmt: true}
	switch o.Driver {
	case "", "sqlite":
	case "postgres":
		return openPostgres(ctx, o, gcfg)
	default:
		return nil, fmt.Errorf("open database: unknown driver %q (want sqlite or postgres)", o.Driver)
	}
	if dir := filepath.Dir(o.DSN); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("open database: create folder: %w", err)
		}
	}
	// synchronous=FULL: every commit is fsynced before it returns, so an
	// acknowledged signature survives kill -9 and power loss. Group commit
	// recovers the throughput that costs.
	params := url.Values{}
	params.Set("_journal_mode", "WAL")
	params.Set("_synchronous", "FULL")
	params.Set("_busy_timeout", "10000")
	params.Set("_foreign_keys", "on")
	params.Set("_txlock", "immediate")
	// The writer does not use GORM's prepared-statement cache: a statement
	// first prepared inside a transaction is cached bound to that
	// transaction, so every later transaction prepares it again and keeps
	// each copy until it ends. A 100,000-row roster import held ~100 MB of
	// such statements (200 batch INSERTs of 500 rows). Unprepared, each
	// statement is freed as soon as it has run; the signing path has its
	// own prepared statements (see signStmts).
	wcfg := *gcfg
	wcfg.PrepareStmt = false
	w, err := gorm.Open(sqlite.Open("file:"+o.DSN+"?"+params.Encode()), &wcfg)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", o.DSN, err)
	}
	wdb, err := w.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)

	if err := migrate(w); err != nil {
		wdb.Close()
		return nil, err
	}
	removeStaleStages(filepath.Dir(o.DSN), o.Logger)

	rp := url.Values{}
	rp.Set("_busy_timeout", "10000")
	rp.Set("_foreign_keys", "on")
	rp.Set("_query_only", "1")
	r, err := gorm.Open(sqlite.Open("file:"+o.DSN+"?"+rp.Encode()), gcfg)
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open database readers: %w", err)
	}
	rdb, _ := r.DB()
	rdb.SetMaxOpenConns(4)
	rdb.SetMaxIdleConns(4)

	s := &Store{w: w, r: r, log: o.Logger, now: o.Now, dsn: o.DSN, d: sqliteDialect{}}
	if s.hot, err = prepareHotStmts(rdb, s.d); err != nil {
		rdb.Close()
		wdb.Close()
		return nil, err
	}
	if file, err := sqliteFile(ctx, rdb); err != nil || file == "" {
		s.log.Debug("signing token reads through database/sql: no database file", "err", err)
	} else {
		s.tokens = newTokenReads(file, tokenReadConns, s.log)
	}
	if s.signer, err = newGroupCommitter(s, wdb); err != nil {
		s.tokens.close()
		s.hot.close()
		rdb.Close()
		wdb.Close()
		return nil, err
	}
	return s, nil
}

// liveSignatureIndexes make a second signature impossible while allowing a
// new one after a revocation: the unique index covers live (not revoked)
// signatures only, and the insert's ON CONFLICT names the same predicate.
// The new index is made before the old, whole-table one is dropped, so
// uniqueness never lapses during an upgrade. A small partial index lets
// completion subtract the few revoked signatures without giving up the
// covering (campaign, department) count.
var liveSignatureIndexes = []string{
	`CREATE UNIQUE INDEX IF NOT EXISTS idx_sig_live ON signatures (asn_id, campaign_id) WHERE revoked = false`,
	`DROP INDEX IF EXISTS idx_sig_asn_campaign`,
	`CREATE INDEX IF NOT EXISTS idx_sig_revoked ON signatures (campaign_id, department_id) WHERE revoked = true`,
}

func migrate(db *gorm.DB) error {
	// AutoMigrate only adds tables, columns and indexes; it never drops
	// data, which is the rule for every migration here.
	if err := db.AutoMigrate(allModels()...); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	for _, q := range liveSignatureIndexes {
		if err := db.Exec(q).Error; err != nil {
			return fmt.Errorf("migrate database: signature indexes: %w", err)
		}
	}
	for _, q := range dialectOf(db).headTrigger() {
		if err := db.Exec(q).Error; err != nil {
			return fmt.Errorf("migrate database: audit head trigger: %w", err)
		}
	}
	if err := migrateCounts(db); err != nil {
		return err
	}
	// Signatures from before the signer's details were kept: the roster row
	// is the best record left of who signed (it can only have drifted if it
	// was changed since), and the certificate already printed it.
	if err := db.Exec(`UPDATE signatures SET signer_nip = (SELECT nip FROM asns WHERE asns.id = signatures.asn_id),
		signer_name = (SELECT name FROM asns WHERE asns.id = signatures.asn_id),
		signer_position = (SELECT position FROM asns WHERE asns.id = signatures.asn_id)
		WHERE signer_nip = '' AND EXISTS (SELECT 1 FROM asns WHERE asns.id = signatures.asn_id)`).Error; err != nil {
		return fmt.Errorf("migrate database: signer details of older signatures: %w", err)
	}
	// Databases from before the anchor existed: anchor at their newest event.
	if err := db.Exec(`INSERT INTO audit_heads (id, seq, hash) SELECT 1, id, hash FROM audit_events
		WHERE NOT EXISTS (SELECT 1 FROM audit_heads) ORDER BY id DESC LIMIT 1`).Error; err != nil {
		return fmt.Errorf("migrate database: anchor audit head: %w", err)
	}
	return nil
}

// Close stops the committer (after it drains) and closes the connections.
func (s *Store) Close() error {
	s.signer.stop()
	s.tokens.close()
	s.hot.close()
	var errs []error
	dbs := []*gorm.DB{s.r, s.w}
	if s.r == s.w { // PostgreSQL: one pool for both
		dbs = dbs[:1]
	}
	for _, db := range dbs {
		if sqlDB, err := db.DB(); err == nil {
			errs = append(errs, sqlDB.Close())
		}
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers, for /healthz.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error; err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of the database to path while it keeps
// serving. On PostgreSQL it refuses and names pg_dump, the tool for that.
func (s *Store) Backup(ctx context.Context, path string) error {
	return s.d.backup(ctx, s, path)
}

// MultiInstance reports whether several ikrar processes may share this
// database at once (PostgreSQL), so that state kept per process, such as
// rate-limit counters, must live in the database instead.
func (s *Store) MultiInstance() bool { return s.d.multiWriter() }

// backupSQLite copies the file with VACUUM INTO, which reads one snapshot.
func (s *Store) backupSQLite(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	// A connection of its own: the readers are query-only and the writer
	// must stay free for signatures while the copy is made.
	db, err := gorm.Open(sqlite.Open("file:"+s.dsn+"?_busy_timeout=10000"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return fmt.Errorf("backup: open: %w", err)
	}
	defer func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	}()
	if err := db.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func isUniqueViolation(err error) bool {
	return err != nil && (errors.Is(err, gorm.ErrDuplicatedKey) || strings.Contains(err.Error(), "UNIQUE constraint failed") || isPgUniqueViolation(err))
}
