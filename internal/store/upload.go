package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// PendingUpload is a roster file waiting for the admin's confirmation
// after its preview. It lives in the database, not on one machine's disk,
// so whichever instance receives the confirmation finds it.
type PendingUpload struct {
	Token     string    `gorm:"primaryKey;size:32"`
	Ext       string    `gorm:"size:8;not null"`
	Data      []byte    `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null;index"`
}

// PutUpload keeps a previewed file under token, dropping uploads older
// than expired on the way (no timer needed).
func (s *Store) PutUpload(ctx context.Context, token, ext string, data []byte, expired time.Time) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("created_at < ?", expired.UTC()).Delete(&PendingUpload{}).Error; err != nil {
			return fmt.Errorf("drop expired uploads: %w", err)
		}
		if err := tx.Create(&PendingUpload{Token: token, Ext: ext, Data: data, CreatedAt: s.now().UTC()}).Error; err != nil {
			return fmt.Errorf("keep upload: %w", err)
		}
		return nil
	})
}

// TakeUpload removes and returns a pending upload: a token works once,
// even when the confirmation is sent twice or to two instances.
func (s *Store) TakeUpload(ctx context.Context, token string, expired time.Time) (PendingUpload, error) {
	var u PendingUpload
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("token = ? AND created_at >= ?", token, expired.UTC()).Take(&u).Error; err != nil {
			return notFound(err, "upload")
		}
		res := tx.Where("token = ?", token).Delete(&PendingUpload{})
		if res.Error != nil {
			return fmt.Errorf("take upload: %w", res.Error)
		}
		if res.RowsAffected != 1 { // taken by a concurrent confirmation
			return fmt.Errorf("upload: %w", ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return PendingUpload{}, err
	}
	return u, nil
}

// CountUploads tells how many uploads are pending.
func (s *Store) CountUploads(ctx context.Context) (int64, error) {
	var n int64
	if err := s.r.WithContext(ctx).Model(&PendingUpload{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count uploads: %w", err)
	}
	return n, nil
}

// PeekUpload returns a pending upload without taking it, for paging
// through its preview.
func (s *Store) PeekUpload(ctx context.Context, token string, expired time.Time) (PendingUpload, error) {
	var u PendingUpload
	if err := s.r.WithContext(ctx).Where("token = ? AND created_at >= ?", token, expired.UTC()).Take(&u).Error; err != nil {
		return PendingUpload{}, notFound(err, "upload")
	}
	return u, nil
}
