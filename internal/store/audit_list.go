package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// AuditFilter selects audit events for the audit page and its exports.
// Zero fields do not filter.
type AuditFilter struct {
	Kind  string // an action ("roster.imported") or its first part ("campaign")
	Actor string // part of the actor, any case ("admin", "asn:1987")
	// Units: events about these departments (their department event, or a
	// signature made in one of them).
	Units    []Department
	From, To time.Time // From ≤ at < To
	BeforeID uint      // paging, newest first: only events older than this one
	Limit    int       // page size; 0 = no limit (exports)
}

func (s *Store) auditQuery(ctx context.Context, f AuditFilter) *gorm.DB {
	q := s.r.WithContext(ctx).Model(&AuditEvent{})
	if k := strings.TrimSpace(f.Kind); k != "" {
		q = q.Where("action = ? OR action LIKE ? ESCAPE '\\'", k, likeEscape(k)+".%")
	}
	if a := strings.TrimSpace(f.Actor); a != "" {
		q = q.Where("LOWER(actor) LIKE ? ESCAPE '\\'", "%"+likeEscape(strings.ToLower(a))+"%")
	}
	if len(f.Units) > 0 {
		var conds []string
		var args []any
		subjects := make([]string, len(f.Units))
		for i, d := range f.Units {
			subjects[i] = "department:" + d.Code
		}
		conds, args = append(conds, "subject IN ?"), append(args, subjects)
		for _, d := range f.Units {
			// Signature events carry the unit as signed in their detail
			// (canonical JSON, so the spelling is fixed).
			conds = append(conds, "detail LIKE ?")
			args = append(args, `%"department_id":"`+strconv.FormatUint(uint64(d.ID), 10)+`"%`)
		}
		q = q.Where("("+strings.Join(conds, " OR ")+")", args...)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	return q
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// AuditEvents lists events newest first, one page of f.Limit after
// f.BeforeID, and tells whether older ones match too.
func (s *Store) AuditEvents(ctx context.Context, f AuditFilter) ([]AuditEvent, bool, error) {
	q := s.auditQuery(ctx, f)
	if f.BeforeID > 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	var evs []AuditEvent
	if err := q.Order("id DESC").Limit(limit + 1).Find(&evs).Error; err != nil {
		return nil, false, fmt.Errorf("list audit events: %w", err)
	}
	more := len(evs) > limit
	if more {
		evs = evs[:limit]
	}
	return evs, more, nil
}

// AuditKinds lists the actions present in the chain, for the filter.
func (s *Store) AuditKinds(ctx context.Context) ([]string, error) {
	var kinds []string
	if err := s.r.WithContext(ctx).Model(&AuditEvent{}).Distinct("action").Order("action").Pluck("action", &kinds).Error; err != nil {
		return nil, fmt.Errorf("list audit kinds: %w", err)
	}
	return kinds, nil
}

// StreamAuditEvents calls fn with the matching events in chain order
// (oldest first), a batch at a time, so an export of any length holds one
// batch in memory.
func (s *Store) StreamAuditEvents(ctx context.Context, f AuditFilter, fn func([]AuditEvent) error) error {
	var after uint
	for {
		var evs []AuditEvent
		if err := s.auditQuery(ctx, f).Where("id > ?", after).Order("id").Limit(1000).Find(&evs).Error; err != nil {
			return fmt.Errorf("read audit events: %w", err)
		}
		if len(evs) == 0 {
			return nil
		}
		if err := fn(evs); err != nil {
			return err
		}
		after = evs[len(evs)-1].ID
	}
}
