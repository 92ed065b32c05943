package reach

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
	"golang.org/x/time/rate"
)

// NoteLang is the language of the notes stored with an outbox row (why a
// message was skipped, held back or failed): English, shown as stored on
// /admin/outbox beside the SMTP server's own answers.
const NoteLang = "en"

// Mailer delivers one composed message.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// Sender delivers the outbox. Several senders (one per ikrar instance) may
// run on one database: each message is claimed by one of them with a
// lease, and a message whose sender died is taken over when the lease
// ends. Delivery is at least once at the SMTP boundary (a kill between
// the server's "250 OK" and the row's update resends that one message,
// with the same Message-ID); a sent message is never queued again.
type Sender struct {
	Store   *store.Store
	Mailer  Mailer // nil: nothing is sent, messages stay queued
	BaseURL string
	Host    string // for Message-IDs
	Rate    int    // messages per minute
	Log     *slog.Logger
	Now     func() time.Time

	Batch       int             // messages claimed at once (default: ten seconds' worth at the rate, 1 to 20)
	Lease       time.Duration   // how long a claim holds (default 2 minutes; at least twice a batch at the rate)
	MaxAttempts int             // then a message fails (default 8)
	Idle        time.Duration   // pause when nothing is due (default 2 s)
	queued      map[string]bool // reminder steps this process has queued (campaign/step/deadline)

	// HTTP posts webhooks (nil: a client with a 30 s timeout). Webhooks
	// go out even without a Mailer.
	HTTP *http.Client

	Schedule []int // reminder days before the deadline for every campaign; nil: each campaign's own (ScheduleOf)

	// Staff composes the messages to staff users (the digest and the
	// "unit at 100 %" message) from the figures as they are at sending
	// time; nil: no digests are queued and such messages wait.
	Staff StaffComposer
	// DigestAt is the WIB time of day (from midnight) the daily digests
	// are queued; NoDigest turns them off.
	DigestAt time.Duration
	NoDigest bool
}

// StaffComposer writes a message to a staff user, or says why it is no
// longer needed (skip). It lives beside the figures (package report), so
// the digest counts by the one completion rule.
type StaffComposer interface {
	ComposeStaff(ctx context.Context, m store.ClaimedMessage, now time.Time) (m2 Mail, skip string, err error)
}

// IsStaffKind reports a kind of message that goes to a staff user.
func IsStaffKind(kind string) bool { return kind == store.KindDigest || kind == store.KindUnitComplete }

func (s *Sender) defaults() {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Rate < 1 {
		s.Rate = 60
	}
	if s.Batch < 1 {
		// About ten seconds of sending at the rate: a killed sender's
		// claim then holds back few messages, and briefly.
		s.Batch = min(20, max(1, s.Rate/6))
	}
	s.Batch = min(s.Batch, s.Rate)
	if s.Lease <= 0 {
		s.Lease = 2 * time.Minute
	}
	// A claim must outlast sending its whole batch at the rate.
	s.Lease = max(s.Lease, 2*time.Duration(s.Batch)*time.Minute/time.Duration(s.Rate))
	if s.MaxAttempts < 1 {
		s.MaxAttempts = 8
	}
	if s.Idle <= 0 {
		s.Idle = 2 * time.Second
	}
	if s.Host == "" {
		s.Host = "ikrar"
	}
	if s.queued == nil {
		s.queued = map[string]bool{}
	}
}

// Run queues scheduled reminders once a minute and delivers due messages
// until ctx ends. Without a Mailer it only queues.
func (s *Sender) Run(ctx context.Context) error {
	s.defaults()
	limit := rate.NewLimiter(rate.Every(time.Minute/time.Duration(s.Rate)), 1)
	var lastSchedule time.Time
	for ctx.Err() == nil {
		if s.Now().Sub(lastSchedule) >= time.Minute {
			lastSchedule = s.Now()
			if err := s.ScheduleReminders(ctx); err != nil && ctx.Err() == nil {
				s.Log.Error("queue scheduled reminders", "err", err)
			}
			if err := s.ScheduleDigests(ctx); err != nil && ctx.Err() == nil {
				s.Log.Error("queue daily digests", "err", err)
			}
		}
		n, err := s.deliverBatch(ctx, limit)
		if err != nil && ctx.Err() == nil {
			s.Log.Error("deliver messages", "err", err)
		}
		if n == 0 {
			select {
			case <-ctx.Done():
			case <-time.After(s.Idle):
			}
		}
	}
	return nil
}

// ScheduleReminders queues the reminder step due now for every open
// campaign with a deadline. The outbox's unique index makes this safe to
// run every minute on every instance.
func (s *Sender) ScheduleReminders(ctx context.Context) error {
	s.defaults()
	open, err := s.Store.OpenCampaigns(ctx)
	if err != nil {
		return err
	}
	for _, c := range open {
		schedule := s.Schedule
		if schedule == nil {
			var err error
			if schedule, err = ScheduleOf(ctx, s.Store, c.ID); err != nil {
				return fmt.Errorf("campaign %d: %w", c.ID, err)
			}
		}
		step := DueStep(c, schedule, s.Now())
		if step == "" { // also every campaign without a deadline
			continue
		}
		key := fmt.Sprintf("%d/%s/%d", c.ID, step, c.ClosesAt.Unix())
		if s.queued[key] {
			continue
		}
		res, err := s.Store.QueueMessages(ctx, "ikrar", store.QueueSpec{CampaignID: c.ID, Kind: KindReminder, Step: step})
		if err != nil {
			return fmt.Errorf("campaign %d reminder %s: %w", c.ID, step, err)
		}
		if res.Queued > 0 {
			s.Log.Info("reminders queued", "campaign", c.ID, "step", step, "queued", res.Queued, "no_address", res.NoAddress)
		}
		// Once per step and process: queueing reads the whole roster and,
		// on SQLite, holds the one writer while it does, so it must not
		// run every minute of a step's window. Another instance or a
		// restart queues again, which the unique index makes harmless.
		s.queued[key] = true
	}
	return nil
}

// ScheduleDigests queues today's digest for every head with an address
// once the day's digest time (WIB) has come, while any campaign is open
// for signing. Like the reminders it runs every minute on every instance
// and the outbox's unique index keeps it to one digest per head and day;
// a server started after the digest time sends that day's digest then.
func (s *Sender) ScheduleDigests(ctx context.Context) error {
	s.defaults()
	if s.Staff == nil || s.NoDigest {
		return nil
	}
	now := s.Now().In(wib.Zone)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, wib.Zone)
	if now.Before(midnight.Add(s.DigestAt)) {
		return nil
	}
	day := now.Format("2006-01-02")
	key := "digest/" + day
	if s.queued[key] {
		return nil
	}
	open, err := s.Store.OpenCampaigns(ctx)
	if err != nil {
		return err
	}
	signable := false
	for _, c := range open {
		signable = signable || (c.Status == store.CampaignOpen && !pledge.PastDeadline(c, s.Now()))
	}
	if !signable {
		return nil // checked again next minute: a campaign may open today
	}
	res, err := s.Store.QueueDigests(ctx, day)
	if err != nil {
		return err
	}
	if res.Queued > 0 || res.NoAddress > 0 {
		s.Log.Info("daily digests queued", "day", day, "queued", res.Queued, "heads_without_email", res.NoAddress)
	}
	s.queued[key] = true
	return nil
}

// DeliverOnce claims and delivers one batch (for tests and tools).
func (s *Sender) DeliverOnce(ctx context.Context) (int, error) {
	s.defaults()
	return s.deliverBatch(ctx, rate.NewLimiter(rate.Inf, 1))
}

func (s *Sender) deliverBatch(ctx context.Context, limit *rate.Limiter) (int, error) {
	var kinds []string // every kind
	if s.Mailer == nil {
		kinds = []string{store.KindWebhook} // mail waits for an instance with SMTP
	}
	batch, err := s.Store.ClaimMessagesOf(ctx, s.Batch, s.Lease, kinds)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	for i, m := range batch {
		if err := limit.Wait(ctx); err != nil {
			// Shutting down: hand the rest back now rather than at the
			// end of the lease.
			release := context.WithoutCancel(ctx)
			for _, r := range batch[i:] {
				if err := s.Store.MarkRetry(release, r.ID, s.Now(), i18n.T(NoteLang, "note_stopped")); err != nil {
					s.Log.Error("release message", "id", r.ID, "err", err)
				}
			}
			return i, nil
		}
		if err := s.deliver(ctx, m); err != nil {
			return i, err
		}
	}
	return len(batch), nil
}

// deliver sends one claimed message and records the outcome. Only a
// database error is returned; a mail error is the message's outcome.
func (s *Sender) deliver(ctx context.Context, m store.ClaimedMessage) error {
	if m.Attempts > s.MaxAttempts {
		return s.Store.MarkFailed(ctx, m.ID, i18n.T(NoteLang, "note_too_many_attempts"))
	}
	if m.Kind == store.KindWebhook {
		return s.deliverWebhook(ctx, m)
	}
	var mail Mail
	var skip string
	var err error
	if IsStaffKind(m.Kind) {
		if s.Staff == nil {
			return s.Store.MarkRetry(ctx, m.ID, s.Now().Add(s.Lease), i18n.T(NoteLang, "note_cannot_write_staff"))
		}
		mail, skip, err = s.Staff.ComposeStaff(ctx, m, s.Now())
		mail.MessageID = "ikrar-" + strconv.Itoa(int(m.ID)) + "@" + s.Host
	} else {
		mail, skip, err = s.compose(ctx, m)
	}
	if err != nil {
		return err
	}
	if skip != "" {
		return s.Store.MarkSkipped(ctx, m.ID, skip)
	}
	sendCtx, cancel := context.WithTimeout(ctx, time.Minute)
	err = s.Mailer.Send(sendCtx, mail)
	cancel()
	db := context.WithoutCancel(ctx) // the outcome is recorded even while shutting down
	var refused *RefusedError
	switch {
	case err == nil:
		return s.Store.MarkSent(db, m.ID)
	case errors.As(err, &refused):
		s.Log.Warn("address refused", "id", m.ID, "to", mail.To, "err", err)
		if m.ASNID != 0 { // a staff address is the admin's to fix, on the users page
			if err := s.Store.RefuseAddress(db, m.ASNID, mail.To, err.Error()); err != nil {
				return err
			}
		}
		return s.Store.MarkFailed(db, m.ID, err.Error())
	case permanent(err) || m.Attempts >= s.MaxAttempts:
		s.Log.Warn("message failed", "id", m.ID, "attempts", m.Attempts, "err", err)
		return s.Store.MarkFailed(db, m.ID, err.Error())
	default:
		next := s.Now().Add(backoff(m.Attempts))
		s.Log.Info("message will be retried", "id", m.ID, "attempts", m.Attempts, "at", next, "err", err)
		return s.Store.MarkRetry(db, m.ID, next, err.Error())
	}
}

// backoff is 30 s after the first failure, doubling, at most an hour.
func backoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// compose builds the message from the person and campaign as they are
// now, or says why it is no longer needed.
func (s *Sender) compose(ctx context.Context, m store.ClaimedMessage) (Mail, string, error) {
	a, err := s.Store.ASNByID(ctx, m.ASNID)
	if errors.Is(err, store.ErrNotFound) {
		return Mail{}, i18n.T(NoteLang, "note_not_on_roster"), nil
	}
	if err != nil {
		return Mail{}, "", err
	}
	c, err := s.Store.CampaignByID(ctx, m.CampaignID)
	if err != nil {
		return Mail{}, "", err
	}
	switch {
	case !a.Active:
		return Mail{}, i18n.T(NoteLang, "note_not_on_roster"), nil
	case c.Status != store.CampaignOpen || pledge.PastDeadline(c, s.Now()):
		return Mail{}, i18n.T(NoteLang, "note_campaign_closed"), nil
	case strings.TrimSpace(a.Email) == "":
		return Mail{}, i18n.T(NoteLang, "note_no_address"), nil
	}
	if _, err := s.Store.SignatureOf(ctx, a.ID, c.ID); err == nil {
		return Mail{}, i18n.T(NoteLang, "note_already_signed"), nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return Mail{}, "", err
	}
	dept, err := s.Store.DepartmentByID(ctx, a.DepartmentID)
	if err != nil {
		return Mail{}, "", err
	}
	l := Letter{Kind: m.Kind, Name: a.Name, NIP: a.NIP, Department: dept.Name, Instansi: c.Instansi, CampaignTitle: c.Title,
		Link: s.BaseURL + "/sign/" + a.Token, SignURL: s.BaseURL + "/sign", AccessCode: a.AccessCode, Deadline: c.ClosesAt}
	subject, text, html, err := Compose(l)
	if err != nil {
		return Mail{}, "", err
	}
	return Mail{To: strings.TrimSpace(a.Email), Subject: subject, Text: text, HTML: html,
		MessageID: "ikrar-" + strconv.Itoa(int(m.ID)) + "@" + s.Host}, "", nil
}
