package certificate

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ikrar/ikrar/internal/audit"
	"github.com/ikrar/ikrar/internal/store"
)

// KeyMismatchError is why a server refuses to start: its signing key is
// not the one this database's certificates were signed with. Starting
// anyway would call every genuine certificate forged.
type KeyMismatchError struct {
	Current string   // fingerprint of the configured or generated key's certificate ("" if none was loaded)
	Known   []string // fingerprints recorded in the database
	Missing string   // the data folder where the generated key was expected, when it is absent
}

func (e *KeyMismatchError) Error() string {
	known := strings.Join(e.Known, ", ")
	if e.Missing != "" {
		return fmt.Sprintf("the signing key of this database (certificate SHA-256 %s) is not in %s (%s, %s): "+
			"restore it with `ikrar restore` from the backup, configure it (--signing-cert/--signing-key or --signing-p12), "+
			"or start with --accept-new-key (IKRAR_ACCEPT_NEW_KEY=1) to sign with a new key from now on",
			known, e.Missing, KeyFileName, CertFileName)
	}
	return fmt.Sprintf("the signing key (certificate SHA-256 %s) is not the one this database's certificates were signed with (%s): "+
		"configure that key, or start with --accept-new-key (IKRAR_ACCEPT_NEW_KEY=1) to sign with this one from now on",
		e.Current, known)
}

// Fingerprint is the SHA-256 of the signing certificate's DER form, the
// name of a key in the database and in audit checkpoints.
func (s *Signer) Fingerprint() string { return audit.CertFingerprint(s.cert) }

// GeneratesKey reports whether opts names no key of its own, so that the
// key lives in (or would be generated into) the data folder.
func (opts KeyOptions) GeneratesKey() bool {
	return opts.PKCS12 == "" && opts.CertPEM == "" && opts.KeyPEM == ""
}

// OpenSigner loads the signing key like LoadOrCreateSigner and checks it
// against the keys recorded in st:
//
//   - a database that has recorded keys but whose generated key files are
//     gone (a restore without the key) is refused before any new key is
//     generated;
//   - a key that is not recorded is refused unless acceptNew: then it is
//     recorded with an audit event, and certificates of the earlier keys
//     stay verifiable (VerifyUpload tries every recorded key);
//   - a database from before keys were recorded records the key once its
//     newest certificate is shown to be signed by it.
func OpenSigner(ctx context.Context, st *store.Store, opts KeyOptions, acceptNew bool) (*Signer, error) {
	known, err := st.SigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	fps := make([]string, len(known))
	for i, k := range known {
		fps[i] = k.Fingerprint
	}
	if len(known) > 0 && !acceptNew && opts.GeneratesKey() && opts.Dir != "" {
		_, errKey := os.Stat(filepath.Join(opts.Dir, KeyFileName))
		_, errCert := os.Stat(filepath.Join(opts.Dir, CertFileName))
		if errors.Is(errKey, os.ErrNotExist) && errors.Is(errCert, os.ErrNotExist) {
			return nil, &KeyMismatchError{Known: fps, Missing: opts.Dir}
		}
	}
	signer, err := LoadOrCreateSigner(opts)
	if err != nil {
		return nil, err
	}
	fp := signer.Fingerprint()
	for _, k := range fps {
		if k == fp {
			return signer, nil
		}
	}
	reason := "first key of this database"
	switch {
	case len(known) > 0 && !acceptNew:
		return nil, &KeyMismatchError{Current: fp, Known: fps}
	case len(known) > 0:
		reason = "new key accepted with --accept-new-key"
	default:
		// No key recorded: a new database, or one from before keys were
		// recorded. Its newest certificate says which key it used.
		c, err := st.LatestCertificate(ctx)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			if _, verr := signer.Verify(c.PDF); verr != nil && !acceptNew {
				return nil, &KeyMismatchError{Current: fp, Known: []string{"not recorded; the newest certificate is not signed by this key: " + verr.Error()}}
			}
		}
	}
	if err := st.RecordSigningKey(ctx, "system", reason, store.SigningKey{Fingerprint: fp, CertDER: bytes.Clone(signer.cert.Raw)}); err != nil {
		return nil, err
	}
	return signer, nil
}

// earlierKeys returns a verifier for each recorded key other than s's own.
func (s *Service) earlierKeys(ctx context.Context) []*Signer {
	keys, err := s.Store.SigningKeys(ctx)
	if err != nil {
		return nil
	}
	var out []*Signer
	for _, k := range keys {
		if bytes.Equal(k.CertDER, s.Signer.cert.Raw) {
			continue
		}
		cert, err := x509.ParseCertificate(k.CertDER)
		if err != nil {
			continue
		}
		out = append(out, &Signer{cert: cert, chain: []*x509.Certificate{cert}})
	}
	return out
}
