package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ikrar/ikrar/internal/roster"
)

func runRosterImport(ctx context.Context, env Env, args []string) error {
	var dry, deactivate bool
	cfg, fs, err := parseFlags(env, "roster import", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&dry, "dry-run", false, "check the file and show what would change, write nothing")
		fs.BoolVar(&deactivate, "deactivate-missing", false, "deactivate active ASN that are not in the file (they are never deleted)")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"give exactly one roster file (.csv or .xlsx)"}
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open roster: %w", err)
	}
	defer f.Close()
	log := newLogger(cfg, env.Stderr)
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := roster.Import(ctx, st, "cli", filepath.Base(path), f, roster.ImportOptions{DryRun: dry, DeactivateMissing: deactivate})
	var perr *roster.Errors
	if errors.As(err, &perr) {
		fmt.Fprintf(env.Stderr, "Roster tidak diimpor: %d masalah ditemukan; tidak ada yang ditulis. / Roster not imported: %d problem(s) found; nothing was written.\n", len(perr.Problems), len(perr.Problems))
		for _, p := range perr.Problems {
			fmt.Fprintf(env.Stderr, "  baris %d, kolom %s: %s / line %d, column %s: %s\n", p.Line, p.Column, p.ID, p.Line, p.Column, p.EN)
		}
		return fmt.Errorf("%d problem(s) in %s", len(perr.Problems), path)
	}
	if err != nil {
		return err
	}
	verb := "Imported"
	if dry {
		verb = "Dry run (nothing written)"
	}
	fmt.Fprintf(env.Stdout, "%s: %d added, %d updated, %d unchanged, %d deactivated, %d new departments\n",
		verb, res.Added, res.Updated, res.Unchanged, res.Deactivated, len(res.NewDepartments))
	return nil
}
