package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
)

// scopeAndCampaign resolves --department and --campaign for exports.
func scopeAndCampaign(ctx context.Context, st *store.Store, dept string, campaignID uint) (org.Scope, store.Campaign, error) {
	sc, err := org.All(ctx, st)
	if err != nil {
		return org.Scope{}, store.Campaign{}, err
	}
	if dept != "" {
		d, ok := sc.Department(dept)
		if !ok {
			return org.Scope{}, store.Campaign{}, i18n.New("department_unknown", dept)
		}
		sc = sc.Narrow(d.ID)
	}
	var camp store.Campaign
	if campaignID != 0 {
		camp, err = st.CampaignByID(ctx, campaignID)
		if err != nil {
			return org.Scope{}, store.Campaign{}, err
		}
		return sc, camp, nil
	}
	all, err := st.Campaigns(ctx)
	if err != nil {
		return org.Scope{}, store.Campaign{}, err
	}
	if len(all) == 0 {
		return org.Scope{}, store.Campaign{}, i18n.New("cli_no_campaign")
	}
	camp = all[0]
	for _, c := range all {
		if c.Status == store.CampaignOpen {
			camp = c
			break
		}
	}
	return sc, camp, nil
}

func runLinksExport(ctx context.Context, env Env, args []string) error {
	var dept, out, format string
	cfg, fs, err := parseFlags(env, "links export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&dept, "department", "", i18n.T(outLang, "flag_department"))
		fs.StringVar(&out, "out", "", i18n.T(outLang, "flag_out_links"))
		fs.StringVar(&format, "format", "", i18n.T(outLang, "flag_links_format"))
	})
	if err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(out))
	if format != "" {
		ext = "." + strings.ToLower(format)
	} else if out == stdoutName {
		ext = ".csv"
	}
	if fs.NArg() > 0 || out == "" || (ext != ".csv" && ext != ".pdf") {
		return usageError{i18n.T(outLang, "cli_out_csv_pdf")}
	}
	st, err := openForLinks(ctx, &cfg, newLogger(cfg, env.Stderr))
	if err != nil {
		return err
	}
	defer st.Close()
	sc, camp, err := scopeAndCampaign(ctx, st, dept, 0)
	if err != nil {
		return err
	}
	n := 0
	err = writeOutput(env, out, func(w io.Writer) error {
		if ext == ".csv" { // streamed: memory does not grow with the roster
			n, err = report.StreamLinksCSV(ctx, w, st, sc, cfg.BaseURL)
			return err
		}
		// A PDF is laid out whole in memory (gofpdf): a unit's sheet is
		// what it is for, and a larger one is refused (report.MaxPDFPeople).
		sheet, err := report.BuildLinksPDF(ctx, st, sc, cfg.BaseURL, camp, time.Now())
		if err != nil {
			return err
		}
		n = len(sheet.Links)
		return report.WriteLinksPDF(w, sheet)
	})
	if err != nil {
		return err
	}
	if err := st.Record(ctx, "cli", "links.exported", "links:"+outLabel(out), map[string]string{"count": strconv.Itoa(n)}); err != nil {
		return err
	}
	fmt.Fprintln(statusWriter(env, out), i18n.T(outLang, "cli_links_written", n, out))
	return nil
}

func runReport(ctx context.Context, env Env, args []string) error {
	var dept, format, out string
	var campaignID uint
	writers := map[string]func(io.Writer, report.Report) error{"pdf": report.WritePDF, "csv": report.WriteCSV, "xlsx": report.WriteXLSX}
	_, _, st, err := parseAndOpen(ctx, env, "report", args, func(fs *flag.FlagSet) {
		fs.StringVar(&dept, "department", "", i18n.T(outLang, "flag_report_department"))
		fs.UintVar(&campaignID, "campaign", 0, i18n.T(outLang, "flag_campaign"))
		fs.StringVar(&format, "format", "", i18n.T(outLang, "flag_report_format"))
		fs.StringVar(&out, "out", "", i18n.T(outLang, "flag_out"))
	}, formatAndOut(writers, &format, &out, "--format pdf|csv|xlsx and --out are required"))
	if err != nil {
		return err
	}
	defer st.Close()
	write := writers[format]
	sc, camp, err := scopeAndCampaign(ctx, st, "", campaignID)
	if err != nil {
		return err
	}
	var r report.Report
	var d store.Department
	if dept != "" {
		var ok bool
		if d, ok = sc.Department(dept); !ok {
			return i18n.New("department_unknown", dept)
		}
	}
	switch {
	case dept != "" && (format == "csv" || format == "xlsx"): // streamed: memory does not grow with the unit
		stream := report.StreamDepartmentCSV
		if format == "xlsx" {
			stream = report.StreamDepartmentXLSX
		}
		err = writeOutput(env, out, func(w io.Writer) (err error) {
			r, err = stream(ctx, w, st, sc, d, camp, time.Now())
			return err
		})
	case dept != "": // a PDF: refused for a unit too large for one PDF before anyone is read
		if r, err = report.BuildDepartmentPDF(ctx, st, sc, d, camp, time.Now()); err == nil {
			err = writeOutput(env, out, func(w io.Writer) error { return write(w, r) })
		}
	default:
		if r, err = report.BuildSummary(ctx, st, sc, camp, time.Now()); err == nil {
			err = writeOutput(env, out, func(w io.Writer) error { return write(w, r) })
		}
	}
	if err != nil {
		return err
	}
	if err := st.Record(ctx, "cli", "report.exported", "report:"+outLabel(out), nil); err != nil {
		return err
	}
	fmt.Fprintln(statusWriter(env, out), i18n.T(outLang, "cli_report_written", out, r.Total.Signed, r.Total.Roster))
	return nil
}

func runCertificatesExport(ctx context.Context, env Env, args []string) error {
	var dept, out string
	var campaignID uint
	cfg, fs, err := parseFlags(env, "certificates export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&dept, "department", "", i18n.T(outLang, "flag_department"))
		fs.UintVar(&campaignID, "campaign", 0, i18n.T(outLang, "flag_campaign"))
		fs.StringVar(&out, "out", "", i18n.T(outLang, "flag_out_zip"))
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 || (out != stdoutName && !strings.EqualFold(filepath.Ext(out), ".zip")) {
		return usageError{i18n.T(outLang, "cli_out_zip")}
	}
	st, svc, err := openForCertificates(ctx, &cfg, env.Stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	sc, camp, err := scopeAndCampaign(ctx, st, dept, campaignID)
	if err != nil {
		return err
	}
	_, total, err := report.CompletionOf(ctx, st, sc, camp.ID)
	if err != nil {
		return err
	}
	bar := newProgressBar(env.Stderr, i18n.T("id", "cli_progress_certificates")) // Indonesian, as it always was
	var n int
	err = writeOutput(env, out, func(w io.Writer) error {
		var err error
		n, err = svc.ExportZip(ctx, w, camp.ID, sc.IDs(), total.Signed, bar.update)
		return err
	})
	bar.finish()
	if err != nil {
		return err
	}
	if err := st.Record(ctx, "cli", "certificates.exported", "certificates:"+outLabel(out), map[string]string{"count": strconv.Itoa(n)}); err != nil {
		return err
	}
	fmt.Fprintln(statusWriter(env, out), i18n.T(outLang, "cli_certs_written", n, out))
	return nil
}

func runVerify(ctx context.Context, env Env, args []string) error {
	cfg, fs, err := parseFlags(env, "verify", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{i18n.T(outLang, "cli_one_pdf")}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("open certificate: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(f, 16<<20))
	f.Close()
	if err != nil {
		return fmt.Errorf("read certificate: %w", err)
	}
	log := newLogger(cfg, env.Stderr)
	st, err := openExisting(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	signer, err := certificate.LoadVerifier(keyOptions(cfg))
	if err != nil {
		return err
	}
	svc := certificate.NewService(st, signer, cfg.BaseURL, log)
	sig, err := svc.VerifyUpload(ctx, b)
	if errors.Is(err, certificate.ErrReplaced) {
		// Genuine, an earlier version of a re-issued certificate.
		fmt.Fprintf(env.Stdout, "%s: %s, NIP %s, %s %s: %s\n", i18n.Both("cli_valid_replaced"), sig.SignerName, sig.SignerNIP,
			i18n.Both("label_certificate"), sig.CertCode, svc.Reason(err))
		return nil
	}
	if err != nil {
		fmt.Fprintf(env.Stdout, "%s: %s\n", i18n.Both("invalid"), svc.Reason(err))
		if errors.Is(err, certificate.ErrRevoked) {
			if rv, rerr := st.RevocationOf(ctx, sig.CertCode); rerr == nil {
				fmt.Fprintf(env.Stdout, "%s %s %s %s: %s\n", i18n.Both("revoked"), wib.DateTime(rv.At), i18n.Both("label_by"), rv.Actor, rv.Reason)
			}
		}
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	// What the certificate says, as signed, and the time in WIB: in UTC a
	// signature made between 00.00 and 07.00 WIB read a day early.
	dept, err := st.DepartmentByID(ctx, sig.DepartmentID)
	if err != nil {
		return err
	}
	camp, err := st.CampaignByID(ctx, sig.CampaignID)
	if err != nil {
		return err
	}
	// Labels in both languages, the values once.
	fmt.Fprintf(env.Stdout, "%s: %s, NIP %s, %s, %s\n", i18n.Both("valid"), sig.SignerName, sig.SignerNIP, sig.SignerPosition, dept.Name)
	fmt.Fprintf(env.Stdout, "%s: %s (%s %d)\n", i18n.Both("campaign"), camp.Title, i18n.Both("label_version"), camp.Version)
	fmt.Fprintf(env.Stdout, "%s: %s, %s %s\n", i18n.Both("label_signed"), wib.DateTime(sig.SignedAt), i18n.Both("label_certificate"), sig.CertCode)
	if f, err := certificate.FactsOf(b); err == nil {
		fmt.Fprintf(env.Stdout, "%s: SHA-256 %s, %s, %s %s – %s\n", i18n.Both("label_key"), f.KeySHA256, f.KeySubject,
			i18n.Both("label_valid_from_to"), f.KeyNotBefore.Format("2006-01-02"), f.KeyNotAfter.Format("2006-01-02"))
		if f.Timestamp != nil {
			fmt.Fprintf(env.Stdout, "%s (RFC 3161): %s, %s\n", i18n.Both("label_trusted_time"), wib.DateTime(f.Timestamp.Time), f.Timestamp.Authority)
		}
	}
	return nil
}

// progressBar draws on a terminal and stays quiet when output is a file or
// pipe (logs, CI), where it prints one line at the end instead.
type progressBar struct {
	w     io.Writer
	label string
	tty   bool
	last  time.Time
	done  int
}

func newProgressBar(w io.Writer, label string) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, label: label, tty: tty}
}

func (p *progressBar) update(done, total int) {
	p.done = done
	if !p.tty || (time.Since(p.last) < 100*time.Millisecond && done != total) {
		return
	}
	p.last = time.Now()
	const width = 30
	fill := width
	pct := 100
	if total > 0 {
		fill = min(width*done/total, width)
		pct = min(100*done/total, 100)
	}
	fmt.Fprintf(p.w, "\r[%s%s] %3d%% %d/%d %s", strings.Repeat("█", fill), strings.Repeat("·", width-fill), pct, done, total, p.label)
}

func (p *progressBar) finish() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}
