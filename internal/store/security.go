package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"
	"unicode/utf8"

	"gorm.io/gorm/clause"
)

// ServerSecret is a random key the web layer derives tokens from (CSRF
// tokens, trusted-browser cookies). It lives in the database so every
// instance serving the same people derives the same tokens.
type ServerSecret struct {
	Name  string `gorm:"primaryKey;size:64"`
	Value string `gorm:"not null"` // hex
}

// Secret returns the secret called name, creating it from generate the
// first time. Concurrent first calls from several instances agree: the
// first insert wins and everyone reads it back.
func (s *Store) Secret(ctx context.Context, name string, generate func() []byte) ([]byte, error) {
	row := ServerSecret{Name: name, Value: hex.EncodeToString(generate())}
	if err := s.w.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, fmt.Errorf("create secret %s: %w", name, err)
	}
	var stored ServerSecret
	if err := s.w.WithContext(ctx).Where("name = ?", name).Take(&stored).Error; err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	b, err := hex.DecodeString(stored.Value)
	if err != nil {
		return nil, fmt.Errorf("secret %s is not hex: %w", name, err)
	}
	return b, nil
}

// LoginFailure is one failed staff login in the security log. The log is
// bounded (LoginFailureCap rows, oldest dropped) and its fields truncated:
// failed logins are typed by strangers, so they must not grow the database
// or the permanent audit chain.
type LoginFailure struct {
	ID       uint      `gorm:"primaryKey"`
	At       time.Time `gorm:"not null;index"`
	Username string    `gorm:"size:64;not null"`
	Address  string    `gorm:"size:64;not null"`
}

// LoginFailureCap is how many failed logins the security log keeps.
const LoginFailureCap = 10_000

// loginFieldMax bounds each stored field, in characters.
const loginFieldMax = 64

// truncateRunes cuts s to at most n characters, dropping invalid UTF-8.
func truncateRunes(s string, n int) string {
	s = string([]rune(s)[:min(n, utf8.RuneCountInString(s))])
	return s
}

// RecordLoginFailure appends one failed login and drops the oldest rows
// beyond LoginFailureCap.
func (s *Store) RecordLoginFailure(ctx context.Context, username, address string) error {
	row := LoginFailure{At: s.now().UTC(), Username: truncateRunes(username, loginFieldMax), Address: truncateRunes(address, loginFieldMax)}
	db := s.w.WithContext(ctx)
	if err := db.Create(&row).Error; err != nil {
		return fmt.Errorf("record failed login: %w", err)
	}
	if row.ID > LoginFailureCap {
		if err := db.Where("id <= ?", row.ID-LoginFailureCap).Delete(&LoginFailure{}).Error; err != nil {
			return fmt.Errorf("prune failed logins: %w", err)
		}
	}
	return nil
}

// LoginFailures returns the newest failed logins, at most limit.
func (s *Store) LoginFailures(ctx context.Context, limit int) ([]LoginFailure, error) {
	var rows []LoginFailure
	if err := s.r.WithContext(ctx).Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list failed logins: %w", err)
	}
	return rows, nil
}
