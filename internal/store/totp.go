package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/ikrar/ikrar/internal/audit"
	"gorm.io/gorm"
)

// EnableTOTP turns on two-factor sign-in for a user with a confirmed
// secret and the hashes of fresh recovery codes.
// usedStep is the time step of the code that confirmed the setup, so that
// code cannot sign in as well.
func (s *Store) EnableTOTP(ctx context.Context, actor string, userID uint, secret string, usedStep int64, recoveryHashes []string) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		res := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
			"totp_secret": secret, "totp_last_step": usedStep, "recovery_codes": strings.Join(recoveryHashes, "\n")})
		if res.Error != nil {
			return fmt.Errorf("enable two-factor sign-in: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("user %d: %w", userID, ErrNotFound)
		}
		_, err := appendEvent(tx, s.now(), actor, "user.totp_enabled", fmt.Sprintf("user:%d", userID),
			audit.Detail(map[string]string{"recovery_codes": fmt.Sprint(len(recoveryHashes))}))
		return err
	})
}

// DisableTOTP turns two-factor sign-in off and forgets the recovery codes.
func (s *Store) DisableTOTP(ctx context.Context, actor string, userID uint) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		res := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"totp_secret": "", "totp_last_step": 0, "recovery_codes": ""})
		if res.Error != nil {
			return fmt.Errorf("disable two-factor sign-in: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("user %d: %w", userID, ErrNotFound)
		}
		_, err := appendEvent(tx, s.now(), actor, "user.totp_disabled", fmt.Sprintf("user:%d", userID), "{}")
		return err
	})
}

// UseTOTPStep records that the code of time step was used, unless that
// step or a later one was used before: a code works once, even when two
// instances check it at the same moment (one conditional UPDATE).
func (s *Store) UseTOTPStep(ctx context.Context, userID uint, step int64) (bool, error) {
	res := s.w.WithContext(ctx).Model(&User{}).Where("id = ? AND totp_last_step < ?", userID, step).Update("totp_last_step", step)
	if res.Error != nil {
		return false, fmt.Errorf("record two-factor code: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// UseRecoveryCode removes one unused recovery code by its hash; false when
// the user has no such code. Using one is an audit event.
func (s *Store) UseRecoveryCode(ctx context.Context, userID uint, hash string) (bool, error) {
	used := false
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		var u User
		if err := tx.Take(&u, userID).Error; err != nil {
			return notFound(err, "user")
		}
		var left []string
		for _, h := range strings.Split(u.RecoveryCodes, "\n") {
			if h == hash && !used {
				used = true
				continue
			}
			if h != "" {
				left = append(left, h)
			}
		}
		if !used {
			return nil
		}
		if err := tx.Model(&User{}).Where("id = ?", userID).Update("recovery_codes", strings.Join(left, "\n")).Error; err != nil {
			return fmt.Errorf("use recovery code: %w", err)
		}
		_, err := appendEvent(tx, s.now(), "user:"+u.Username, "user.recovery_code_used", "user:"+u.Username,
			audit.Detail(map[string]string{"left": fmt.Sprint(len(left))}))
		return err
	})
	return used, err
}
