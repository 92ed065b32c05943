package store

import "context"

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
