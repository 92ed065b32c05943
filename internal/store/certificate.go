package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/audit"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CertificateOf returns the stored certificate of a signature.
func (s *Store) CertificateOf(ctx context.Context, signatureID uint) (Certificate, error) {
	var c Certificate
	if err := s.r.WithContext(ctx).Take(&c, "signature_id = ?", signatureID).Error; err != nil {
		return Certificate{}, notFound(err, "certificate")
	}
	return c, nil
}

// StoredPDFs returns the stored certificate bytes of those of the given
// signatures that have one, in one query: an export reads a batch of
// signatures' certificates at a time instead of one query each.
func (s *Store) StoredPDFs(ctx context.Context, signatureIDs []uint) (map[uint][]byte, error) {
	var rows []Certificate
	if err := s.r.WithContext(ctx).Select("signature_id", "pdf").Where("signature_id IN ?", signatureIDs).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read certificates: %w", err)
	}
	out := make(map[uint][]byte, len(rows))
	for _, c := range rows {
		out[c.SignatureID] = c.PDF
	}
	return out, nil
}

// PutCertificate stores a certificate unless one already exists, and
// returns whichever is stored: two concurrent first downloads end with one
// certificate, and both callers serve the same bytes.
func (s *Store) PutCertificate(ctx context.Context, c Certificate) (Certificate, error) {
	var stored Certificate
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&c)
		if res.Error != nil {
			return fmt.Errorf("store certificate: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			if err := recordCertificate(tx, s.now(), c); err != nil {
				return err
			}
			stored = c
			return nil
		}
		return tx.Take(&stored, "signature_id = ?", c.SignatureID).Error
	})
	if err != nil {
		return Certificate{}, err
	}
	return stored, nil
}

// recordCertificate notes a newly stored certificate's SHA-256 on its
// signature and in the audit chain, in the caller's transaction, so that a
// changed hash (or a certificate swapped in the database) is named by
// `ikrar audit verify`.
func recordCertificate(tx *gorm.DB, at time.Time, c Certificate) error {
	if err := tx.Model(&Signature{}).Where("id = ?", c.SignatureID).Update("cert_sha256", c.SHA256).Error; err != nil {
		return fmt.Errorf("record certificate hash: %w", err)
	}
	id := strconv.FormatUint(uint64(c.SignatureID), 10)
	if _, err := appendEvent(tx, at, "system", ActionCertificateIssued, "signature-id:"+id,
		audit.Detail(map[string]string{"signature_id": id, "sha256": c.SHA256})); err != nil {
		return err
	}
	return emitEventOf(tx, at, EventCertificateIssued, func() (any, error) {
		var sig Signature
		if err := tx.Omit("drawn_png").Take(&sig, c.SignatureID).Error; err != nil {
			return nil, fmt.Errorf("read signature %d: %w", c.SignatureID, err)
		}
		return map[string]any{"signature_id": sig.ID, "certificate_code": sig.CertCode, "nip": sig.SignerNIP, "campaign": sig.CampaignID, "sha256": c.SHA256}, nil
	})
}

// RevokeSignature marks the signature with this certificate code revoked
// and records who revoked it and why in the audit chain, in one
// transaction. Revoking twice is refused.
func (s *Store) RevokeSignature(ctx context.Context, actor, code, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return errors.New("revoke: a reason is required")
	}
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		var sig Signature
		if err := tx.Take(&sig, "cert_code = ?", code).Error; err != nil {
			return notFound(err, "signature "+code)
		}
		if sig.Revoked {
			return fmt.Errorf("revoke %s: already revoked", code)
		}
		if err := tx.Model(&Signature{}).Where("id = ?", sig.ID).Update("revoked", true).Error; err != nil {
			return fmt.Errorf("revoke %s: %w", code, err)
		}
		_, err := appendEvent(tx, s.now(), actor, ActionRevoked, "signature:"+code, audit.Detail(map[string]string{
			"signature_id": strconv.FormatUint(uint64(sig.ID), 10), "reason": cleanText(reason)}))
		return err
	})
}

// SignaturesWithoutCertificate lists up to limit signatures still waiting
// for their PDF, oldest first, for the background workers.
func (s *Store) SignaturesWithoutCertificate(ctx context.Context, limit int) ([]uint, error) {
	var ids []uint
	err := s.r.WithContext(ctx).Raw(`SELECT s.id FROM signatures s LEFT JOIN certificates c ON c.signature_id = s.id
		WHERE c.signature_id IS NULL AND s.revoked = false ORDER BY s.id LIMIT ?`, limit).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("list pending certificates: %w", err)
	}
	return ids, nil
}

// SignedEntry is a signature with who signed, for exports.
type SignedEntry struct {
	SignatureID uint
	// GORM would name a bare NIP field "n_ip" (IP is one of its initialisms)
	// and leave it empty.
	NIP            string `gorm:"column:nip"`
	Name           string
	DepartmentCode string
	DepartmentName string
	SignedAt       time.Time
}

// SignedEntries streams the signatures of a campaign by people now in the
// given departments (nil = all), in batches, for certificate exports. A
// person who moved after signing is listed under the unit they are in now,
// where the completion figures count them.
func (s *Store) SignedEntries(ctx context.Context, campaignID uint, deptIDs []uint, fn func([]SignedEntry) error) error {
	join, campaign := "JOIN", "signatures.campaign_id = ?"
	if !s.d.multiWriter() {
		// SQLite: walk the signatures in id order (the primary key) and
		// stop at the batch. Left to itself the planner read every
		// signature of the campaign through idx_sig_campaign_dept and
		// sorted them, once per batch: 260 ms a batch at 1,000,000
		// signatures, nine minutes of a certificate export. CROSS JOIN
		// fixes the loop order; the unary + keeps that index out.
		join, campaign = "CROSS JOIN", "+signatures.campaign_id = ?"
	}
	var last uint
	for {
		var rows []SignedEntry
		q := s.r.WithContext(ctx).Table("signatures").
			Select("signatures.id AS signature_id, asns.nip, asns.name, departments.code AS department_code, departments.name AS department_name, signatures.signed_at").
			Joins(join+" asns ON asns.id = signatures.asn_id").
			Joins(join+" departments ON departments.id = asns.department_id").
			Where(campaign+" AND signatures.id > ? AND signatures.revoked = false", campaignID, last)
		if deptIDs != nil {
			q = q.Where("asns.department_id IN ?", deptIDs)
		}
		if err := q.Order("signatures.id").Limit(500).Scan(&rows).Error; err != nil {
			return fmt.Errorf("list signatures: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		if err := fn(rows); err != nil {
			return err
		}
		last = rows[len(rows)-1].SignatureID
	}
}

// Revocation is who revoked a signature, when and why, as the audit chain
// records it (the chain, not a column, is the record that cannot be
// edited unnoticed).
type Revocation struct {
	At     time.Time
	Actor  string
	Reason string
}

// RevocationOf reads the revocation event of the signature with this
// certificate code, or ErrNotFound.
func (s *Store) RevocationOf(ctx context.Context, code string) (Revocation, error) {
	var ev []AuditEvent
	if err := s.r.WithContext(ctx).Where("action = ? AND subject = ?", ActionRevoked, "signature:"+code).
		Order("id DESC").Limit(1).Find(&ev).Error; err != nil {
		return Revocation{}, fmt.Errorf("read revocation of %s: %w", code, err)
	}
	if len(ev) == 0 {
		return Revocation{}, fmt.Errorf("revocation of %s: %w", code, ErrNotFound)
	}
	var d map[string]string
	_ = json.Unmarshal([]byte(ev[0].Detail), &d)
	return Revocation{At: ev[0].At, Actor: ev[0].Actor, Reason: d["reason"]}, nil
}
