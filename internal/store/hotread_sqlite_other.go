//go:build !cgo

package store

import "log/slog"

// tokenReads needs cgo (as SQLite does); without it ASNByTokenFor reads
// through database/sql.
type tokenReads struct{}

const tokenReadConns = 0 // no raw connections

func newTokenReads(string, int, *slog.Logger) *tokenReads { return nil }

func (*tokenReads) read(string, uint) (ASN, bool, error) { return ASN{}, false, errNotPlain }
func (*tokenReads) close()                               {}
