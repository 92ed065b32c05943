package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/ikrar/ikrar/internal/nip"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ASNByToken finds an active roster entry by its signing token, as
// ASNByTokenFor reads it.
func (s *Store) ASNByToken(ctx context.Context, token string) (ASN, error) {
	a, _, err := s.ASNByTokenFor(ctx, token, 0)
	return a, err
}

// ASNByTokenFor finds an active roster entry by its signing token and
// tells whether it holds a signature (not revoked) of the campaign: the
// signing page's two questions in one read. Nearly every visit comes
// before the signature, so the page then needs no second query; a signed
// person's signature is read with SignatureOf.
//
// The entry holds what signing uses (asnSigningColumns), its Token and
// Active (true); its email, phone and timestamps are left empty.
func (s *Store) ASNByTokenFor(ctx context.Context, token string, campaignID uint) (ASN, bool, error) {
	// On SQLite (cgo builds) from connections below database/sql (see
	// tokenReads), which leave to database/sql what they do not read.
	if a, signed, err := s.tokens.read(token, campaignID); !errors.Is(err, errNotPlain) {
		return a, signed, err
	}
	return s.asnByTokenSQL(ctx, token, campaignID)
}

// asnByTokenSQL is ASNByTokenFor's read through database/sql.
func (s *Store) asnByTokenSQL(ctx context.Context, token string, campaignID uint) (ASN, bool, error) {
	var sigID sql.NullInt64
	a := ASN{Token: token, Active: true}
	if err := scanSigningASN(s.hot.asnByToken.QueryRowContext(s.d.hotReadContext(ctx), campaignID, token), &a, &sigID); err != nil {
		return ASN{}, false, hotNotFound(err, "signing token")
	}
	return a, sigID.Valid, nil
}

// ASNByNIP finds a roster entry by NIP, active or not.
func (s *Store) ASNByNIP(ctx context.Context, nip string) (ASN, error) {
	var a ASN
	if err := s.r.WithContext(ctx).Where("nip = ?", nip).Take(&a).Error; err != nil {
		return ASN{}, notFound(err, "NIP "+nip)
	}
	return a, nil
}

// ASNByID finds a roster entry by id.
func (s *Store) ASNByID(ctx context.Context, id uint) (ASN, error) {
	var a ASN
	if err := s.r.WithContext(ctx).Take(&a, id).Error; err != nil {
		return ASN{}, notFound(err, "ASN")
	}
	return a, nil
}

// RosterEntry is one line of a department page: the person and, when they
// signed the campaign, their signature.
type RosterEntry struct {
	ASN
	DepartmentName string
	DepartmentCode string
	SignatureID    *uint
	SignedAt       *time.Time
	CertCode       *string
	// SignedDepartmentID and SignedDepartmentName are the unit the
	// signature was made in.
	SignedDepartmentID   *uint
	SignedDepartmentName *string
	// ListedDepartmentID is the unit the list counts the person in: where
	// they are now, or for a closed campaign where they were at closing.
	ListedDepartmentID uint
}

// MovedFrom names the unit a person signed in when they have moved to
// another unit since ("pindah dari X"); empty otherwise.
func (e RosterEntry) MovedFrom() string {
	if e.SignedDepartmentID == nil || *e.SignedDepartmentID == e.ListedDepartmentID || e.SignedDepartmentName == nil {
		return ""
	}
	return *e.SignedDepartmentName
}

// RosterFilter narrows RosterPage.
type RosterFilter struct {
	CampaignID    uint
	DepartmentIDs []uint
	Search        string // name or NIP, case-insensitive substring
	Status        string // "", "signed", "pending", or a stage of reach (see ReachStages)
	Offset, Limit int
	// Closed lists the people recorded when the campaign closed (in the
	// unit they were in then) instead of the active roster now.
	Closed bool
}

// RosterPage lists active ASN in the given departments with their status
// for one campaign (or, with Closed, the people recorded when it closed),
// and the total number matching the filter.
func (s *Store) RosterPage(ctx context.Context, f RosterFilter) ([]RosterEntry, int64, error) {
	q, listed := s.rosterQuery(ctx, f)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count roster: %w", err)
	}
	var rows []RosterEntry
	q = rosterSelect(q, listed)
	if f.Limit > 0 {
		q = q.Offset(f.Offset).Limit(f.Limit)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list roster: %w", err)
	}
	return rows, total, nil
}

// RosterEach streams what RosterPage lists (without Offset and Limit), in
// its order, batch by batch: a report over a whole roster holds one batch.
func (s *Store) RosterEach(ctx context.Context, f RosterFilter, fn func([]RosterEntry) error) error {
	q, listed := s.rosterQuery(ctx, f)
	q = rosterSelect(q, listed)
	rows, err := q.Rows()
	if err != nil {
		return fmt.Errorf("list roster: %w", err)
	}
	return inBatches(rows, func(e *RosterEntry) error { return q.ScanRows(rows, e) }, fn)
}

// inBatches scans rows into batches of 2,000 and hands each to fn, so a
// caller streaming a whole roster holds one batch; it closes rows.
func inBatches[T any](rows *sql.Rows, scan func(*T) error, fn func([]T) error) error {
	defer rows.Close()
	batch := make([]T, 0, 2000)
	for rows.Next() {
		var v T
		if err := scan(&v); err != nil {
			return fmt.Errorf("read rows: %w", err)
		}
		if batch = append(batch, v); len(batch) == cap(batch) {
			if err := fn(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read rows: %w", err)
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// rosterSelect is the columns and order of a roster listing.
func rosterSelect(q *gorm.DB, listed string) *gorm.DB {
	return q.Select("asns.*, departments.name AS department_name, departments.code AS department_code, signatures.id AS signature_id, signatures.signed_at AS signed_at, signatures.cert_code AS cert_code, " +
		"signatures.department_id AS signed_department_id, signed_in.name AS signed_department_name, " +
		listed + " AS listed_department_id").
		Order("asns.name, asns.nip")
}

// rosterQuery is the filtered roster of RosterPage and RosterEach, and the
// column of the unit each person is listed in.
func (s *Store) rosterQuery(ctx context.Context, f RosterFilter) (*gorm.DB, string) {
	var q *gorm.DB
	listed := "asns.department_id"
	if f.Closed {
		q = s.r.WithContext(ctx).Table("closed_roster_entries cr").
			Joins("JOIN asns ON asns.id = cr.asn_id").
			Joins("JOIN departments ON departments.id = cr.department_id").
			Joins("LEFT JOIN signatures ON signatures.id = cr.signature_id").
			Where("cr.campaign_id = ? AND cr.department_id IN ?", f.CampaignID, f.DepartmentIDs)
		listed = "cr.department_id"
	} else {
		q = s.r.WithContext(ctx).Table("asns").
			Joins("JOIN departments ON departments.id = asns.department_id").
			Joins("LEFT JOIN signatures ON signatures.asn_id = asns.id AND signatures.campaign_id = ? AND signatures.revoked = false", f.CampaignID).
			Where("asns.active = ? AND asns.department_id IN ?", true, f.DepartmentIDs)
	}
	q = q.Joins("LEFT JOIN departments signed_in ON signed_in.id = signatures.department_id")
	if term := strings.TrimSpace(f.Search); term != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		like := "%" + esc.Replace(strings.ToLower(term)) + "%"
		// A NIP typed as printed ("19870312 201012") finds the stored digits.
		likeNIP := "%" + esc.Replace(nip.Normalize(term)) + "%"
		q = q.Where(`(LOWER(asns.name) LIKE ? ESCAPE '\' OR asns.nip LIKE ? ESCAPE '\')`, like, likeNIP)
	}
	switch f.Status {
	case "signed":
		q = q.Where("signatures.id IS NOT NULL")
	case "pending":
		if f.Closed { // as recorded: whoever had not signed at closing
			q = q.Where("signatures.id IS NULL")
		} else {
			q = pendingIn(q, f.CampaignID, nil)
		}
	default:
		q = reachFilter(q, f.CampaignID, f.Status)
	}
	return q, listed
}

// ImportRow is one validated roster line.
type ImportRow struct {
	Line                                                int
	NIP, Name, Position, Department, Email, Phone, Kind string
	// Parent is the optional unit_induk column: the code or name of the
	// unit that Department sits under.
	Parent string
}

// ImportOptions control ImportRoster.
type ImportOptions struct {
	DryRun            bool // compute the outcome, write nothing (the preview)
	DeactivateMissing bool // active ASN absent from the file are deactivated, never deleted
	// ConfirmDeactivate must equal the number of people a mass
	// deactivation (more than MassDeactivationPercent of the active
	// roster) would deactivate, typed by the admin; otherwise the import
	// is refused with *MassDeactivationError.
	ConfirmDeactivate int
	NewToken          func() string
	NewAccessCode     func() string
}

// MassDeactivationPercent is the share of the active roster above which a
// deactivation must be confirmed by typing its size: a partial file with
// "deactivate missing" ticked must not empty units with one click.
const MassDeactivationPercent = 5

// MassDeactivationError refuses an unconfirmed mass deactivation.
type MassDeactivationError struct{ Count, Active int }

func (e *MassDeactivationError) Error() string {
	return fmt.Sprintf("import would deactivate %d of %d active ASN; confirm by typing %d", e.Count, e.Active, e.Count)
}

// IsMassDeactivation reports whether deactivating n of active people needs
// the typed confirmation.
func IsMassDeactivation(n, active int) bool {
	return n > 0 && n*100 > active*MassDeactivationPercent
}

// DeactivatedEntry is a person an import deactivates, for the preview.
type DeactivatedEntry struct {
	NIP, Name, Department string
	Signed                bool // has a signature that is not revoked, in any campaign
}

// ImportResult summarises an import or its preview.
type ImportResult struct {
	Added, Updated, Unchanged, Deactivated, Reactivated int
	NewDepartments                                      []string
	Moved                                               int // units put under the parent the file names
	// What the preview shows about people (issue 14: nothing silent).
	ActiveBefore      int                // active ASN before the import
	DeactivatedList   []DeactivatedEntry // by department and name
	DeactivatedSigned int                // of those, how many already signed
	MovedSigned       int                // signers the file moves to another unit
	// Similar lists new unit names close to an existing unit that the
	// admin has neither mapped nor confirmed (filled by roster.Import).
	Similar []SimilarUnit
}

// SimilarUnit is a new unit name in a file that looks like an existing
// unit ("mirip dengan …").
type SimilarUnit struct {
	Line     int    // first line that names it
	Name     string // as in the file
	Existing string // the existing unit it resembles
	Rows     int    // how many lines name it
}

// ImportRoster upserts a whole roster in one transaction: it all lands or
// none of it does. Existing tokens, access codes and signatures are kept.
// It stages rows and applies them (see RosterStage); callers reading a
// file stage it as they read instead of holding every row.
func (s *Store) ImportRoster(ctx context.Context, actor, source string, rows []ImportRow, o ImportOptions) (ImportResult, error) {
	st, err := s.StageRoster(ctx, o)
	if err != nil {
		return ImportResult{}, err
	}
	defer st.Close()
	for _, r := range rows {
		if err := st.Add(ctx, r); err != nil {
			return ImportResult{}, err
		}
	}
	return st.Apply(ctx, actor, source, o)
}

// DepartmentCode derives a short code from a department name.
func DepartmentCode(name string) string {
	var sb strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			sb.WriteRune(r)
			dash = false
		default:
			if !dash && sb.Len() > 0 {
				sb.WriteByte('-')
				dash = true
			}
		}
		if sb.Len() >= 48 {
			break
		}
	}
	code := strings.Trim(sb.String(), "-")
	if code == "" {
		code = "unit"
	}
	return code
}

func uniqueCode(base string, taken map[string]bool) string {
	code := base
	for i := 2; taken[code]; i++ {
		code = base + "-" + strconv.Itoa(i)
	}
	return code
}

// ActiveASN streams active roster entries in the given departments (nil =
// all) in NIP order, batch by batch, for exports.
func (s *Store) ActiveASN(ctx context.Context, deptIDs []uint, fn func([]ASN) error) error {
	var batch []ASN
	q := s.r.WithContext(ctx).Where("active = ?", true)
	if deptIDs != nil {
		q = q.Where("department_id IN ?", deptIDs)
	}
	err := q.Order("id").FindInBatches(&batch, 2000, func(*gorm.DB, int) error { return fn(batch) }).Error
	if err != nil {
		return fmt.Errorf("read roster: %w", err)
	}
	return nil
}

// ActiveCount counts the active people of the departments (nil = all)
// from the completion counters (roster_counts), without reading the roster.
func (s *Store) ActiveCount(ctx context.Context, deptIDs []uint) (int, error) {
	q := s.r.WithContext(ctx).Table("roster_counts").Select("COALESCE(SUM(n), 0)")
	if deptIDs != nil {
		q = q.Where("department_id IN ?", deptIDs)
	}
	var n int64
	if err := q.Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count active roster: %w", err)
	}
	return int(n), nil
}

// RosterLink is what a signing-links sheet shows of one person.
type RosterLink struct {
	NIP, Name, Position, Department, Token, AccessCode string
}

// ActiveLinks streams the active people of the departments (nil = all)
// batch by batch, ordered by unit name, then name, then id, in byte
// order on both databases: the order of the links sheets, sorted by the
// database (its sorter spills to disk) instead of holding the roster.
func (s *Store) ActiveLinks(ctx context.Context, deptIDs []uint, fn func([]RosterLink) error) error {
	q := s.r.WithContext(ctx).Table("asns a").Joins("JOIN departments d ON d.id = a.department_id").
		Select("a.nip, a.name, a.position, d.name AS department, a.token, a.access_code").Where("a.active = ?", true)
	if deptIDs != nil {
		q = q.Where("a.department_id IN ?", deptIDs)
	}
	rows, err := q.Order(s.d.byteOrder("d.name") + ", " + s.d.byteOrder("a.name") + ", a.id").Rows()
	if err != nil {
		return fmt.Errorf("read roster links: %w", err)
	}
	return inBatches(rows, func(l *RosterLink) error {
		return rows.Scan(&l.NIP, &l.Name, &l.Position, &l.Department, &l.Token, &l.AccessCode)
	}, fn)
}
