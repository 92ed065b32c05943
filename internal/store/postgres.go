package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// pgPoolSize bounds one instance's connections. Reads, the group committer
// and certificate issuing share the pool; two or three instances stay well
// under PostgreSQL's default max_connections of 100.
const pgPoolSize = 16

// pgRuntimeDefaults are session settings ikrar relies on, applied unless
// the DSN sets them itself. idle_in_transaction_session_timeout ends the
// transaction (and frees its row locks) of an instance that froze mid-job
// without its connection dropping, so another instance can take the work.
var pgRuntimeDefaults = map[string]string{
	"application_name":                    "ikrar",
	"timezone":                            "UTC",
	"idle_in_transaction_session_timeout": "60000",
}

// openPostgres connects one pool that serves reads and writes alike:
// PostgreSQL has no single-writer limit, so unlike SQLite there is no
// separate writer connection.
func openPostgres(ctx context.Context, o Options, gcfg *gorm.Config) (*Store, error) {
	pcfg, err := pgx.ParseConfig(o.DSN)
	if err != nil {
		// pgx redacts the password in its parse errors.
		return nil, fmt.Errorf("open database: PostgreSQL DSN: %w", err)
	}
	for k, v := range pgRuntimeDefaults {
		if !hasParam(pcfg.RuntimeParams, k) {
			pcfg.RuntimeParams[k] = v
		}
	}
	sqlDB := stdlib.OpenDB(*pcfg)
	sqlDB.SetMaxOpenConns(pgPoolSize)
	sqlDB.SetMaxIdleConns(pgPoolSize)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database: connect to PostgreSQL %s: %w", pcfg.Host, err)
	}
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), gcfg)
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := migratePostgres(ctx, db); err != nil {
		sqlDB.Close()
		return nil, err
	}
	s := &Store{w: db, r: db, log: o.Logger, now: o.Now, dsn: o.DSN, d: postgresDialect{}}
	if s.hot, err = prepareHotStmts(sqlDB, s.d); err != nil {
		sqlDB.Close()
		return nil, err
	}
	if s.signer, err = newGroupCommitter(s, sqlDB); err != nil {
		s.hot.close()
		sqlDB.Close()
		return nil, err
	}
	return s, nil
}

// migratePostgres runs the same AutoMigrate as SQLite, in one transaction
// (PostgreSQL's DDL is transactional) under an advisory lock, so instances
// starting together do not race to create the same tables.
func migratePostgres(ctx context.Context, db *gorm.DB) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))", chainLockKey+1).Error; err != nil {
			return fmt.Errorf("migrate database: lock: %w", err)
		}
		return migrate(tx)
	})
}

// hasParam looks a setting up the way PostgreSQL does: case-insensitively.
func hasParam(params map[string]string, name string) bool {
	for k := range params {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func isPgUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
