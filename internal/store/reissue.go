package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/ikrar/ikrar/internal/audit"
)

// ActionCertificateReplaced records that a certificate was re-issued; the
// new one follows as a certificate.issued event in the same transaction.
const ActionCertificateReplaced = "certificate.replaced"

// ReplacedCertificate is an earlier version of a certificate that an admin
// re-issued (e.g. made with a wrong public address). Only its hash is kept:
// a copy someone downloaded still verifies, as "replaced".
type ReplacedCertificate struct {
	ID          uint      `gorm:"primaryKey"`
	SignatureID uint      `gorm:"not null;index"`
	SHA256      string    `gorm:"size:64;not null;index"`
	ReplacedAt  time.Time `gorm:"not null"`
	ReplacedBy  string    `gorm:"size:128;not null"`
	Reason      string    `gorm:"size:500;not null"`
}

// ReplaceCertificate stores next as the certificate of its signature in
// place of the current one, keeping the current one's hash as replaced, in
// one transaction with both audit events.
func (s *Store) ReplaceCertificate(ctx context.Context, actor, reason string, next Certificate) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		var cur Certificate
		if err := tx.Take(&cur, "signature_id = ?", next.SignatureID).Error; err != nil {
			return notFound(err, "certificate")
		}
		now := s.now()
		if err := tx.Create(&ReplacedCertificate{SignatureID: cur.SignatureID, SHA256: cur.SHA256, ReplacedAt: now, ReplacedBy: actor, Reason: reason}).Error; err != nil {
			return fmt.Errorf("keep replaced certificate: %w", err)
		}
		if err := tx.Model(&Certificate{}).Where("signature_id = ?", cur.SignatureID).
			Updates(map[string]any{"pdf": next.PDF, "sha256": next.SHA256, "base_url": next.BaseURL, "created_at": now}).Error; err != nil {
			return fmt.Errorf("store re-issued certificate: %w", err)
		}
		id := strconv.FormatUint(uint64(cur.SignatureID), 10)
		if _, err := appendEvent(tx, now, actor, ActionCertificateReplaced, "signature-id:"+id,
			audit.Detail(map[string]string{"signature_id": id, "old_sha256": cur.SHA256, "new_sha256": next.SHA256, "reason": reason})); err != nil {
			return err
		}
		return recordCertificate(tx, now, next)
	})
}

// ReplacedCertificateOf finds an earlier version of a signature's
// certificate by its hash, or ErrNotFound.
func (s *Store) ReplacedCertificateOf(ctx context.Context, signatureID uint, sha string) (ReplacedCertificate, error) {
	var r ReplacedCertificate
	if err := s.r.WithContext(ctx).Where("signature_id = ? AND sha256 = ?", signatureID, sha).Order("id").Take(&r).Error; err != nil {
		return ReplacedCertificate{}, notFound(err, "replaced certificate")
	}
	return r, nil
}
