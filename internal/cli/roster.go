package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/roster"
	"github.com/ikrar/ikrar/internal/store"
)

// unitMapFlag collects --map "Name in file=Existing unit" pairs.
type unitMapFlag map[string]string

func (m unitMapFlag) String() string { return "" }

func (m unitMapFlag) Set(v string) error {
	from, to, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
		return errors.New(i18n.T(outLang, "cli_map_form"))
	}
	m[strings.ToLower(strings.TrimSpace(from))] = strings.TrimSpace(to)
	return nil
}

// openImport is the start of an import: parse the flags, take the one file
// argument (usage says which), open it and the database (openStore: an
// import may be the first command of a new instance). The caller closes
// both.
func openImport(ctx context.Context, env Env, name string, args []string, own func(fs *flag.FlagSet), usage, what string) (string, *os.File, *store.Store, error) {
	cfg, fs, err := parseFlags(env, name, args, own)
	if err != nil {
		return "", nil, nil, err
	}
	if fs.NArg() != 1 {
		return "", nil, nil, usageError{usage}
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return "", nil, nil, fmt.Errorf("open %s: %w", what, err)
	}
	st, err := openStore(ctx, cfg, newLogger(cfg, env.Stderr))
	if err != nil {
		f.Close()
		return "", nil, nil, err
	}
	return path, f, st, nil
}

func runRosterImport(ctx context.Context, env Env, args []string) error {
	var dry, deactivate, confirmNew bool
	var confirmDeactivate int
	unitMap := unitMapFlag{}
	path, f, st, err := openImport(ctx, env, "roster import", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&dry, "dry-run", false, i18n.T(outLang, "flag_dry_run"))
		fs.BoolVar(&deactivate, "deactivate-missing", false, i18n.T(outLang, "flag_deactivate_missing"))
		fs.Var(unitMap, "map", i18n.T(outLang, "flag_roster_map"))
		fs.BoolVar(&confirmNew, "confirm-new-units", false, i18n.T(outLang, "flag_confirm_new_units"))
		fs.IntVar(&confirmDeactivate, "confirm-deactivate", 0, i18n.T(outLang, "flag_confirm_deactivate"))
	}, "give exactly one roster file (.csv or .xlsx)", "roster")
	if err != nil {
		return err
	}
	defer f.Close()
	defer st.Close()
	res, err := roster.Import(ctx, st, "cli", filepath.Base(path), f, roster.ImportOptions{DryRun: dry, DeactivateMissing: deactivate,
		UnitMap: unitMap, ConfirmNewUnits: confirmNew, ConfirmDeactivate: confirmDeactivate})
	var mass *store.MassDeactivationError
	if errors.As(err, &mass) {
		return i18n.New("cli_mass_deactivation", mass.Count, mass.Active, store.MassDeactivationPercent, mass.Count)
	}
	var perr *roster.Errors
	if errors.As(err, &perr) {
		fmt.Fprintln(env.Stderr, i18n.Both("cli_roster_not_imported", len(perr.Problems)))
		for _, p := range perr.Problems {
			fmt.Fprintln(env.Stderr, "  "+i18n.Both("roster_at_line_column", p.Line, p.Column, p.Msg))
		}
		if len(res.Similar) > 0 {
			fmt.Fprintln(env.Stderr, i18n.Both("cli_roster_map_hint"))
		}
		return errors.New(i18n.T(outLang, "cli_problems_in", len(perr.Problems), path))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_roster_result",
		importVerb(dry), res.Added, res.Updated, res.Unchanged, res.Deactivated, len(res.NewDepartments)))
	for _, s := range res.Similar {
		fmt.Fprintln(env.Stdout, "  "+i18n.Both("cli_roster_similar", s.Name, s.Line, s.Rows, s.Existing))
	}
	if res.Deactivated > 0 {
		fmt.Fprintln(env.Stdout, "  "+i18n.Both("cli_roster_deactivated", res.Deactivated, res.DeactivatedSigned))
		for _, d := range res.DeactivatedList {
			signed := ""
			if d.Signed {
				signed = " [" + i18n.Both("cli_roster_signed") + "]"
			}
			fmt.Fprintf(env.Stdout, "    %s  %s  (%s)%s\n", d.NIP, d.Name, d.Department, signed)
		}
	}
	if res.MovedSigned > 0 {
		fmt.Fprintln(env.Stdout, "  "+i18n.T(outLang, "cli_roster_moved_signed", res.MovedSigned))
	}
	return nil
}
