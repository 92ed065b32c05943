package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ikrar/ikrar/internal/audit"
	"github.com/ikrar/ikrar/internal/staff"
)

func runUserAdd(ctx context.Context, env Env, args []string) error {
	var role, username string
	var depts multiFlag
	var fromStdin bool
	cfg, fs, err := parseFlags(env, "user add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "", "admin or head")
		fs.StringVar(&username, "username", "", "login name")
		fs.Var(&depts, "department", "department code a head may see (repeatable)")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input")
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 || role == "" || username == "" {
		return usageError{"--role and --username are required"}
	}
	if !fromStdin {
		fmt.Fprint(env.Stderr, "Password: ")
	}
	// Without a terminal library the prompt echoes; --password-stdin is the
	// way for scripts and keeps the password out of shell history.
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	log := newLogger(cfg, env.Stderr)
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := staff.Add(ctx, st, "cli", username, role, password, depts)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "user %s added (role %s)\n", u.Username, u.Role)
	return nil
}

func runAuditVerify(ctx context.Context, env Env, args []string) error {
	var expect string
	cfg, fs, err := parseFlags(env, "audit verify", args, func(fs *flag.FlagSet) {
		fs.StringVar(&expect, "expect-head", "", "a head hash printed by an earlier audit verify; fail unless it is still in the chain")
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected arguments"}
	}
	st, err := openExisting(ctx, cfg, newLogger(cfg, env.Stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.VerifyAudit(ctx)
	var broken *audit.BrokenError
	if errors.As(err, &broken) {
		fmt.Fprintf(env.Stdout, "BROKEN %s\n", broken.Error())
		return broken
	}
	if err != nil {
		return err
	}
	if expect != "" {
		// A head written down elsewhere (a ministry letter, a ticket) proves
		// the chain was not cut back and rebuilt since.
		found, err := st.HasEventHash(ctx, expect)
		if err != nil {
			return err
		}
		if !found {
			fmt.Fprintf(env.Stdout, "BROKEN the expected head %s is no longer in the chain\n", expect)
			return fmt.Errorf("expected head %s is not in the audit chain", expect)
		}
	}
	fmt.Fprintf(env.Stdout, "ok %d events, head %s\n", rep.Events, rep.Head)
	return nil
}

func runBackup(ctx context.Context, env Env, args []string) error {
	var out string
	cfg, fs, err := parseFlags(env, "backup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "backup file to write (must not exist)")
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 || out == "" {
		return usageError{"--out is required"}
	}
	st, err := openExisting(ctx, cfg, newLogger(cfg, env.Stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup written to %s\n", out)
	return nil
}
