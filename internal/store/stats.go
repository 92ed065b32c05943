package store

import (
	"context"
	"fmt"
	"time"
)

// DepartmentCount is roster size and signatures of one department itself
// (children not included; callers roll up through the tree).
type DepartmentCount struct {
	DepartmentID uint
	Roster       int
	Signed       int
}

// CompletionByDepartment aggregates in SQL: one grouped count over the
// roster and one over signatures (which carry their department, so no join).
func (s *Store) CompletionByDepartment(ctx context.Context, campaignID uint) (map[uint]DepartmentCount, error) {
	out := map[uint]DepartmentCount{}
	var roster []struct {
		DepartmentID uint
		N            int
	}
	if err := s.r.WithContext(ctx).Raw(`SELECT department_id, COUNT(*) AS n FROM asns WHERE active = true GROUP BY department_id`).Scan(&roster).Error; err != nil {
		return nil, fmt.Errorf("count roster by department: %w", err)
	}
	for _, r := range roster {
		out[r.DepartmentID] = DepartmentCount{DepartmentID: r.DepartmentID, Roster: r.N}
	}
	var signed []struct {
		DepartmentID uint
		N            int
	}
	// Signatures of ASN who later left the roster still count as history,
	// but completion is measured against the active roster.
	if err := s.r.WithContext(ctx).Raw(`SELECT s.department_id, COUNT(*) AS n FROM signatures s JOIN asns a ON a.id = s.asn_id
		WHERE s.campaign_id = ? AND a.active = true AND a.department_id = s.department_id GROUP BY s.department_id`, campaignID).Scan(&signed).Error; err != nil {
		return nil, fmt.Errorf("count signatures by department: %w", err)
	}
	for _, r := range signed {
		c := out[r.DepartmentID]
		c.DepartmentID = r.DepartmentID
		c.Signed = r.N
		out[r.DepartmentID] = c
	}
	return out, nil
}

// DayCount is signatures on one day (WIB).
type DayCount struct {
	Day   time.Time
	Count int
}

// SignaturesPerDay counts a campaign's signatures per WIB day within the
// given departments (nil = all).
func (s *Store) SignaturesPerDay(ctx context.Context, campaignID uint, deptIDs []uint) ([]DayCount, error) {
	var rows []struct {
		Day string
		N   int
	}
	q := s.r.WithContext(ctx).Table("signatures").
		Select(s.d.wibDay("signed_at")+" AS day, COUNT(*) AS n").
		Where("campaign_id = ?", campaignID)
	if deptIDs != nil {
		q = q.Where("department_id IN ?", deptIDs)
	}
	if err := q.Group("day").Order("day").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count signatures per day: %w", err)
	}
	out := make([]DayCount, 0, len(rows))
	for _, r := range rows {
		d, err := time.Parse("2006-01-02", r.Day)
		if err != nil {
			return nil, fmt.Errorf("count signatures per day: bad day %q: %w", r.Day, err)
		}
		out = append(out, DayCount{Day: d, Count: r.N})
	}
	return out, nil
}
