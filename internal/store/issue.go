package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrBusy is TryIssueOnce's answer when another process is issuing the
// same certificate right now: the caller moves on to other work.
var ErrBusy = errors.New("being issued by another process")

// IssueOnce returns the certificate of a signature, calling make to create
// it only when none is stored yet. Each certificate is made once, however
// many processes ask at the same moment:
//
//   - On PostgreSQL, one transaction locks the signature row (SELECT ... FOR
//     UPDATE), checks again that no certificate exists, calls make, stores
//     the result and commits. A second instance asking for the same
//     certificate waits on the row lock and then finds it stored. If the
//     issuing instance dies, its connection, transaction and lock die with
//     it, nothing was stored, and the next caller makes it.
//   - On SQLite, only this process writes: the caller (the certificate
//     service) collapses concurrent requests in-process, make runs without
//     holding the single write connection, and an insert-if-absent keeps the
//     first certificate should two ever race.
//
// make must not use the store: on PostgreSQL it runs while the transaction
// holds a pooled connection. The PDF's SHA-256 is also recorded on the
// signature.
func (s *Store) IssueOnce(ctx context.Context, signatureID uint, make func() (Certificate, error)) (Certificate, error) {
	return s.issueOnce(ctx, signatureID, true, make)
}

// TryIssueOnce is IssueOnce for background workers: when another process
// holds the signature (it is issuing that certificate now) it returns
// ErrBusy at once instead of waiting, so workers of several instances
// spread over the pending signatures rather than queue behind each other.
func (s *Store) TryIssueOnce(ctx context.Context, signatureID uint, make func() (Certificate, error)) (Certificate, error) {
	return s.issueOnce(ctx, signatureID, false, make)
}

func (s *Store) issueOnce(ctx context.Context, sigID uint, wait bool, make func() (Certificate, error)) (Certificate, error) {
	if !s.d.multiWriter() {
		if c, err := s.CertificateOf(ctx, sigID); err == nil || !errors.Is(err, ErrNotFound) {
			return c, err
		}
		c, err := make()
		if err != nil {
			return Certificate{}, err
		}
		c.SignatureID = sigID
		return s.PutCertificate(ctx, c)
	}
	var out Certificate
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		lock := clause.Locking{Strength: clause.LockingStrengthUpdate}
		if !wait {
			lock.Options = clause.LockingOptionsSkipLocked
		}
		var ids []uint
		if err := tx.Model(&Signature{}).Clauses(lock).Where("id = ?", sigID).Pluck("id", &ids).Error; err != nil {
			return fmt.Errorf("lock signature %d: %w", sigID, err)
		}
		if len(ids) == 0 {
			var n int64
			if err := tx.Model(&Signature{}).Where("id = ?", sigID).Count(&n).Error; err != nil {
				return fmt.Errorf("find signature %d: %w", sigID, err)
			}
			if n == 0 {
				return fmt.Errorf("signature %d: %w", sigID, ErrNotFound)
			}
			return fmt.Errorf("certificate of signature %d: %w", sigID, ErrBusy)
		}
		err := tx.Take(&out, "signature_id = ?", sigID).Error
		if err == nil {
			return nil // made by someone else while we waited for the lock
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("read certificate of signature %d: %w", sigID, err)
		}
		c, err := make()
		if err != nil {
			return err
		}
		c.SignatureID = sigID
		if err := tx.Create(&c).Error; err != nil {
			return fmt.Errorf("store certificate of signature %d: %w", sigID, err)
		}
		// The chain lock is taken here, after the PDF is made, and not
		// first as elsewhere: holding it while rendering would stall every
		// signing batch. A batch never waits on this signature row (its
		// insert conflicts on the unique index, which a row lock does not
		// block), so the two cannot wait on each other.
		if err := recordCertificate(tx, s.now(), c); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return Certificate{}, err
	}
	return out, nil
}
