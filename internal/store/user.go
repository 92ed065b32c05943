package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"gorm.io/gorm"
)

// Roles of staff users.
const (
	RoleAdmin = "admin"
	RoleHead  = "head"
)

// CreateUser adds a staff user bound to departments (heads only).
func (s *Store) CreateUser(ctx context.Context, actor string, u *User, deptIDs []uint) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		if err := tx.Create(u).Error; err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("create user %s: %w", u.Username, ErrConflict)
			}
			return fmt.Errorf("create user %s: %w", u.Username, err)
		}
		codes := make([]string, 0, len(deptIDs))
		for _, id := range deptIDs {
			if err := tx.Create(&UserDepartment{UserID: u.ID, DepartmentID: id}).Error; err != nil {
				return fmt.Errorf("bind user %s to department %d: %w", u.Username, id, err)
			}
			codes = append(codes, fmt.Sprint(id))
		}
		detail := map[string]string{"role": u.Role, "departments": strings.Join(codes, ",")}
		if u.Email != "" {
			detail["email"] = u.Email
		}
		_, err := appendEvent(tx, s.now(), actor, "user.created", "user:"+u.Username, audit.Detail(detail))
		return err
	})
}

// SetUserPassword replaces a password hash.
func (s *Store) SetUserPassword(ctx context.Context, actor string, userID uint, hash string) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		res := tx.Model(&User{}).Where("id = ?", userID).Update("password_hash", hash)
		if res.Error != nil {
			return fmt.Errorf("set password: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("user %d: %w", userID, ErrNotFound)
		}
		// Existing sessions end: a password change is often a response to a leak.
		if err := tx.Where("user_id = ?", userID).Delete(&Session{}).Error; err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		_, err := appendEvent(tx, s.now(), actor, "user.password_changed", fmt.Sprintf("user:%d", userID), "{}")
		return err
	})
}

// SetUserEmail sets (or, with "", clears) a staff user's address for the
// messages ikrar sends them; the caller has validated it.
func (s *Store) SetUserEmail(ctx context.Context, actor string, userID uint, email string) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		res := tx.Model(&User{}).Where("id = ?", userID).Update("email", email)
		if res.Error != nil {
			return fmt.Errorf("set email of user %d: %w", userID, res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("user %d: %w", userID, ErrNotFound)
		}
		_, err := appendEvent(tx, s.now(), actor, "user.email", fmt.Sprintf("user:%d", userID), audit.Detail(map[string]string{"email": email}))
		return err
	})
}

// SetUserDisabled disables or enables a user, ending their sessions.
func (s *Store) SetUserDisabled(ctx context.Context, actor string, userID uint, disabled bool) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		if err := tx.Model(&User{}).Where("id = ?", userID).Update("disabled", disabled).Error; err != nil {
			return fmt.Errorf("disable user: %w", err)
		}
		if err := tx.Where("user_id = ?", userID).Delete(&Session{}).Error; err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		_, err := appendEvent(tx, s.now(), actor, "user.disabled", fmt.Sprintf("user:%d", userID), audit.Detail(map[string]string{"disabled": fmt.Sprint(disabled)}))
		return err
	})
}

// UserByUsername finds a user.
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	var u User
	if err := s.r.WithContext(ctx).Where("username = ?", username).Take(&u).Error; err != nil {
		return User{}, notFound(err, "user "+username)
	}
	return u, nil
}

// Users lists all staff users.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var us []User
	if err := s.r.WithContext(ctx).Order("username").Find(&us).Error; err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

// UserDepartmentIDs lists the departments a head is bound to.
func (s *Store) UserDepartmentIDs(ctx context.Context, userID uint) ([]uint, error) {
	var ids []uint
	if err := s.r.WithContext(ctx).Model(&UserDepartment{}).Where("user_id = ?", userID).Pluck("department_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("list departments of user %d: %w", userID, err)
	}
	return ids, nil
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession stores a login; the cookie keeps the token, the database
// only its hash.
func (s *Store) CreateSession(ctx context.Context, userID uint, token string, ttl time.Duration) error {
	now := s.now().UTC()
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		// Opportunistic clean-up keeps the table small without a cron.
		if err := tx.Where("expires_at < ?", now).Delete(&Session{}).Error; err != nil {
			return fmt.Errorf("purge sessions: %w", err)
		}
		if err := tx.Create(&Session{TokenHash: hashToken(token), UserID: userID, ExpiresAt: now.Add(ttl)}).Error; err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		var u User
		if err := tx.Take(&u, userID).Error; err != nil {
			return notFound(err, "user")
		}
		_, err := appendEvent(tx, now, "user:"+u.Username, "user.login", "user:"+u.Username, "{}")
		return err
	})
}

// SessionUser resolves a session token to its live, enabled user.
func (s *Store) SessionUser(ctx context.Context, token string) (User, error) {
	var sess Session
	err := s.r.WithContext(ctx).Where("token_hash = ? AND expires_at > ?", hashToken(token), s.now().UTC()).Take(&sess).Error
	if err != nil {
		return User{}, notFound(err, "session")
	}
	var u User
	if err := s.r.WithContext(ctx).Where("id = ? AND disabled = ?", sess.UserID, false).Take(&u).Error; err != nil {
		return User{}, notFound(err, "session user")
	}
	return u, nil
}

// DeleteSession ends a login.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if err := s.w.WithContext(ctx).Where("token_hash = ?", hashToken(token)).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
