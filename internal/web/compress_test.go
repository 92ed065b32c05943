package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	ikrar "github.com/ikrar/ikrar"
	"github.com/ikrar/ikrar/internal/store"
)

// TestCompression: pages, CSS, JS and CSV travel gzipped to clients that
// accept it and plain to others; PDFs, ZIPs and XLSX files never get
// gzipped again; static files carry long cache lifetimes.
func TestCompression(t *testing.T) {
	e := newEnv(t)
	e.signAs(adminNIPBudi, "Budi Santosa")
	admin := e.adminLogin("admin", store.RoleAdmin)
	signed := e.asn(adminNIPBudi)
	_, home := e.get(e.client(), "/")
	css := regexp.MustCompile(`href="(/static/app\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(home)
	if css == nil {
		t.Fatalf("home page links no versioned app.css")
	}
	_, sign := e.get(e.client(), "/sign/"+e.asn(adminNIPZoe).Token)
	js := regexp.MustCompile(`src="(/static/sign\.js\?v=[0-9a-f]+)"`).FindStringSubmatch(sign)
	if js == nil {
		t.Fatalf("signing page links no versioned sign.js")
	}
	file := func(name string) string {
		b, err := fs.ReadFile(ikrar.Assets, "static/"+name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	tests := []struct {
		name     string
		client   *http.Client
		path     string
		gzip     bool   // the client sends Accept-Encoding: gzip
		want     bool   // the answer is gzipped
		contains string // in the (decompressed) body
		cache    string // in Cache-Control
	}{
		{"home page", e.client(), "/", true, true, `<html lang="id">`, ""},
		{"home page without gzip", e.client(), "/", false, false, `<html lang="id">`, ""},
		{"receipt", e.client(), "/sign/" + signed.Token, true, true, `id="cert-code"`, ""},
		{"not found page", e.client(), "/no-such-page", true, true, "/sign", ""},
		{"stylesheet", e.client(), css[1], true, true, file("app.css"), "immutable"},
		{"stylesheet without gzip", e.client(), css[1], false, false, file("app.css"), "max-age=31536000"},
		{"script", e.client(), js[1], true, true, file("sign.js"), "immutable"},
		{"links CSV", admin, "/admin/exports/links.csv", true, true, adminNIPBudi, ""},
		{"certificate PDF", e.client(), "/sign/" + signed.Token + "/certificate.pdf", true, false, "%PDF-", ""},
		{"summary XLSX", admin, "/reports/summary.xlsx", true, false, "PK", ""},
		{"certificates ZIP", admin, "/admin/exports/certificates.zip", true, false, "PK", ""},
		{"link sheet PDF", admin, "/admin/exports/links.pdf", true, false, "%PDF-", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+tt.path, nil)
			if tt.gzip {
				req.Header.Set("Accept-Encoding", "gzip")
			} else {
				req.Header.Set("Accept-Encoding", "identity")
			}
			resp, err := tt.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			body := raw
			gzipped := resp.Header.Get("Content-Encoding") == "gzip"
			if gzipped {
				zr, err := gzip.NewReader(bytes.NewReader(raw))
				if err != nil {
					t.Fatalf("Content-Encoding gzip but not gzip: %v", err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatalf("broken gzip stream: %v", err)
				}
			}
			if gzipped != tt.want {
				t.Errorf("gzipped = %v, want %v (Content-Type %q)", gzipped, tt.want, resp.Header.Get("Content-Type"))
			}
			if !strings.Contains(string(body), tt.contains) {
				t.Errorf("status %d, body lacks %.40q", resp.StatusCode, tt.contains)
			}
			if tt.want && len(raw) >= len(body) {
				t.Errorf("gzipped body of %d bytes is no smaller than the %d it holds", len(raw), len(body))
			}
			if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") && tt.want {
				t.Errorf("Vary %q lacks Accept-Encoding: a cache would give gzip to anyone", resp.Header.Get("Vary"))
			}
			if tt.cache != "" && !strings.Contains(resp.Header.Get("Cache-Control"), tt.cache) {
				t.Errorf("Cache-Control %q, want %s", resp.Header.Get("Cache-Control"), tt.cache)
			}
		})
	}
}
