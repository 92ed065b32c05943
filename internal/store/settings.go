package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/ikrar/ikrar/internal/audit"
)

// SettingBaseURL is the public address `ikrar serve` runs with, recorded so
// that CLI commands writing links and certificates use the same one.
const SettingBaseURL = "base_url"

// Setting is one value the server records for every instance and command.
type Setting struct {
	Key       string `gorm:"primaryKey;size:64"`
	Value     string `gorm:"size:2048;not null"`
	UpdatedAt time.Time
}

// Setting returns a recorded value, or ErrNotFound.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var st Setting
	if err := s.r.WithContext(ctx).Where("key = ?", key).Take(&st).Error; err != nil {
		return "", notFound(err, "setting "+key)
	}
	return st.Value, nil
}

// PutSetting records a value; a change is an audit event (the public
// address decides what every QR code says).
func (s *Store) PutSetting(ctx context.Context, actor, key, value string) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var old Setting
		err := tx.Where("key = ?", key).Take(&old).Error
		switch {
		case err == nil && old.Value == value:
			return nil
		case err != nil && !errors.Is(err, gorm.ErrRecordNotFound):
			return fmt.Errorf("read setting %s: %w", key, err)
		}
		if err := lockChain(tx); err != nil {
			return err
		}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"})}).
			Create(&Setting{Key: key, Value: value, UpdatedAt: s.now()}).Error; err != nil {
			return fmt.Errorf("record setting %s: %w", key, err)
		}
		_, err = appendEvent(tx, s.now(), actor, "setting.changed", "setting:"+key, audit.Detail(map[string]string{"old": old.Value, "new": value}))
		return err
	})
}
