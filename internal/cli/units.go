package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/roster"
	"github.com/ikrar/ikrar/internal/store"
)

// runUnitsImport builds the unit tree from a units file (kode;nama;induk).
func runUnitsImport(ctx context.Context, env Env, args []string) error {
	var dry bool
	path, f, st, err := openImport(ctx, env, "units import", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&dry, "dry-run", false, i18n.T(outLang, "flag_dry_run"))
	}, "give exactly one units file (.csv or .xlsx with columns kode, nama, induk)", "units file")
	if err != nil {
		return err
	}
	defer f.Close()
	defer st.Close()
	res, err := roster.ImportUnits(ctx, st, "cli", filepath.Base(path), f, dry)
	var perr *roster.Errors
	if errors.As(err, &perr) {
		fmt.Fprintln(env.Stderr, i18n.Both("cli_units_not_imported", len(perr.Problems)))
		for _, p := range perr.Problems {
			fmt.Fprintf(env.Stderr, "  %s\n", p)
		}
		return errors.New(i18n.T(outLang, "cli_problems_in", len(perr.Problems), path))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_units_result", importVerb(dry), res.Added, res.Renamed, res.Moved, res.Unchanged))
	return nil
}

// runAuditExport streams the audit chain (or the events a filter selects)
// as CSV or JSON Lines, oldest first.
func runAuditExport(ctx context.Context, env Env, args []string) error {
	var format, out string
	var q report.AuditQuery
	writers := map[string]func(context.Context, *store.Store, store.AuditFilter, io.Writer) (int, error){
		"csv": report.WriteAuditCSV, "jsonl": report.WriteAuditJSONL}
	_, _, st, err := parseAndOpen(ctx, env, "audit export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&format, "format", "", i18n.T(outLang, "flag_audit_format"))
		fs.StringVar(&out, "out", "", i18n.T(outLang, "flag_out"))
		fs.StringVar(&q.Kind, "kind", "", i18n.T(outLang, "flag_audit_kind"))
		fs.StringVar(&q.Actor, "actor", "", i18n.T(outLang, "flag_audit_actor"))
		fs.StringVar(&q.Unit, "department", "", i18n.T(outLang, "flag_audit_department"))
		fs.StringVar(&q.From, "from", "", i18n.T(outLang, "flag_audit_from"))
		fs.StringVar(&q.To, "to", "", i18n.T(outLang, "flag_audit_to"))
	}, formatAndOut(writers, &format, &out, "--format csv|jsonl and --out FILE (or -) are required"))
	if err != nil {
		return err
	}
	defer st.Close()
	write := writers[format]
	f, err := q.Filter(ctx, st)
	if err != nil {
		return err
	}
	var n int
	if err := writeOutput(env, out, func(w io.Writer) error {
		var err error
		n, err = write(ctx, st, f, w)
		return err
	}); err != nil {
		return err
	}
	if err := st.Record(ctx, "cli", "audit.exported", "audit:"+format, map[string]string{
		"kind": q.Kind, "actor": q.Actor, "unit": q.Unit, "from": q.From, "to": q.To, "count": strconv.Itoa(n)}); err != nil {
		return err
	}
	fmt.Fprintln(statusWriter(env, out), i18n.T(outLang, "cli_audit_written", n, out))
	return nil
}

// runCertificatesReissue makes certificates again with today's public
// address: the ones named by --code, or with --stale every stored
// certificate of the campaign that no longer matches its record (e.g. made
// with a localhost address). The old files keep verifying, as replaced.
func runCertificatesReissue(ctx context.Context, env Env, args []string) error {
	var codes multiFlag
	var stale bool
	var reason, dept string
	var campaignID uint
	cfg, fs, err := parseFlags(env, "certificates reissue", args, func(fs *flag.FlagSet) {
		fs.Var(&codes, "code", i18n.T(outLang, "flag_reissue_code"))
		fs.BoolVar(&stale, "stale", false, i18n.T(outLang, "flag_reissue_stale"))
		fs.StringVar(&reason, "reason", "", i18n.T(outLang, "flag_reissue_reason"))
		fs.StringVar(&dept, "department", "", i18n.T(outLang, "flag_reissue_department"))
		fs.UintVar(&campaignID, "campaign", 0, i18n.T(outLang, "flag_reissue_campaign"))
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 || strings.TrimSpace(reason) == "" || (len(codes) == 0) == !stale {
		return usageError{i18n.T(outLang, "cli_reissue_args")}
	}
	st, svc, err := openForCertificates(ctx, &cfg, env.Stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	if stale {
		sc, camp, err := scopeAndCampaign(ctx, st, dept, campaignID)
		if err != nil {
			return err
		}
		err = st.SignedEntries(ctx, camp.ID, sc.IDs(), func(batch []store.SignedEntry) error {
			for _, e := range batch {
				sig, err := st.SignatureByID(ctx, e.SignatureID)
				if err != nil {
					return err
				}
				if sig.Revoked {
					continue
				}
				if old, err := svc.Stale(ctx, sig); err != nil {
					return err
				} else if old {
					codes = append(codes, sig.CertCode)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, code := range codes {
		if _, err := svc.Reissue(ctx, "cli", code, reason); err != nil {
			return fmt.Errorf("re-issue %s: %w", code, err)
		}
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_reissued", len(codes), cfg.BaseURL))
	return nil
}
