package store

import (
	"context"
	"fmt"
)

// Totals are the headline counts of the admin overview.
type Totals struct {
	Departments int64
	ActiveASN   int64
	Signatures  int64
	Users       int64
	// Certificates made so far; Signatures minus Certificates still wait
	// for their PDF (a few for seconds normally, more while a timestamp
	// authority is down).
	Certificates int64
}

// CertificatesWaiting is how many signatures have no certificate yet.
func (t Totals) CertificatesWaiting() int64 { return t.Signatures - t.Certificates }

// AdminTotals counts departments, active roster entries, signatures (all
// campaigns) and staff users.
func (s *Store) AdminTotals(ctx context.Context) (Totals, error) {
	var t Totals
	err := s.r.WithContext(ctx).Raw(`SELECT
		(SELECT COUNT(*) FROM departments) AS departments,
		(SELECT COUNT(*) FROM asns WHERE active = true) AS active_asn,
		(SELECT COUNT(*) FROM signatures) AS signatures,
		(SELECT COUNT(*) FROM users) AS users,
		(SELECT COUNT(*) FROM certificates) AS certificates`).Scan(&t).Error
	if err != nil {
		return Totals{}, fmt.Errorf("count totals: %w", err)
	}
	return t, nil
}

// RosterByDepartment counts active roster entries of each department itself
// (children not included), in the shape CompletionByDepartment uses so the
// tree roll-up can be shared.
func (s *Store) RosterByDepartment(ctx context.Context) (map[uint]DepartmentCount, error) {
	var rows []struct {
		DepartmentID uint
		N            int
	}
	if err := s.r.WithContext(ctx).Raw(`SELECT department_id, COUNT(*) AS n FROM asns WHERE active = true GROUP BY department_id`).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count roster by department: %w", err)
	}
	out := make(map[uint]DepartmentCount, len(rows))
	for _, r := range rows {
		out[r.DepartmentID] = DepartmentCount{DepartmentID: r.DepartmentID, Roster: r.N}
	}
	return out, nil
}

// SignaturesByCampaign counts the signatures of every campaign.
func (s *Store) SignaturesByCampaign(ctx context.Context) (map[uint]int64, error) {
	var rows []struct {
		CampaignID uint
		N          int64
	}
	if err := s.r.WithContext(ctx).Raw(`SELECT campaign_id, COUNT(*) AS n FROM signatures GROUP BY campaign_id`).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count signatures by campaign: %w", err)
	}
	out := make(map[uint]int64, len(rows))
	for _, r := range rows {
		out[r.CampaignID] = r.N
	}
	return out, nil
}

// UserByID finds a staff user by id.
func (s *Store) UserByID(ctx context.Context, id uint) (User, error) {
	var u User
	if err := s.r.WithContext(ctx).Take(&u, id).Error; err != nil {
		return User{}, notFound(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}

// UserDepartmentBindings maps every bound user to their department ids.
func (s *Store) UserDepartmentBindings(ctx context.Context) (map[uint][]uint, error) {
	var rows []UserDepartment
	if err := s.r.WithContext(ctx).Order("user_id, department_id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list user departments: %w", err)
	}
	out := map[uint][]uint{}
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], r.DepartmentID)
	}
	return out, nil
}
