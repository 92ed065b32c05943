package certificate

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"github.com/ikrar/ikrar/internal/store"
)

// ErrNothingToCheckpoint: the chain is empty or has not grown since the
// latest checkpoint.
var ErrNothingToCheckpoint = errors.New("audit chain has not grown since the latest checkpoint")

// Checkpoint signs the audit chain's current head with the instance key
// (the one certificates are signed with, so the same published certificate
// checks both), keeps it, and writes the file into dir when dir is set.
func (s *Service) Checkpoint(ctx context.Context, instansi, dir string, now time.Time) (store.AuditCheckpoint, error) {
	if s.Signer.key == nil {
		return store.AuditCheckpoint{}, errors.New("audit checkpoint: no signing key loaded")
	}
	seq, head, err := s.Store.ChainHead(ctx)
	if err != nil {
		return store.AuditCheckpoint{}, err
	}
	if seq == 0 {
		return store.AuditCheckpoint{}, ErrNothingToCheckpoint
	}
	file, err := audit.SignCheckpoint(audit.Checkpoint{Instansi: instansi, At: now, Events: uint64(seq), Head: head}, s.Signer.key, s.Signer.cert)
	if err != nil {
		return store.AuditCheckpoint{}, err
	}
	cp := store.AuditCheckpoint{At: now.UTC().Truncate(time.Second), Seq: seq, Head: head, Statement: string(file)}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return store.AuditCheckpoint{}, fmt.Errorf("audit checkpoint: %w", err)
		}
		name := filepath.Join(dir, "checkpoint-"+cp.At.Format("20060102-150405")+".txt")
		if err := os.WriteFile(name, file, 0o644); err != nil {
			return store.AuditCheckpoint{}, fmt.Errorf("audit checkpoint: %w", err)
		}
	}
	if err := s.Store.SaveCheckpoint(ctx, &cp); err != nil {
		return store.AuditCheckpoint{}, err
	}
	return cp, nil
}

// StartCheckpoints makes a checkpoint when the latest is a day old and the
// chain has grown since, checking every interval until ctx ends.
func (s *Service) StartCheckpoints(ctx context.Context, instansi, dir string, interval time.Duration) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			if err := s.checkpointIfDue(ctx, instansi, dir, time.Now()); err != nil && ctx.Err() == nil {
				s.Log.Warn("audit checkpoint", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return done
}

func (s *Service) checkpointIfDue(ctx context.Context, instansi, dir string, now time.Time) error {
	latest, err := s.Store.LatestCheckpoint(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	case now.Sub(latest.At) < 24*time.Hour:
		return nil
	}
	seq, _, err := s.Store.ChainHead(ctx)
	if err != nil || seq == 0 || seq == latest.Seq {
		return err
	}
	cp, err := s.Checkpoint(ctx, instansi, dir, now)
	if err == nil {
		s.Log.Info("audit checkpoint made", "events", cp.Seq, "head", cp.Head)
	}
	return err
}

// CheckpointError says why a checkpoint does not hold for this chain.
type CheckpointError struct{ Reason string }

func (e *CheckpointError) Error() string { return "audit checkpoint: " + e.Reason }

// VerifyCheckpoint checks that a checkpoint file was signed by this
// instance's key and that the chain still holds its head at its place. It
// does not check the chain itself (store.VerifyAudit does).
func (s *Service) VerifyCheckpoint(ctx context.Context, file []byte) (audit.Checkpoint, error) {
	c, cert, err := audit.ParseCheckpoint(file)
	if err != nil {
		return audit.Checkpoint{}, err
	}
	if !cert.Equal(s.Signer.cert) && !s.isEarlierKey(ctx, cert) {
		return c, &CheckpointError{Reason: fmt.Sprintf("signed by key %s, not by this instance's key %s", c.KeySHA256, audit.CertFingerprint(s.Signer.cert))}
	}
	hash, err := s.Store.EventHash(ctx, c.Events)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c, &CheckpointError{Reason: fmt.Sprintf("the chain no longer has event %d that the checkpoint of %s names: events were removed", c.Events, c.At.UTC().Format(time.RFC3339))}
	case err != nil:
		return c, err
	case hash != c.Head:
		return c, &CheckpointError{Reason: fmt.Sprintf("event %d no longer has the hash the checkpoint of %s names: the chain was rewritten", c.Events, c.At.UTC().Format(time.RFC3339))}
	}
	return c, nil
}

// isEarlierKey reports whether cert is one of the instance's earlier
// (rotated, verify-only) signing keys recorded in the database.
func (s *Service) isEarlierKey(ctx context.Context, cert *x509.Certificate) bool {
	for _, k := range s.earlierKeys(ctx) {
		if k.cert.Equal(cert) {
			return true
		}
	}
	return false
}
