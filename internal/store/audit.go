package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"gorm.io/gorm"
)

// appendEvent adds one event to the chain inside tx. On SQLite every writer
// goes through the single write connection, and BEGIN IMMEDIATE makes the
// read of the head and the insert one atomic step. On PostgreSQL, where
// several instances write, the chain lock (an advisory lock held until tx
// ends) does the same across processes.
func appendEvent(tx *gorm.DB, at time.Time, actor, action, subject, detail string) (AuditEvent, error) {
	if err := lockChain(tx); err != nil {
		return AuditEvent{}, err
	}
	var head AuditEvent
	err := tx.Order("id DESC").Limit(1).Take(&head).Error
	prev, seq := audit.Genesis, uint64(1)
	switch {
	case err == nil:
		prev, seq = head.Hash, uint64(head.ID)+1
	case errors.Is(err, gorm.ErrRecordNotFound):
	default:
		return AuditEvent{}, fmt.Errorf("read audit head: %w", err)
	}
	at = at.UTC().Truncate(time.Microsecond) // what PostgreSQL stores, so the hash verifies there too
	ev := audit.Event{Seq: seq, At: at, Actor: actor, Action: action, Subject: subject, Detail: detail, PrevHash: prev}
	row := AuditEvent{ID: uint(seq), At: at, Actor: actor, Action: action, Subject: subject, Detail: detail, PrevHash: prev, Hash: audit.Hash(ev)}
	if err := tx.Create(&row).Error; err != nil {
		return AuditEvent{}, fmt.Errorf("append audit event %s: %w", action, err)
	}
	return row, nil
}

// Record appends a standalone event (login, export, user change...).
func (s *Store) Record(ctx context.Context, actor, action, subject string, detail map[string]string) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		_, err := appendEvent(tx, s.now(), actor, action, subject, audit.Detail(detail))
		return err
	})
}

// AuditReport is the outcome of VerifyAudit.
type AuditReport struct {
	Events int
	Head   string
}

// VerifyAudit walks the chain in order and cross-checks every signature
// against the digest its event recorded, so a row edited directly in the
// database is named as well as a broken link.
func (s *Store) VerifyAudit(ctx context.Context) (AuditReport, error) {
	// One snapshot for every read: the server may keep signing while the
	// chain is checked, and rows written after the walk must not look like
	// signatures without events or a moved head.
	var rep AuditReport
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		rep, err = verifyAudit(tx)
		return err
	}, s.d.snapshot())
	return rep, err
}

func verifyAudit(tx *gorm.DB) (AuditReport, error) {
	v := audit.NewVerifier()
	var rows []AuditEvent
	var lastID uint
	sigEvents := map[uint]*sigRecord{} // signature id -> what its events recorded
	for {
		rows = rows[:0]
		if err := tx.Where("id > ?", lastID).Order("id").Limit(5000).Find(&rows).Error; err != nil {
			return AuditReport{}, fmt.Errorf("read audit events: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			st := audit.Stored{Event: audit.Event{Seq: uint64(r.ID), At: r.At, Actor: r.Actor, Action: r.Action, Subject: r.Subject, Detail: r.Detail, PrevHash: r.PrevHash}, Hash: r.Hash}
			if err := v.Check(st); err != nil {
				return AuditReport{}, err
			}
			if err := recordSignatureEvent(sigEvents, r); err != nil {
				return AuditReport{}, err
			}
			lastID = r.ID
		}
	}
	if err := checkSignatures(tx, sigEvents); err != nil {
		return AuditReport{}, err
	}
	n, head := v.Head()
	var anchor []AuditHead
	if err := tx.Limit(1).Find(&anchor).Error; err != nil {
		return AuditReport{}, fmt.Errorf("read audit head: %w", err)
	}
	switch {
	case len(anchor) == 0 && n > 0:
		return AuditReport{}, &audit.BrokenError{Seq: uint64(n), Reason: "the recorded head of the chain is missing"}
	case len(anchor) == 1 && (int(anchor[0].Seq) != n || anchor[0].Hash != head):
		return AuditReport{}, &audit.BrokenError{Seq: uint64(anchor[0].Seq), Reason: fmt.Sprintf(
			"the chain ends at event %d but its recorded head is event %d: events were removed from the end", n, anchor[0].Seq)}
	}
	return AuditReport{Events: n, Head: head}, nil
}

// HasEventHash tells whether an event with this hash is in the chain, so an
// auditor can check that a head they wrote down earlier is still part of it.
func (s *Store) HasEventHash(ctx context.Context, hash string) (bool, error) {
	var n int64
	if err := s.r.WithContext(ctx).Model(&AuditEvent{}).Where("hash = ?", hash).Count(&n).Error; err != nil {
		return false, fmt.Errorf("find audit event: %w", err)
	}
	return n > 0, nil
}

// sigRecord is what the chain says about one signature.
type sigRecord struct {
	seq        uint64 // the signature.created event
	version    string // "" for the v1 digest rule
	digest     string
	department string // recorded unit (v2), for a precise message
	certSeq    uint64 // latest certificate.issued event, 0 if none
	certSHA    string
	revokedSeq uint64 // signature.revoked event, 0 if none
}

// recordSignatureEvent folds one event about a signature into recorded.
func recordSignatureEvent(recorded map[uint]*sigRecord, r AuditEvent) error {
	switch r.Action {
	case ActionSigned:
		d, id, err := parseSignatureDetail(r.Detail)
		if err != nil || d["digest"] == "" {
			if err == nil {
				err = errors.New("signature event lacks a digest")
			}
			return &audit.BrokenError{Seq: uint64(r.ID), Reason: err.Error()}
		}
		recorded[id] = &sigRecord{seq: uint64(r.ID), version: d["v"], digest: d["digest"], department: d["department_id"]}
	case ActionCertificateIssued, ActionRevoked:
		d, id, err := parseSignatureDetail(r.Detail)
		if err != nil {
			return &audit.BrokenError{Seq: uint64(r.ID), Reason: err.Error()}
		}
		rec, ok := recorded[id]
		if !ok {
			return &audit.BrokenError{Seq: uint64(r.ID), Reason: fmt.Sprintf("%s names signature %d, which has no earlier signature event", r.Action, id)}
		}
		if r.Action == ActionRevoked {
			rec.revokedSeq = uint64(r.ID)
		} else {
			rec.certSeq, rec.certSHA = uint64(r.ID), d["sha256"]
		}
	}
	return nil
}

func checkSignatures(tx *gorm.DB, recorded map[uint]*sigRecord) error {
	var lastID uint
	seen := 0
	for {
		var sigs []signatureWithNIP
		err := tx.Table("signatures").
			Select("signatures.*, asns.nip AS nip").
			Joins("JOIN asns ON asns.id = signatures.asn_id").
			Where("signatures.id > ?", lastID).Order("signatures.id").Limit(5000).Scan(&sigs).Error
		if err != nil {
			return fmt.Errorf("read signatures: %w", err)
		}
		if len(sigs) == 0 {
			break
		}
		for _, sg := range sigs {
			rec, ok := recorded[sg.ID]
			if !ok {
				return &audit.BrokenError{Seq: 0, Reason: fmt.Sprintf("signature %d (certificate %s) has no audit event", sg.ID, sg.CertCode)}
			}
			if reason, seq := sg.check(rec); reason != "" {
				return &audit.BrokenError{Seq: seq, Reason: fmt.Sprintf("signature %d (certificate %s): %s", sg.ID, sg.CertCode, reason)}
			}
			lastID = sg.ID
			seen++
		}
	}
	if seen != len(recorded) {
		return &audit.BrokenError{Seq: 0, Reason: fmt.Sprintf("%d signature(s) recorded in the audit chain are missing from the database", len(recorded)-seen)}
	}
	return nil
}
