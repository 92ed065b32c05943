package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	ikrar "github.com/ikrar/ikrar"
	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/demo"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/logbatch"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/web"
)

func runServe(ctx context.Context, env Env, args []string) error {
	var withDemo, dev bool
	cfg, fs, err := parseFlags(env, "serve", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&withDemo, "demo", false, i18n.T(outLang, "flag_demo"))
		fs.BoolVar(&dev, "dev", false, i18n.T(outLang, "flag_dev"))
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{i18n.T(outLang, "cli_unexpected_args")}
	}
	// Request lines are written in batches (internal/logbatch): a write per
	// request line was about 3 % of a signing visit's server CPU. They are
	// diagnostics, so losing the last 100 ms of them to a kill -9 is
	// acceptable; a request line at warning or error is written at once.
	// Every other line records something the service did (a certificate
	// made, a message sent, a shutdown) and is written at once, with the
	// request lines before it, so it survives a crash of the process.
	logs := logbatch.New(env.Stderr, 100*time.Millisecond, 64<<10)
	defer logs.Close()
	handler := newLogger(cfg, logs).Handler()
	log := slog.New(logbatch.AtOnce(handler, logs))
	requestLog := slog.New(logbatch.FlushAbove(slog.LevelWarn, handler, logs))
	if os.Getenv("GOGC") == "" {
		// A signing visit allocates ~65 KB; collecting at 4x the live heap
		// instead of 2x cut server CPU per signature ~15% under 64 signers
		// (0.47 -> 0.40 ms, same build), and the live heap is a few MB, so
		// idle RSS stayed at 31 MB. GOGC in the environment still wins.
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// With GOGC at 400 the heap may grow to five times what is live. A
		// roster upload at its limit (roster.UploadLimits, 200,000 rows)
		// holds about 150 MB live and then peaked at 570 MB; this soft limit
		// makes the collector work harder only near it (measured peak 250 MB),
		// and signing, whose live heap is a few MB, never reaches it.
		debug.SetMemoryLimit(220 << 20)
	}
	if cfg.DBDriver == "postgres" && cfg.CertFile == "" && cfg.PKCS12File == "" {
		// Instances sharing a database must share the signing key too, or a
		// certificate made by one fails verification on another.
		log.Warn("PostgreSQL without --signing-cert/--signing-key or --signing-p12: this instance signs with the key in its own data folder; "+
			"give every instance the same key (see docs/DEPLOY.md)", "data", cfg.DataDir)
	}
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	app, err := openCertificates(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	// Recorded so that CLI commands writing links and certificates use the
	// address this server really answers on (README: "The public address").
	if err := st.PutSetting(ctx, "serve", store.SettingBaseURL, cfg.BaseURL); err != nil {
		return err
	}
	if config.IsLocalURL(cfg.BaseURL) && !withDemo {
		log.Warn("the public base URL is a localhost address: links and QR codes in certificates will not open for anyone else; set --base-url (IKRAR_BASE_URL)", "base_url", cfg.BaseURL)
	}
	if withDemo {
		res, created, err := demo.Seed(ctx, st, cfg.Instansi, cfg.BaseURL, uint64(time.Now().UnixNano()))
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if created {
			fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_demo_created", res.ASN))
			fmt.Fprintf(env.Stdout, "  admin:  %s / %s\n", res.AdminUser, res.AdminPassword)
			fmt.Fprintf(env.Stdout, "  head:   %s / %s  %s\n", res.HeadUser, res.HeadPassword, i18n.T(outLang, "cli_demo_department", res.HeadDepartment))
			fmt.Fprintln(env.Stdout, "  "+i18n.T(outLang, "cli_demo_links"))
			for _, l := range res.Links {
				fmt.Fprintf(env.Stdout, "    %s\n", l)
			}
		} else {
			fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_demo_exists"))
		}
	}
	assets := ikrar.Assets
	var files = fsOf(assets)
	if dev {
		files = os.DirFS(".")
	}
	srv, err := web.New(web.Deps{Config: cfg, Store: st, Pledge: &pledge.Service{Store: st, Now: time.Now}, Certs: app,
		Assets: files, Log: log, RequestLog: requestLog})
	if err != nil {
		return err
	}
	// Start-up leaves garbage (every page folded once to prove it can be,
	// web/fold.go) that a collector at GOGC 400 would keep until the heap
	// reached five times what is live; collected once here and handed
	// back to the system, so an idle instance holds what it uses.
	debug.FreeOSMemory()
	sender, err := newSender(cfg, st, log)
	if err != nil {
		return err
	}
	if cfg.SMTPURL == "" {
		fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_serve_no_smtp"))
	}
	workCtx, stopWork := context.WithCancel(context.Background())
	var workDone <-chan struct{}
	if cfg.CertWorkers > 0 {
		workDone = app.StartWorkers(workCtx, cfg.CertWorkers)
	} else { // certificates are made at their first download only
		none := make(chan struct{})
		close(none)
		workDone = none
	}
	checkpointsDone := app.StartCheckpoints(workCtx, cfg.Instansi, filepath.Join(cfg.DataDir, "checkpoints"), time.Hour)
	completedDone := report.WatchCompletedUnits(workCtx, st, log, cfg.CompletedCheck)
	sendDone := make(chan struct{})
	go func() {
		defer close(sendDone)
		sender.Run(workCtx)
	}()
	err = srv.Run(ctx, cfg.Addr, func(addr string) {
		log.Info("ikrar listening", "addr", addr, "base_url", cfg.BaseURL, "db", cfg.DB)
		fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_listening", addr, cfg.BaseURL))
	})
	stopWork()
	<-workDone
	<-checkpointsDone
	<-completedDone
	<-sendDone
	return err
}

// newSender is the outbox's sender for this instance; without SMTP it only
// queues scheduled reminders and the messages wait.
func newSender(cfg config.Config, st *store.Store, log *slog.Logger) (*reach.Sender, error) {
	s := &reach.Sender{Store: st, BaseURL: cfg.BaseURL, Rate: cfg.MailRate, Lease: cfg.MailLease, Log: log,
		Staff: report.StaffMail{Store: st, BaseURL: cfg.BaseURL}, DigestAt: cfg.DigestAt, NoDigest: cfg.NoDigest}
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Hostname() != "" {
		s.Host = u.Hostname()
	}
	if cfg.SMTPURL != "" {
		m, err := reach.NewSMTP(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return nil, err
		}
		s.Mailer = m
	}
	return s, nil
}
