package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/ikrar/ikrar/internal/i18n"
)

// TableCount is how many rows one table holds.
type TableCount struct {
	Table string
	Rows  int64
}

// CopyReport is what CopyTo copied and verified.
type CopyReport struct {
	Tables []TableCount // in copy order, as counted in the target
	Audit  AuditReport  // the target's audit chain, verified
}

// copyBatch bounds the rows one INSERT carries (and PostgreSQL's 65535
// parameters); certificates are PDFs, so they go fewer at a time.
const (
	copyBatch     = 500
	copyCertBatch = 50
)

// errTooPrecise stops a copy whose times PostgreSQL would round.
var errTooPrecise = i18n.New("migrate_too_precise")

// CopyTo copies this database into dst, which must be empty: campaigns,
// departments, roster, signatures, certificates, users and their
// departments, and the audit chain, with their ids, so the chain verifies
// in the new home. Sessions and rate-limit counters are not copied: staff
// log in again.
//
// The source is read in one snapshot, so a city can move while its old
// server still runs (signatures made after the snapshot stay behind: stop
// signing first for a clean move). The target is written in one
// transaction: a failed copy leaves it empty. Afterwards the row counts of
// every table are compared and the target's audit chain is verified,
// including every signature against its recorded digest.
//
// progress, when set, hears each table as it is done.
func (s *Store) CopyTo(ctx context.Context, dst *Store, progress func(TableCount)) (CopyReport, error) {
	if err := dst.requireEmpty(ctx); err != nil {
		return CopyReport{}, err
	}
	if progress == nil {
		progress = func(TableCount) {}
	}
	var copied []TableCount
	err := s.r.WithContext(ctx).Transaction(func(src *gorm.DB) error {
		return dst.w.WithContext(ctx).Transaction(func(out *gorm.DB) error {
			var err error
			copied, err = copyAll(src, out, progress)
			if err != nil {
				return err
			}
			return dst.d.afterCopy(out)
		})
	}, s.d.snapshot())
	if err != nil {
		return CopyReport{}, fmt.Errorf("copy database: %w", err)
	}
	rep := CopyReport{}
	for _, c := range copied {
		var n int64
		if err := dst.r.WithContext(ctx).Table(c.Table).Count(&n).Error; err != nil {
			return CopyReport{}, fmt.Errorf("count %s in the target: %w", c.Table, err)
		}
		if n != c.Rows {
			return CopyReport{}, fmt.Errorf("copy check: %s has %d rows in the target, %d in the source", c.Table, n, c.Rows)
		}
		rep.Tables = append(rep.Tables, TableCount{Table: c.Table, Rows: n})
	}
	if rep.Audit, err = dst.VerifyAudit(ctx); err != nil {
		return CopyReport{}, fmt.Errorf("copy check: audit chain in the target: %w", err)
	}
	return rep, nil
}

// copyTables is every table CopyTo moves, in an order that keeps
// references pointing backwards.
var copyTables = []string{"campaigns", "departments", "asns", "signatures", "certificates", "users", "user_departments",
	"campaign_closings", "closed_roster_entries", "closed_unit_counts", "audit_events", "signing_keys",
	"replaced_certificates", "audit_checkpoints", "settings",
	"outbox_messages", "email_refusals", "link_opens", "reminder_schedules", "unit_completions",
	"api_tokens", "api_token_departments", "api_idempotency", "webhook_subscriptions", "webhook_events", "webhook_attempts"}

func copyAll(src, out *gorm.DB, progress func(TableCount)) ([]TableCount, error) {
	steps := []func() (int64, error){
		func() (int64, error) {
			return copyRows(src, out, "id", func(r *Campaign) uint { return r.ID }, copyBatch, nil)
		},
		func() (int64, error) {
			return copyRows(src, out, "id", func(r *Department) uint { return r.ID }, copyBatch, nil)
		},
		func() (int64, error) {
			return copyRows(src, out, "id", func(r *ASN) uint { return r.ID }, copyBatch, nil)
		},
		func() (int64, error) {
			return copyRows(src, out, "id", func(r *Signature) uint { return r.ID }, copyBatch,
				func(r *Signature) error { return microseconds(r.SignedAt) })
		},
		func() (int64, error) {
			return copyRows(src, out, "signature_id", func(r *Certificate) uint { return r.SignatureID }, copyCertBatch, nil)
		},
		func() (int64, error) {
			return copyRows(src, out, "id", func(r *User) uint { return r.ID }, copyBatch, nil)
		},
		func() (int64, error) {
			return copyRows[UserDepartment](src, out, "user_id, department_id", nil, copyBatch, nil)
		},
		func() (int64, error) {
			return copyRows(src, out, "campaign_id", func(r *CampaignClosing) uint { return r.CampaignID }, copyBatch, nil)
		},
		func() (int64, error) {
			return copyRows(src, out, "id", func(r *ClosedRosterEntry) uint { return r.ID }, copyBatch, nil)
		},
		func() (int64, error) {
			return copyRows[ClosedUnitCount](src, out, "campaign_id, department_id", nil, copyBatch, nil)
		},
		func() (int64, error) {
			return copyRows(src, out, "id", func(r *AuditEvent) uint { return r.ID }, copyBatch,
				func(r *AuditEvent) error { return microseconds(r.At) })
		},
		func() (int64, error) { // the keys certificates were signed with (certificate.OpenSigner)
			return copyRows[SigningKey](src, out, "fingerprint", nil, copyBatch, nil)
		},
		func() (int64, error) { // certificates re-issued: the old files still verify as replaced
			return copyRows(src, out, "id", func(r *ReplacedCertificate) uint { return r.ID }, copyBatch, nil)
		},
		func() (int64, error) { // signed statements of the chain's head
			return copyRows(src, out, "id", func(r *AuditCheckpoint) uint { return r.ID }, copyBatch, nil)
		},
		func() (int64, error) { // the recorded public address
			return copyRows[Setting](src, out, `"key"`, nil, copyBatch, nil)
		},
		func() (int64, error) { // reaching people: what was sent, so nothing is sent twice after the move
			return copyRows(src, out, "id", func(r *OutboxMessage) uint { return r.ID }, copyBatch, nil)
		},
		func() (int64, error) { // addresses the mail server refused
			return copyRows(src, out, "asn_id", func(r *EmailRefusal) uint { return r.ASNID }, copyBatch, nil)
		},
		func() (int64, error) { // first visits of personal links ("dibuka")
			return copyRows[LinkOpen](src, out, "asn_id, campaign_id", nil, copyBatch, nil)
		},
		func() (int64, error) { // each campaign's reminder days
			return copyRows(src, out, "campaign_id", func(r *ReminderSchedule) uint { return r.CampaignID }, copyBatch, nil)
		},
		func() (int64, error) { // units already announced at 100 %, so none is announced again after the move
			return copyRows[UnitCompletion](src, out, "campaign_id, department_id", nil, copyBatch, nil)
		},
		func() (int64, error) { // JSON API tokens (hashes only) and their units
			return copyRows(src, out, "id", func(r *APIToken) uint { return r.ID }, copyBatch, nil)
		},
		func() (int64, error) {
			return copyRows[APITokenDepartment](src, out, "token_id, department_id", nil, copyBatch, nil)
		},
		func() (int64, error) { // remembered answers to Idempotency-Keys
			return copyRows[APIIdempotency](src, out, "token_id, idem_key", nil, copyBatch, nil)
		},
		func() (int64, error) { // webhook subscriptions, events and the delivery log
			return copyRows(src, out, "id", func(r *WebhookSubscription) uint { return r.ID }, copyBatch, nil)
		},
		func() (int64, error) {
			return copyRows[WebhookEvent](src, out, "id", nil, copyBatch, nil)
		},
		func() (int64, error) {
			return copyRows(src, out, "id", func(r *WebhookAttempt) uint { return r.ID }, copyBatch, nil)
		},
	}
	var counts []TableCount
	for i, step := range steps {
		n, err := step()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", copyTables[i], err)
		}
		c := TableCount{Table: copyTables[i], Rows: n}
		counts = append(counts, c)
		progress(c)
	}
	return counts, nil
}

func microseconds(t time.Time) error {
	if t.Nanosecond()%1000 != 0 {
		return errTooPrecise
	}
	return nil
}

// copyRows copies one table batch by batch in key order: after the last
// key read when the table has a single-column key, by offset otherwise
// (only user_departments, which is small).
func copyRows[T any](src, out *gorm.DB, order string, key func(*T) uint, batch int, check func(*T) error) (int64, error) {
	stmt := &gorm.Statement{DB: out}
	if err := stmt.Parse(new(T)); err != nil {
		return 0, fmt.Errorf("read model: %w", err)
	}
	var n int64
	var last uint
	for offset := 0; ; offset += batch {
		var rows []T
		q := src.Order(order).Limit(batch)
		if key != nil {
			q = q.Where(order+" > ?", last)
		} else {
			q = q.Offset(offset)
		}
		if err := q.Find(&rows).Error; err != nil {
			return n, fmt.Errorf("read: %w", err)
		}
		if len(rows) == 0 {
			return n, nil
		}
		if check != nil {
			for i := range rows {
				if err := check(&rows[i]); err != nil {
					return n, err
				}
			}
		}
		if err := insertAll(out, stmt.Schema, rows); err != nil {
			return n, fmt.Errorf("write: %w", err)
		}
		n += int64(len(rows))
		if key != nil {
			last = key(&rows[len(rows)-1])
		}
	}
}

// insertAll writes rows with one plain INSERT of every column. GORM's
// Create would replace a false or zero value by the column's default, and
// an inactive ASN (default true) would come back active.
func insertAll[T any](out *gorm.DB, sch *schema.Schema, rows []T) error {
	var cols []string
	var fields []*schema.Field
	for _, f := range sch.Fields {
		if f.DBName != "" {
			cols = append(cols, f.DBName)
			fields = append(fields, f)
		}
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	args := make([]any, 0, len(rows)*len(cols))
	values := make([]string, len(rows))
	for i := range rows {
		rv := reflect.ValueOf(&rows[i]).Elem()
		for _, f := range fields {
			v, _ := f.ValueOf(context.Background(), rv)
			args = append(args, v)
		}
		values[i] = row
	}
	q := "INSERT INTO " + sch.Table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.Join(values, ", ")
	return out.Exec(q, args...).Error
}

// requireEmpty refuses a target that holds any data: a copy never merges.
func (s *Store) requireEmpty(ctx context.Context) error {
	for _, table := range append(append([]string(nil), copyTables...), "sessions") {
		var n int64
		if err := s.r.WithContext(ctx).Table(table).Count(&n).Error; err != nil {
			return fmt.Errorf("check target: count %s: %w", table, err)
		}
		if n > 0 {
			return i18n.New("migrate_target_not_empty", table, n)
		}
	}
	return nil
}
