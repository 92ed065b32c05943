package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
)

// HotReadsPostgres are the signing path's reads of signatures as
// PostgreSQL receives them, for the external tests of their query plans.
func HotReadsPostgres() map[string]string {
	d := postgresDialect{}
	return map[string]string{
		"asnByToken":  d.rebind(sqlASNByToken),
		"signatureOf": d.rebind(sqlSignatureOf),
		"existing":    sqlExistingPostgres,
	}
}

// VerifyAuditIn is VerifyAudit with a chosen number of segments and batch
// size, so tests can put segment borders between a few events.
func (s *Store) VerifyAuditIn(ctx context.Context, segments, batch int) (AuditReport, error) {
	return s.verifyAudit(ctx, segments, batch)
}

// RebindPostgres numbers a query's ? placeholders for PostgreSQL.
func RebindPostgres(q string) string { return postgresDialect{}.rebind(q) }

// AuditReadsBothWays reads every event and every signature row as audit
// verify reads them on SQLite (the batch reader, which hands what it does
// not convert to database/sql) and through database/sql alone, and says
// what each read (the rows, or the error), and whether the batch reader
// took the events and the rows itself.
func (s *Store) AuditReadsBothWays(ctx context.Context) (batch, viaSQL string, ownEvents, ownRows bool, err error) {
	rs, err := s.d.readSnapshots(ctx, s, 1)
	if err != nil {
		return "", "", false, false, err
	}
	r := rs[0]
	defer r.close()
	if r.batch == nil {
		return "", "", false, false, errors.New("no batch reader")
	}
	var ids []uint
	rows, err := r.query(ctx, "SELECT id FROM signatures ORDER BY id")
	if err != nil {
		return "", "", false, false, err
	}
	for rows.Next() {
		var id uint
		if err := rows.Scan(&id); err != nil {
			return "", "", false, false, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	read := func(r auditReader) string {
		var buf []byte
		evs, err := r.events(ctx, 0, 1<<30, nil, &buf)
		out := fmt.Sprintf("events: %+v\nerr: %v\n", evs, err)
		var sigBuf []byte
		sigs, err := r.signatures(ctx, ids, nil, &sigBuf)
		slices.SortFunc(sigs, func(a, b signatureWithNIP) int { return cmp.Compare(a.ID, b.ID) })
		return out + fmt.Sprintf("signatures: %+v\nerr: %v\n", sigs, err)
	}
	_, _, evErr := r.batch.eventBatch(0, 1<<30, nil, nil)
	_, _, sigErr := r.batch.signatures(ids, nil, nil)
	plain := r
	plain.batch = nil
	return read(r), read(plain), evErr == nil, sigErr == nil, nil
}

// HoldWriter takes the writer's connection, as a long roster import's
// transaction does, until release is called.
func (s *Store) HoldWriter(ctx context.Context) (release func(), err error) {
	w, err := s.w.DB()
	if err != nil {
		return nil, err
	}
	conn, err := w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	return func() { conn.Close() }, nil
}
