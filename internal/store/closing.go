package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// CampaignClosing records when a campaign was last closed (and reopened).
// While it is closed, its figures come from the record made at closing,
// not from the roster as it is now.
type CampaignClosing struct {
	CampaignID uint      `gorm:"primaryKey;autoIncrement:false"`
	ClosedAt   time.Time `gorm:"not null"`
	ReopenedAt *time.Time
}

// ClosedRosterEntry is one person who was expected to sign a campaign when
// it closed: the unit they were in then and their signature, if any.
// Department pages and reports of a closed campaign list these.
type ClosedRosterEntry struct {
	// ID only orders the rows for `ikrar migrate`'s keyset copy.
	ID           uint  `gorm:"primaryKey"`
	CampaignID   uint  `gorm:"not null;uniqueIndex:idx_closed_roster_person,priority:1;index:idx_closed_roster_dept,priority:1"`
	ASNID        uint  `gorm:"column:asn_id;not null;uniqueIndex:idx_closed_roster_person,priority:2"`
	DepartmentID uint  `gorm:"not null;index:idx_closed_roster_dept,priority:2"`
	SignatureID  *uint `gorm:"column:signature_id"`
}

// ClosedUnitCount is a unit's figures when the campaign closed (the unit
// itself, sub-units not included), so a dashboard of a closed campaign
// reads one short table.
type ClosedUnitCount struct {
	CampaignID   uint `gorm:"primaryKey;autoIncrement:false"`
	DepartmentID uint `gorm:"primaryKey;autoIncrement:false"`
	Roster       int  `gorm:"not null"`
	Signed       int  `gorm:"not null"`
}

// recordClosing freezes a campaign's figures inside the transaction that
// closes it: who is expected (the active roster now, in their unit now)
// and who of them signed, the same rule CompletionByDepartment applies to
// an open campaign. A campaign closed again after a reopening is recorded
// afresh. On a very large roster this holds the writer for a few seconds;
// closing is a rare admin action.
func recordClosing(tx *gorm.DB, campaignID uint, now time.Time) error {
	for _, t := range []any{&ClosedRosterEntry{}, &ClosedUnitCount{}} {
		if err := tx.Where("campaign_id = ?", campaignID).Delete(t).Error; err != nil {
			return fmt.Errorf("clear the closing record of campaign %d: %w", campaignID, err)
		}
	}
	if err := tx.Exec(`INSERT INTO closed_roster_entries (campaign_id, asn_id, department_id, signature_id)
		SELECT ?, a.id, a.department_id, s.id FROM asns a
		LEFT JOIN signatures s ON s.asn_id = a.id AND s.campaign_id = ? AND s.revoked = false
		WHERE a.active = ?`, campaignID, campaignID, true).Error; err != nil {
		return fmt.Errorf("record the roster of campaign %d at closing: %w", campaignID, err)
	}
	if err := tx.Exec(`INSERT INTO closed_unit_counts (campaign_id, department_id, roster, signed)
		SELECT campaign_id, department_id, COUNT(*), COUNT(signature_id) FROM closed_roster_entries
		WHERE campaign_id = ? GROUP BY campaign_id, department_id`, campaignID).Error; err != nil {
		return fmt.Errorf("record the figures of campaign %d at closing: %w", campaignID, err)
	}
	rec := CampaignClosing{CampaignID: campaignID, ClosedAt: now.UTC()}
	if err := tx.Save(&rec).Error; err != nil {
		return fmt.Errorf("record the closing of campaign %d: %w", campaignID, err)
	}
	return nil
}

// recordReopening notes that a closed campaign is open again; its figures
// are live again (the closing record stays until it closes anew).
func recordReopening(tx *gorm.DB, campaignID uint, now time.Time) error {
	t := now.UTC()
	if err := tx.Model(&CampaignClosing{}).Where("campaign_id = ?", campaignID).Update("reopened_at", &t).Error; err != nil {
		return fmt.Errorf("record the reopening of campaign %d: %w", campaignID, err)
	}
	return nil
}

// ClosingOf is a campaign's closing record, or ErrNotFound when it was
// never closed (or was closed before closing records existed).
func (s *Store) ClosingOf(ctx context.Context, campaignID uint) (CampaignClosing, error) {
	var c CampaignClosing
	if err := s.r.WithContext(ctx).Take(&c, "campaign_id = ?", campaignID).Error; err != nil {
		return CampaignClosing{}, notFound(err, fmt.Sprintf("closing of campaign %d", campaignID))
	}
	return c, nil
}

// ClosedCompletionByDepartment is CompletionByDepartment as recorded when
// the campaign closed.
func (s *Store) ClosedCompletionByDepartment(ctx context.Context, campaignID uint) (map[uint]DepartmentCount, error) {
	var rows []ClosedUnitCount
	if err := s.r.WithContext(ctx).Where("campaign_id = ?", campaignID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read the figures of campaign %d at closing: %w", campaignID, err)
	}
	out := make(map[uint]DepartmentCount, len(rows))
	for _, r := range rows {
		out[r.DepartmentID] = DepartmentCount{DepartmentID: r.DepartmentID, Roster: r.Roster, Signed: r.Signed}
	}
	return out, nil
}
