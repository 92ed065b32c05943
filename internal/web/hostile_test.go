package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
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
	for _, line := range strings.Split(csvBody, "\n") {
		for _, cell := range strings.Split(line, ",") {
			cell = strings.Trim(cell, "\"\ufeff")
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
