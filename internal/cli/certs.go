package cli

import (
	"context"
	"io"
	"io/fs"
	"log/slog"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/store"
)

func keyOptions(cfg config.Config) certificate.KeyOptions {
	return certificate.KeyOptions{
		Dir: cfg.DataDir, CertPEM: cfg.CertFile, KeyPEM: cfg.KeyFile,
		PKCS12: cfg.PKCS12File, PKCS12Password: cfg.PKCS12Password,
		CommonName: "ikrar — " + cfg.Instansi, Organization: cfg.Instansi,
	}
}

func openCertificates(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) (*certificate.Service, error) {
	signer, err := certificate.OpenSigner(ctx, st, keyOptions(cfg), cfg.AcceptNewKey)
	if err != nil {
		return nil, err
	}
	if signer, err = signer.WithTSA(cfg.TSAURL); err != nil {
		return nil, err
	}
	return certificate.NewService(st, signer, cfg.BaseURL, log), nil
}

// openForCertificates opens the database for a command that makes many
// PDFs (openForLinks settles the public address) and its certificate
// service. One "certificate made" line per PDF would drown its progress
// bar and output, so the service logs warnings only. The caller closes
// the store.
func openForCertificates(ctx context.Context, cfg *config.Config, stderr io.Writer) (*store.Store, *certificate.Service, error) {
	st, err := openForLinks(ctx, cfg, newLogger(*cfg, stderr))
	if err != nil {
		return nil, nil, err
	}
	svc, err := openCertificates(ctx, *cfg, st, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, svc, nil
}

func fsOf(f fs.FS) fs.FS { return f }
