package store

import (
	"cmp"
	"context"
	"fmt"
	"github.com/ikrar/ikrar/internal/nip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"gorm.io/gorm"
)

// ASNByToken finds an active roster entry by its signing token.
func (s *Store) ASNByToken(ctx context.Context, token string) (ASN, error) {
	a, err := scanASN(s.hot.asnByToken.QueryRowContext(ctx, token))
	if err != nil {
		return ASN{}, hotNotFound(err, "signing token")
	}
	return a, nil
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
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count roster: %w", err)
	}
	var rows []RosterEntry
	q = q.Select("asns.*, departments.name AS department_name, departments.code AS department_code, signatures.id AS signature_id, signatures.signed_at AS signed_at, signatures.cert_code AS cert_code, " +
		"signatures.department_id AS signed_department_id, signed_in.name AS signed_department_name, " +
		listed + " AS listed_department_id").
		Order("asns.name, asns.nip")
	if f.Limit > 0 {
		q = q.Offset(f.Offset).Limit(f.Limit)
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("list roster: %w", err)
	}
	return rows, total, nil
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
func (s *Store) ImportRoster(ctx context.Context, actor, source string, rows []ImportRow, o ImportOptions) (ImportResult, error) {
	var res ImportResult
	errDryRun := fmt.Errorf("dry run")
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		var depts []Department
		if err := tx.Find(&depts).Error; err != nil {
			return fmt.Errorf("read departments: %w", err)
		}
		byName := map[string]uint{}
		codes := map[string]bool{}
		for _, d := range depts {
			byName[strings.ToLower(d.Name)] = d.ID
			codes[d.Code] = true
		}
		for _, r := range rows {
			key := strings.ToLower(r.Department)
			if _, ok := byName[key]; ok {
				continue
			}
			d := Department{Code: uniqueCode(DepartmentCode(r.Department), codes), Name: r.Department}
			if err := tx.Create(&d).Error; err != nil {
				return fmt.Errorf("import roster line %d: create department %q: %w", r.Line, r.Department, err)
			}
			codes[d.Code] = true
			byName[key] = d.ID
			res.NewDepartments = append(res.NewDepartments, d.Name)
		}
		if moved, err := importRosterParents(tx, rows); err != nil {
			return err
		} else {
			res.Moved = moved
		}

		existing := map[string]ASN{}
		var batch []ASN
		if err := tx.FindInBatches(&batch, 5000, func(*gorm.DB, int) error {
			for _, a := range batch {
				existing[a.NIP] = a
			}
			return nil
		}).Error; err != nil {
			return fmt.Errorf("read roster: %w", err)
		}

		signed, err := signedASNIDs(tx)
		if err != nil {
			return err
		}
		for _, a := range existing {
			if a.Active {
				res.ActiveBefore++
			}
		}
		inFile := make(map[string]bool, len(rows))
		var creates []ASN
		for _, r := range rows {
			inFile[r.NIP] = true
			deptID := byName[strings.ToLower(r.Department)]
			old, ok := existing[r.NIP]
			if ok && old.DepartmentID != deptID && signed[old.ID] {
				res.MovedSigned++
			}
			if !ok {
				creates = append(creates, ASN{NIP: r.NIP, Name: r.Name, Position: r.Position, DepartmentID: deptID, Kind: r.Kind,
					Email: r.Email, Phone: r.Phone, Active: true, Token: o.NewToken(), AccessCode: o.NewAccessCode()})
				continue
			}
			if old.Name == r.Name && old.Position == r.Position && old.DepartmentID == deptID && old.Kind == r.Kind &&
				old.Email == r.Email && old.Phone == r.Phone && old.Active {
				res.Unchanged++
				continue
			}
			if !old.Active {
				res.Reactivated++
			}
			res.Updated++
			if err := tx.Model(&ASN{}).Where("id = ?", old.ID).Updates(map[string]any{
				"name": r.Name, "position": r.Position, "department_id": deptID, "kind": r.Kind,
				"email": r.Email, "phone": r.Phone, "active": true,
			}).Error; err != nil {
				return fmt.Errorf("import roster line %d: update %s: %w", r.Line, r.NIP, err)
			}
		}
		res.Added = len(creates)
		if len(creates) > 0 {
			if err := tx.CreateInBatches(creates, 500).Error; err != nil {
				return fmt.Errorf("import roster: insert new ASN: %w", err)
			}
		}
		if o.DeactivateMissing {
			var gone []uint
			deptName := map[uint]string{}
			for _, d := range depts {
				deptName[d.ID] = d.Name
			}
			for nip, a := range existing {
				if a.Active && !inFile[nip] {
					gone = append(gone, a.ID)
					res.DeactivatedList = append(res.DeactivatedList, DeactivatedEntry{NIP: a.NIP, Name: a.Name, Department: deptName[a.DepartmentID], Signed: signed[a.ID]})
					if signed[a.ID] {
						res.DeactivatedSigned++
					}
				}
			}
			slices.SortFunc(res.DeactivatedList, func(x, y DeactivatedEntry) int {
				return cmp.Or(cmp.Compare(x.Department, y.Department), cmp.Compare(x.Name, y.Name), cmp.Compare(x.NIP, y.NIP))
			})
			if !o.DryRun && IsMassDeactivation(len(gone), res.ActiveBefore) && o.ConfirmDeactivate != len(gone) {
				return &MassDeactivationError{Count: len(gone), Active: res.ActiveBefore}
			}
			for start := 0; start < len(gone); start += 500 {
				end := min(start+500, len(gone))
				if err := tx.Model(&ASN{}).Where("id IN ?", gone[start:end]).Update("active", false).Error; err != nil {
					return fmt.Errorf("import roster: deactivate: %w", err)
				}
			}
			res.Deactivated = len(gone)
		}
		if o.DryRun {
			return errDryRun
		}
		_, err = appendEvent(tx, s.now(), actor, "roster.imported", "roster:"+source, audit.Detail(map[string]string{
			"rows": strconv.Itoa(len(rows)), "added": strconv.Itoa(res.Added), "updated": strconv.Itoa(res.Updated),
			"deactivated": strconv.Itoa(res.Deactivated), "new_departments": strconv.Itoa(len(res.NewDepartments)),
		}))
		if err != nil {
			return err
		}
		return emitEvent(tx, s.now(), EventRosterImported, map[string]any{"source": source, "actor": actor, "rows": len(rows),
			"added": res.Added, "updated": res.Updated, "unchanged": res.Unchanged, "deactivated": res.Deactivated, "new_units": res.NewDepartments})
	})
	if err == errDryRun {
		err = nil
	}
	return res, err
}

// signedASNIDs is every ASN with a signature that is not revoked.
func signedASNIDs(tx *gorm.DB) (map[uint]bool, error) {
	var ids []uint
	if err := tx.Model(&Signature{}).Distinct("asn_id").Where("revoked = ?", false).Pluck("asn_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("read signers: %w", err)
	}
	out := make(map[uint]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// importRosterParents applies the roster's optional unit_induk column.
func importRosterParents(tx *gorm.DB, rows []ImportRow) (int, error) {
	var links []parentLink
	var ix *unitIndex
	for _, r := range rows {
		if r.Parent == "" {
			continue
		}
		if ix == nil {
			var err error
			if ix, err = loadUnitIndex(tx); err != nil {
				return 0, err
			}
		}
		links = append(links, parentLink{Line: r.Line, Column: "unit_induk", Child: ix.byName[strings.ToLower(r.Department)], Parent: r.Parent})
	}
	if len(links) == 0 {
		return 0, nil
	}
	moved, err := applyParents(tx, ix, links)
	return len(moved), err
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
