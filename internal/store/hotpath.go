package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The signing pages run five reads per request (the person behind the
// token, their department, the open campaigns, the campaign, their
// signature). Under 64 concurrent signers a CPU profile showed GORM's
// per-query work (statement building, callbacks, reflective scanning) at
// about a fifth of the server's time, several times SQLite's own cost, so
// these reads use prepared database/sql statements on the reader pool. The
// column lists are checked against the GORM models by TestHotColumnsMatchModels,
// so a field added to a model cannot be silently left unread here.

var (
	// asnSigningColumns are the roster columns the signing pages read: who
	// signs (shown and stored with the signature), their unit, and the
	// access code a campaign may ask for. The rest (asnNotSigning) is not
	// read: go-sqlite3 costs a handful of cgo calls and a string or a
	// parsed time per column, and this read runs twice per signing visit;
	// 13 -> 7 columns took ~50 of ~510 allocations and ~3 % of the CPU of a
	// visit (BenchmarkSignVisit).
	asnSigningColumns = []string{"id", "nip", "name", "position", "department_id", "kind", "access_code"}
	// asnNotSigning: the token and active are the query's own conditions;
	// contact details and timestamps appear on no signing page.
	asnNotSigning     = []string{"token", "active", "email", "phone", "created_at", "updated_at"}
	departmentColumns = []string{"id", "code", "name", "parent_id", "created_at", "updated_at"}
	campaignColumns   = []string{"id", "slug", "version", "title", "preamble", "points", "closing", "title_en", "preamble_en", "points_en", "closing_en", "instansi", "text_hash", "status", "opens_at", "closes_at", "created_at", "updated_at", "require_code"}
	signatureColumns  = []string{"id", "asn_id", "campaign_id", "department_id", "signed_at", "typed_name", "drawn_png", "ip", "user_agent", "pledge_hash", "cert_code", "cert_sha256", "revoked", "signer_nip", "signer_name", "signer_position", "staff_user", "device_key"}
)

func selectFrom(table string, cols []string, where string) string {
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + table + " " + where
}

// prefixed is cols joined for a SELECT, each qualified with prefix ("a.").
func prefixed(prefix string, cols []string) string {
	return prefix + strings.Join(cols, ", "+prefix)
}

// sqlASNByToken is the person behind a token (asnSigningColumns) and the
// id of their signature of a campaign if any (see Store.ASNByTokenFor). The signature
// is a subquery keyed by the person, not a LEFT JOIN: PostgreSQL keeps a
// prepared statement's generic plan, and the join's plan made while the
// signatures table was still empty (a new database, a campaign's first
// minute) found the signature by campaign alone, scanning every signature
// of the campaign on each visit: 1.7 ms per read at 10,000 signatures and
// growing, most of PostgreSQL's CPU per signature (docs/PERFORMANCE.md).
// The subquery has one plan, the unique (asn_id, campaign_id) index
// (TestHotReadsKeyedWhateverTheStatistics).
var sqlASNByToken = "SELECT " + prefixed("a.", asnSigningColumns) + ", (SELECT s.id FROM signatures s" +
	" WHERE s.asn_id = a.id AND s.campaign_id = ? AND s.revoked = false) FROM asns a WHERE a.token = ? AND a.active = true LIMIT 1"

var sqlSignatureOf = selectFrom("signatures", signatureColumns, "WHERE asn_id = ? AND campaign_id = ? AND revoked = false LIMIT 1")

type hotStmts struct {
	asnByToken, signatureOf, departmentByID, openCampaigns, campaignByID *sql.Stmt
}

func prepareHotStmts(db *sql.DB, d dialect) (*hotStmts, error) {
	var h hotStmts
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&h.asnByToken, sqlASNByToken},
		{&h.signatureOf, sqlSignatureOf},
		{&h.departmentByID, selectFrom("departments", departmentColumns, "WHERE id = ?")},
		{&h.openCampaigns, selectFrom("campaigns", campaignColumns, "WHERE status = '"+string(CampaignOpen)+"' ORDER BY id DESC")},
		{&h.campaignByID, selectFrom("campaigns", campaignColumns, "WHERE id = ?")},
	} {
		stmt, err := db.Prepare(d.rebind(p.query))
		if err != nil {
			h.close()
			return nil, fmt.Errorf("prepare read statements: %w", err)
		}
		*p.dst = stmt
	}
	return &h, nil
}

func (h *hotStmts) close() {
	for _, s := range []*sql.Stmt{h.asnByToken, h.signatureOf, h.departmentByID, h.openCampaigns, h.campaignByID} {
		if s != nil {
			s.Close()
		}
	}
}

type scanner interface{ Scan(dest ...any) error }

// nullTime scans a nullable datetime into a time.Time (zero when NULL),
// as GORM does for non-pointer time fields.
type nullTime struct{ t *time.Time }

func (n nullTime) Scan(v any) error {
	var nt sql.NullTime
	if err := nt.Scan(v); err != nil {
		return err
	}
	*n.t = nt.Time
	return nil
}

// nullString scans a nullable text column into a string ("" when NULL).
type nullString struct{ s *string }

func (n nullString) Scan(v any) error {
	var ns sql.NullString
	if err := ns.Scan(v); err != nil {
		return err
	}
	*n.s = ns.String
	return nil
}

// scanSigningASN reads asnSigningColumns into a, then the query's further
// columns into more.
func scanSigningASN(r scanner, a *ASN, more ...any) error {
	return r.Scan(append([]any{&a.ID, &a.NIP, &a.Name, &a.Position, &a.DepartmentID, &a.Kind, &a.AccessCode}, more...)...)
}

func scanDepartment(r scanner) (Department, error) {
	var d Department
	var parent sql.NullInt64
	err := r.Scan(&d.ID, &d.Code, &d.Name, &parent, nullTime{&d.CreatedAt}, nullTime{&d.UpdatedAt})
	if parent.Valid {
		p := uint(parent.Int64)
		d.ParentID = &p
	}
	return d, err
}

func scanCampaign(r scanner) (Campaign, error) {
	var c Campaign
	var opens, closes sql.NullTime
	err := r.Scan(&c.ID, &c.Slug, &c.Version, &c.Title, &c.Preamble, &c.Points, &c.Closing,
		nullString{&c.TitleEN}, nullString{&c.PreambleEN}, nullString{&c.PointsEN}, nullString{&c.ClosingEN},
		&c.Instansi, &c.TextHash, &c.Status, &opens, &closes, nullTime{&c.CreatedAt}, nullTime{&c.UpdatedAt}, &c.RequireCode)
	if opens.Valid {
		c.OpensAt = &opens.Time
	}
	if closes.Valid {
		c.ClosesAt = &closes.Time
	}
	return c, err
}

func scanSignature(r scanner) (Signature, error) {
	var s Signature
	err := r.Scan(&s.ID, &s.ASNID, &s.CampaignID, &s.DepartmentID, &s.SignedAt, &s.TypedName, &s.DrawnPNG,
		nullString{&s.IP}, nullString{&s.UserAgent}, &s.PledgeHash, &s.CertCode, nullString{&s.CertSHA256}, &s.Revoked,
		&s.SignerNIP, &s.SignerName, &s.SignerPosition, &s.StaffUser, &s.DeviceKey)
	return s, err
}

// hotNotFound maps sql.ErrNoRows to ErrNotFound like notFound does for GORM.
func hotNotFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}
