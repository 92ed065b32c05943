package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ikrar/ikrar/internal/wib"
)

// DepartmentCount is roster size and signatures of one department itself
// (children not included; callers roll up through the tree).
type DepartmentCount struct {
	DepartmentID uint
	Roster       int
	Signed       int
}

// CompletionByDepartment applies the completion rule of an open campaign
// to every department itself (children not included): Roster is the
// department's active ASN now, Signed is how many of them have signed the
// campaign, wherever they were when they signed. A person who signed and
// then moved counts as signed in the department they are in now; a person
// deactivated after signing leaves both figures (the signature itself stays
// valid and verifiable).
//
// It avoids joining every signature to its signer, which on a 1,000,000
// roster took over 2 s (one primary-key lookup per signature). Instead it
// takes two grouped counts that read covering indexes only (the roster by
// department and activity, the signatures by campaign and the department
// signed in) and then corrects them for the signatures whose signer has
// since left the roster or moved: each is taken away from the department
// it was signed in and, if its signer is still active, added to the one
// they are in now. A signature can only need that correction when its
// signer's row changed after it was made, so only the roster entries
// updated since the campaign's first signature are joined; the hour of
// slack covers clocks of instances sharing one database that disagree a
// little.
func (s *Store) CompletionByDepartment(ctx context.Context, campaignID uint) (map[uint]DepartmentCount, error) {
	type count struct {
		DepartmentID uint
		N            int
	}
	var roster, signed []count
	if err := s.r.WithContext(ctx).Raw(`SELECT department_id, COUNT(*) AS n FROM asns WHERE active = ? GROUP BY department_id`, true).
		Scan(&roster).Error; err != nil {
		return nil, fmt.Errorf("count roster by department: %w", err)
	}
	if err := s.r.WithContext(ctx).Raw(`SELECT department_id, COUNT(*) AS n FROM signatures WHERE campaign_id = ? GROUP BY department_id`, campaignID).
		Scan(&signed).Error; err != nil {
		return nil, fmt.Errorf("count signatures by department: %w", err)
	}
	// Revoked signatures count nowhere: they are few, and a partial index
	// (idx_sig_revoked) finds them, so the count above keeps reading its
	// covering index and they are taken away below.
	var revoked []count
	if err := s.r.WithContext(ctx).Raw(`SELECT department_id, COUNT(*) AS n FROM signatures WHERE campaign_id = ? AND revoked = true GROUP BY department_id`, campaignID).
		Scan(&revoked).Error; err != nil {
		return nil, fmt.Errorf("count revoked signatures by department: %w", err)
	}
	var moved []struct {
		SignedIn uint
		NowIn    uint
		Active   bool
		N        int
	}
	if len(signed) > 0 {
		first, err := s.firstSignedAt(ctx, campaignID)
		if err != nil {
			return nil, err
		}
		// CROSS JOIN makes SQLite start from the recently updated roster
		// entries (without table statistics it would scan every signature
		// instead); on PostgreSQL it is an ordinary join.
		if err := s.r.WithContext(ctx).Raw(`SELECT s.department_id AS signed_in, a.department_id AS now_in, a.active AS active, COUNT(*) AS n
			FROM asns a CROSS JOIN signatures s
			WHERE s.asn_id = a.id AND s.campaign_id = ? AND a.updated_at >= ? AND s.revoked = false
			AND (a.active = ? OR a.department_id <> s.department_id)
			GROUP BY s.department_id, a.department_id, a.active`, campaignID, first.Add(-time.Hour).UTC(), false).Scan(&moved).Error; err != nil {
			return nil, fmt.Errorf("count signatures of people who left or moved: %w", err)
		}
	}
	out := make(map[uint]DepartmentCount, len(roster))
	add := func(dept uint, n int) {
		c := out[dept]
		c.DepartmentID = dept
		c.Signed += n
		out[dept] = c
	}
	for _, r := range roster {
		out[r.DepartmentID] = DepartmentCount{DepartmentID: r.DepartmentID, Roster: r.N}
	}
	for _, r := range signed {
		add(r.DepartmentID, r.N)
	}
	for _, r := range revoked {
		add(r.DepartmentID, -r.N)
	}
	for _, m := range moved {
		add(m.SignedIn, -m.N)
		if m.Active {
			add(m.NowIn, m.N)
		}
	}
	// A department whose only signers all left or moved away is not in the
	// roster count and has nothing left to show.
	for id, c := range out {
		if c.Roster == 0 && c.Signed == 0 {
			delete(out, id)
		}
	}
	return out, nil
}

// firstSignedAt is the time of a campaign's earliest signature (read from
// the (campaign_id, signed_at) index, so it costs one lookup).
func (s *Store) firstSignedAt(ctx context.Context, campaignID uint) (time.Time, error) {
	var first []time.Time
	if err := s.r.WithContext(ctx).Raw(`SELECT signed_at FROM signatures WHERE campaign_id = ? ORDER BY signed_at LIMIT 1`, campaignID).
		Scan(&first).Error; err != nil {
		return time.Time{}, fmt.Errorf("first signature of campaign %d: %w", campaignID, err)
	}
	if len(first) == 0 {
		return time.Time{}, fmt.Errorf("first signature of campaign %d: %w", campaignID, ErrNotFound)
	}
	return first[0], nil
}

// DayCount is signatures on one day (WIB).
type DayCount struct {
	Day   time.Time
	Count int
}

// SignaturesPerDay counts a campaign's signatures per WIB day within the
// given departments (nil = all).
func (s *Store) SignaturesPerDay(ctx context.Context, campaignID uint, deptIDs []uint) ([]DayCount, error) {
	if deptIDs == nil {
		return s.signaturesPerDayAll(ctx, campaignID)
	}
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

// signaturesPerDayAll counts a whole campaign day by day with one range
// count per WIB day on the (campaign_id, signed_at) index. Grouping by a
// computed day instead evaluates a date function on every signature, which
// on 600,000 signatures took half a second; range counts read the index only.
func (s *Store) signaturesPerDayAll(ctx context.Context, campaignID uint) ([]DayCount, error) {
	first, err := s.firstSignedAt(ctx, campaignID)
	if errors.Is(err, ErrNotFound) {
		return []DayCount{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("count signatures per day: %w", err)
	}
	var last []time.Time
	if err := s.r.WithContext(ctx).Raw(`SELECT signed_at FROM signatures WHERE campaign_id = ? ORDER BY signed_at DESC LIMIT 1`, campaignID).
		Scan(&last).Error; err != nil || len(last) == 0 {
		return nil, fmt.Errorf("count signatures per day: last signature: %w", err)
	}
	f := first.In(wib.Zone)
	day := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, wib.Zone)
	var out []DayCount
	for !day.After(last[0]) {
		next := day.AddDate(0, 0, 1)
		var n int
		// Bounds are passed in UTC, the zone signed_at is stored in.
		if err := s.r.WithContext(ctx).Raw(`SELECT COUNT(*) FROM signatures WHERE campaign_id = ? AND signed_at >= ? AND signed_at < ?`,
			campaignID, day.UTC(), next.UTC()).Scan(&n).Error; err != nil {
			return nil, fmt.Errorf("count signatures on %s: %w", day.Format("2006-01-02"), err)
		}
		if n > 0 {
			out = append(out, DayCount{Day: time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC), Count: n})
		}
		day = next
	}
	return out, nil
}
