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
)

// signatureRow is the row a new signature is stored as.
func signatureRow(n NewSignature) Signature {
	return Signature{
		ASNID: n.ASN.ID, CampaignID: n.CampaignID, DepartmentID: n.ASN.DepartmentID,
		// PostgreSQL keeps microseconds: cutting the time there on every
		// database makes the digest and the audit hash cover exactly what
		// is stored, and lets `ikrar migrate` carry the chain across.
		SignedAt: n.SignedAt.UTC().Truncate(time.Microsecond), TypedName: cleanText(n.TypedName), DrawnPNG: n.DrawnPNG,
		IP: cleanText(n.IP), UserAgent: cleanText(n.UserAgent), PledgeHash: n.PledgeHash, CertCode: n.CertCode,
		SignerNIP: n.ASN.NIP, SignerName: n.ASN.Name, SignerPosition: n.ASN.Position,
		StaffUser: cleanText(n.StaffUser), DeviceKey: n.DeviceKey,
	}
}

// signedEvent is the audit event of a stored signature, numbered seq after
// prev; its detail carries the digest of the signature row (rule v2: every
// field a certificate, the verify page or a completion figure shows).
func signedEvent(sig Signature, seq uint64, prev string) (audit.Event, string) {
	nip := sig.SignerNIP
	detail := audit.DetailPairs( // keys in ascending order
		"campaign_id", strconv.FormatUint(uint64(sig.CampaignID), 10),
		"cert_code", sig.CertCode,
		"department_id", strconv.FormatUint(uint64(sig.DepartmentID), 10),
		"digest", audit.SignatureDigestV2(sig.facts()),
		"nip", nip,
		"signature_id", strconv.FormatUint(uint64(sig.ID), 10),
		"v", audit.SignatureDigestVersion,
	)
	ev := audit.Event{Seq: seq, At: sig.SignedAt, Actor: "asn:" + nip, Action: ActionSigned, Subject: "signature:" + sig.CertCode,
		Detail: detail, PrevHash: prev}
	return ev, audit.Hash(ev)
}

// facts is what the v2 digest of a signature covers.
func (s Signature) facts() audit.SignatureFacts {
	return audit.SignatureFacts{
		NIP: s.SignerNIP, CampaignID: s.CampaignID, DepartmentID: s.DepartmentID, SignedAt: s.SignedAt,
		TypedName: s.TypedName, Name: s.SignerName, Position: s.SignerPosition, PledgeHash: s.PledgeHash,
		CertCode: s.CertCode, DrawnPNG: s.DrawnPNG,
	}
}

// writeBatch writes a batch of signatures and their audit events in one
// transaction; replies are filled only if it commits. Whatever the
// database, a batch takes four steps:
//
//  1. insert every signature, ON CONFLICT DO NOTHING: a person who has
//     already signed (before, or earlier in this batch) gets no new row;
//  2. read the stored signature of everyone who got no new row;
//  3. read the chain head;
//  4. append the new signatures' audit events, in request order.
//
// How a step reaches the database is batchSteps': one prepared statement
// per row on SQLite (each a local call, with nothing to prepare per
// batch), one statement over all rows on PostgreSQL (each a network round
// trip while the batch holds the audit-chain lock all instances share;
// measured with 64 signers, per-row statements spent most of the batch
// waiting on round trips while the other instances waited on the lock).
func (g *groupCommitter) writeBatch(live []signReq, replies []signReply) (err error) {
	ctx := context.Background() // a started batch is never abandoned half-way
	tx, err := g.beginBatch(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var steps batchSteps = multiRowSteps{tx}
	if !g.stmts.multiRow {
		steps = perRowSteps{tx: tx, st: g.stmts}
	}

	// Writes riding this batch's commit (Store.ride) run first; the rest
	// of the batch is signatures, answered in their own order.
	sc := &g.scratch
	all, allReplies := live, replies
	pos := sized(sc.pos, len(all))
	live = sized(sc.sigLive, len(all))
	for i, r := range all {
		if r.exec != nil {
			if err := r.exec(ctx, tx); err != nil {
				return err
			}
			continue
		}
		pos = append(pos, i)
		live = append(live, r)
	}
	sc.pos, sc.sigLive = pos, live
	replies = sized(sc.sigReplies, len(live))[:len(live)]
	sc.sigReplies = replies
	defer func() {
		if err == nil {
			for j, i := range pos {
				allReplies[i] = replies[j]
			}
		}
	}()
	if len(live) == 0 {
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit signature batch: %w", err)
		}
		return nil
	}

	sigs := sized(sc.sigs, len(live))[:len(live)]
	sc.sigs = sigs
	for i, r := range live {
		sigs[i] = signatureRow(r.sig)
	}
	if err := steps.insert(ctx, sigs); err != nil {
		return err
	}
	var others []sigKey
	for _, s := range sigs {
		if s.ID == 0 {
			others = append(others, sigKey{s.ASNID, s.CampaignID})
		}
	}
	existing := map[sigKey]Signature{}
	if len(others) > 0 {
		if existing, err = steps.existing(ctx, others); err != nil {
			return fmt.Errorf("read existing signatures: %w", err)
		}
	}
	prev, seq, err := steps.head(ctx)
	if err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	events, created := sized(sc.events, len(live)), sized(sc.created, len(live))
	defer func() { sc.events, sc.created = events, created }()
	for i, r := range live {
		if sigs[i].ID == 0 {
			s, ok := existing[sigKey{sigs[i].ASNID, sigs[i].CampaignID}]
			if !ok {
				return fmt.Errorf("signature of %s neither stored nor found", r.sig.ASN.NIP)
			}
			replies[i] = signReply{res: SignResult{Signature: s}}
			continue
		}
		ev, hash := signedEvent(sigs[i], seq, prev)
		events = append(events, chainedEvent{ev, hash})
		replies[i] = signReply{res: SignResult{Signature: sigs[i], Created: true}}
		created = append(created, sigs[i])
		prev, seq = hash, seq+1
	}
	if len(events) > 0 {
		if err := steps.events(ctx, events); err != nil {
			return fmt.Errorf("append audit events: %w", err)
		}
	}
	if err := g.emitSignaturesCreated(ctx, tx, created); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit signature batch: %w", err)
	}
	return nil
}

// sigKey is the unique key of a live signature.
type sigKey struct{ asn, campaign uint }

// chainedEvent is an audit event with its hash.
type chainedEvent struct {
	ev   audit.Event
	hash string
}

// batchSteps are the four steps of writeBatch on one database.
type batchSteps interface {
	// insert stores the rows that do not conflict and sets their ID;
	// a conflicting row keeps ID 0.
	insert(ctx context.Context, sigs []Signature) error
	existing(ctx context.Context, keys []sigKey) (map[sigKey]Signature, error)
	// head is the newest event's hash and the next event's number.
	head(ctx context.Context) (prev string, seq uint64, err error)
	events(ctx context.Context, evs []chainedEvent) error
}

// perRowSteps runs the prepared statements once per row (SQLite).
type perRowSteps struct {
	tx *sql.Tx
	st *signStmts
}

func (p perRowSteps) insert(ctx context.Context, sigs []Signature) error {
	insert := p.tx.StmtContext(ctx, p.st.insert)
	for i := range sigs {
		s := &sigs[i]
		res, err := insert.ExecContext(ctx, s.ASNID, s.CampaignID, s.DepartmentID, s.SignedAt, s.TypedName, s.DrawnPNG, s.IP, s.UserAgent,
			s.PledgeHash, s.CertCode, s.SignerNIP, s.SignerName, s.SignerPosition, s.StaffUser, s.DeviceKey)
		if err != nil {
			return fmt.Errorf("insert signature of %s: %w", s.SignerNIP, err)
		}
		if affected, err := res.RowsAffected(); err != nil || affected == 0 {
			if err != nil {
				return fmt.Errorf("insert signature of %s: %w", s.SignerNIP, err)
			}
			continue // the unique index already holds this person's signature
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("insert signature of %s: %w", s.SignerNIP, err)
		}
		s.ID = uint(id)
	}
	return nil
}

func (p perRowSteps) existing(ctx context.Context, keys []sigKey) (map[sigKey]Signature, error) {
	stmt := p.tx.StmtContext(ctx, p.st.existing)
	out := make(map[sigKey]Signature, len(keys))
	for _, k := range keys {
		s, err := scanSignature(stmt.QueryRowContext(ctx, k.asn, k.campaign))
		if err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, nil
}

func (p perRowSteps) head(ctx context.Context) (string, uint64, error) {
	return scanHead(p.tx.StmtContext(ctx, p.st.head).QueryRowContext(ctx))
}

func (p perRowSteps) events(ctx context.Context, evs []chainedEvent) error {
	stmt := p.tx.StmtContext(ctx, p.st.event)
	for _, e := range evs {
		ev := e.ev
		if _, err := stmt.ExecContext(ctx, ev.Seq, ev.At, ev.Actor, ev.Action, ev.Subject, ev.Detail, ev.PrevHash, e.hash); err != nil {
			return err
		}
	}
	return nil
}

// scanHead reads the chain head: the newest event's hash and the next
// event's number (the genesis hash and 1 on an empty chain).
func scanHead(row *sql.Row) (string, uint64, error) {
	var id uint64
	var prev string
	switch err := row.Scan(&id, &prev); {
	case errors.Is(err, sql.ErrNoRows):
		return audit.Genesis, 1, nil
	case err != nil:
		return "", 0, err
	}
	return prev, id + 1, nil
}

// multiRowSteps runs one statement per step over all rows (PostgreSQL).
type multiRowSteps struct{ tx *sql.Tx }

// insert is one INSERT … ON CONFLICT DO NOTHING RETURNING of every
// signature; the cert_code, unique per request, says which request's row
// was stored.
func (m multiRowSteps) insert(ctx context.Context, sigs []Signature) error {
	var q strings.Builder
	args := make([]any, 0, len(sigs)*15)
	q.WriteString(`INSERT INTO signatures (asn_id, campaign_id, department_id, signed_at, typed_name, drawn_png,
		ip, user_agent, pledge_hash, cert_code, signer_nip, signer_name, signer_position, staff_user, device_key, cert_sha256, revoked) VALUES `)
	for i, s := range sigs {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(placeholders(len(args), 15, "'', false"))
		args = append(args, s.ASNID, s.CampaignID, s.DepartmentID, s.SignedAt, s.TypedName, s.DrawnPNG, s.IP, s.UserAgent, s.PledgeHash, s.CertCode,
			s.SignerNIP, s.SignerName, s.SignerPosition, s.StaffUser, s.DeviceKey)
	}
	q.WriteString(" ON CONFLICT (asn_id, campaign_id) WHERE revoked = false DO NOTHING RETURNING id, cert_code")
	stored := make(map[string]uint, len(sigs)) // cert_code -> id of the rows this batch stored
	if err := queryRows(ctx, m.tx, q.String(), args, func(rows *sql.Rows) error {
		var id uint
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return err
		}
		stored[code] = id
		return nil
	}); err != nil {
		return fmt.Errorf("insert %d signatures: %w", len(sigs), err)
	}
	for i := range sigs {
		sigs[i].ID = stored[sigs[i].CertCode]
	}
	return nil
}

// sqlExistingPostgres reads the live signature of each (asn_id,
// campaign_id) pair given as two arrays. One text for any number of pairs,
// and a LATERAL … LIMIT 1 per pair (never merged into a join) so that its
// only plan is the unique (asn_id, campaign_id) index: the IN list it
// replaced got a kept generic plan of a sequential scan when prepared on an
// empty signatures table (see sqlASNByToken), i.e. every batch with a
// repeated signer would have read the whole table.
var sqlExistingPostgres = "SELECT " + prefixed("s.", signatureColumns) +
	" FROM unnest($1::bigint[], $2::bigint[]) AS k(asn_id, campaign_id), LATERAL (" +
	selectFrom("signatures", signatureColumns, "WHERE asn_id = k.asn_id AND campaign_id = k.campaign_id AND revoked = false LIMIT 1") + ") s"

func (m multiRowSteps) existing(ctx context.Context, keys []sigKey) (map[sigKey]Signature, error) {
	asns, campaigns := make([]int64, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		asns[i], campaigns[i] = int64(k.asn), int64(k.campaign)
	}
	out := make(map[sigKey]Signature, len(keys))
	err := queryRows(ctx, m.tx, sqlExistingPostgres, []any{asns, campaigns}, func(rows *sql.Rows) error {
		s, err := scanSignature(rows)
		out[sigKey{s.ASNID, s.CampaignID}] = s
		return err
	})
	return out, err
}

func (m multiRowSteps) head(ctx context.Context) (string, uint64, error) {
	return scanHead(m.tx.QueryRowContext(ctx, sqlAuditHead))
}

func (m multiRowSteps) events(ctx context.Context, evs []chainedEvent) error {
	var q strings.Builder
	args := make([]any, 0, 8*len(evs))
	q.WriteString("INSERT INTO audit_events (id, at, actor, action, subject, detail, prev_hash, hash) VALUES ")
	for i, e := range evs {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(placeholders(len(args), 8, ""))
		ev := e.ev
		args = append(args, ev.Seq, ev.At, ev.Actor, ev.Action, ev.Subject, ev.Detail, ev.PrevHash, e.hash)
	}
	_, err := m.tx.ExecContext(ctx, q.String(), args...)
	return err
}

// placeholders writes "($n+1, …, $n+count[, extra])".
func placeholders(n, count int, extra string) string {
	var sb strings.Builder
	sb.WriteByte('(')
	for i := 1; i <= count; i++ {
		if i > 1 {
			sb.WriteString(", ")
		}
		sb.WriteString("$" + strconv.Itoa(n+i))
	}
	if extra != "" {
		sb.WriteString(", " + extra)
	}
	sb.WriteByte(')')
	return sb.String()
}

func queryRows(ctx context.Context, tx *sql.Tx, q string, args []any, each func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
