package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
//
// The chain can be checked in segments on several connections at once
// (each event's hash needs only its own row and the stored hash before
// it, see verifyAuditOn), with the same report and the same first break
// as one walk; VerifyAudit walks it in verifySegments of them.
func (s *Store) VerifyAudit(ctx context.Context) (AuditReport, error) {
	return s.verifyAudit(ctx, s.verifySegments(), verifyBatch)
}

// verifySegments is one per core on SQLite: each segment reads with its
// own batch reader (sqliteBatchReader), and reading and hashing then
// share the cores (1,000,000 events, two cores: 1.2 s against 1.9 s for
// one walk, the same CPU). Through database/sql two segments had not
// gained. On PostgreSQL one, the behaviour measured there
// (BenchmarkVerifyAuditOneWalk measures one walk on either database).
// At most maxVerifySegments (the SQLite reader pool's size: each segment
// holds a connection).
func (s *Store) verifySegments() int {
	if _, ok := s.d.(sqliteDialect); ok {
		return min(runtime.GOMAXPROCS(0), maxVerifySegments)
	}
	return 1
}

const maxVerifySegments = 4

// verifyBatch is how many events one read of the chain takes.
const verifyBatch = 5000

func (s *Store) verifyAudit(ctx context.Context, segments, batch int) (AuditReport, error) {
	segments = min(segments, maxVerifySegments)
	// One whole-chain check at a time: two, each holding some of the
	// pool's connections while waiting for more, could wait forever.
	s.verifyMu.Lock()
	defer s.verifyMu.Unlock()
	// One snapshot for every read: the server may keep signing while the
	// chain is checked, and rows written after the walk must not look like
	// signatures without events or a moved head.
	//
	// The transactions are database/sql's, not GORM's: inside a GORM
	// transaction with prepared statements every query prepares its
	// statement again and keeps it until the transaction ends, and a walk
	// of 5,000,000 events runs thousands of queries (745 MB of statements).
	// database/sql also spares the reflective scanning, which cost more
	// than the rows.
	readers, err := s.d.readSnapshots(ctx, s, segments)
	if err != nil {
		return AuditReport{}, fmt.Errorf("verify audit: %w", err)
	}
	defer func() {
		for _, r := range readers {
			r.close()
		}
	}()
	return verifyAuditOn(ctx, readers, batch)
}

// auditReader runs verification's reads on one snapshot transaction. On
// SQLite, batch reads the events and the signature rows on a connection
// of its own that sees the same snapshot (nil where it cannot).
type auditReader struct {
	tx    *sql.Tx
	d     dialect
	batch *sqliteBatchReader
}

func (r auditReader) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.tx.QueryContext(ctx, r.d.rebind(q), args...)
}

func (r auditReader) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return r.tx.QueryRowContext(ctx, r.d.rebind(q), args...)
}

func (r auditReader) close() {
	r.tx.Rollback() // read only: nothing to commit
	r.batch.close()
}

// sqlVerifyEvents reads a batch of the chain: the events after an id.
const sqlVerifyEvents = `SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit_events WHERE id > ? ORDER BY id LIMIT ?`

// verifyAuditOn checks the chain with one segment per reader (all on one
// snapshot), then what needs the whole chain, on the first reader.
//
// Segments are whole batches, so every batch is the one a single walk
// would read, and their results are merged in chain order exactly as a
// single walk meets them: a segment's own break ends the check unless an
// earlier segment broke first; what a segment cannot know alone (whether
// a certificate or revocation event names a signature made in an earlier
// segment, which certificate event of a signature is its latest) is kept
// aside and settled in the merge.
func verifyAuditOn(ctx context.Context, readers []auditReader, batch int) (AuditReport, error) {
	main := readers[0]
	var last uint64
	if err := main.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM audit_events").Scan(&last); err != nil {
		return AuditReport{}, fmt.Errorf("read audit events: %w", err)
	}
	per := last / uint64(len(readers)) / uint64(batch) * uint64(batch)
	if per == 0 {
		readers = readers[:1]
	}
	segs := make([]*verifySegment, len(readers))
	for i, r := range readers {
		segs[i] = &verifySegment{lo: uint64(i)*per + 1, batch: batch, r: r,
			sc: &sigChecker{ctx: ctx, r: r, first: i == 0, certMismatch: map[uint]uint64{}}}
		if i < len(readers)-1 {
			segs[i].hi = uint64(i+1) * per
		}
	}
	var stop atomic.Int64 // the first segment known to break: later ones may stop
	stop.Store(int64(len(segs)))
	var wg sync.WaitGroup
	for i, g := range segs {
		wg.Go(func() { g.walk(ctx, i, &stop) })
	}
	wg.Wait()

	all := &sigChecker{ctx: ctx, r: main, certMismatch: map[uint]uint64{}}
	n, head := 0, audit.Genesis
	for _, g := range segs {
		for _, d := range g.sc.deferred {
			if g.err != nil && (d.batch > g.errBatch || d.batch == g.errBatch && (!g.errAdd || d.seq > g.errSeq)) {
				break // a single walk would have stopped before it
			}
			if !all.created.has(d.id) {
				return AuditReport{}, noEarlierSignature(d.seq, d.action, d.id)
			}
		}
		if g.err != nil {
			return AuditReport{}, g.err
		}
		all.merge(g.sc)
		sn, sh := g.v.Head()
		n += sn
		if sn > 0 {
			head = sh
		}
	}
	if err := all.finish(); err != nil {
		return AuditReport{}, err
	}
	var anchor AuditHead
	found := true
	if err := main.queryRow(ctx, "SELECT seq, hash FROM audit_heads LIMIT 1").Scan(&anchor.Seq, &anchor.Hash); errors.Is(err, sql.ErrNoRows) {
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

// events reads up to n events after id into dst. Read by the batch
// reader, their strings point into *buf (see packed).
func (r auditReader) events(ctx context.Context, after uint64, n int, dst []audit.Stored, buf *[]byte) ([]audit.Stored, error) {
	if r.batch != nil {
		if err := ctx.Err(); err != nil { // as database/sql would say, between batches
			return dst, err
		}
		out, b, err := r.batch.eventBatch(after, n, dst, *buf)
		*buf = b
		if !errors.Is(err, errNotPlain) {
			return out, err
		}
	}
	rows, err := r.query(ctx, sqlVerifyEvents, after, n)
	if err != nil {
		return dst, err
	}
	defer rows.Close()
	for rows.Next() {
		var e audit.Stored
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return dst, err
		}
		dst = append(dst, e)
	}
	return dst, rows.Err()
}

// signatures reads the signature rows of ids that exist (the columns
// verification compares; on SQLite, perhaps others too) into dst. Read
// by the batch reader, they point into *buf (see packed).
func (r auditReader) signatures(ctx context.Context, ids []uint, dst []signatureWithNIP, buf *[]byte) ([]signatureWithNIP, error) {
	if r.batch != nil {
		if err := ctx.Err(); err != nil {
			return dst, err
		}
		out, b, err := r.batch.signatures(ids, dst, *buf)
		*buf = b
		if !errors.Is(err, errNotPlain) {
			return out, err
		}
	}
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(start+1000, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := r.query(ctx, sqlVerifySignatures+strings.Repeat(", ?", len(chunk)-1)+")", args...)
		if err != nil {
			return dst, err
		}
		for rows.Next() {
			var sg signatureWithNIP
			if err := scanVerifySignature(rows, &sg); err != nil {
				rows.Close()
				return dst, err
			}
			dst = append(dst, sg)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// verifySegment walks events lo to hi (hi 0: to the end of the chain).
type verifySegment struct {
	lo, hi uint64
	batch  int
	r      auditReader
	v      *audit.Verifier
	sc     *sigChecker
	// err is the first error that ended the walk, in batch errBatch; a
	// break found by sigChecker.add (errAdd) comes after the events of
	// its batch before it (errSeq), a break of the chain before them all.
	err      error
	errBatch int
	errAdd   bool
	errSeq   uint64
}

// walk reads the segment in batches (its memory does not grow with the
// chain: one batch, and seven bits per signature id, see sigChecker) and
// checks each signature event against its row as the batch is read.
// Every batch read is the one a single walk would read: it starts after
// the last event checked, and a segment reads past its end only when an
// event is missing, which breaks the chain there.
func (g *verifySegment) walk(ctx context.Context, index int, stop *atomic.Int64) {
	prev := audit.Genesis
	if g.lo > 1 {
		// The link at the border: the stored hash of the event before the
		// segment. If that event is missing, the segment before breaks.
		if err := g.r.queryRow(ctx, "SELECT hash FROM audit_events WHERE id = ?", g.lo-1).Scan(&prev); err != nil && !errors.Is(err, sql.ErrNoRows) {
			g.fail(stop, index, 0, fmt.Errorf("read audit events: %w", err), false)
			return
		}
	}
	g.v = audit.ResumeVerifier(g.lo, prev)
	batch := make([]audit.Stored, 0, g.batch)
	// The batch's strings point into buf (on SQLite), which the next read
	// overwrites: nothing of a batch is kept past its check but copies
	// (the Verifier's last hash; sigChecker's bits, sequence numbers and
	// messages).
	var buf []byte
	lastID := g.lo - 1
	for b := 0; stop.Load() > int64(index); b++ {
		var err error
		batch, err = g.r.events(ctx, lastID, g.batch, batch[:0], &buf)
		if err != nil {
			g.fail(stop, index, b, fmt.Errorf("read audit events: %w", err), false)
			return
		}
		if len(batch) == 0 {
			return
		}
		// Events are read back as stored; the chain rule sees them in UTC.
		if err := g.v.CheckBatch(batch); err != nil {
			g.fail(stop, index, b, err, false)
			return
		}
		g.sc.batch = b
		for _, e := range batch {
			if err := g.sc.add(e); err != nil {
				g.fail(stop, index, b, err, true)
				return
			}
		}
		if err := g.sc.flush(); err != nil {
			g.fail(stop, index, b, err, false)
			return
		}
		lastID = batch[len(batch)-1].Seq
		if g.hi != 0 && lastID >= g.hi {
			return
		}
	}
}

func (g *verifySegment) fail(stop *atomic.Int64, index, batch int, err error, add bool) {
	g.err, g.errBatch, g.errAdd = err, batch, add
	var broken *audit.BrokenError
	if errors.As(err, &broken) {
		g.errSeq = broken.Seq
	}
	for { // segments after this one need not finish
		cur := stop.Load()
		if cur <= int64(index) || stop.CompareAndSwap(cur, int64(index)) {
			return
		}
	}
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

// sigRef is a certificate or revocation event naming a signature with no
// signature event earlier in its segment: whether one of an earlier
// segment made it is settled when the segments are merged.
type sigRef struct {
	seq    uint64
	batch  int
	action string
	id     uint
}

func noEarlierSignature(seq uint64, action string, id uint) error {
	return &audit.BrokenError{Seq: seq, Reason: fmt.Sprintf("%s names signature %d, which has no earlier signature event", action, id)}
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
// say so) is kept as a few bits per signature id (seven). A certificate's latest
// issuing event must match its row; an earlier one that does not is kept
// in certMismatch until a later one does (normally it stays empty).
type sigChecker struct {
	ctx                         context.Context
	r                           auditReader
	first                       bool // no segment before this one (see deferred)
	batch                       int  // the batch add is given events of
	deferred                    []sigRef
	created, v2, certified, rev bitset
	// What flush saw of each row read for its signature event (revoked,
	// certificate hash set), so that finish can skip reading every row
	// again when these bits already show that nothing is amiss.
	seen, rowRevoked, rowCert bitset
	certMismatch              map[uint]uint64 // signature id → seq of its latest issuing event, which its row does not match
	pending                   []sigEvent
	buf                       []byte // the rows flush reads (see auditReader.signatures)
	sigs                      []signatureWithNIP
	rows                      map[uint]*signatureWithNIP
	missing                   int   // signatures recorded in the chain but not in the database
	rowErr                    error // the first row that differs from its events
}

type bitset []uint64

func (b *bitset) set(i uint) {
	for int(i/64) >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[i/64] |= 1 << (i % 64)
}

func (b *bitset) or(o bitset) {
	for len(*b) < len(o) {
		*b = append(*b, 0)
	}
	for i, w := range o {
		(*b)[i] |= w
	}
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// and is the bits set in both.
func (b bitset) and(o bitset) bitset {
	out := make(bitset, min(len(b), len(o)))
	for i := range out {
		out[i] = b[i] & o[i]
	}
	return out
}

// anyNotIn tells whether a bit of b is not set in o.
func (b bitset) anyNotIn(o bitset) bool {
	for i, w := range b {
		if i < len(o) {
			w &^= o[i]
		}
		if w != 0 {
			return true
		}
	}
	return false
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
			if c.first {
				return noEarlierSignature(e.Seq, e.Action, id)
			}
			action := ActionCertificateIssued // the constant, not the batch's string (see walk)
			if e.Action == ActionRevoked {
				action = ActionRevoked
			}
			c.deferred = append(c.deferred, sigRef{seq: e.Seq, batch: c.batch, action: action, id: id})
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

// merge takes in what the segment after c's found, as if c had gone on
// to read it: a signature's latest certificate event decides whether its
// row matches, and the first row that differs from its events is the one
// named.
func (c *sigChecker) merge(next *sigChecker) {
	for id := range c.certMismatch {
		if next.certified.has(id) {
			delete(c.certMismatch, id)
		}
	}
	maps.Copy(c.certMismatch, next.certMismatch)
	c.created.or(next.created)
	c.v2.or(next.v2)
	c.certified.or(next.certified)
	c.rev.or(next.rev)
	c.seen.or(next.seen)
	c.rowRevoked.or(next.rowRevoked)
	c.rowCert.or(next.rowCert)
	if c.rowErr == nil {
		c.rowErr = next.rowErr
	}
	c.missing += next.missing
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
	// The rows of a batch, in memory reused from batch to batch.
	clear(c.rows)
	var err error
	if c.sigs, err = c.r.signatures(c.ctx, ids, c.sigs[:0], &c.buf); err != nil {
		return fmt.Errorf("read signatures: %w", err)
	}
	if c.rows == nil {
		c.rows = make(map[uint]*signatureWithNIP, len(c.sigs))
	}
	for i := range c.sigs {
		c.rows[c.sigs[i].ID] = &c.sigs[i]
	}
	rows := c.rows
	for _, p := range c.pending {
		sg, ok := rows[p.id]
		switch {
		case !ok:
			if p.action == ActionSigned {
				c.missing++
			}
		case p.action == ActionSigned:
			c.seen.set(p.id)
			if sg.Revoked {
				c.rowRevoked.set(p.id)
			}
			if sg.CertSHA256 != "" {
				c.rowCert.set(p.id)
			}
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
	if ok, err := c.rowsAccounted(); err != nil {
		return err
	} else if !ok {
		if err := c.checkEveryRow(); err != nil {
			return err
		}
	}
	if c.missing > 0 {
		return &audit.BrokenError{Seq: 0, Reason: fmt.Sprintf("%d signature(s) recorded in the audit chain are missing from the database", c.missing)}
	}
	return nil
}

// rowsAccounted tells, without reading the rows again, that checkEveryRow
// would find nothing: every row of the table was read for its signature
// event (as many as the table holds), and the bits flush kept of those
// rows agree with their events. Otherwise checkEveryRow names the row.
// Reading every row again cost a tenth of a whole check.
func (c *sigChecker) rowsAccounted() (bool, error) {
	var rows int
	if err := c.r.queryRow(c.ctx, "SELECT COUNT(*) FROM signatures").Scan(&rows); err != nil {
		return false, fmt.Errorf("read signatures: %w", err)
	}
	return rows == c.seen.count() && len(c.certMismatch) == 0 &&
		!c.rowRevoked.anyNotIn(c.rev) && // marked revoked without a revocation event
		!c.rowCert.and(c.v2).anyNotIn(c.certified), nil // certificate stored without an issuing event
}

// checkEveryRow reads every signature row and checks it against the bits
// its events left.
func (c *sigChecker) checkEveryRow() error {
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
			return nil
		}
	}
}

// createdSeq finds the signature event of signature id, for the message
// of a broken chain only (it reads the chain's details).
func (c *sigChecker) createdSeq(id uint) uint64 {
	var seq uint64
	c.r.tx.QueryRowContext(c.ctx, c.r.d.rebind(`SELECT id FROM audit_events WHERE action = ? AND detail LIKE ? ORDER BY id LIMIT 1`),
		ActionSigned, `%"signature_id":"`+strconv.FormatUint(uint64(id), 10)+`"%`).Scan(&seq)
	return seq // 0 when not found
}
