package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

func archiveOf(t *testing.T) (string, Manifest) {
	t.Helper()
	dir := t.TempDir()
	st := storetest.OpenWith(t, store.Options{Driver: "sqlite", DSN: filepath.Join(dir, "ikrar.db")})
	if _, err := certificate.OpenSigner(context.Background(), st, certificate.KeyOptions{Dir: dir}, false); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	m, err := Write(context.Background(), st, certificate.KeyOptions{Dir: dir}, out)
	if err != nil {
		t.Fatal(err)
	}
	return out, m
}

func TestRestoreChecksTheArchive(t *testing.T) {
	archive, m := archiveOf(t)
	good, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", good[:len(good)/2], "restore"},
		{"not gzip", []byte("SQLite format 3\x00"), "not an ikrar backup archive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.tar.gz")
			os.WriteFile(path, tt.data, 0o600)
			data := filepath.Join(t.TempDir(), "data")
			if _, err := Restore(path, data, filepath.Join(data, "ikrar.db")); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Restore = %v, want an error naming %q", err, tt.want)
			}
			if entries, _ := os.ReadDir(data); len(entries) != 0 {
				t.Fatalf("a failed restore left %d files in %s", len(entries), data)
			}
		})
	}
	data := filepath.Join(t.TempDir(), "data")
	got, err := Restore(archive, data, filepath.Join(data, "ikrar.db"))
	if err != nil || got.KeyFingerprint != m.KeyFingerprint {
		t.Fatalf("Restore = %+v, %v", got, err)
	}
	if _, err := Restore(archive, data, filepath.Join(data, "ikrar.db")); err == nil || !strings.Contains(err.Error(), "fresh data folder") {
		t.Fatalf("restore over a restored folder: %v", err)
	}
}

func TestBackupRefusesAKeyKeptElsewhere(t *testing.T) {
	st := storetest.Open(t, storetest.SQLite)
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	_, err := Write(context.Background(), st, certificate.KeyOptions{Dir: t.TempDir(), PKCS12: "/etc/ikrar/bsre.p12"}, out)
	if !errors.Is(err, ErrKeyElsewhere) {
		t.Fatalf("Write = %v, want ErrKeyElsewhere", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("an archive was written")
	}
}
