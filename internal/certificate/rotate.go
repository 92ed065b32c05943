package certificate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ikrar/ikrar/internal/store"
)

// RetiredKeysDir is where `ikrar keys rotate` moves a replaced key, under
// the data folder. The database keeps each retired key's certificate, so
// certificates it signed still verify; the private key is kept aside only
// so that nothing is destroyed by a rotation (delete it once the new key
// is in its backups).
const RetiredKeysDir = "retired-keys"

// Rotation says what a key rotation did.
type Rotation struct {
	Old, New   string // certificate fingerprints
	RetiredDir string
}

// RotateKey replaces the generated signing key in opts.Dir with a new one.
// The new key is recorded in the database (with an audit event) before
// any file moves, so certificates of both keys verify from then on; the
// old key and certificate move to RetiredKeysDir. A key from a CA (PEM or
// PKCS#12 files) is not rotated here: configure the new one and start with
// --accept-new-key, which keeps the old one verify-only the same way.
func RotateKey(ctx context.Context, st *store.Store, opts KeyOptions, actor string, now time.Time) (Rotation, error) {
	if !opts.GeneratesKey() || opts.Dir == "" {
		return Rotation{}, errors.New("keys rotate replaces the key generated in the data folder; for a key from a CA (BSrE), " +
			"configure the new certificate and key and start with --accept-new-key: the old key stays verify-only")
	}
	cur, err := OpenSigner(ctx, st, opts, false)
	if err != nil {
		return Rotation{}, err
	}
	tmp, err := os.MkdirTemp(opts.Dir, ".rotate-")
	if err != nil {
		return Rotation{}, fmt.Errorf("keys rotate: %w", err)
	}
	defer os.RemoveAll(tmp)
	next, err := generate(KeyOptions{Dir: tmp, CommonName: opts.CommonName, Organization: opts.Organization},
		filepath.Join(tmp, KeyFileName), filepath.Join(tmp, CertFileName))
	if err != nil {
		return Rotation{}, err
	}
	r := Rotation{Old: cur.Fingerprint(), New: next.Fingerprint()}
	if err := st.RecordSigningKey(ctx, actor, "keys rotate, replacing "+r.Old,
		store.SigningKey{Fingerprint: r.New, CertDER: bytes.Clone(next.cert.Raw)}); err != nil {
		return Rotation{}, err
	}
	r.RetiredDir = filepath.Join(opts.Dir, RetiredKeysDir, now.UTC().Format("20060102-150405")+"-"+r.Old[:16])
	if err := os.MkdirAll(r.RetiredDir, 0o700); err != nil {
		return r, fmt.Errorf("keys rotate: %w", err)
	}
	for _, name := range []string{KeyFileName, CertFileName} {
		if err := os.Rename(filepath.Join(opts.Dir, name), filepath.Join(r.RetiredDir, name)); err != nil {
			return r, fmt.Errorf("keys rotate: retire %s: %w", name, err)
		}
	}
	for _, name := range []string{KeyFileName, CertFileName} {
		if err := os.Rename(filepath.Join(tmp, name), filepath.Join(opts.Dir, name)); err != nil {
			return r, fmt.Errorf("keys rotate: install new %s (the old one is in %s): %w", name, r.RetiredDir, err)
		}
	}
	return r, nil
}
