package store

// HotReadsPostgres are the signing path's prepared reads as PostgreSQL
// receives them, for the external tests of their query plans.
func HotReadsPostgres() map[string]string {
	d := postgresDialect{}
	return map[string]string{
		"asnByToken":  d.rebind(sqlASNByToken),
		"signatureOf": d.rebind(sqlSignatureOf),
	}
}
