package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
	//
	// The transaction is database/sql's, not GORM's: inside a GORM
	// transaction with prepared statements every query prepares its
	// statement again and keeps it until the transaction ends, and a walk
	// of 5,000,000 events runs thousands of queries (745 MB of statements).
	pool, err := s.r.DB()
	if err != nil {
		return AuditReport{}, fmt.Errorf("verify audit: %w", err)
	}
	sqlTx, err := pool.BeginTx(ctx, s.d.snapshot())
	if err != nil {
		return AuditReport{}, fmt.Errorf("verify audit: %w", err)
	}
	defer sqlTx.Rollback() // read only: nothing to commit
	return verifyAudit(ctx, auditReader{tx: sqlTx, d: s.d})
}

// auditReader runs verification's reads on one snapshot transaction
// through database/sql: the walk reads every event and about every second
// signature row, and GORM's statement building and reflective scanning
// cost more than the rows themselves.
type auditReader struct {
	tx *sql.Tx
	d  dialect
}

func (r auditReader) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.tx.QueryContext(ctx, r.d.rebind(q), args...)
}

// verifyBatch is how many events one read of the chain takes.
const verifyBatch = 5000

// verifyAudit streams the chain in batches (its memory does not grow with
// the chain: ~5,000 events, and three bits per signature id, below) and
// checks each signature event against its row as the batch is read.
func verifyAudit(ctx context.Context, r auditReader) (AuditReport, error) {
	v := audit.NewVerifier()
	sc := &sigChecker{ctx: ctx, r: r, certMismatch: map[uint]uint64{}}
	batch := make([]audit.Stored, 0, verifyBatch)
	var lastID uint64
	for {
		batch = batch[:0]
		rows, err := r.query(ctx, `SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit_events WHERE id > ? ORDER BY id LIMIT ?`,
			lastID, verifyBatch)
		if err != nil {
			return AuditReport{}, fmt.Errorf("read audit events: %w", err)
		}
		for rows.Next() {
			var e audit.Stored
			if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
				rows.Close()
				return AuditReport{}, fmt.Errorf("read audit events: %w", err)
			}
			batch = append(batch, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return AuditReport{}, fmt.Errorf("read audit events: %w", err)
		}
		if len(batch) == 0 {
			break
		}
		// Events are read back as stored; the chain rule sees them in UTC.
		if err := v.CheckBatch(batch); err != nil {
			return AuditReport{}, err
		}
		for _, e := range batch {
			if err := sc.add(e); err != nil {
				return AuditReport{}, err
			}
		}
		if err := sc.flush(); err != nil {
			return AuditReport{}, err
		}
		lastID = batch[len(batch)-1].Seq
	}
	if err := sc.finish(); err != nil {
		return AuditReport{}, err
	}
	n, head := v.Head()
	var anchor AuditHead
	found := true
	if err := r.tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_heads LIMIT 1").Scan(&anchor.Seq, &anchor.Hash); errors.Is(err, sql.ErrNoRows) {
		found = false
	} else if err != nil {
		return AuditReport{}, fmt.Errorf("read audit head: %w", err)
	}
	switch {
	case !found && n > 0:
		return AuditReport{}, &audit.BrokenError{Seq: uint64(n), Reason: "the recorded head of the chain is missing"}
	case found && (int(anchor.Seq) != n || anchor.Hash != head):
		return AuditReport{}, &audit.BrokenError{Seq: uint64(anchor.Seq), Reason: fmt.Sprintf(
			"the chain ends at event %d but its recorded head is event %d: events were removed from the end", n, anchor.Seq)}
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

// sigRecord is what a signature event recorded about its signature.
type sigRecord struct {
	seq        uint64 // the signature.created event
	version    string // "" for the v1 digest rule
	digest     string
	department string // recorded unit (v2), for a precise message
}

// sigEvent is an event about a signature, waiting for its row.
type sigEvent struct {
	seq    uint64
	action string
	id     uint
	rec    sigRecord // ActionSigned
	sha256 string    // ActionCertificateIssued
}

// sigChecker compares the signature events of the chain with the rows
// they describe, without keeping a record per signature: the events of a
// batch are checked against their rows (read by id) when the batch is
// done, and what must hold once the whole chain is read (every row has a
// signature event; revocation and certificate events exist for rows that
// say so) is kept as three bits per signature id. A certificate's latest
// issuing event must match its row; an earlier one that does not is kept
// in certMismatch until a later one does (normally it stays empty).
type sigChecker struct {
	ctx                         context.Context
	r                           auditReader
	created, v2, certified, rev bitset
	certMismatch                map[uint]uint64 // signature id → seq of its latest issuing event, which its row does not match
	pending                     []sigEvent
	missing                     int   // signatures recorded in the chain but not in the database
	rowErr                      error // the first row that differs from its events
}

type bitset []uint64

func (b *bitset) set(i uint) {
	for int(i/64) >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[i/64] |= 1 << (i % 64)
}

func (b bitset) has(i uint) bool { return int(i/64) < len(b) && b[i/64]&(1<<(i%64)) != 0 }

// add takes one event of the chain, in order. A signature event that
// cannot be read, or names a signature with no earlier signature event,
// breaks the chain at once, as before any row is compared.
func (c *sigChecker) add(e audit.Stored) error {
	switch e.Action {
	case ActionSigned:
		d, id, err := parseSignatureDetail(e.Detail)
		if err != nil || d.Digest == "" {
			if err == nil {
				err = errors.New("signature event lacks a digest")
			}
			return &audit.BrokenError{Seq: e.Seq, Reason: err.Error()}
		}
		c.created.set(id)
		if d.V != "" {
			c.v2.set(id)
		}
		c.pending = append(c.pending, sigEvent{seq: e.Seq, action: e.Action, id: id,
			rec: sigRecord{seq: e.Seq, version: d.V, digest: d.Digest, department: d.DepartmentID}})
	case ActionCertificateIssued, ActionRevoked:
		d, id, err := parseSignatureDetail(e.Detail)
		if err != nil {
			return &audit.BrokenError{Seq: e.Seq, Reason: err.Error()}
		}
		if !c.created.has(id) {
			return &audit.BrokenError{Seq: e.Seq, Reason: fmt.Sprintf("%s names signature %d, which has no earlier signature event", e.Action, id)}
		}
		if e.Action == ActionRevoked {
			c.rev.set(id)
		} else {
			c.certified.set(id)
		}
		c.pending = append(c.pending, sigEvent{seq: e.Seq, action: e.Action, id: id, sha256: d.SHA256})
	}
	return nil
}

// flush compares the pending events with their rows.
func (c *sigChecker) flush() error {
	if len(c.pending) == 0 {
		return nil
	}
	ids := make([]uint, 0, len(c.pending))
	for _, p := range c.pending {
		ids = append(ids, p.id)
	}
	rows := make(map[uint]*signatureWithNIP, len(ids))
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(start+1000, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		r, err := c.r.query(c.ctx, sqlVerifySignatures+strings.Repeat(", ?", len(chunk)-1)+")", args...)
		if err != nil {
			return fmt.Errorf("read signatures: %w", err)
		}
		for r.Next() {
			sg := &signatureWithNIP{}
			if err := scanVerifySignature(r, sg); err != nil {
				r.Close()
				return fmt.Errorf("read signatures: %w", err)
			}
			rows[sg.ID] = sg
		}
		r.Close()
		if err := r.Err(); err != nil {
			return fmt.Errorf("read signatures: %w", err)
		}
	}
	for _, p := range c.pending {
		sg, ok := rows[p.id]
		switch {
		case !ok:
			if p.action == ActionSigned {
				c.missing++
			}
		case p.action == ActionSigned:
			if reason := sg.checkRecorded(&p.rec); reason != "" {
				c.fail(p.seq, sg, reason)
			}
		case p.action == ActionRevoked:
			if !sg.Revoked {
				c.fail(p.seq, sg, "revoked by its revocation event but no longer marked revoked")
			}
		default: // certificate issued
			if sg.CertSHA256 != p.sha256 {
				c.certMismatch[p.id] = p.seq
			} else {
				delete(c.certMismatch, p.id)
			}
		}
	}
	c.pending = c.pending[:0]
	return nil
}

// verifySignatureColumns are what checkRecorded and the sigChecker
// compare, no more: each column is a driver call per row on SQLite, and
// the client columns (ip, user agent, staff user, device key) are not
// covered by any event. scanVerifySignature reads them.
const verifySignatureColumns = `s.id, s.campaign_id, s.department_id, s.signed_at, s.typed_name, s.drawn_png, s.pledge_hash,
	s.cert_code, s.cert_sha256, s.revoked, s.signer_nip, s.signer_name, s.signer_position, a.nip
	FROM signatures s JOIN asns a ON a.id = s.asn_id`

// sqlVerifySignatures reads signatures by id; the caller closes the IN list.
const sqlVerifySignatures = "SELECT " + verifySignatureColumns + " WHERE s.id IN (?"

func scanVerifySignature(r scanner, sg *signatureWithNIP) error {
	return r.Scan(&sg.ID, &sg.CampaignID, &sg.DepartmentID, &sg.SignedAt, &sg.TypedName, &sg.DrawnPNG, &sg.PledgeHash,
		&sg.CertCode, nullString{&sg.CertSHA256}, &sg.Revoked, &sg.SignerNIP, &sg.SignerName, &sg.SignerPosition, &sg.NIP)
}

func (c *sigChecker) fail(seq uint64, sg *signatureWithNIP, reason string) {
	if c.rowErr == nil {
		c.rowErr = &audit.BrokenError{Seq: seq, Reason: fmt.Sprintf("signature %d (certificate %s): %s", sg.ID, sg.CertCode, reason)}
	}
}

// finish checks what needs the whole chain read: every row against the
// bits its events left.
func (c *sigChecker) finish() error {
	if c.rowErr != nil {
		return c.rowErr
	}
	var lastID uint
	for {
		rows, err := c.r.query(c.ctx, "SELECT id, cert_code, revoked, cert_sha256 FROM signatures WHERE id > ? ORDER BY id LIMIT ?", lastID, verifyBatch)
		if err != nil {
			return fmt.Errorf("read signatures: %w", err)
		}
		n := 0
		for rows.Next() {
			n++
			var id uint
			var code, certSHA string
			var revoked bool
			if err := rows.Scan(&id, &code, &revoked, nullString{&certSHA}); err != nil {
				rows.Close()
				return fmt.Errorf("read signatures: %w", err)
			}
			var reason string
			var seq uint64
			switch {
			case !c.created.has(id):
				rows.Close()
				return &audit.BrokenError{Seq: 0, Reason: fmt.Sprintf("signature %d (certificate %s) has no audit event", id, code)}
			case revoked && !c.rev.has(id):
				reason = "marked revoked without a revocation event"
			case c.certMismatch[id] != 0:
				reason, seq = "certificate SHA-256 differs from the one its issuing event recorded", c.certMismatch[id]
			case !c.certified.has(id) && c.v2.has(id) && certSHA != "":
				reason = "certificate stored without an issuing event"
			}
			if reason != "" {
				rows.Close()
				if seq == 0 {
					seq = c.createdSeq(id)
				}
				return &audit.BrokenError{Seq: seq, Reason: fmt.Sprintf("signature %d (certificate %s): %s", id, code, reason)}
			}
			lastID = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read signatures: %w", err)
		}
		if n == 0 {
			break
		}
	}
	if c.missing > 0 {
		return &audit.BrokenError{Seq: 0, Reason: fmt.Sprintf("%d signature(s) recorded in the audit chain are missing from the database", c.missing)}
	}
	return nil
}

// createdSeq finds the signature event of signature id, for the message
// of a broken chain only (it reads the chain's details).
func (c *sigChecker) createdSeq(id uint) uint64 {
	var seq uint64
	c.r.tx.QueryRowContext(c.ctx, c.r.d.rebind(`SELECT id FROM audit_events WHERE action = ? AND detail LIKE ? ORDER BY id LIMIT 1`),
		ActionSigned, `%"signature_id":"`+strconv.FormatUint(uint64(id), 10)+`"%`).Scan(&seq)
	return seq // 0 when not found
}
