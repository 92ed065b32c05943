// Command ikrar-load measures ikrar: it drives a running server with many
// concurrent simulated signers, generates large valid rosters, and measures
// the raw limits (durable SQLite inserts, a bare Echo handler) that the
// signing figure is reported against.
//
//	ikrar-load --url http://127.0.0.1:8080 --links links.csv --concurrency 64 --duration 30s --db data/ikrar.db
//	ikrar-load gen-roster --n 100000 --departments 200 --out roster.csv
//	ikrar-load raw-sqlite --dir /var/tmp/raw --duration 5s
//	ikrar-load bare-echo --concurrency 64 --duration 10s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes: 2 is a usage error, 1 a failed run (errors, or signatures
// missing from the database).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	mode, rest := "sign", args
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		mode, rest = args[0], args[1:]
	}
	modes := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"sign":       runSign,
		"gen-roster": runGenRoster,
		"raw-sqlite": runRawSQLite,
		"bare-echo":  runBareEcho,
	}
	if mode == "help" {
		fmt.Fprintln(stdout, usage)
		return exitOK
	}
	fn, ok := modes[mode]
	if !ok {
		fmt.Fprintf(stderr, "ikrar-load: unknown mode %q\n%s\n", mode, usage)
		return exitUsage
	}
	err := fn(ctx, rest, stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "ikrar-load %s: %s\n%s\n", mode, ue.msg, usage)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "ikrar-load %s: %s\n", mode, err)
		return exitFailure
	}
}

const usage = `usage:
  ikrar-load [sign] --url URL --links LINKS.csv [--concurrency 64] [--duration 30s | --requests N] [--warmup 5s] [--skip N] [--db FILE]
  ikrar-load gen-roster --n 100000 [--departments 200] [--seed 1] --out ROSTER.csv
  ikrar-load raw-sqlite --dir DIR [--duration 5s] [--batches 1,16,64,256]
  ikrar-load bare-echo [--concurrency 64] [--duration 10s | --requests N] [--warmup 2s]`

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ikrar-load "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected arguments %q", fs.Args())}
	}
	return nil
}
