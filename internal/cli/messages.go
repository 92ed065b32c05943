package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sort"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/store"
)

// runMessagesSend queues invitations or reminders for the pending people in
// scope; the running server's sender delivers them.
func runMessagesSend(ctx context.Context, env Env, args []string) error {
	var kind, dept string
	var campaignID uint
	var dry bool
	cfg, _, st, err := parseAndOpen(ctx, env, "messages send", args, func(fs *flag.FlagSet) {
		fs.StringVar(&kind, "kind", "", i18n.T(outLang, "flag_messages_kind"))
		fs.StringVar(&dept, "department", "", i18n.T(outLang, "flag_department"))
		fs.UintVar(&campaignID, "campaign", 0, i18n.T(outLang, "flag_campaign_open"))
		fs.BoolVar(&dry, "dry-run", false, i18n.T(outLang, "flag_messages_dry_run"))
	}, func(fs *flag.FlagSet) error {
		if kind != reach.KindInvitation && kind != reach.KindReminder {
			return usageError{i18n.T(outLang, "cli_kind")}
		}
		return noArguments(fs)
	})
	if err != nil {
		return err
	}
	defer st.Close()
	sc, camp, err := scopeAndCampaign(ctx, st, dept, campaignID)
	if err != nil {
		return err
	}
	res, err := reach.Queue(ctx, st, time.Now(), reach.Request{Kind: kind, Campaign: camp, DepartmentIDs: sc.IDs(), DryRun: dry, Actor: "cli"})
	if errors.Is(err, reach.ErrNotOpen) {
		return i18n.New("cli_campaign_closed", camp.ID, camp.Title)
	}
	if err != nil {
		return err
	}
	done := "cli_messages_queued"
	if dry {
		done = "cli_messages_would_queue"
	}
	fmt.Fprintln(env.Stdout, i18n.T(outLang, done, res.Queued, kind, camp.ID, res.Pending, res.Already, res.NoAddress))
	if cfg.SMTPURL == "" && !dry {
		fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_messages_no_smtp"))
	}
	return nil
}

// runMessagesStatus prints the outbox's counts by kind and state.
func runMessagesStatus(ctx context.Context, env Env, args []string) error {
	_, _, st, err := parseAndOpen(ctx, env, "messages status", args, nil, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	counts, err := st.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	states := []string{store.OutboxQueued, store.OutboxSending, store.OutboxSent, store.OutboxFailed, store.OutboxSkipped}
	byKind := map[string]map[string]int{}
	for _, c := range counts {
		if byKind[c.Kind] == nil {
			byKind[c.Kind] = map[string]int{}
		}
		byKind[c.Kind][c.State] = c.N
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(env.Stdout, "%-12s", i18n.T(outLang, "cli_messages_kind"))
	for _, s := range states {
		fmt.Fprintf(env.Stdout, " %8s", s)
	}
	fmt.Fprintln(env.Stdout)
	for _, k := range kinds {
		fmt.Fprintf(env.Stdout, "%-12s", k)
		for _, s := range states {
			fmt.Fprintf(env.Stdout, " %8d", byKind[k][s])
		}
		fmt.Fprintln(env.Stdout)
	}
	failed, err := st.OutboxByState(ctx, store.OutboxFailed, 20)
	if err != nil {
		return err
	}
	for _, f := range failed {
		fmt.Fprintln(env.Stdout, i18n.T(outLang, "cli_message_failed", f.Kind, f.Name, f.Recipient, f.LastError))
	}
	return nil
}
