package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Kinds of message to staff users (OutboxMessage.UserID set).
const (
	KindDigest       = "digest"        // a head's daily figures and pending names
	KindUnitComplete = "unit-complete" // a unit reached 100 %
)

// UnitCompletion records that a unit's reaching 100 % for a campaign was
// announced to staff: the primary key makes the announcement once per
// campaign and unit ever, whichever instance notices it first, and a unit
// that drops below 100 % (new staff) and comes back is not announced again.
type UnitCompletion struct {
	CampaignID   uint `gorm:"primaryKey;autoIncrement:false"`
	DepartmentID uint `gorm:"primaryKey;autoIncrement:false"`
	At           time.Time
}

// DigestStep is the outbox step of a user's digest for a WIB day
// ("2024-12-18"): one digest per head and day.
func DigestStep(day string, userID uint) string { return day + "/u" + strconv.Itoa(int(userID)) }

// UnitCompleteStep is the outbox step of a 100 % message about a unit to
// a user: one per campaign, unit and user.
func UnitCompleteStep(deptID, userID uint) string {
	return "d" + strconv.Itoa(int(deptID)) + "/u" + strconv.Itoa(int(userID))
}

// ParseUnitCompleteStep reads the unit out of a UnitCompleteStep.
func ParseUnitCompleteStep(step string) (deptID uint, err error) {
	var d, u uint
	if _, err := fmt.Sscanf(step, "d%d/u%d", &d, &u); err != nil {
		return 0, fmt.Errorf("100 %% message step %q: %w", step, ErrNotFound)
	}
	return d, nil
}

// mailableStaff is the condition for a staff user messages can go to.
const mailableStaff = `users.disabled = false AND users.email <> ''`

// StaffMailable reports whether any enabled staff user has an address,
// so the work that only feeds staff messages can be skipped.
func (s *Store) StaffMailable(ctx context.Context) (bool, error) {
	var n int64
	if err := s.r.WithContext(ctx).Table("users").Where(mailableStaff).Limit(1).Count(&n).Error; err != nil {
		return false, fmt.Errorf("count staff with email: %w", err)
	}
	return n > 0, nil
}

// HeadsWithoutEmail lists the login names of enabled heads with no
// address: their digests cannot go (shown on the outbox page).
func (s *Store) HeadsWithoutEmail(ctx context.Context) ([]string, error) {
	var names []string
	if err := s.r.WithContext(ctx).Model(&User{}).Where("role = ? AND disabled = ? AND email = ''", RoleHead, false).
		Order("username").Pluck("username", &names).Error; err != nil {
		return nil, fmt.Errorf("list heads without email: %w", err)
	}
	return names, nil
}

// staffRecipient is a user a staff message is queued for.
type staffRecipient struct {
	ID    uint
	Email string
}

// queueStaff inserts one message per recipient, leaving alone those that
// already have it (the unique index), and returns how many were new.
func queueStaff(tx *gorm.DB, now time.Time, kind string, campaignID uint, step func(userID uint) string, to []staffRecipient) (int, error) {
	n := 0
	for _, r := range to {
		res := tx.Exec(`INSERT INTO outbox_messages (asn_id, user_id, campaign_id, kind, step, channel, recipient, state, next_at, attempts, last_error, created_at, updated_at)
			VALUES (0, ?, ?, ?, ?, 'email', ?, ?, ?, 0, '', ?, ?) ON CONFLICT DO NOTHING`,
			r.ID, campaignID, kind, step(r.ID), r.Email, OutboxQueued, now, now, now)
		if res.Error != nil {
			return n, fmt.Errorf("queue %s for user %d: %w", kind, r.ID, res.Error)
		}
		n += int(res.RowsAffected)
	}
	return n, nil
}

// DigestResult counts what QueueDigests did.
type DigestResult struct {
	Heads     int // enabled heads bound to a unit
	Queued    int // digests queued now
	NoAddress int // heads without an address
}

// QueueDigests queues the day's digest (day: the WIB date, "2024-12-18")
// for every enabled head bound to a unit who has an address. Running it
// again the same day, on any instance, queues nothing twice. The digest is
// composed when it is sent, from the figures as they are then.
func (s *Store) QueueDigests(ctx context.Context, day string) (DigestResult, error) {
	var res DigestResult
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var heads []staffRecipient
		if err := tx.Table("users").Select("users.id, users.email").
			Where("users.role = ? AND users.disabled = ?", RoleHead, false).
			Where("EXISTS (SELECT 1 FROM user_departments ud WHERE ud.user_id = users.id)").
			Order("users.id").Scan(&heads).Error; err != nil {
			return fmt.Errorf("queue digests: list heads: %w", err)
		}
		res.Heads = len(heads)
		var to []staffRecipient
		for _, h := range heads {
			if h.Email == "" {
				res.NoAddress++
				continue
			}
			to = append(to, h)
		}
		var err error
		res.Queued, err = queueStaff(tx, s.now().UTC(), KindDigest, 0, func(u uint) string { return DigestStep(day, u) }, to)
		return err
	})
	return res, err
}

// RecordUnitCompleted announces once that a unit reached 100 % for a
// campaign: on the first call for the pair it records the completion and
// queues a message to each enabled head bound to that very unit with an
// address, and, for a top-level unit, to each admin with one. It returns
// the number of messages queued (0 on every later call).
func (s *Store) RecordUnitCompleted(ctx context.Context, campaignID uint, dept Department) (int, error) {
	queued := 0
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now().UTC()
		ins := tx.Exec(`INSERT INTO unit_completions (campaign_id, department_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			campaignID, dept.ID, now)
		if ins.Error != nil {
			return fmt.Errorf("record unit %d complete: %w", dept.ID, ins.Error)
		}
		if ins.RowsAffected == 0 {
			return nil // announced before
		}
		who := `users.role = ? AND EXISTS (SELECT 1 FROM user_departments ud WHERE ud.user_id = users.id AND ud.department_id = ?)`
		args := []any{RoleHead, dept.ID}
		if dept.ParentID == nil {
			who += ` OR users.role = ?`
			args = append(args, RoleAdmin)
		}
		var to []staffRecipient
		if err := tx.Table("users").Select("users.id, users.email").Where(mailableStaff).Where("("+who+")", args...).
			Order("users.id").Scan(&to).Error; err != nil {
			return fmt.Errorf("heads of unit %d: %w", dept.ID, err)
		}
		var err error
		queued, err = queueStaff(tx, now, KindUnitComplete, campaignID, func(u uint) string { return UnitCompleteStep(dept.ID, u) }, to)
		return err
	})
	return queued, err
}
