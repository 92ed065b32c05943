package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ikrar "github.com/ikrar/ikrar"
	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/certificate/tsatest"
	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/roster"
	"github.com/ikrar/ikrar/internal/store/storetest"
	"github.com/ikrar/ikrar/internal/web"
)

// With a timestamp authority that is down, people still sign; their
// certificates wait (a download says so), and once the authority answers
// again they are made with trusted time, which the verify page shows.
func TestTimestampAuthorityDownThenUp(t *testing.T) {
	tsa := tsatest.Start(t)
	tsa.SetDown(true)
	dir := t.TempDir()
	o := storetest.Options(t, storetest.SQLite)
	cfg := config.Defaults()
	cfg.DataDir, cfg.DBDriver, cfg.DB, cfg.BaseURL, cfg.TSAURL = dir, o.Driver, o.DSN, "http://ikrar.test", tsa.URL
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	st := storetest.OpenWith(t, o)
	signer, err := certificate.LoadOrCreateSigner(certificate.KeyOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if signer, err = signer.WithTSA(cfg.TSAURL); err != nil {
		t.Fatal(err)
	}
	certs := certificate.NewService(st, signer, cfg.BaseURL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s, err := web.New(web.Deps{Config: cfg, Store: st, Pledge: &pledge.Service{Store: st, Now: time.Now}, Certs: certs, Assets: ikrar.Assets, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	e := &env{t: t, st: st, srv: srv, cfg: cfg, dir: dir}
	ctx := context.Background()
	camp := pledge.NewCampaign("pemilu-2024", 1, cfg.Instansi, pledge.DefaultID, pledge.DefaultEN)
	if err := st.CreateCampaign(ctx, "test", &camp); err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(ctx, st, "test", "roster.csv", strings.NewReader(rosterCSV), roster.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	workCtx, stop := context.WithCancel(ctx)
	defer stop()
	certs.StartWorkers(workCtx, 1)

	a := e.asn("199001012015032001")
	code := e.signAs(a.NIP, "Zoë Ngatiyem") // signing does not wait for the TSA
	status, body := e.get(e.client(), "/sign/"+a.Token+"/certificate.pdf")
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "stempel waktu") {
		t.Fatalf("download while the TSA is down: %d\n%s", status, body)
	}

	tsa.SetDown(false)
	pdf := e.download(e.client(), "/sign/"+a.Token+"/certificate.pdf")
	f, err := certificate.FactsOf(pdf)
	if err != nil || f.Timestamp == nil {
		t.Fatalf("certificate made after the TSA came back has no timestamp: %v", err)
	}
	_, page := e.get(e.client(), "/verify/"+code)
	if !strings.Contains(page, `id="tsa-time"`) || !strings.Contains(page, tsa.Name) {
		t.Errorf("verify page lacks the trusted time:\n%s", page)
	}

	// The background workers make the next one with a token too.
	b := e.asn("198703122010121002")
	e.signAs(b.NIP, "Budi Santosa")
	deadline := time.Now().Add(30 * time.Second)
	for {
		sig, err := st.SignatureOf(ctx, b.ID, camp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if f, ok, _ := certs.Facts(ctx, sig); ok && f.Timestamp != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the background workers made no timestamped certificate")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
