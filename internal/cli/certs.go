package cli

import (
	"context"
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

func fsOf(f fs.FS) fs.FS { return f }
