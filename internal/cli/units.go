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

// runUnitsImport builds the unit tree from a units file (kode;nama;induk).
func runUnitsImport(ctx context.Context, env Env, args []string) error {
	var dry bool
	cfg, fs, err := parseFlags(env, "units import", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&dry, "dry-run", false, "check the file and show what would change, write nothing")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"give exactly one units file (.csv or .xlsx with columns kode, nama, induk)"}
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open units file: %w", err)
	}
	defer f.Close()
	st, err := openStore(ctx, cfg, newLogger(cfg, env.Stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	res, err := roster.ImportUnits(ctx, st, "cli", filepath.Base(path), f, dry)
	var perr *roster.Errors
	if errors.As(err, &perr) {
		fmt.Fprintf(env.Stderr, "Unit tidak diimpor: %d masalah ditemukan; tidak ada yang ditulis. / Units not imported: %d problem(s) found; nothing was written.\n", len(perr.Problems), len(perr.Problems))
		for _, p := range perr.Problems {
			fmt.Fprintf(env.Stderr, "  %s\n", p)
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
	fmt.Fprintf(env.Stdout, "%s: %d units added, %d renamed, %d moved, %d unchanged\n", verb, res.Added, res.Renamed, res.Moved, res.Unchanged)
	return nil
}
