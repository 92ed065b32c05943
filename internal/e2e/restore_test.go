package e2e

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRestoreKeepsCertificatesValid (issue 11, finding 11): sign, back up
// while serving, sign more and download, restore the archive into a fresh
// folder, and check every certificate people hold on the restored server,
// by upload and with `ikrar verify`:
//
//   - A, signed and downloaded before the backup: valid (the stored copy);
//   - B, signed before the backup, its certificate made and downloaded
//     after it: valid, although the restored server makes its stored copy
//     again with other bytes;
//   - C, signed after the backup: not in the restored database, which the
//     answer says (genuinely ours, but made after the backup).
//
// And the restored database without its key refuses to serve.
func TestRestoreKeepsCertificatesValid(t *testing.T) {
	f := newSigningFixture(t, 6, 20241129)
	// No background issuing: B's certificate must not be made before the
	// backup, so that the restored server has to make it again.
	f.Srv.stop()
	f.Srv = startServer(t, f.Data, "--cert-workers", "0")
	client := newClient(2)
	ctx := context.Background()
	sign := func(p person) string {
		t.Helper()
		code, err := signOnce(ctx, client, f.Srv.Base, p, "")
		if err != nil {
			t.Fatalf("sign as %s: %v", p.NIP, err)
		}
		return code
	}
	download := func(p person) []byte {
		return get(t, client, f.Srv.Base+"/sign/"+p.Token+"/certificate.pdf", http.StatusOK)
	}
	type held struct {
		code string
		pdf  []byte
	}
	a := held{code: sign(f.People[0])}
	a.pdf = download(f.People[0])
	b := held{code: sign(f.People[1])}
	archive := filepath.Join(t.TempDir(), "ikrar-backup.tar.gz")
	res := mustCLI(t, "backup", "--data", f.Data, "--out", archive)
	if !strings.Contains(res.Stdout, "signing key") {
		t.Errorf("backup output: %s", res)
	}
	b.pdf = download(f.People[1])
	c := held{code: sign(f.People[2])}
	c.pdf = download(f.People[2])
	f.Srv.stop()

	// The database alone, without its key: the server refuses to start
	// rather than generate a new key.
	dbOnly := filepath.Join(t.TempDir(), "ikrar.db")
	mustCLI(t, "backup", "--db-only", "--data", f.Data, "--out", dbOnly)
	if s, err := tryStartServer(t, t.TempDir(), []string{"--db", dbOnly}); err == nil {
		s.stop()
		t.Fatal("a server started on the database without its signing key")
	} else if !strings.Contains(err.Error(), "ikrar restore") {
		t.Errorf("refusal does not say how to restore the key: %v", err)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	res = mustCLI(t, "restore", "--data", restored, archive)
	if !strings.Contains(res.Stdout, "2 signatures") || !strings.Contains(res.Stdout, "audit chain ok") {
		t.Errorf("restore output: %s", res)
	}
	// The restored server answers at the same public address: the QR code
	// and link in every certificate name it.
	srv := startServer(t, restored, "--base-url", f.Srv.Base)
	if bytes.Equal(get(t, client, srv.Base+"/sign/"+f.People[1].Token+"/certificate.pdf", http.StatusOK), b.pdf) {
		t.Fatal("B's certificate on the restored server is byte-identical to the copy held: it was not made again, so this test checks nothing for B")
	}

	dir := t.TempDir()
	for name, h := range map[string]held{"A (before the backup)": a, "B (made after the backup)": b} {
		status, page := uploadCertificate(t, srv.Base, h.pdf)
		if status != http.StatusOK || !strings.Contains(page, `id="verify-result"`) || !strings.Contains(page, h.code) {
			t.Errorf("%s: upload to the restored server: status %d\n%s", name, status, tail(page, 1500))
		}
		path := filepath.Join(dir, h.code+".pdf")
		if err := os.WriteFile(path, h.pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		// Without --base-url, as an operator would run it: the address the
		// stored copy was made under is known.
		if r := runCLI(t, "verify", "--data", restored, path); r.Code != 0 || !strings.Contains(r.Stdout, h.code) {
			t.Errorf("%s: ikrar verify on the restored folder: %s", name, r)
		}
	}
	status, page := uploadCertificate(t, srv.Base, c.pdf)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "tidak ada dalam basis data") {
		t.Errorf("C (signed after the backup): status %d\n%s", status, tail(page, 1500))
	}
	srv.stop()
	auditOK(t, "--data", restored)
}

var csrfInPage = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// uploadCertificate posts a PDF to /verify as a browser would.
func uploadCertificate(t *testing.T, base string, pdf []byte) (int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	page := string(get(t, c, base+"/verify", http.StatusOK))
	m := csrfInPage.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on /verify")
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("_csrf", m[1])
	fw, _ := mw.CreateFormFile("pdf", "sertifikat.pdf")
	fw.Write(pdf)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/verify", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
