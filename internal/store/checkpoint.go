package store

import (
	"context"
	"fmt"
	"time"
)

// AuditCheckpoint is a signed statement of the audit chain's head (see
// audit.Checkpoint), kept so that pages and reports can print the latest
// one and the server knows when the next is due. The file is what counts:
// it is published outside the database, where this row cannot follow.
type AuditCheckpoint struct {
	ID        uint      `gorm:"primaryKey"`
	At        time.Time `gorm:"not null;index"`
	Seq       uint      `gorm:"not null"`
	Head      string    `gorm:"size:64;not null"`
	Statement string    `gorm:"not null"`
}

// ChainHead is the newest event's number and hash as the database's
// anchor records it (zero for an empty chain).
func (s *Store) ChainHead(ctx context.Context) (seq uint, hash string, err error) {
	var heads []AuditHead
	if err := s.r.WithContext(ctx).Limit(1).Find(&heads).Error; err != nil {
		return 0, "", fmt.Errorf("read audit head: %w", err)
	}
	if len(heads) == 0 {
		return 0, "", nil
	}
	return heads[0].Seq, heads[0].Hash, nil
}

// EventHash is the stored hash of event seq, or ErrNotFound.
func (s *Store) EventHash(ctx context.Context, seq uint64) (string, error) {
	var hashes []string
	if err := s.r.WithContext(ctx).Model(&AuditEvent{}).Where("id = ?", seq).Limit(1).Pluck("hash", &hashes).Error; err != nil {
		return "", fmt.Errorf("read audit event %d: %w", seq, err)
	}
	if len(hashes) == 0 {
		return "", fmt.Errorf("audit event %d: %w", seq, ErrNotFound)
	}
	return hashes[0], nil
}

// SaveCheckpoint keeps a checkpoint that was just signed.
func (s *Store) SaveCheckpoint(ctx context.Context, c *AuditCheckpoint) error {
	if err := s.w.WithContext(ctx).Create(c).Error; err != nil {
		return fmt.Errorf("save audit checkpoint: %w", err)
	}
	return nil
}

// LatestCheckpoint is the newest checkpoint, or ErrNotFound.
func (s *Store) LatestCheckpoint(ctx context.Context) (AuditCheckpoint, error) {
	var cps []AuditCheckpoint
	if err := s.r.WithContext(ctx).Order("at DESC, id DESC").Limit(1).Find(&cps).Error; err != nil {
		return AuditCheckpoint{}, fmt.Errorf("read latest audit checkpoint: %w", err)
	}
	if len(cps) == 0 {
		return AuditCheckpoint{}, fmt.Errorf("audit checkpoint: %w", ErrNotFound)
	}
	return cps[0], nil
}
