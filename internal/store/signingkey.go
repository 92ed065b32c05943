package store

import (
	"context"
	"fmt"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"gorm.io/gorm"
)

// ActionSigningKey is the audit action of a signing key recorded as one of
// this database's keys.
const ActionSigningKey = "signing_key.recorded"

// SigningKey is a certificate that signed (or signs) this database's PDF
// certificates, by the SHA-256 of its DER form. A server refuses to start
// with a key not recorded here unless told to (see certificate.PinKey):
// a restore that lost the key must not silently make every genuine
// certificate look forged. The DER is kept so that certificates signed by
// an earlier key stay verifiable after a deliberate change of key.
type SigningKey struct {
	Fingerprint string `gorm:"primaryKey;size:64"`
	CertDER     []byte `gorm:"not null"`
	CreatedAt   time.Time
}

// SigningKeys lists the recorded keys, oldest first.
func (s *Store) SigningKeys(ctx context.Context) ([]SigningKey, error) {
	var keys []SigningKey
	if err := s.r.WithContext(ctx).Order("created_at").Find(&keys).Error; err != nil {
		return nil, fmt.Errorf("read signing keys: %w", err)
	}
	return keys, nil
}

// RecordSigningKey adds a key (idempotent) with an audit event naming who
// recorded it and why.
func (s *Store) RecordSigningKey(ctx context.Context, actor, reason string, k SigningKey) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&SigningKey{}).Where("fingerprint = ?", k.Fingerprint).Count(&n).Error; err != nil {
			return fmt.Errorf("find signing key: %w", err)
		}
		if n > 0 {
			return nil
		}
		k.CreatedAt = s.now()
		if err := tx.Create(&k).Error; err != nil {
			return fmt.Errorf("record signing key: %w", err)
		}
		_, err := appendEvent(tx, k.CreatedAt, actor, ActionSigningKey, "signing-key:"+k.Fingerprint,
			audit.Detail(map[string]string{"fingerprint": k.Fingerprint, "reason": reason}))
		return err
	})
}

// LatestCertificate returns the most recently made certificate, the
// evidence of which key signed this database's certificates when no key
// was recorded yet (a database from before keys were recorded).
func (s *Store) LatestCertificate(ctx context.Context) (Certificate, error) {
	var c Certificate
	if err := s.r.WithContext(ctx).Order("signature_id DESC").Limit(1).Take(&c).Error; err != nil {
		return Certificate{}, notFound(err, "certificate")
	}
	return c, nil
}
