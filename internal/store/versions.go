package store

import (
	"context"
	"fmt"
)

// EarlierSignature is a person's signature of the newest earlier version
// of a campaign (same slug, lower version) with that version, for the
// signing page of someone who must sign a changed text again. ErrNotFound
// when they signed no earlier version.
func (s *Store) EarlierSignature(ctx context.Context, asnID uint, c Campaign) (Signature, Campaign, error) {
	var row struct {
		SignatureID uint
		CampaignID  uint
	}
	err := s.r.WithContext(ctx).Raw(`SELECT s.id AS signature_id, c.id AS campaign_id FROM signatures s
		JOIN campaigns c ON c.id = s.campaign_id
		WHERE s.asn_id = ? AND c.slug = ? AND c.version < ? AND s.revoked = ?
		ORDER BY c.version DESC LIMIT 1`, asnID, c.Slug, c.Version, false).Scan(&row).Error
	if err != nil {
		return Signature{}, Campaign{}, fmt.Errorf("earlier signature of ASN %d: %w", asnID, err)
	}
	if row.SignatureID == 0 {
		return Signature{}, Campaign{}, fmt.Errorf("earlier signature of ASN %d: %w", asnID, ErrNotFound)
	}
	sig, err := s.SignatureByID(ctx, row.SignatureID)
	if err != nil {
		return Signature{}, Campaign{}, err
	}
	old, err := s.CampaignByID(ctx, row.CampaignID)
	if err != nil {
		return Signature{}, Campaign{}, err
	}
	return sig, old, nil
}
