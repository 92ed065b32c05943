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
	detail := audit.Detail(map[string]string{
		"v":             audit.SignatureDigestVersion,
		"signature_id":  strconv.FormatUint(uint64(sig.ID), 10),
		"nip":           nip,
		"campaign_id":   strconv.FormatUint(uint64(sig.CampaignID), 10),
		"department_id": strconv.FormatUint(uint64(sig.DepartmentID), 10),
		"cert_code":     sig.CertCode,
		"digest":        audit.SignatureDigestV2(sig.facts()),
	})
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

// writeBatchRows is writeBatch where every statement is a network round
// trip (PostgreSQL): a batch holds the audit-chain lock that all
// instances share from its first statement to its commit, so it is written
// with four statements whatever its size instead of two per signature.
// Measured on PostgreSQL with 64 signers, the per-row statements spent most
// of the batch waiting on round trips while the other instances waited on
// the lock.
//
//  1. one INSERT … ON CONFLICT DO NOTHING RETURNING of every signature: a
//     person already signed (before, or earlier in this batch) returns no
//     row; the cert_code, unique per request, says which request's row
//     was stored;
//  2. one SELECT of the stored signatures of everyone else;
//  3. the chain head;
//  4. one INSERT of the new signatures' audit events, in request order.
func (g *groupCommitter) writeBatchRows(live []signReq, replies []signReply) (err error) {
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

	sigs := make([]Signature, len(live))
	var q strings.Builder
	args := make([]any, 0, len(live)*15)
	q.WriteString(`INSERT INTO signatures (asn_id, campaign_id, department_id, signed_at, typed_name, drawn_png,
		ip, user_agent, pledge_hash, cert_code, signer_nip, signer_name, signer_position, staff_user, device_key, cert_sha256, revoked) VALUES `)
	for i, r := range live {
		sigs[i] = signatureRow(r.sig)
		s := sigs[i]
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(placeholders(len(args), 15, "'', false"))
		args = append(args, s.ASNID, s.CampaignID, s.DepartmentID, s.SignedAt, s.TypedName, s.DrawnPNG, s.IP, s.UserAgent, s.PledgeHash, s.CertCode,
			s.SignerNIP, s.SignerName, s.SignerPosition, s.StaffUser, s.DeviceKey)
	}
	q.WriteString(" ON CONFLICT (asn_id, campaign_id) WHERE revoked = false DO NOTHING RETURNING id, cert_code")
	stored := make(map[string]uint, len(live)) // cert_code -> id of the rows this batch stored
	if err := queryRows(ctx, tx, q.String(), args, func(rows *sql.Rows) error {
		var id uint
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return err
		}
		stored[code] = id
		return nil
	}); err != nil {
		return fmt.Errorf("insert %d signatures: %w", len(live), err)
	}

	type key struct{ asn, campaign uint }
	var others []key
	for i := range sigs {
		if id, ok := stored[sigs[i].CertCode]; ok {
			sigs[i].ID = id
		} else {
			others = append(others, key{sigs[i].ASNID, sigs[i].CampaignID})
		}
	}
	existing := map[key]Signature{}
	if len(others) > 0 {
		q.Reset()
		args = args[:0]
		q.WriteString(selectFrom("signatures", signatureColumns, "WHERE (asn_id, campaign_id) IN ("))
		for i, k := range others {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(placeholders(len(args), 2, ""))
			args = append(args, k.asn, k.campaign)
		}
		q.WriteString(") AND revoked = false")
		if err := queryRows(ctx, tx, q.String(), args, func(rows *sql.Rows) error {
			s, err := scanSignature(rows)
			existing[key{s.ASNID, s.CampaignID}] = s
			return err
		}); err != nil {
			return fmt.Errorf("read existing signatures: %w", err)
		}
	}

	var headID uint64
	var prev string
	switch err := tx.QueryRowContext(ctx, sqlAuditHead).Scan(&headID, &prev); {
	case errors.Is(err, sql.ErrNoRows):
		prev = audit.Genesis
	case err != nil:
		return fmt.Errorf("read audit head: %w", err)
	}
	seq := headID + 1
	q.Reset()
	args = args[:0]
	q.WriteString("INSERT INTO audit_events (id, at, actor, action, subject, detail, prev_hash, hash) VALUES ")
	for i, r := range live {
		if sigs[i].ID == 0 {
			s, ok := existing[key{sigs[i].ASNID, sigs[i].CampaignID}]
			if !ok {
				return fmt.Errorf("signature of %s neither stored nor found", r.sig.ASN.NIP)
			}
			replies[i] = signReply{res: SignResult{Signature: s}}
			continue
		}
		ev, hash := signedEvent(sigs[i], seq, prev)
		if len(args) > 0 {
			q.WriteString(", ")
		}
		q.WriteString(placeholders(len(args), 8, ""))
		args = append(args, ev.Seq, ev.At, ev.Actor, ev.Action, ev.Subject, ev.Detail, ev.PrevHash, hash)
		replies[i] = signReply{res: SignResult{Signature: sigs[i], Created: true}}
		prev, seq = hash, seq+1
	}
	if len(args) > 0 {
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("append audit events: %w", err)
		}
	}
	var created []Signature
	for i := range sigs {
		if sigs[i].ID != 0 {
			created = append(created, sigs[i])
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
