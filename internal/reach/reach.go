// Package reach gets the pledge to every ASN before the deadline: it owns
// the outbox (one row per message, never queued twice), the sender that
// delivers it over SMTP with retries and a rate cap, the reminder schedule
// and the layout of every message (its words are catalogue keys, package
// i18n). The web pages and `ikrar messages`
// queue through Queue; `ikrar serve` runs the Sender.
package reach

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
)

// Kinds of message.
const (
	KindInvitation = "invitation"
	KindReminder   = "reminder"
)

// ErrKind is an unknown kind of message.
var ErrKind = errors.New("kind must be invitation or reminder")

// ErrNotOpen means the campaign cannot be signed (closed, or past its
// deadline), so nobody should be asked to sign it.
var ErrNotOpen = errors.New("campaign is not open for signing")

// Request asks for messages to the pending people of some departments.
type Request struct {
	Kind          string
	Campaign      store.Campaign
	DepartmentIDs []uint // nil: everyone; callers include sub-units
	DryRun        bool
	Actor         string
}

// Queue queues one message per pending person with an address. An
// invitation goes once per person and campaign; a reminder asked for by
// hand goes at most once per person and WIB day (step manual-YYYY-MM-DD),
// so pressing the button twice, or an admin and a head both pressing it,
// sends one.
func Queue(ctx context.Context, st *store.Store, now time.Time, r Request) (store.QueueResult, error) {
	step := ""
	switch r.Kind {
	case KindInvitation:
	case KindReminder:
		step = "manual-" + now.In(wib.Zone).Format("2006-01-02")
	default:
		return store.QueueResult{}, fmt.Errorf("%w: %q", ErrKind, r.Kind)
	}
	if r.Campaign.Status != store.CampaignOpen || pledge.PastDeadline(r.Campaign, now) {
		return store.QueueResult{}, fmt.Errorf("campaign %d: %w", r.Campaign.ID, ErrNotOpen)
	}
	return st.QueueMessages(ctx, r.Actor, store.QueueSpec{CampaignID: r.Campaign.ID, Kind: r.Kind, Step: step,
		DepartmentIDs: r.DepartmentIDs, DryRun: r.DryRun})
}

// DefaultSchedule is when reminders go: 3 days and 1 day before the
// deadline's day and that day itself, each in the morning (07.00 WIB).
var DefaultSchedule = []int{3, 1, 0}

// ParseSchedule reads reminder days as an admin types them ("3, 1, 0":
// days before the deadline's day, 0 its morning): at most 10 different
// days from 0 to 60, returned furthest first. "" is no reminders.
func ParseSchedule(s string) ([]int, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	seen := map[int]bool{}
	out := []int{}
	for _, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || n > 60 {
			return nil, fmt.Errorf("reminder day %q: want a whole number of days from 0 to 60", f)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if len(out) > 10 {
		return nil, errors.New("at most 10 reminder days")
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out, nil
}

// FormatSchedule writes a schedule the way ParseSchedule reads it.
func FormatSchedule(days []int) string {
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ", ")
}

// ScheduleOf is a campaign's reminder days: its own, or DefaultSchedule.
func ScheduleOf(ctx context.Context, st *store.Store, campaignID uint) ([]int, error) {
	days, own, err := st.ReminderDays(ctx, campaignID)
	if err != nil || !own {
		return DefaultSchedule, err
	}
	return ParseSchedule(days)
}

// reminderHour is the WIB hour scheduled reminders are due.
const reminderHour = 7

// DueStep returns the scheduled reminder step due at now for a campaign
// ("h-3", "h-1", "h-0"), or "" when none is. A step is due from its
// morning until the next step's (or the deadline): a step whose time
// passed before the deadline was set is skipped rather than sent late
// beside the next one.
func DueStep(c store.Campaign, schedule []int, now time.Time) string {
	if c.ClosesAt == nil || c.Status != store.CampaignOpen || !now.Before(*c.ClosesAt) {
		return ""
	}
	dl := c.ClosesAt.In(wib.Zone)
	at := func(days int) time.Time {
		d := dl.AddDate(0, 0, -days)
		return time.Date(d.Year(), d.Month(), d.Day(), reminderHour, 0, 0, 0, wib.Zone)
	}
	for i, days := range schedule {
		end := *c.ClosesAt
		if i+1 < len(schedule) {
			end = at(schedule[i+1])
		}
		if start := at(days); !now.Before(start) && now.Before(end) {
			return "h-" + strconv.Itoa(days)
		}
	}
	return ""
}
