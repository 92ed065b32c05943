package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/ikrar/ikrar/internal/audit"
)

// SignatureNote is a signature as the review of "who really signed" needs it.
type SignatureNote struct {
	ID           uint
	CertCode     string
	SignedAt     time.Time
	SignerNIP    string `gorm:"column:signer_nip"`
	SignerName   string
	DepartmentID uint
	StaffUser    string
	DeviceKey    string
}

// reviewLimit bounds each list on the review page: it is a place to start
// phone calls, not an export.
const reviewLimit = 500

func (s *Store) signatureNotes(ctx context.Context, campaignID uint, deptIDs []uint, where string, args ...any) ([]SignatureNote, error) {
	q := s.r.WithContext(ctx).Table("signatures").
		Select("id, cert_code, signed_at, signer_nip, signer_name, department_id, staff_user, device_key").
		Where("campaign_id = ? AND revoked = ?", campaignID, false).Where(where, args...)
	if deptIDs != nil {
		q = q.Where("department_id IN ?", deptIDs)
	}
	var out []SignatureNote
	if err := q.Order("device_key, signed_at").Limit(reviewLimit * 4).Scan(&out).Error; err != nil {
		return nil, err
	}
	return out, nil
}

// SignaturesFromStaffBrowsers lists a campaign's signatures made in a
// browser that also carried a staff session (deptIDs nil = every unit).
func (s *Store) SignaturesFromStaffBrowsers(ctx context.Context, campaignID uint, deptIDs []uint) ([]SignatureNote, error) {
	out, err := s.signatureNotes(ctx, campaignID, deptIDs, "staff_user <> ''")
	if err != nil {
		return nil, fmt.Errorf("signatures from staff browsers: %w", err)
	}
	if len(out) > reviewLimit {
		out = out[:reviewLimit]
	}
	return out, nil
}

// SignaturesOnSharedDevices lists a campaign's signatures whose device key
// was used by at least minPeople signatures, ordered by device and time;
// which of them fall close together is the pledge package's rule.
func (s *Store) SignaturesOnSharedDevices(ctx context.Context, campaignID uint, deptIDs []uint, minPeople int) ([]SignatureNote, error) {
	shared := s.r.WithContext(ctx).Table("signatures").Select("device_key").
		Where("campaign_id = ? AND revoked = ? AND device_key <> ''", campaignID, false)
	if deptIDs != nil {
		shared = shared.Where("department_id IN ?", deptIDs)
	}
	shared = shared.Group("device_key").Having("COUNT(*) >= ?", minPeople)
	out, err := s.signatureNotes(ctx, campaignID, deptIDs, "device_key IN (?)", shared)
	if err != nil {
		return nil, fmt.Errorf("signatures on shared devices: %w", err)
	}
	return out, nil
}

// SetCampaignRequireCode turns on or off the need for the access code as
// well as the personal link, recorded in the audit chain.
func (s *Store) SetCampaignRequireCode(ctx context.Context, actor string, id uint, require bool) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		res := tx.Model(&Campaign{}).Where("id = ?", id).Update("require_code", require)
		if res.Error != nil {
			return fmt.Errorf("set campaign %d require_code: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("campaign %d: %w", id, ErrNotFound)
		}
		_, err := appendEvent(tx, s.now(), actor, "campaign.require_code", "campaign:"+strconv.Itoa(int(id)),
			audit.Detail(map[string]string{"require_code": strconv.FormatBool(require)}))
		return err
	})
}
