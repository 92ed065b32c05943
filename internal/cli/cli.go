// Package cli holds ikrar's command-line modes. main calls Run; every
// command parses its flags into a config and hands the work to the domain
// packages, which the web handlers call too.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/ikrar/ikrar/internal/campaign"
	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/store"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// Env is what a command runs with; tests build one with buffers.
type Env struct {
	Getenv config.Getenv
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

type command struct {
	usage string
	run   func(ctx context.Context, env Env, args []string) error
}

// usageError makes Run exit with code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func commands() map[string]command {
	return map[string]command{
		"serve":                {"serve [--demo] [flags]", runServe},
		"roster import":        {"roster import [--dry-run] [--deactivate-missing] [--confirm-deactivate N] [--map \"NAME=UNIT\"] [--confirm-new-units] FILE", runRosterImport},
		"units import":         {"units import [--dry-run] FILE (.csv or .xlsx: kode;nama;induk)", runUnitsImport},
		"user add":             {"user add --role admin|head --username U [--email ADDRESS] [--department CODE ...] [--password-stdin]", runUserAdd},
		"user set-email":       {"user set-email --username U --email ADDRESS (\"\" clears it)", runUserSetEmail},
		"user reset-2fa":       {"user reset-2fa --username U", runUserReset2FA},
		"links export":         {"links export [--department CODE] [--format csv|pdf] --out FILE.csv|FILE.pdf|-", runLinksExport},
		"certificates revoke":  {"certificates revoke --reason TEXT --by NAME CODE", runRevoke},
		"certificates export":  {"certificates export [--department CODE] [--campaign ID] --out FILE.zip", runCertificatesExport},
		"certificates reissue": {"certificates reissue --reason TEXT (--code CODE ... | --stale [--department CODE] [--campaign ID])", runCertificatesReissue},
		"report":               {"report [--department CODE] [--campaign ID] --format pdf|csv|xlsx --out FILE", runReport},
		"verify":               {"verify FILE.pdf", runVerify},
		"audit verify":         {"audit verify [--expect-head HASH] [--checkpoint FILE]", runAuditVerify},
		"audit checkpoint":     {"audit checkpoint [--out FILE|-]", runAuditCheckpoint},
		"audit export":         {"audit export --format csv|jsonl --out FILE|- [--kind K] [--actor A] [--department CODE] [--from YYYY-MM-DD] [--to YYYY-MM-DD]", runAuditExport},
		"keys rotate":          {"keys rotate", runKeysRotate},
		"backup":               {"backup --out FILE [--db-only]", runBackup},
		"restore":              {"restore [--data NEW_FOLDER] ARCHIVE", runRestore},
		"migrate":              {"migrate --from sqlite:PATH --to postgres:DSN", runMigrate},
		"messages send":        {"messages send --kind invitation|reminder [--department CODE] [--campaign ID] [--dry-run]", runMessagesSend},
		"messages status":      {"messages status", runMessagesStatus},
		"token add":            {"token add --name N --scope SCOPE ... [--department CODE ...] [--expires 90d|DATE]", runTokenAdd},
	}
}

// Run executes one command line and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Stdin == nil {
		env.Stdin = os.Stdin
	}
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(env.Stderr, cmds)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	name := args[0]
	rest := args[1:]
	if _, ok := cmds[name]; !ok && len(args) > 1 {
		name, rest = args[0]+" "+args[1], args[2:]
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintln(env.Stderr, i18n.T(outLang, "cli_unknown_command", strings.Join(args[:min(2, len(args))], " ")))
		printUsage(env.Stderr, cmds)
		return ExitUsage
	}
	err := cmd.run(ctx, env, rest)
	var ue usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "ikrar %s: %s\n%s\n", name, ue.msg, i18n.T(outLang, "cli_usage_of", cmd.usage))
		return ExitUsage
	default:
		fmt.Fprintf(env.Stderr, "ikrar %s: %s\n", name, oneLine(err.Error()))
		return ExitFailure
	}
}

// outLang is the language of what the commands print and of their usage
// errors: English, as it was before the catalogue held these words; the
// errors of domain packages print both languages (i18n.Error).
const outLang = "en"

// importVerb is how an import's summary line starts.
func importVerb(dry bool) string {
	if dry {
		return i18n.T(outLang, "cli_dry_run")
	}
	return i18n.T(outLang, "cli_imported")
}

func oneLine(s string) string {
	// Import errors list many lines; keep them, but everything else is one line.
	return strings.TrimRight(s, "\n")
}

func printUsage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, i18n.T(outLang, "cli_usage"))
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  ikrar %s\n", cmds[n].usage)
	}
	fmt.Fprintln(w, i18n.T(outLang, "cli_every_command"))
}

// parseFlags parses the shared configuration flags plus the command's own.
func parseFlags(env Env, name string, args []string, own func(fs *flag.FlagSet)) (config.Config, *flag.FlagSet, error) {
	cfg := config.Defaults()
	fs := flag.NewFlagSet("ikrar "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.Register(fs, env.Getenv)
	if own != nil {
		own(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, fs, err
		}
		return cfg, fs, usageError{err.Error()}
	}
	if err := cfg.Finish(); err != nil {
		return cfg, fs, usageError{err.Error()}
	}
	return cfg, fs, nil
}

// newLogger logs through secret.RedactingHandler, so DSNs, SMTP URLs and
// the PKCS#12 password never reach a log line, whoever logs them.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var h slog.Handler = slog.NewTextHandler(w, nil)
	if cfg.LogJSON {
		h = slog.NewJSONHandler(w, nil)
	}
	return slog.New(secret.NewRedactingHandler(h, cfg.PKCS12Password))
}

func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, store.Options{Driver: cfg.DBDriver, DSN: cfg.DB, Logger: log})
	if err != nil {
		return nil, err
	}
	if err := campaign.EnsureDefault(ctx, st, cfg.Instansi); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// openExisting opens a database that must already exist: commands that
// read or check data must never create an empty database (a mistyped
// --db would otherwise verify "ok").
func openExisting(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, error) {
	if cfg.DBDriver == "sqlite" {
		if _, err := os.Stat(cfg.DB); err != nil {
			return nil, i18n.New("cli_db_missing", cfg.DB)
		}
	}
	return openStore(ctx, cfg, log)
}

// parseAndOpen is the start most commands share: parse the shared and the
// command's own flags (own may be nil), check the arguments (check nil: no
// arguments allowed), then open the database that must already exist. The
// caller closes the store.
func parseAndOpen(ctx context.Context, env Env, name string, args []string, own func(fs *flag.FlagSet), check func(fs *flag.FlagSet) error) (config.Config, *flag.FlagSet, *store.Store, error) {
	cfg, fs, err := parseFlags(env, name, args, own)
	if err != nil {
		return cfg, fs, nil, err
	}
	if check == nil {
		check = noArguments
	}
	if err := check(fs); err != nil {
		return cfg, fs, nil, err
	}
	st, err := openExisting(ctx, cfg, newLogger(cfg, env.Stderr))
	return cfg, fs, st, err
}

// formatAndOut is the argument check of an export: no arguments, a
// --format that writers knows and an --out (read once the flags are parsed).
func formatAndOut[W any](writers map[string]W, format, out *string, usage string) func(fs *flag.FlagSet) error {
	return func(fs *flag.FlagSet) error {
		if _, ok := writers[*format]; fs.NArg() > 0 || !ok || *out == "" {
			return usageError{usage}
		}
		return nil
	}
}

// noArguments refuses positional arguments.
func noArguments(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usageError{i18n.T(outLang, "cli_unexpected_args")}
	}
	return nil
}

// multiFlag collects a repeated flag (--department A --department B).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
