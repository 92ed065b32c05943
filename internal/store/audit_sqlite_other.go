//go:build !cgo

package store

import (
	"errors"

	"github.com/ikrar/ikrar/internal/audit"
)

// sqliteBatchReader needs cgo (as SQLite does); without it verification
// reads through database/sql.
type sqliteBatchReader struct{}

var errNotPlain = errors.New("not plain")

func openSQLiteBatchReader(string) (*sqliteBatchReader, error) {
	return nil, errors.New("batch reader: built without cgo")
}

func (*sqliteBatchReader) begin() error { return errNotPlain }
func (*sqliteBatchReader) close()       {}
func (*sqliteBatchReader) eventBatch(_ uint64, _ int, dst []audit.Stored, buf []byte) ([]audit.Stored, []byte, error) {
	return dst, buf, errNotPlain
}
func (*sqliteBatchReader) signatures(_ []uint, dst []signatureWithNIP, buf []byte) ([]signatureWithNIP, []byte, error) {
	return dst, buf, errNotPlain
}
