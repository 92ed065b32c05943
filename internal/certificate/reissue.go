package certificate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
)

// ErrReplaced: a genuine certificate of ours, but an earlier version that an
// admin re-issued; the new version is the one on record.
var ErrReplaced = errors.New("certificate has been replaced by a re-issued version")

// Stale reports whether the stored certificate of sig no longer matches
// what the record renders to today, e.g. because it was made with another
// public address (its QR code and verification link are wrong).
func (s *Service) Stale(ctx context.Context, sig store.Signature) (bool, error) {
	c, err := s.Store.CertificateOf(ctx, sig.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil // made on first download, with today's address
	}
	if err != nil {
		return false, err
	}
	// Only today's address counts: a copy made under another is stale.
	ok, err := s.contentMatches(ctx, sig, c.PDF, "")
	return !ok, err
}

// Reissue makes the certificate of the signature with this code again,
// with today's data and public address, and stores it in place of the old
// one, which keeps verifying as replaced. A revoked signature is refused.
func (s *Service) Reissue(ctx context.Context, actor, code, reason string) (store.Signature, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return store.Signature{}, i18n.New("reissue_reason_required")
	}
	sig, err := s.Store.SignatureByCode(ctx, code)
	if err != nil {
		return store.Signature{}, err
	}
	if sig.Revoked {
		return sig, ErrRevoked
	}
	if _, err := s.PDF(ctx, sig); err != nil { // there must be one to replace
		return sig, err
	}
	d, err := s.Data(ctx, sig)
	if err != nil {
		return sig, err
	}
	pdf, err := s.Signer.Make(d)
	if err != nil {
		return sig, fmt.Errorf("re-issue certificate %s: %w", code, err)
	}
	sum := sha256.Sum256(pdf)
	next := store.Certificate{SignatureID: sig.ID, PDF: pdf, SHA256: hex.EncodeToString(sum[:]), BaseURL: s.BaseURL}
	if err := s.Store.ReplaceCertificate(ctx, actor, reason, next); err != nil {
		return sig, err
	}
	s.Log.Info("certificate re-issued", "signature", sig.ID, "code", code, "sha256", next.SHA256, "by", actor)
	return sig, nil
}
