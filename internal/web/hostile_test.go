package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"github.com/ikrar/ikrar/internal/excelcsv"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	ikrar "github.com/ikrar/ikrar"
	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/staff"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
	"github.com/ikrar/ikrar/internal/web"
)

// Payloads that must stay inert wherever roster data is shown.
var xss = []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(2)>`, `javascript:alert(3)`}

func TestRosterPayloadsAreInert(t *testing.T) {
	e := newEnv(t)
	data := "nip,nama,jabatan,unit_kerja\n" +
		"198003152005011004,\"Budi <script>alert(1)</script>\",\"\"\"><img src=x onerror=alert(2)>\",javascript:alert(3)\n"
	if _, err := importRoster(e, data); err != nil {
		t.Fatal(err)
	}
	a := e.asn("198003152005011004")
	code := e.signAs(a.NIP, a.Name)
	admin := e.staffLogin("admin", store.RoleAdmin)
	dept := deptCode(t, e, "javascript:alert(3)")
	pages := map[string]*http.Client{
		"/sign/" + a.Token:               e.client(),
		"/verify/" + code:                e.client(),
		"/dashboard":                     admin,
		"/dashboard/departments/" + dept: admin,
		"/dashboard/departments/" + dept + "?q=<script>": admin,
	}
	for path, c := range pages {
		status, body := e.get(c, path)
		if status != 200 {
			t.Errorf("%s: status %d", path, status)
			continue
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Contains(body, `href="javascript:`) {
			t.Errorf("%s renders a payload unescaped", path)
		}
		if path == "/verify/"+code && !strings.Contains(body, "Budi &lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the escaped name", path)
		}
	}
	// The certificate and the reports carry the text literally, as text.
	pdf := e.download(e.client(), "/sign/"+a.Token+"/certificate.pdf")
	if text := pdfText(t, pdf); !strings.Contains(text, "Budi <script>alert(1)</script>") {
		t.Error("certificate does not show the name literally")
	}
	_, csvBody := e.get(admin, "/reports/departments/"+dept+".csv")
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBody, "\ufeff")))
	cr.Comma = ';' // the documented export format
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("CSV report does not parse with ';': %v", err)
	}
	for _, rec := range recs {
		for _, cell := range rec {
			cell = excelcsv.Untext(cell)
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("CSV cell %q starts a formula", cell)
			}
		}
	}
}

func TestBodyLimitsAndErrorPages(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	_, page := e.get(c, "/sign")
	big := url.Values{"_csrf": {csrfOf(t, page)}, "nip": {strings.Repeat("1", 400<<10)}}
	resp, err := c.PostForm(e.srv.URL+"/sign", big)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "terlalu besar") {
		t.Fatalf("oversized form: %d", resp.StatusCode)
	}
	for _, path := range []string{"/no/such/page", "/sign/" + strings.Repeat("x", 30), "/verify/../../etc/passwd", "/static/../go.mod", "/static/nope.css"} {
		status, body := e.get(c, path)
		if status < 400 || status >= 500 {
			t.Errorf("%s: status %d", path, status)
		}
		for _, leak := range []string{"gorm", "sqlite", "goroutine", "panic", ".go:"} {
			if strings.Contains(strings.ToLower(body), leak) {
				t.Errorf("%s leaks %q", path, leak)
			}
		}
	}
}

func TestEveryPageRenders(t *testing.T) {
	e := newEnv(t)
	code := e.signAs("198703122010121002", "Budi Santosa")
	admin := e.staffLogin("admin", store.RoleAdmin)
	a := e.asn("199001012015032001")
	for _, tc := range []struct {
		path string
		c    *http.Client
		want string
	}{
		{"/", e.client(), "Cara menandatangani"},
		{"/?lang=en", e.client(), "How to sign"},
		{"/sign", e.client(), "kode akses"},
		{"/sign/" + a.Token, e.client(), "Tandatangani ikrar"},
		{"/verify", e.client(), "Verifikasi sertifikat"},
		{"/verify/" + code, e.client(), "SAH"},
		{"/login", e.client(), "Kata sandi"},
		{"/dashboard", admin, "Penyelesaian per unit kerja"},
		{"/dashboard?lang=en", admin, "Completion per department"},
		{"/no-such-page", e.client(), "Halaman tidak ditemukan"},
	} {
		status, body := e.get(tc.c, tc.path)
		if status >= 500 || !strings.Contains(body, tc.want) {
			t.Errorf("%s: status %d, lacks %q", tc.path, status, tc.want)
		}
	}
}

func TestSecureCookiesAndHSTSOverTLS(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Defaults()
	cfg.DataDir = dir
	cfg.BaseURL = "https://ikrar.example.go.id"
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	st := storetest.OpenWith(t, storetest.Options(t, storetest.SQLite))
	if _, err := staff.Add(context.Background(), st, "test", "admin", store.RoleAdmin, staffPassword, nil); err != nil {
		t.Fatal(err)
	}
	s, err := web.New(web.Deps{Config: cfg, Store: st, Pledge: &pledge.Service{Store: st, Now: time.Now}, Assets: ikrar.Assets,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(s)
	defer srv.Close()
	c := srv.Client()
	jar, _ := cookiejar.New(nil)
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS over TLS")
	}
	checkCookie := func(resp *http.Response, name string) {
		for _, ck := range resp.Cookies() {
			if ck.Name == name {
				if !ck.Secure || !ck.HttpOnly || ck.SameSite == http.SameSiteNoneMode || ck.SameSite == http.SameSiteDefaultMode {
					t.Errorf("cookie %s: secure=%v httponly=%v samesite=%v", name, ck.Secure, ck.HttpOnly, ck.SameSite)
				}
				return
			}
		}
		t.Errorf("no %s cookie set", name)
	}
	checkCookie(resp, "_csrf")
	resp, err = c.PostForm(srv.URL+"/login", url.Values{"_csrf": {csrfOf(t, string(body))}, "username": {"admin"}, "password": {staffPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Fatalf("login over TLS: %d", resp.StatusCode)
	}
	checkCookie(resp, "ikrar_session")
}

// A client cannot dodge the per-IP limit by inventing X-Forwarded-For
// headers: without IKRAR_TRUST_PROXY the address is the connection's.
func TestForwardedForIsNotTrustedByDefault(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	_, page := e.get(c, "/sign")
	csrf := csrfOf(t, page)
	status := 0
	for i := 0; i <= web.DefaultLimits().SignPerAddress; i++ {
		form := url.Values{"_csrf": {csrf}, "nip": {fmt.Sprintf("19870312201012%04d", i)}, "code": {"WRONGCDE"}}
		req, _ := http.NewRequest("POST", e.srv.URL+"/sign", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.%d.%d", i/200, i%200+1))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		status = resp.StatusCode
	}
	if status != http.StatusTooManyRequests {
		t.Fatalf("failure over the per-address limit from one address with spoofed X-Forwarded-For: %d, want 429", status)
	}
}

func TestAdminAuditCheckOnRequestWhenLarge(t *testing.T) {
	e := newEnv(t)
	admin := e.staffLogin("admin", store.RoleAdmin)
	// A negative limit treats every chain as large.
	s, err := web.New(web.Deps{Config: e.cfg, Store: e.st, Pledge: &pledge.Service{Store: e.st, Now: time.Now}, Assets: ikrar.Assets,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), AutoAuditMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	large := httptest.NewServer(s)
	defer large.Close()
	get := func(path string) string {
		resp, err := admin.Get(large.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return string(b)
	}
	if body := get("/admin"); !strings.Contains(body, `href="/admin?audit=1"`) || strings.Contains(body, "Utuh:") {
		t.Fatal("large chain: the overview ran the check or lacks the button")
	}
	if body := get("/admin?audit=1"); !strings.Contains(body, "Utuh:") {
		t.Fatal("check on request did not run")
	}
}
