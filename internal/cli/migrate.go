package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
)

// runMigrate moves a city's data from one database into an empty other
// one, typically from its SQLite file into PostgreSQL when it grows to
// several instances (docs/DEPLOY.md).
func runMigrate(ctx context.Context, env Env, args []string) error {
	var from, to string
	fs := flag.NewFlagSet("ikrar migrate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.StringVar(&from, "from", "", i18n.T(outLang, "flag_migrate_from"))
	fs.StringVar(&to, "to", "", i18n.T(outLang, "flag_migrate_to"))
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 || from == "" || to == "" {
		return usageError{i18n.T(outLang, "cli_need_from_to")}
	}
	src, err := parseDatabase(from)
	if err != nil {
		return usageError{"--from: " + err.Error()}
	}
	dst, err := parseDatabase(to)
	if err != nil {
		return usageError{"--to: " + err.Error()}
	}
	if src.Driver == dst.Driver && src.DSN == dst.DSN {
		return usageError{i18n.T(outLang, "cli_same_db")}
	}
	if src.Driver == "sqlite" {
		if _, err := os.Stat(src.DSN); err != nil {
			return i18n.New("cli_db_missing", src.DSN)
		}
	}
	if dst.Driver == "sqlite" {
		// A new file is fine; an existing one must be empty (CopyTo checks).
		if _, err := os.Stat(dst.DSN); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("target %s: %w", dst.DSN, err)
		}
	}
	logCfg := config.Defaults()
	logCfg.LogJSON = env.Getenv("IKRAR_LOG_FORMAT") == "json"
	log := newLogger(logCfg, env.Stderr)
	src.Logger, dst.Logger = log, log
	source, err := store.Open(ctx, src)
	if err != nil {
		return fmt.Errorf("open source: %w", err)
	}
	defer source.Close()
	target, err := store.Open(ctx, dst)
	if err != nil {
		return fmt.Errorf("open target: %w", err)
	}
	defer target.Close()
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_migrate_copying", src.Driver, dst.Driver))
	rep, err := source.CopyTo(ctx, target, func(c store.TableCount) {
		fmt.Fprintln(env.Stdout, "  "+i18n.T(outLang, "cli_migrate_rows", c.Table, c.Rows))
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_migrate_ok",
		len(rep.Tables), rep.Audit.Events, rep.Audit.Head))
	fmt.Fprintln(env.Stdout, i18n.Both("migrate_sessions_not_copied"))
	return nil
}

// parseDatabase reads "sqlite:PATH" or "postgres:DSN"; a bare postgres://
// or postgresql:// URL also names PostgreSQL.
func parseDatabase(s string) (store.Options, error) {
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		return store.Options{Driver: "postgres", DSN: s}, nil
	}
	driver, dsn, ok := strings.Cut(s, ":")
	switch {
	case !ok || dsn == "":
		return store.Options{}, errors.New(i18n.T(outLang, "cli_migrate_db_form", s))
	case driver == "sqlite" || driver == "postgres":
		return store.Options{Driver: driver, DSN: dsn}, nil
	default:
		return store.Options{}, errors.New(i18n.T(outLang, "cli_migrate_driver", driver))
	}
}
