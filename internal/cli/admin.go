package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"github.com/ikrar/ikrar/internal/backup"
	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/staff"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
)

func runUserAdd(ctx context.Context, env Env, args []string) error {
	var role, username, email string
	var depts multiFlag
	var fromStdin bool
	cfg, fs, err := parseFlags(env, "user add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", "", i18n.T(outLang, "flag_role"))
		fs.StringVar(&username, "username", "", i18n.T(outLang, "flag_username"))
		fs.Var(&depts, "department", i18n.T(outLang, "flag_user_department"))
		fs.StringVar(&email, "email", "", i18n.T(outLang, "flag_email"))
		fs.BoolVar(&fromStdin, "password-stdin", false, i18n.T(outLang, "flag_password_stdin"))
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 || role == "" || username == "" {
		return usageError{i18n.T(outLang, "cli_need_role_username")}
	}
	if !fromStdin {
		fmt.Fprint(env.Stderr, i18n.T(outLang, "cli_password_prompt"))
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
	u, err := staff.Create(ctx, st, "cli", staff.Account{Username: username, Role: role, Password: password, Email: email, Departments: depts})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_user_added", u.Username, u.Role))
	return nil
}

// runUserSetEmail sets or (with --email "") clears a staff user's address.
func runUserSetEmail(ctx context.Context, env Env, args []string) error {
	var email string
	return userCommand(ctx, env, "user set-email", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", i18n.T(outLang, "flag_set_email"))
	}, func(st *store.Store, u store.User) error {
		if err := staff.SetEmail(ctx, st, "cli", u.ID, email); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, i18n.Both("cli_email_set", u.Username, strings.TrimSpace(email)))
		return nil
	})
}

// runUserReset2FA turns two-step verification off for a user who lost
// both the phone and the recovery codes; with IKRAR_REQUIRE_2FA an admin
// sets it up again at the next sign-in.
func runUserReset2FA(ctx context.Context, env Env, args []string) error {
	return userCommand(ctx, env, "user reset-2fa", args, nil, func(st *store.Store, u store.User) error {
		if err := st.DisableTOTP(ctx, "cli", u.ID); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, i18n.Both("cli_twofa_off", u.Username))
		return nil
	})
}

// userCommand runs a command on one existing staff user named by
// --username (plus the command's own flags).
func userCommand(ctx context.Context, env Env, name string, args []string, flags func(*flag.FlagSet), run func(*store.Store, store.User) error) error {
	var username string
	_, _, st, err := parseAndOpen(ctx, env, name, args, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", i18n.T(outLang, "flag_username"))
		if flags != nil {
			flags(fs)
		}
	}, func(fs *flag.FlagSet) error {
		if fs.NArg() > 0 || username == "" {
			return usageError{i18n.T(outLang, "cli_need_username")}
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByUsername(ctx, username)
	if err != nil {
		return err
	}
	return run(st, u)
}

func runAuditVerify(ctx context.Context, env Env, args []string) error {
	var expect, checkpoint string
	cfg, _, st, err := parseAndOpen(ctx, env, "audit verify", args, func(fs *flag.FlagSet) {
		fs.StringVar(&expect, "expect-head", "", i18n.T(outLang, "flag_expect_head"))
		fs.StringVar(&checkpoint, "checkpoint", "", i18n.T(outLang, "flag_checkpoint"))
	}, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.VerifyAudit(ctx)
	var broken *audit.BrokenError
	if errors.As(err, &broken) {
		fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_audit_broken", broken.Error()))
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
			fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_audit_head_gone", expect))
			return errors.New(i18n.T(outLang, "cli_audit_head_missing", expect))
		}
	}
	if checkpoint != "" {
		file, err := os.ReadFile(checkpoint)
		if err != nil {
			return fmt.Errorf("read checkpoint: %w", err)
		}
		verifier, err := certificate.LoadVerifier(keyOptions(cfg))
		if err != nil {
			return err
		}
		cp, err := certificate.NewService(st, verifier, cfg.BaseURL, newLogger(cfg, env.Stderr)).VerifyCheckpoint(ctx, file)
		if err != nil {
			fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_checkpoint_broken", checkpoint, err.Error()))
			return fmt.Errorf("checkpoint %s: %w", checkpoint, err)
		}
		fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_checkpoint_holds", checkpoint, cp.Events, wib.DateTime(cp.At), cp.Head))
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_audit_ok", rep.Events, rep.Head))
	return nil
}

// runAuditCheckpoint signs the chain's head now and writes the statement
// (to publish where the database's administrator cannot reach).
func runAuditCheckpoint(ctx context.Context, env Env, args []string) error {
	var out string
	cfg, _, st, err := parseAndOpen(ctx, env, "audit checkpoint", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "-", i18n.T(outLang, "flag_out_checkpoint"))
	}, nil)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.Stderr)
	defer st.Close()
	// A checkpoint vouches for the chain: never sign a broken one.
	if _, err := st.VerifyAudit(ctx); err != nil {
		return fmt.Errorf("audit chain does not verify; no checkpoint made: %w", err)
	}
	app, err := openCertificates(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	cp, err := app.Checkpoint(ctx, cfg.Instansi, filepath.Join(cfg.DataDir, "checkpoints"), time.Now())
	if err != nil {
		return err
	}
	if out == "-" {
		_, err = io.WriteString(env.Stdout, cp.Statement)
		return err
	}
	if err := os.WriteFile(out, []byte(cp.Statement), 0o644); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_checkpoint_written", cp.Seq, out))
	return nil
}

func runBackup(ctx context.Context, env Env, args []string) error {
	var out string
	var dbOnly bool
	cfg, _, st, err := parseAndOpen(ctx, env, "backup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", i18n.T(outLang, "flag_out_backup"))
		fs.BoolVar(&dbOnly, "db-only", false, i18n.T(outLang, "flag_db_only"))
	}, func(fs *flag.FlagSet) error {
		if fs.NArg() > 0 || out == "" {
			return usageError{i18n.T(outLang, "cli_need_out")}
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer st.Close()
	if dbOnly {
		if err := st.Backup(ctx, out); err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_backup_db_only", out))
		return nil
	}
	m, err := backup.Write(ctx, st, keyOptions(cfg), out)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_backup_written", out, m.KeyFingerprint, out))
	return nil
}

// runRestore unpacks a backup archive into a fresh data folder and checks
// what it restored: the audit chain verifies and the key is the one the
// database's certificates were signed with.
func runRestore(ctx context.Context, env Env, args []string) error {
	cfg, fs, err := parseFlags(env, "restore", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{i18n.T(outLang, "cli_one_backup")}
	}
	if cfg.DBDriver != "sqlite" {
		return usageError{i18n.T(outLang, "cli_restore_sqlite")}
	}
	m, err := backup.Restore(fs.Arg(0), cfg.DataDir, cfg.DB)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.Stderr)
	st, err := openExisting(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("restored into %s, but its audit chain does not verify; do not serve it: %w", cfg.DataDir, err)
	}
	if _, err := certificate.OpenSigner(ctx, st, keyOptions(cfg), false); err != nil {
		return fmt.Errorf("restored into %s, but: %w", cfg.DataDir, err)
	}
	n, err := st.CountSignatures(ctx, 0)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_restored",
		fs.Arg(0), cfg.DataDir, n, rep.Events, rep.Head, m.KeyFingerprint))
	return nil
}

// runKeysRotate replaces the generated signing key; certificates signed
// by the old key keep verifying (its certificate stays in the database).
func runKeysRotate(ctx context.Context, env Env, args []string) error {
	cfg, _, st, err := parseAndOpen(ctx, env, "keys rotate", args, nil, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := certificate.RotateKey(ctx, st, keyOptions(cfg), "cli", time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_key_rotated", r.New, r.Old, r.RetiredDir))
	return nil
}

// runRevoke revokes a certificate: the verify page and every check then
// say "DICABUT", and the audit chain records who revoked it and why.
func runRevoke(ctx context.Context, env Env, args []string) error {
	var reason, by string
	_, fs, st, err := parseAndOpen(ctx, env, "certificates revoke", args, func(fs *flag.FlagSet) {
		fs.StringVar(&reason, "reason", "", i18n.T(outLang, "flag_revoke_reason"))
		fs.StringVar(&by, "by", "", i18n.T(outLang, "flag_revoke_by"))
	}, func(fs *flag.FlagSet) error {
		if fs.NArg() != 1 || strings.TrimSpace(reason) == "" || strings.TrimSpace(by) == "" {
			return usageError{i18n.T(outLang, "cli_revoke_args")}
		}
		if len(by) > 100 || len(reason) > 1000 {
			return usageError{i18n.T(outLang, "cli_revoke_lengths")}
		}
		return nil
	})
	if err != nil {
		return err
	}
	defer st.Close()
	code := strings.ToUpper(strings.TrimSpace(fs.Arg(0)))
	if err := st.RevokeSignature(ctx, "cli:"+strings.TrimSpace(by), code, reason); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_revoked", code, by, reason))
	return nil
}
