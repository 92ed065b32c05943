package web_test

import (
	"testing"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/web"
)

func newCerts(t *testing.T, st *store.Store, cfg config.Config) web.Certificates {
	t.Helper()
	signer, err := certificate.LoadOrCreateSigner(certificate.KeyOptions{Dir: cfg.DataDir, CommonName: "ikrar test", Organization: cfg.Instansi})
	if err != nil {
		t.Fatal(err)
	}
	return certificate.NewService(st, signer, cfg.BaseURL, nil)
}
