// Package backup writes and restores one archive holding everything a
// restored server needs to keep its certificates valid: the database and
// the signing key that signed them. A database restored without its key
// would make a server generate a new one and call every genuine
// certificate forged.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
)

// msgLang is the language of the errors below, printed by the CLI as they
// always were, in English; their Indonesian is in the catalogue.
const msgLang = "en"

// Format names the archive layout in its manifest.
const Format = "ikrar-backup-1"

// Archive entry names.
const (
	entryDB       = "ikrar.db"
	entryManifest = "MANIFEST.json"
)

// Manifest is the archive's last entry: what it holds and their SHA-256.
type Manifest struct {
	Format         string            `json:"format"`
	Created        time.Time         `json:"created"`
	KeyFingerprint string            `json:"key_fingerprint"` // SHA-256 of the signing certificate
	Files          map[string]string `json:"files"`           // entry name -> hex SHA-256
}

// ErrKeyElsewhere is Write's answer when the signing key is configured
// outside the data folder (a PEM pair or a PKCS#12 from BSrE): ikrar does
// not copy a key it does not keep.
var ErrKeyElsewhere = i18n.New("backup_key_elsewhere")

// Write makes the archive at out: a consistent copy of the database taken
// while the server keeps signing, and the signing key and certificate from
// the data folder.
func Write(ctx context.Context, st *store.Store, keys certificate.KeyOptions, out string) (Manifest, error) {
	if !keys.GeneratesKey() {
		return Manifest{}, ErrKeyElsewhere
	}
	if _, err := os.Stat(out); err == nil {
		return Manifest{}, errors.New(i18n.T(msgLang, "backup_exists", out))
	}
	keyFiles := []string{certificate.KeyFileName, certificate.CertFileName}
	for _, name := range keyFiles {
		if _, err := os.Stat(filepath.Join(keys.Dir, name)); err != nil {
			return Manifest{}, fmt.Errorf("backup: the signing key is not in %s (%w); nothing to back up with the database", keys.Dir, err)
		}
	}
	verifier, err := certificate.LoadVerifier(certificate.KeyOptions{Dir: keys.Dir})
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	ok := false
	defer func() {
		f.Close()
		if !ok {
			os.Remove(out)
		}
	}()
	tmp, err := os.MkdirTemp(filepath.Dir(out), ".ikrar-backup-")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	dbCopy := filepath.Join(tmp, entryDB)
	if err := st.Backup(ctx, dbCopy); err != nil {
		return Manifest{}, err
	}

	m := Manifest{Format: Format, Created: time.Now().UTC(), KeyFingerprint: verifier.Fingerprint(), Files: map[string]string{}}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	add := func(name, path string, mode int64) error {
		src, err := os.Open(path)
		if err != nil {
			return err
		}
		defer src.Close()
		fi, err := src.Stat()
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: fi.Size(), ModTime: m.Created, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		h := sha256.New()
		if _, err := io.Copy(io.MultiWriter(tw, h), src); err != nil {
			return err
		}
		m.Files[name] = hex.EncodeToString(h.Sum(nil))
		return nil
	}
	if err := add(entryDB, dbCopy, 0o600); err != nil {
		return Manifest{}, fmt.Errorf("backup: write database: %w", err)
	}
	for _, name := range keyFiles {
		if err := add(name, filepath.Join(keys.Dir, name), 0o600); err != nil {
			return Manifest{}, fmt.Errorf("backup: write %s: %w", name, err)
		}
	}
	mb, _ := json.MarshalIndent(m, "", "  ")
	if err := tw.WriteHeader(&tar.Header{Name: entryManifest, Mode: 0o644, Size: int64(len(mb)), ModTime: m.Created, Typeflag: tar.TypeReg}); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(mb); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	for _, c := range []io.Closer{tw, gz} {
		if err := c.Close(); err != nil {
			return Manifest{}, fmt.Errorf("backup: %w", err)
		}
	}
	if err := f.Sync(); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	ok = true
	return m, nil
}

// Restore unpacks an archive into a fresh data folder: the database to
// dbPath, the key files into dataDir. It refuses to overwrite anything and
// removes what it wrote if the archive is incomplete or damaged. The
// caller then opens the database and checks it (see the restore command).
func Restore(archive, dataDir, dbPath string) (Manifest, error) {
	dest := map[string]string{
		entryDB:                  dbPath,
		certificate.KeyFileName:  filepath.Join(dataDir, certificate.KeyFileName),
		certificate.CertFileName: filepath.Join(dataDir, certificate.CertFileName),
	}
	for _, path := range dest {
		if _, err := os.Stat(path); err == nil {
			return Manifest{}, errors.New(i18n.T(msgLang, "restore_exists", path))
		}
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	f, err := os.Open(archive)
	if err != nil {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	var written []string
	ok := false
	defer func() {
		if !ok {
			for _, p := range written {
				os.Remove(p)
			}
		}
	}()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return Manifest{}, fmt.Errorf("restore: %s is not an ikrar backup archive: %w", archive, err)
	}
	tr := tar.NewReader(gz)
	sums := map[string]string{}
	var m Manifest
	haveManifest := false
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Manifest{}, fmt.Errorf("restore: read %s: %w", archive, err)
		}
		if h.Name == entryManifest {
			if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&m); err != nil {
				return Manifest{}, fmt.Errorf("restore: manifest: %w", err)
			}
			haveManifest = true
			continue
		}
		path, known := dest[h.Name]
		if !known || h.Typeflag != tar.TypeReg {
			return Manifest{}, errors.New(i18n.T(msgLang, "restore_unexpected_entry", h.Name, archive))
		}
		if _, dup := sums[h.Name]; dup {
			return Manifest{}, errors.New(i18n.T(msgLang, "restore_entry_twice", h.Name, archive))
		}
		out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return Manifest{}, fmt.Errorf("restore: %w", err)
		}
		written = append(written, path)
		sum := sha256.New()
		_, err = io.Copy(io.MultiWriter(out, sum), tr)
		if err == nil {
			err = out.Sync()
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return Manifest{}, fmt.Errorf("restore: write %s: %w", path, err)
		}
		sums[h.Name] = hex.EncodeToString(sum.Sum(nil))
	}
	switch {
	case !haveManifest || m.Format != Format:
		return Manifest{}, errors.New(i18n.T(msgLang, "restore_no_manifest", archive, Format))
	case len(sums) != len(dest) || len(m.Files) != len(dest):
		return Manifest{}, errors.New(i18n.T(msgLang, "restore_files_missing", archive, len(sums), len(dest)))
	}
	for name, want := range m.Files {
		if sums[name] != want {
			return Manifest{}, errors.New(i18n.T(msgLang, "restore_checksum", name, archive))
		}
	}
	ok = true
	return m, nil
}
