package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	ikrar "github.com/ikrar/ikrar"
	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/roster"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
	"github.com/ikrar/ikrar/internal/web"
)

const rosterCSV = "nip;nama;jabatan;unit_kerja;telepon\r\n" +
	"198703122010121002;Drs. Budi Santosa, M.Pd.;Kepala Seksi Kurikulum;Dinas Pendidikan, Pemuda, dan Olahraga;0812-3456-789\r\n" +
	"199001012015032001;Zoë Ngatiyem;Perawat Terampil;Dinas Kesehatan;\r\n" +
	"198512302010012003;R.A. Kartini, S.Pd., M.Si.;Guru Ahli Madya;Dinas Pendidikan, Pemuda, dan Olahraga;\r\n"

type env struct {
	t   *testing.T
	st  *store.Store
	srv *httptest.Server
	cfg config.Config
	dir string
	app *web.Server
}

func newEnv(t *testing.T) *env { return newEnvOn(t, storetest.SQLite) }

// newEnvOn serves the app over a fresh database on backend b, with one
// campaign and the three-person roster.
func newEnvOn(t *testing.T, b storetest.Backend) *env {
	t.Helper()
	e := openEnv(t, storetest.Options(t, b), t.TempDir())
	ctx := context.Background()
	camp := pledge.NewCampaign("pemilu-2024", 1, e.cfg.Instansi, pledge.DefaultID, pledge.DefaultEN)
	if err := e.st.CreateCampaign(ctx, "test", &camp); err != nil {
		t.Fatal(err)
	}
	if _, err := roster.Import(ctx, e.st, "test", "roster.csv", strings.NewReader(rosterCSV), roster.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return e
}

// openEnv serves the app over an existing database, like one more ikrar
// instance: instances sharing dir share its signing key.
func openEnv(t *testing.T, o store.Options, dir string) *env {
	t.Helper()
	return openEnvWith(t, o, dir, nil)
}

// openEnvWith is openEnv with a hook that adjusts the configuration and
// dependencies before the server is built.
func openEnvWith(t *testing.T, o store.Options, dir string, adjust func(*config.Config, *web.Deps)) *env {
	t.Helper()
	cfg := config.Defaults()
	cfg.DataDir = dir
	cfg.DBDriver = o.Driver
	cfg.DB = o.DSN
	cfg.BaseURL = "http://ikrar.test"
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	st := storetest.OpenWith(t, o)
	certs := newCerts(t, st, cfg)
	d := web.Deps{Config: cfg, Store: st, Pledge: &pledge.Service{Store: st, Now: time.Now}, Certs: certs, Assets: ikrar.Assets, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if adjust != nil {
		adjust(&d.Config, &d)
		if err := d.Config.Finish(); err != nil {
			t.Fatal(err)
		}
		cfg = d.Config
	}
	s, err := web.New(d)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &env{t: t, st: st, srv: srv, cfg: cfg, dir: dir, app: s}
}

// client is a browser-like client: a cookie jar and no redirect following
// unless asked.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (e *env) get(c *http.Client, path string) (int, string) {
	e.t.Helper()
	resp, err := c.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in page:\n%s", body)
	}
	return m[1]
}

func (e *env) post(c *http.Client, path string, form url.Values) (int, string, *http.Response) {
	e.t.Helper()
	resp, err := c.PostForm(e.srv.URL+path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

func (e *env) asn(nip string) store.ASN {
	e.t.Helper()
	a, err := e.st.ASNByNIP(context.Background(), nip)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func signForm(csrf, name string) url.Values {
	return url.Values{"_csrf": {csrf}, "point1": {"on"}, "point2": {"on"}, "point3": {"on"}, "point4": {"on"}, "name": {name}}
}

var codeRe = regexp.MustCompile(`id="cert-code">(IKR-[A-Z0-9-]+)<`)

func TestSignJourney(t *testing.T) { storetest.Each(t, testSignJourney) }

func testSignJourney(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	c := e.client()
	a := e.asn("198703122010121002")

	status, body := e.get(c, "/sign/"+a.Token)
	if status != 200 {
		t.Fatalf("sign page status %d", status)
	}
	for _, want := range []string{"Drs. Budi Santosa, M.Pd.", "198703122010121002", "Kepala Seksi Kurikulum", "Dinas Pendidikan, Pemuda, dan Olahraga",
		"Menolak politik uang dan segala jenis pemberian dalam bentuk apa pun.", `name="point4"`} {
		if !strings.Contains(body, want) {
			t.Errorf("sign page lacks %q", want)
		}
	}
	before := time.Now().UTC()
	csrf := csrfOf(t, body)
	status, body, _ = e.post(c, "/sign/"+a.Token, signForm(csrf, "  budi   SANTOSA "))
	if status != 200 {
		t.Fatalf("sign status %d:\n%s", status, body)
	}
	m := codeRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("receipt has no certificate code:\n%s", body)
	}
	if !strings.Contains(body, " WIB") || !strings.Contains(body, "/certificate.pdf") {
		t.Errorf("receipt lacks WIB time or certificate link")
	}
	sig, err := e.st.SignatureByCode(context.Background(), m[1])
	if err != nil {
		t.Fatal(err)
	}
	if sig.ASNID != a.ID || sig.TypedName != "budi SANTOSA" || sig.IP == "" || sig.UserAgent == "" || len(sig.PledgeHash) != 64 {
		t.Errorf("signature row incomplete: %+v", sig)
	}
	if sig.SignedAt.Before(before.Add(-time.Second)) || sig.SignedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("signed_at %v not now", sig.SignedAt)
	}
	if want := pledge.DefaultID.Hash(e.cfg.Instansi); sig.PledgeHash != want {
		t.Errorf("pledge hash %s, want %s", sig.PledgeHash, want)
	}
	// A second visit and a second post show the same receipt, nothing new.
	status, body2 := e.get(c, "/sign/"+a.Token)
	if status != 200 || !strings.Contains(body2, m[1]) {
		t.Fatalf("revisit does not show receipt %s", m[1])
	}
	status, body3, _ := e.post(c, "/sign/"+a.Token, signForm(csrf, "Budi Santosa"))
	if status != 200 || !strings.Contains(body3, m[1]) {
		t.Fatalf("second post status %d, receipt missing", status)
	}
	if n, _ := e.st.CountSignatures(context.Background(), 0); n != 1 {
		t.Fatalf("%d signatures, want 1", n)
	}
	rep, err := e.st.VerifyAudit(context.Background())
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	if rep.Events < 3 {
		t.Fatalf("audit has %d events", rep.Events)
	}
}

func TestConcurrentSameSigner(t *testing.T) { storetest.Each(t, testConcurrentSameSigner) }

func testConcurrentSameSigner(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	a := e.asn("199001012015032001")
	const n = 50
	type result struct {
		status int
		code   string
	}
	clients := make([]*http.Client, n)
	forms := make([]url.Values, n)
	for i := range clients {
		clients[i] = e.client()
		_, body := e.get(clients[i], "/sign/"+a.Token)
		forms[i] = signForm(csrfOf(t, body), "Zoe Ngatiyem")
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			resp, err := clients[i].PostForm(e.srv.URL+"/sign/"+a.Token, forms[i])
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			r := result{status: resp.StatusCode}
			if m := codeRe.FindStringSubmatch(string(b)); m != nil {
				r.code = m[1]
			}
			results[i] = r
		}(i)
	}
	close(start)
	wg.Wait()
	for i, r := range results {
		if r.status != 200 || r.code == "" || r.code != results[0].code {
			t.Fatalf("response %d: status %d code %q, first code %q", i, r.status, r.code, results[0].code)
		}
	}
	if cnt, _ := e.st.CountSignatures(context.Background(), 0); cnt != 1 {
		t.Fatalf("%d signatures, want exactly 1", cnt)
	}
	if _, err := e.st.VerifyAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestSignRejectsBadInput(t *testing.T) { storetest.Each(t, testSignRejectsBadInput) }

func testSignRejectsBadInput(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	a := e.asn("198512302010012003")
	c := e.client()
	_, body := e.get(c, "/sign/"+a.Token)
	csrf := csrfOf(t, body)
	unticked := signForm(csrf, "Kartini")
	unticked.Del("point3")
	bigPNG := "data:image/png;base64," + strings.Repeat("A", 100_000)
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"unticked point", unticked, 422, "Butir 3 belum dicentang"},
		{"wrong name", signForm(csrf, "Kartono"), 422, "tidak sama dengan nama di daftar pegawai"},
		{"empty name", signForm(csrf, ""), 422, "Ketik nama lengkap"},
		{"non-png drawing", with(signForm(csrf, "Kartini"), "drawing", "data:image/svg+xml;base64,PHN2Zz4="), 422, "Tanda tangan gambar tidak dapat diterima"},
		{"oversized drawing", with(signForm(csrf, "Kartini"), "drawing", bigPNG), 422, "Tanda tangan gambar tidak dapat diterima"},
		{"missing csrf", with(signForm("", "Kartini"), "_csrf", ""), 403, "Formulir kedaluwarsa"},
		{"wrong csrf", with(signForm("", "Kartini"), "_csrf", "forged"), 403, "Formulir kedaluwarsa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := e.post(c, "/sign/"+a.Token, tt.form)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d (want %d), body lacks %q:\n%.2000s", status, tt.status, tt.want, body)
			}
		})
	}
	if n, _ := e.st.CountSignatures(context.Background(), 0); n != 0 {
		t.Fatalf("bad input wrote %d signatures", n)
	}
	status, body := e.get(c, "/sign/AAAAAAAAAAAAAAAAAAAAAA")
	if status != 404 || !strings.Contains(body, "Halaman tidak ditemukan") || strings.Contains(body, "gorm") {
		t.Fatalf("unknown token: status %d\n%s", status, body)
	}
}

func with(v url.Values, k, val string) url.Values {
	v.Set(k, val)
	return v
}

func TestAccessCodeEntry(t *testing.T) { storetest.Each(t, testAccessCodeEntry) }

func testAccessCodeEntry(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	a := e.asn("198703122010121002")
	c := e.client()
	_, body := e.get(c, "/sign")
	csrf := csrfOf(t, body)
	status, body, _ := e.post(c, "/sign", url.Values{"_csrf": {csrf}, "nip": {a.NIP}, "code": {"WRONGCDE"}})
	if status != 401 || !strings.Contains(body, "NIP atau kode akses salah") {
		t.Fatalf("wrong code: %d", status)
	}
	status, _, resp := e.post(c, "/sign", url.Values{"_csrf": {csrf}, "nip": {a.NIP}, "code": {strings.ToLower(a.AccessCode[:4]) + " " + a.AccessCode[4:]}})
	if status != 303 || resp.Header.Get("Location") != "/sign/"+a.Token {
		t.Fatalf("right code: status %d location %q", status, resp.Header.Get("Location"))
	}
	// Guessing is rate-limited per NIP: after 5 failures even the right code waits.
	for i := 0; i < 5; i++ {
		e.post(c, "/sign", url.Values{"_csrf": {csrf}, "nip": {a.NIP}, "code": {fmt.Sprintf("GUESS%03d", i)}})
	}
	status, body, _ = e.post(c, "/sign", url.Values{"_csrf": {csrf}, "nip": {a.NIP}, "code": {a.AccessCode}})
	if status != 429 || !strings.Contains(body, "Terlalu banyak percobaan") {
		t.Fatalf("after guesses: status %d", status)
	}
}

// TestNIPNormalisedAtSign: a NIP typed as printed on documents (spaces,
// dots, dashes) opens the signing page (issue 14), and its variants share
// one per-NIP failure counter, so spacing cannot multiply the guesses.
func TestNIPNormalisedAtSign(t *testing.T) {
	e := newEnv(t)
	a := e.asn("198703122010121002")
	c := e.client()
	_, body := e.get(c, "/sign")
	csrf := csrfOf(t, body)
	for _, typed := range []string{
		"19870312 201012 1 002", "19870312.201012.1.002", "19870312-201012-1-002",
		" 19870312\u00a0201012\u00a01\u00a0002 ", "1987 0312 2010 1210 02",
	} {
		status, _, resp := e.post(c, "/sign", url.Values{"_csrf": {csrf}, "nip": {typed}, "code": {a.AccessCode}})
		if status != 303 || resp.Header.Get("Location") != "/sign/"+a.Token {
			t.Errorf("NIP typed as %q: status %d, want 303 to the signing page", typed, status)
		}
	}
	variants := []string{"19870312 201012 1 002", "19870312.201012.1.002", "19870312-201012-1-002", "198703122010121002", "1987-0312-2010-1210-02"}
	for i, typed := range variants {
		e.post(c, "/sign", url.Values{"_csrf": {csrf}, "nip": {typed}, "code": {fmt.Sprintf("GUESS%03d", i)}})
	}
	if status, _, _ := e.post(c, "/sign", url.Values{"_csrf": {csrf}, "nip": {a.NIP}, "code": {a.AccessCode}}); status != 429 {
		t.Errorf("after 5 wrong codes under differently written NIPs: status %d, want 429", status)
	}
}

func TestEnglishAndHeaders(t *testing.T) { storetest.Each(t, testEnglishAndHeaders) }

func testEnglishAndHeaders(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	c := e.client()
	a := e.asn("198703122010121002")
	resp, err := c.Get(e.srv.URL + "/sign/" + a.Token + "?lang=en")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "Refuse money politics") || !strings.Contains(string(b), "Bahasa Indonesia") {
		t.Fatal("English page lacks translation or switch")
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	} {
		if got := resp.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	status, body := e.get(c, "/")
	if status != 200 || !strings.Contains(body, "Cara menandatangani") && !strings.Contains(body, "How to sign") {
		t.Fatalf("home: %d", status)
	}
	status, body = e.get(c, "/healthz")
	if status != 200 || body != "ok" {
		t.Fatalf("healthz: %d %q", status, body)
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

func importRoster(e *env, data string) (store.ImportResult, error) {
	// Tests name their units on purpose: new ones are confirmed even when
	// they look like an existing unit.
	return roster.Import(context.Background(), e.st, "test", "extra.csv", strings.NewReader(data), roster.ImportOptions{ConfirmNewUnits: true})
}

// TestNIPSearchNormalised: the roster search finds a NIP typed as printed.
func TestNIPSearchNormalised(t *testing.T) {
	e := newEnv(t)
	admin := e.adminLogin("admin", "admin")
	for _, q := range []string{"19870312 201012 1 002", "19870312.2010", "198703122010121002", "budi"} {
		_, body := e.get(admin, "/dashboard/departments/dinas-pendidikan-pemuda-dan-olahraga?q="+url.QueryEscape(q))
		if !strings.Contains(body, "Drs. Budi Santosa, M.Pd.") {
			t.Errorf("search %q does not find Budi", q)
		}
	}
}
