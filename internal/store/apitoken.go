package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"gorm.io/gorm"
)

// APIToken is a bearer credential of the JSON API (/api/v1). Only the
// SHA-256 of the token is stored, as for sessions: a copy of the database
// does not hand out working tokens.
type APIToken struct {
	ID        uint   `gorm:"primaryKey"`
	Name      string `gorm:"size:64;not null;uniqueIndex"`
	TokenHash string `gorm:"size:64;not null;uniqueIndex"`
	// Scopes is a space-separated list such as "roster:read completion:read".
	Scopes     string `gorm:"size:255;not null"`
	CreatedBy  string `gorm:"size:128;not null"`
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// APITokenDepartment binds a token to a unit (and its children), the way
// UserDepartment binds a head. A token without any binding sees every unit.
type APITokenDepartment struct {
	TokenID      uint `gorm:"primaryKey;autoIncrement:false"`
	DepartmentID uint `gorm:"primaryKey;autoIncrement:false"`
}

// APIIdempotency remembers the answer to a state-changing API call made
// with an Idempotency-Key, so a client retrying after a lost response gets
// the same answer instead of a second import.
type APIIdempotency struct {
	TokenID     uint   `gorm:"primaryKey;autoIncrement:false"`
	Key         string `gorm:"column:idem_key;primaryKey;size:255"`
	RequestHash string `gorm:"size:64;not null"`
	Status      int    `gorm:"not null"` // 0 while the first call is still running
	Body        []byte
	CreatedAt   time.Time
}

// TableName keeps the singular, readable name.
func (APIIdempotency) TableName() string { return "api_idempotency" }

// Active reports whether the token may be used at t.
func (t APIToken) Active(at time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || at.Before(*t.ExpiresAt))
}

// HasScope reports whether the token carries scope.
func (t APIToken) HasScope(scope string) bool {
	for _, s := range strings.Fields(t.Scopes) {
		if s == scope {
			return true
		}
	}
	return false
}

// CreateAPIToken stores a new token (its hash) bound to deptIDs, with an
// audit event naming who made it. token is the plaintext handed to the
// caller once.
func (s *Store) CreateAPIToken(ctx context.Context, actor, token string, t *APIToken, deptIDs []uint) error {
	t.TokenHash = hashToken(token)
	t.CreatedBy = actor
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		if err := tx.Create(t).Error; err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("create API token %s: %w", t.Name, ErrConflict)
			}
			return fmt.Errorf("create API token %s: %w", t.Name, err)
		}
		ids := make([]string, 0, len(deptIDs))
		for _, id := range deptIDs {
			if err := tx.Create(&APITokenDepartment{TokenID: t.ID, DepartmentID: id}).Error; err != nil {
				return fmt.Errorf("bind API token %s to department %d: %w", t.Name, id, err)
			}
			ids = append(ids, fmt.Sprint(id))
		}
		expires := ""
		if t.ExpiresAt != nil {
			expires = t.ExpiresAt.UTC().Format(time.RFC3339)
		}
		_, err := appendEvent(tx, s.now(), actor, "api_token.created", "api_token:"+t.Name,
			audit.Detail(map[string]string{"scopes": t.Scopes, "departments": strings.Join(ids, ","), "expires": expires}))
		return err
	})
}

// APITokenByToken resolves a presented bearer token (any state: the caller
// checks Active so it can say why a token is refused).
func (s *Store) APITokenByToken(ctx context.Context, token string) (APIToken, error) {
	var t APIToken
	if err := s.r.WithContext(ctx).Where("token_hash = ?", hashToken(token)).Take(&t).Error; err != nil {
		return APIToken{}, notFound(err, "API token")
	}
	return t, nil
}

// APITokens lists every token, newest first.
func (s *Store) APITokens(ctx context.Context) ([]APIToken, error) {
	var ts []APIToken
	if err := s.r.WithContext(ctx).Order("id DESC").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	return ts, nil
}

// APITokenDepartmentIDs lists the units a token is bound to (none: all).
func (s *Store) APITokenDepartmentIDs(ctx context.Context, tokenID uint) ([]uint, error) {
	var ids []uint
	if err := s.r.WithContext(ctx).Model(&APITokenDepartment{}).Where("token_id = ?", tokenID).Pluck("department_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("list departments of API token %d: %w", tokenID, err)
	}
	return ids, nil
}

// RevokeAPIToken ends a token for good.
func (s *Store) RevokeAPIToken(ctx context.Context, actor string, id uint) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		var t APIToken
		if err := tx.Take(&t, id).Error; err != nil {
			return notFound(err, "API token")
		}
		if t.RevokedAt != nil {
			return nil
		}
		now := s.now().UTC()
		if err := tx.Model(&APIToken{}).Where("id = ?", id).Update("revoked_at", now).Error; err != nil {
			return fmt.Errorf("revoke API token %s: %w", t.Name, err)
		}
		_, err := appendEvent(tx, now, actor, "api_token.revoked", "api_token:"+t.Name, "{}")
		return err
	})
}

// TouchAPIToken records when a token was last used. Callers throttle it:
// it is a write, and reads must not each cost one.
func (s *Store) TouchAPIToken(ctx context.Context, id uint, at time.Time) error {
	if err := s.w.WithContext(ctx).Model(&APIToken{}).Where("id = ?", id).Update("last_used_at", at.UTC()).Error; err != nil {
		return fmt.Errorf("touch API token %d: %w", id, err)
	}
	return nil
}

// ErrInProgress is returned when an idempotency key is already being
// answered by another request.
var ErrInProgress = errors.New("request with this idempotency key is in progress")

// ReserveIdempotency claims key for a token. When the key was used before
// it returns the stored answer (status > 0), ErrInProgress while the first
// call runs, or ErrConflict when the key came with a different request.
func (s *Store) ReserveIdempotency(ctx context.Context, tokenID uint, key, requestHash string) (APIIdempotency, error) {
	row := APIIdempotency{TokenID: tokenID, Key: key, RequestHash: requestHash}
	err := s.w.WithContext(ctx).Create(&row).Error
	if err == nil {
		return APIIdempotency{}, nil
	}
	if !isUniqueViolation(err) {
		return APIIdempotency{}, fmt.Errorf("reserve idempotency key: %w", err)
	}
	var old APIIdempotency
	if err := s.w.WithContext(ctx).Where("token_id = ? AND idem_key = ?", tokenID, key).Take(&old).Error; err != nil {
		return APIIdempotency{}, notFound(err, "idempotency key")
	}
	switch {
	case old.RequestHash != requestHash:
		return APIIdempotency{}, fmt.Errorf("idempotency key %q: %w", key, ErrConflict)
	case old.Status == 0:
		return APIIdempotency{}, ErrInProgress
	}
	return old, nil
}

// FinishIdempotency stores the answer of a reserved key; status 0 releases
// the key instead (the call failed in a way worth retrying).
func (s *Store) FinishIdempotency(ctx context.Context, tokenID uint, key string, status int, body []byte) error {
	q := s.w.WithContext(ctx).Where("token_id = ? AND idem_key = ?", tokenID, key)
	var err error
	if status == 0 {
		err = q.Delete(&APIIdempotency{}).Error
	} else {
		err = q.Model(&APIIdempotency{}).Updates(map[string]any{"status": status, "body": body}).Error
	}
	if err != nil {
		return fmt.Errorf("finish idempotency key: %w", err)
	}
	return nil
}

// RosterSyncRow is one roster entry as the API shows it: no credentials.
type RosterSyncRow struct {
	ID             uint
	NIP            string `gorm:"column:nip"`
	Name           string
	Position       string
	Kind           string
	Email          string
	Phone          string
	Active         bool
	UpdatedAt      time.Time
	DepartmentCode string
}

// RosterSince lists roster entries (active or not, so a sync sees
// deactivations) in id order after afterID, changed at or after since when
// it is set, in deptIDs (nil = all).
func (s *Store) RosterSince(ctx context.Context, deptIDs []uint, afterID uint, since *time.Time, limit int) ([]RosterSyncRow, error) {
	q := s.r.WithContext(ctx).Table("asns").
		Joins("JOIN departments ON departments.id = asns.department_id").
		Where("asns.id > ?", afterID)
	if deptIDs != nil {
		q = q.Where("asns.department_id IN ?", deptIDs)
	}
	if since != nil {
		q = q.Where("asns.updated_at >= ?", since.UTC())
	}
	var rows []RosterSyncRow
	err := q.Select("asns.id, asns.nip, asns.name, asns.position, asns.kind, asns.email, asns.phone, asns.active, asns.updated_at, departments.code AS department_code").
		Order("asns.id").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("list roster since %d: %w", afterID, err)
	}
	return rows, nil
}

// SignatureFilter narrows SignaturesAfter.
type SignatureFilter struct {
	DepartmentIDs []uint // nil = all
	CampaignID    uint   // 0 = all
	NIP           string // "" = everyone
	AfterID       uint
	Limit         int
}

// SignaturesAfter lists signatures in id order (ids only grow, so the last
// id seen is a stable cursor for "what is new").
func (s *Store) SignaturesAfter(ctx context.Context, f SignatureFilter) ([]Signature, error) {
	q := s.r.WithContext(ctx).Omit("drawn_png").Where("id > ?", f.AfterID)
	if f.DepartmentIDs != nil {
		q = q.Where("department_id IN ?", f.DepartmentIDs)
	}
	if f.CampaignID != 0 {
		q = q.Where("campaign_id = ?", f.CampaignID)
	}
	if f.NIP != "" {
		q = q.Where("signer_nip = ?", f.NIP)
	}
	var sigs []Signature
	if err := q.Order("id").Limit(f.Limit).Find(&sigs).Error; err != nil {
		return nil, fmt.Errorf("list signatures after %d: %w", f.AfterID, err)
	}
	return sigs, nil
}

// UnitsOfNIPs maps each NIP already on the roster to its unit, so a token
// bound to units can be kept from moving people out of other units.
func (s *Store) UnitsOfNIPs(ctx context.Context, nips []string) (map[string]uint, error) {
	out := make(map[string]uint, len(nips))
	for start := 0; start < len(nips); start += 500 {
		end := min(start+500, len(nips))
		var rows []ASN
		if err := s.r.WithContext(ctx).Select("nip", "department_id").Where("nip IN ?", nips[start:end]).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("units of NIPs: %w", err)
		}
		for _, a := range rows {
			out[a.NIP] = a.DepartmentID
		}
	}
	return out, nil
}

// CountAuditEvents counts the chain's events of one actor and action.
func (s *Store) CountAuditEvents(ctx context.Context, actor, action string) (int64, error) {
	var n int64
	if err := s.r.WithContext(ctx).Model(&AuditEvent{}).Where("actor = ? AND action = ?", actor, action).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count audit events: %w", err)
	}
	return n, nil
}
