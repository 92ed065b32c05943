package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"gorm.io/gorm"
)

// Outbox states. A message is queued, claimed by one sender (sending, with
// a lease in NextAt), then sent, failed (given up, retryable by an admin)
// or skipped (no longer needed when its turn came: the person signed, left
// the roster, or the campaign closed).
const (
	OutboxQueued  = "queued"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
	OutboxSkipped = "skipped"
)

// OutboxMessage is one message to one recipient: a person of the roster
// (ASNID), a staff user (UserID: the digest and the "unit at 100 %"
// message) or a webhook subscription (neither). The unique index on
// (person, campaign, kind, step) is what makes queueing the same message
// twice impossible, whoever queues it and however often; a staff message
// carries its user in Step as well ("2024-12-18/u7", "d12/u7"), so the
// same index makes it one digest per head and day and one 100 % message
// per campaign, unit and head.
type OutboxMessage struct {
	ID         uint   `gorm:"primaryKey"`
	ASNID      uint   `gorm:"column:asn_id;not null;uniqueIndex:idx_outbox_once,priority:1"`
	UserID     uint   `gorm:"not null;default:0;index"`
	CampaignID uint   `gorm:"not null;uniqueIndex:idx_outbox_once,priority:2;index:idx_outbox_campaign"`
	Kind       string `gorm:"size:16;not null;uniqueIndex:idx_outbox_once,priority:3;index:idx_outbox_kind_due,priority:1"` // invitation, reminder, digest, unit-complete, webhook
	Step       string `gorm:"size:32;not null;uniqueIndex:idx_outbox_once,priority:4"`                                      // "" for invitations; h-3, h-1, h-0, manual-2024-12-18
	Channel    string `gorm:"size:16;not null"`                                                                             // email
	Recipient  string `gorm:"size:200;not null"`
	State      string `gorm:"size:16;not null;index:idx_outbox_due,priority:1;index:idx_outbox_kind_due,priority:2"`
	// NextAt is when a queued message is due, and for a message being sent
	// the end of its sender's lease: past it, another sender takes it over
	// (the first one was killed or hangs).
	//
	// idx_outbox_kind_due serves an instance without SMTP that claims only
	// webhooks: through idx_outbox_due it read every queued mail (48 ms per
	// look at 80,000, every 2 s, on the writer connection).
	NextAt    time.Time `gorm:"not null;index:idx_outbox_due,priority:2;index:idx_outbox_kind_due,priority:3"`
	Attempts  int       `gorm:"not null;default:0"`
	LastError string    `gorm:"size:500;not null;default:''"`
	SentAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// EmailRefusal marks an address the mail server refused for good (a
// permanent 5xx on RCPT or a bounce). It is kept beside the person rather
// than on them so that a roster import with a corrected address clears it
// by itself: the refusal holds only while Address is still their address.
type EmailRefusal struct {
	ASNID   uint   `gorm:"column:asn_id;primaryKey;autoIncrement:false"`
	Address string `gorm:"size:200;not null"`
	Error   string `gorm:"size:500;not null"`
	At      time.Time
}

// LinkOpen is the first visit of a person's signing link for a campaign.
type LinkOpen struct {
	ASNID      uint      `gorm:"column:asn_id;primaryKey;autoIncrement:false"`
	CampaignID uint      `gorm:"primaryKey;autoIncrement:false"`
	OpenedAt   time.Time `gorm:"not null"`
}

// QueueSpec says which messages to queue: one per pending person with an
// address in the departments (nil: everyone) for the campaign.
type QueueSpec struct {
	CampaignID    uint
	Kind, Step    string
	DepartmentIDs []uint // nil: every department
	DryRun        bool
}

// QueueResult counts what QueueMessages did (or, dry, would do).
type QueueResult struct {
	Pending   int // pending people in scope
	Queued    int // new messages
	Already   int // pending people who already have this message
	NoAddress int // pending people without a usable address (none, or refused)
}

// pendingIn narrows a query over asns to the people of the departments
// (nil: all) who have not signed the campaign: the completion rule of
// RosterPage's "pending" filter, in one place.
func pendingIn(q *gorm.DB, campaignID uint, deptIDs []uint) *gorm.DB {
	q = q.Where(pendingCond, true, campaignID)
	if deptIDs != nil {
		q = q.Where("asns.department_id IN ?", deptIDs)
	}
	return q
}

// pendingCond is "active and has not signed"; its arguments are true and
// the campaign id.
const pendingCond = `asns.active = ? AND NOT EXISTS (SELECT 1 FROM signatures WHERE signatures.asn_id = asns.id AND signatures.campaign_id = ? AND signatures.revoked = false)`

// usableAddress is the condition for a person whose email can be used.
const usableAddress = `asns.email <> '' AND NOT EXISTS (SELECT 1 FROM email_refusals r WHERE r.asn_id = asns.id AND r.address = asns.email)`

// QueueMessages queues one message per pending person with a usable
// address in one statement (INSERT ... SELECT ... ON CONFLICT DO NOTHING):
// people who already have this message are left alone, so running it twice,
// from two instances at once, or from the command line beside a server,
// queues nothing twice.
func (s *Store) QueueMessages(ctx context.Context, actor string, q QueueSpec) (QueueResult, error) {
	var res QueueResult
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if !q.DryRun {
			if err := lockChain(tx); err != nil {
				return err
			}
		}
		count := func(what string, cond string, args ...any) (int, error) {
			var n int64
			qq := pendingIn(tx.Table("asns"), q.CampaignID, q.DepartmentIDs)
			if cond != "" {
				qq = qq.Where(cond, args...)
			}
			if err := qq.Count(&n).Error; err != nil {
				return 0, fmt.Errorf("queue messages: count %s: %w", what, err)
			}
			return int(n), nil
		}
		var err error
		if res.Pending, err = count("pending", ""); err != nil {
			return err
		}
		if res.NoAddress, err = count("without address", "NOT ("+usableAddress+")"); err != nil {
			return err
		}
		if res.Already, err = count("already queued", usableAddress+
			" AND EXISTS (SELECT 1 FROM outbox_messages o WHERE o.asn_id = asns.id AND o.campaign_id = ? AND o.kind = ? AND o.step = ?)",
			q.CampaignID, q.Kind, q.Step); err != nil {
			return err
		}
		if q.DryRun {
			res.Queued = res.Pending - res.NoAddress - res.Already
			return nil
		}
		now := s.now().UTC()
		// Written out rather than built by GORM: SQLite takes INSERT ...
		// SELECT only unparenthesised, and needs the WHERE before ON
		// CONFLICT to tell the two apart.
		sql := `INSERT INTO outbox_messages (asn_id, campaign_id, kind, step, channel, recipient, state, next_at, attempts, last_error, created_at, updated_at)
			SELECT asns.id, ?, ?, ?, 'email', asns.email, ?, ?, 0, '', ?, ? FROM asns
			WHERE ` + pendingCond + ` AND ` + usableAddress
		args := []any{q.CampaignID, q.Kind, q.Step, OutboxQueued, now, now, now, true, q.CampaignID}
		if q.DepartmentIDs != nil {
			sql += ` AND asns.department_id IN ?`
			args = append(args, q.DepartmentIDs)
		}
		ins := tx.Exec(sql+` ON CONFLICT DO NOTHING`, args...)
		if ins.Error != nil {
			return fmt.Errorf("queue messages: %w", ins.Error)
		}
		res.Queued = int(ins.RowsAffected)
		if res.Queued == 0 {
			return nil
		}
		_, err = appendEvent(tx, now, actor, "messages.queued", "campaign:"+strconv.Itoa(int(q.CampaignID)),
			audit.Detail(map[string]string{"kind": q.Kind, "step": q.Step, "queued": strconv.Itoa(res.Queued), "departments": idList(q.DepartmentIDs)}))
		return err
	})
	return res, err
}

func idList(ids []uint) string {
	if ids == nil {
		return "all"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(int(id))
	}
	return strings.Join(parts, ",")
}

// ClaimedMessage is a message a sender now holds until its lease ends.
type ClaimedMessage struct {
	ID, ASNID, CampaignID uint
	UserID                uint // a staff message's user (0: none)
	Kind, Step, Recipient string
	Attempts              int
}

// ClaimMessages takes up to n due messages for one sender: queued ones
// whose time has come, and ones whose previous sender's lease ran out
// (killed mid-send). One UPDATE moves them to sending with a new lease, so
// two senders never hold the same message: on PostgreSQL the rows are
// picked with FOR UPDATE SKIP LOCKED and the state re-checked on update;
// on SQLite the single writer does the same.
func (s *Store) ClaimMessages(ctx context.Context, n int, lease time.Duration) ([]ClaimedMessage, error) {
	return s.ClaimMessagesOf(ctx, n, lease, nil)
}

// ClaimMessagesOf claims like ClaimMessages, only messages of the given
// kinds (nil: every kind): an instance without SMTP still delivers
// webhooks and leaves mail to one that has it.
func (s *Store) ClaimMessagesOf(ctx context.Context, n int, lease time.Duration, kinds []string) ([]ClaimedMessage, error) {
	now := s.now().UTC()
	kindCond := ""
	pickArgs := []any{OutboxQueued, OutboxSending, now}
	if kinds != nil {
		kindCond = " AND kind IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ") + ")"
		for _, k := range kinds {
			pickArgs = append(pickArgs, k)
		}
	}
	pickArgs = append(pickArgs, n)
	lock := ""
	if s.d.multiWriter() {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	// The ids are picked in a materialised CTE: as a plain IN (subquery)
	// PostgreSQL may run the locking subquery more than once and claim more
	// than n rows.
	q := `WITH picked AS MATERIALIZED (SELECT id FROM outbox_messages WHERE state IN (?, ?) AND next_at <= ?` + kindCond + ` ORDER BY next_at, id LIMIT ?` + lock + `)
		UPDATE outbox_messages SET state = ?, next_at = ?, attempts = attempts + 1, updated_at = ?
		WHERE id IN (SELECT id FROM picked) AND state IN (?, ?) AND next_at <= ?
		RETURNING id, asn_id, user_id, campaign_id, kind, step, recipient, attempts`
	args := append(pickArgs, OutboxSending, now.Add(lease), now, OutboxQueued, OutboxSending, now)
	var out []ClaimedMessage
	var err error
	if s.rides() {
		err = s.ride(ctx, func(ctx context.Context, tx *sql.Tx) error {
			out = out[:0] // a batch that failed is retried: only the committed claim counts
			return queryRows(ctx, tx, q, args, func(rows *sql.Rows) error {
				var m ClaimedMessage
				if err := rows.Scan(&m.ID, &m.ASNID, &m.UserID, &m.CampaignID, &m.Kind, &m.Step, &m.Recipient, &m.Attempts); err != nil {
					return err
				}
				out = append(out, m)
				return nil
			})
		})
	} else {
		err = s.w.WithContext(ctx).Raw(q, args...).Scan(&out).Error
	}
	if err != nil {
		return nil, fmt.Errorf("claim messages: %w", err)
	}
	return out, nil
}

// The sender's writes (a claim per batch, an outcome per message) ride the
// signatures' group commit on SQLite. There the one writer connection is
// shared with the group commit, and each of those writes committed on its
// own cost an fsync during which no signature batch could begin: with a
// busy sender beside a signing load the group commit waited about five
// times as long for the connection (block profile, docs/PERFORMANCE.md).
// Riding the next batch's transaction, one fsync serves both, and the
// write still returns only once it is on disk; with nothing being signed
// the committer commits it at once. On PostgreSQL (many writers) each is a
// statement of its own.
func (s *Store) rides() bool { return !s.d.multiWriter() && s.signer != nil }

// ride runs fn inside the next signature batch's transaction (see rides).
func (s *Store) ride(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	r := signReq{ctx: ctx, reply: make(chan signReply, 1), exec: fn}
	select {
	case s.signer.q <- r:
	case <-ctx.Done():
		return ctx.Err()
	}
	return (<-r.reply).err
}

// rideExec runs one write statement the way ride does, or on its own where
// writes do not ride.
func (s *Store) rideExec(ctx context.Context, query string, args ...any) error {
	if !s.rides() {
		return s.w.WithContext(ctx).Exec(query, args...).Error
	}
	return s.ride(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	})
}

// MarkSent records a delivered message. Only a message still being sent
// changes, so a late answer never turns anything back.
func (s *Store) MarkSent(ctx context.Context, id uint) error {
	now := s.now().UTC()
	if err := s.rideExec(ctx, `UPDATE outbox_messages SET state = ?, sent_at = ?, last_error = '', updated_at = ? WHERE id = ? AND state = ?`,
		OutboxSent, now, now, id, OutboxSending); err != nil {
		return fmt.Errorf("mark message %d sent: %w", id, err)
	}
	return nil
}

// MarkRetry puts a message back in the queue until next, with the error.
func (s *Store) MarkRetry(ctx context.Context, id uint, next time.Time, errText string) error {
	return s.markEnd(ctx, id, OutboxQueued, next, errText)
}

// MarkFailed gives a message up (an admin can retry it).
func (s *Store) MarkFailed(ctx context.Context, id uint, errText string) error {
	return s.markEnd(ctx, id, OutboxFailed, s.now(), errText)
}

// MarkSkipped records a message that was no longer needed, and why.
func (s *Store) MarkSkipped(ctx context.Context, id uint, why string) error {
	return s.markEnd(ctx, id, OutboxSkipped, s.now(), why)
}

func (s *Store) markEnd(ctx context.Context, id uint, state string, next time.Time, errText string) error {
	if err := s.rideExec(ctx, `UPDATE outbox_messages SET state = ?, next_at = ?, last_error = ?, updated_at = ? WHERE id = ? AND state = ?`,
		state, next.UTC(), truncateText(errText, 500), s.now().UTC(), id, OutboxSending); err != nil {
		return fmt.Errorf("mark message %d %s: %w", id, state, err)
	}
	return nil
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// RefuseAddress marks a person's address as refused by the mail server.
func (s *Store) RefuseAddress(ctx context.Context, asnID uint, address, errText string) error {
	err := s.w.WithContext(ctx).Exec(`INSERT INTO email_refusals (asn_id, address, error, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (asn_id) DO UPDATE SET address = excluded.address, error = excluded.error, at = excluded.at`,
		asnID, address, truncateText(errText, 500), s.now().UTC()).Error
	if err != nil {
		return fmt.Errorf("mark address of ASN %d refused: %w", asnID, err)
	}
	return nil
}

// RetryFailed queues failed messages again (one by id, or all with id 0).
func (s *Store) RetryFailed(ctx context.Context, actor string, id uint) (int, error) {
	var n int
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		now := s.now().UTC()
		q := tx.Model(&OutboxMessage{}).Where("state = ?", OutboxFailed)
		if id != 0 {
			q = q.Where("id = ?", id)
		}
		res := q.Updates(map[string]any{"state": OutboxQueued, "next_at": now, "attempts": 0, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("retry failed messages: %w", res.Error)
		}
		n = int(res.RowsAffected)
		if n == 0 {
			return nil
		}
		subject := "outbox:all"
		if id != 0 {
			subject = "outbox:" + strconv.Itoa(int(id))
		}
		_, err := appendEvent(tx, now, actor, "messages.retry", subject, audit.Detail(map[string]string{"messages": strconv.Itoa(n)}))
		return err
	})
	return n, err
}

// OutboxCount is the number of messages of one kind in one state.
type OutboxCount struct {
	Kind, State string
	N           int
}

// OutboxCounts counts messages by kind and state.
func (s *Store) OutboxCounts(ctx context.Context) ([]OutboxCount, error) {
	var out []OutboxCount
	if err := s.r.WithContext(ctx).Raw(`SELECT kind, state, COUNT(*) AS n FROM outbox_messages GROUP BY kind, state ORDER BY kind, state`).
		Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("count outbox: %w", err)
	}
	return out, nil
}

// OutboxEntry is a message with its person (or, for a staff message, the
// user's login name as Name and no NIP), for the admin page.
type OutboxEntry struct {
	OutboxMessage
	Name, NIP string
}

// OutboxByState lists up to limit messages to people and staff in a state,
// oldest change first.
func (s *Store) OutboxByState(ctx context.Context, state string, limit int) ([]OutboxEntry, error) {
	var out []OutboxEntry
	if err := s.r.WithContext(ctx).Table("outbox_messages").
		Select("outbox_messages.*, COALESCE(asns.name, users.username) AS name, COALESCE(asns.nip, '') AS nip").
		Joins("LEFT JOIN asns ON asns.id = outbox_messages.asn_id").
		Joins("LEFT JOIN users ON users.id = outbox_messages.user_id").
		Where("outbox_messages.state = ? AND (asns.id IS NOT NULL OR users.id IS NOT NULL)", state).
		Order("outbox_messages.updated_at, outbox_messages.id").Limit(limit).
		Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("list %s messages: %w", state, err)
	}
	return out, nil
}

// PersonReach is how far ikrar has reached one person for one campaign.
type PersonReach struct {
	InvitedAt   *time.Time
	InvitedVia  string
	OpenedAt    *time.Time
	Reminders   int
	RemindedAt  *time.Time
	Refused     string // the refused address, if their current one was refused
	QueuedCount int    // messages still waiting
}

// ReachOf tells, for each of the given people, what has been sent to them
// for a campaign and whether they opened their link.
func (s *Store) ReachOf(ctx context.Context, campaignID uint, asnIDs []uint) (map[uint]PersonReach, error) {
	out := make(map[uint]PersonReach, len(asnIDs))
	// In chunks: a unit's report over a whole roster passed 1,000,000 ids
	// in one IN list, past SQLite's limit of bound variables.
	for start := 0; start < len(asnIDs); start += 10_000 {
		if err := s.reachOf(ctx, campaignID, asnIDs[start:min(start+10_000, len(asnIDs))], out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) reachOf(ctx context.Context, campaignID uint, asnIDs []uint, out map[uint]PersonReach) error {
	var msgs []OutboxMessage
	if err := s.r.WithContext(ctx).Where("campaign_id = ? AND asn_id IN ?", campaignID, asnIDs).Find(&msgs).Error; err != nil {
		return fmt.Errorf("messages of people: %w", err)
	}
	for _, m := range msgs {
		r := out[m.ASNID]
		switch {
		case m.State == OutboxSent && m.Kind == "invitation":
			r.InvitedAt, r.InvitedVia = m.SentAt, m.Channel
		case m.State == OutboxSent && m.Kind == "reminder":
			r.Reminders++
			if r.RemindedAt == nil || m.SentAt.After(*r.RemindedAt) {
				r.RemindedAt = m.SentAt
			}
		case m.State == OutboxQueued || m.State == OutboxSending:
			r.QueuedCount++
		}
		out[m.ASNID] = r
	}
	var opens []LinkOpen
	if err := s.r.WithContext(ctx).Where("campaign_id = ? AND asn_id IN ?", campaignID, asnIDs).Find(&opens).Error; err != nil {
		return fmt.Errorf("link opens of people: %w", err)
	}
	for _, o := range opens {
		r := out[o.ASNID]
		at := o.OpenedAt
		r.OpenedAt = &at
		out[o.ASNID] = r
	}
	var refused []struct {
		ASNID   uint `gorm:"column:asn_id"`
		Address string
	}
	if err := s.r.WithContext(ctx).Raw(`SELECT r.asn_id, r.address FROM email_refusals r JOIN asns ON asns.id = r.asn_id
		WHERE r.asn_id IN ? AND r.address = asns.email`, asnIDs).Scan(&refused).Error; err != nil {
		return fmt.Errorf("refused addresses of people: %w", err)
	}
	for _, x := range refused {
		r := out[x.ASNID]
		r.Refused = x.Address
		out[x.ASNID] = r
	}
	return nil
}

// openChunk opens per INSERT: 1,500 variables, far under SQLite's
// 32,766 and PostgreSQL's 65,535.
const openChunk = 500

// RecordOpens stores first visits of signing links; later visits of the
// same person and campaign change nothing.
func (s *Store) RecordOpens(ctx context.Context, opens []LinkOpen) error {
	if len(opens) == 0 {
		return nil
	}
	// Many rows per statement: the signing page notes every visit, and
	// the writer prepares each statement anew (see Open), so a statement
	// per open was a SQLite prepare and GORM's statement building per
	// signing visit, ~2 % of the server's CPU under 64 signers (perf).
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for chunk := range slices.Chunk(opens, openChunk) {
			var q strings.Builder
			args := make([]any, 0, 3*len(chunk))
			q.WriteString(`INSERT INTO link_opens (asn_id, campaign_id, opened_at) VALUES `)
			for i, o := range chunk {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?)")
				args = append(args, o.ASNID, o.CampaignID, o.OpenedAt.UTC())
			}
			// The first visit stays: a later one, in this statement or
			// after, changes nothing.
			q.WriteString(" ON CONFLICT DO NOTHING")
			if err := tx.Exec(q.String(), args...).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record %d link opens: %w", len(opens), err)
	}
	return nil
}

// ReachStages are the roster filters by how far a pending person has been
// reached, in order: not invited yet, invited (not opened), opened (not
// signed), reminded at least once (not signed).
var ReachStages = []string{"uninvited", "invited", "opened", "reminded"}

const (
	sentOf   = `EXISTS (SELECT 1 FROM outbox_messages o WHERE o.asn_id = asns.id AND o.campaign_id = ? AND o.kind = ? AND o.state = 'sent')`
	openedBy = `EXISTS (SELECT 1 FROM link_opens l WHERE l.asn_id = asns.id AND l.campaign_id = ?)`
)

// reachFilter narrows a roster query to the pending people at one stage
// of reach; an unknown stage leaves the query as it is.
func reachFilter(q *gorm.DB, campaignID uint, stage string) *gorm.DB {
	switch stage {
	case "uninvited":
		return pendingIn(q, campaignID, nil).Where("NOT "+sentOf, campaignID, "invitation")
	case "invited":
		return pendingIn(q, campaignID, nil).Where(sentOf, campaignID, "invitation").Where("NOT "+openedBy, campaignID)
	case "opened":
		return pendingIn(q, campaignID, nil).Where(openedBy, campaignID)
	case "reminded":
		return pendingIn(q, campaignID, nil).Where(sentOf, campaignID, "reminder")
	}
	return q
}

// ReachCounts are the people of some departments by how far they were
// reached, for the dashboard's "diundang 80 %, dibuka 60 %, sudah 45 %".
// Someone who signed counts as opened (they did), and as invited only if
// an invitation went to them.
type ReachCounts struct {
	Roster, Invited, Opened int
}

// ReachCountsOf counts the active people of the departments (nil: all):
// all of them, those sent an invitation, and those who opened their link
// or signed. It counts from the small side (the completion counters, the
// sent invitations, the opened links) instead of testing every roster
// entry: with a correlated test per entry the dashboard took 4.5 s over
// 1,000,000 entries. reachCountsRecount in the tests is the direct rule.
func (s *Store) ReachCountsOf(ctx context.Context, campaignID uint, deptIDs []uint) (ReachCounts, error) {
	var out ReachCounts
	in := func(q *gorm.DB, col string) *gorm.DB {
		if deptIDs != nil {
			q = q.Where(col+" IN ?", deptIDs)
		}
		return q
	}
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var roster, signed, opened, invited int64
		if err := in(tx.Table("roster_counts").Select("COALESCE(SUM(n), 0)"), "department_id").Scan(&roster).Error; err != nil {
			return fmt.Errorf("count roster: %w", err)
		}
		if err := in(tx.Table("signed_counts").Select("COALESCE(SUM(n), 0)").Where("campaign_id = ?", campaignID), "department_id").
			Scan(&signed).Error; err != nil {
			return fmt.Errorf("count signed: %w", err)
		}
		// Opened and not signed: the signers are counted above.
		if err := in(tx.Table("link_opens l").Joins("JOIN asns a ON a.id = l.asn_id").Select("COUNT(DISTINCT l.asn_id)").
			Where("l.campaign_id = ? AND a.active = ?", campaignID, true).
			Where("NOT EXISTS (SELECT 1 FROM signatures g WHERE g.asn_id = l.asn_id AND g.campaign_id = ? AND g.revoked = false)", campaignID),
			"a.department_id").Scan(&opened).Error; err != nil {
			return fmt.Errorf("count opened: %w", err)
		}
		if err := in(tx.Table("outbox_messages o").Joins("JOIN asns a ON a.id = o.asn_id").Select("COUNT(DISTINCT o.asn_id)").
			Where("o.campaign_id = ? AND o.kind = ? AND o.state = 'sent' AND a.active = ?", campaignID, "invitation", true),
			"a.department_id").Scan(&invited).Error; err != nil {
			return fmt.Errorf("count invited: %w", err)
		}
		out = ReachCounts{Roster: int(roster), Invited: int(invited), Opened: int(signed + opened)}
		return nil
	}, s.d.snapshot())
	return out, err
}

// ReminderSchedule is a campaign's own reminder days (before the
// deadline's day), e.g. "5,2,0"; "" means no scheduled reminders. A
// campaign without a row uses the default schedule.
type ReminderSchedule struct {
	CampaignID uint   `gorm:"primaryKey;autoIncrement:false"`
	Days       string `gorm:"size:100;not null"`
	UpdatedAt  time.Time
}

// ReminderDays returns a campaign's schedule and whether it has its own.
func (s *Store) ReminderDays(ctx context.Context, campaignID uint) (string, bool, error) {
	var rs []ReminderSchedule
	if err := s.r.WithContext(ctx).Where("campaign_id = ?", campaignID).Limit(1).Find(&rs).Error; err != nil {
		return "", false, fmt.Errorf("reminder schedule of campaign %d: %w", campaignID, err)
	}
	if len(rs) == 0 {
		return "", false, nil
	}
	return rs[0].Days, true, nil
}

// SetReminderDays stores a campaign's schedule (already validated).
func (s *Store) SetReminderDays(ctx context.Context, actor string, campaignID uint, days string) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		now := s.now().UTC()
		if err := tx.Exec(`INSERT INTO reminder_schedules (campaign_id, days, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (campaign_id) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at`, campaignID, days, now).Error; err != nil {
			return fmt.Errorf("set reminder schedule of campaign %d: %w", campaignID, err)
		}
		_, err := appendEvent(tx, now, actor, "campaign.reminders", "campaign:"+strconv.Itoa(int(campaignID)),
			audit.Detail(map[string]string{"days": days}))
		return err
	})
}
