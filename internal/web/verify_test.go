package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/nip"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

func (e *env) download(c *http.Client, path string) []byte {
	e.t.Helper()
	resp, err := c.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		e.t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return b
}

func TestCertificateDownloadAndVerify(t *testing.T) {
	storetest.Each(t, testCertificateDownloadAndVerify)
}

func testCertificateDownloadAndVerify(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	a := e.asn("199001012015032001")
	code := e.signAs(a.NIP, "Zoë Ngatiyem")

	// Concurrent first downloads: one stored certificate, identical bytes.
	const n = 8
	got := make([][]byte, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got[i] = e.download(e.client(), "/sign/"+a.Token+"/certificate.pdf")
		}(i)
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if !bytes.Equal(got[0], got[i]) {
			t.Fatalf("download %d differs from download 0", i)
		}
	}
	again := e.download(e.client(), "/sign/"+a.Token+"/certificate.pdf")
	if !bytes.Equal(again, got[0]) {
		t.Fatal("re-download is not byte-identical")
	}
	sig, err := e.st.SignatureByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(again)
	if sig.CertSHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("stored SHA-256 %s does not match the served PDF", sig.CertSHA256)
	}

	// pdfsig, qpdf and pdftotext agree.
	text := pdfText(t, again)
	for _, want := range []string{"Zoë Ngatiyem", a.NIP, code} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate text lacks %q", want)
		}
	}
	pdfsig := needTool(t, "pdfsig")
	path := filepath.Join(t.TempDir(), "c.pdf")
	os.WriteFile(path, again, 0o600)
	out, _ := exec.Command(pdfsig, path).CombinedOutput()
	if !strings.Contains(string(out), "Signature is Valid") {
		t.Fatalf("pdfsig:\n%s", out)
	}

	// Verify by code shows the public facts only.
	status, body := e.get(e.client(), "/verify/"+strings.ToLower(code))
	if status != 200 || !strings.Contains(body, "SAH") || !strings.Contains(body, nip.Mask(a.NIP)) || strings.Contains(body, a.NIP) {
		t.Fatalf("verify by code: %d, masked NIP shown %v, full NIP leaked %v", status, strings.Contains(body, nip.Mask(a.NIP)), strings.Contains(body, a.NIP))
	}
	if status, _ := e.get(e.client(), "/verify/IKR-AAAA-BBBB-CCCC-DDDD"); status != 404 {
		t.Fatalf("unknown code: %d", status)
	}

	// Upload checks.
	tampered := append([]byte(nil), again...)
	tampered[len(tampered)/3] ^= 0x01
	otherKey, err := certificate.LoadOrCreateSigner(certificate.KeyOptions{Dir: t.TempDir(), CommonName: "impostor"})
	if err != nil {
		t.Fatal(err)
	}
	svc := certificate.NewService(e.st, otherKey, e.cfg.BaseURL, nil)
	forged, err := otherKey.Make(mustData(t, svc, code, e))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		file   []byte
		status int
		want   string
	}{
		{"authentic", again, 200, "SAH"},
		{"one byte changed", tampered, 422, "TIDAK SAH"},
		{"signed by another key", forged, 422, "tidak ditandatangani oleh sistem ikrar"},
		{"not a pdf", []byte("hello, this is not a PDF"), 422, "bukan dokumen PDF"},
		{"empty", []byte{}, 422, "TIDAK SAH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.upload(tt.file)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d (want %d), body lacks %q", status, tt.status, tt.want)
			}
		})
	}
	big := bytes.Repeat([]byte("%PDF"), 1<<20)
	if status, body := e.upload(big); status != 413 || !strings.Contains(body, "terlalu besar") {
		t.Fatalf("oversized upload: %d", status)
	}
}

func mustData(t *testing.T, svc *certificate.Service, code string, e *env) certificate.Data {
	t.Helper()
	sig, err := e.st.SignatureByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	d, err := svc.Data(context.Background(), sig)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (e *env) upload(file []byte) (int, string) {
	e.t.Helper()
	c := e.client()
	_, page := e.get(c, "/verify")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("_csrf", csrfOf(e.t, page))
	fw, _ := mw.CreateFormFile("pdf", "sertifikat.pdf")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/verify", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A signature speaks of the person as they signed: renaming and moving
// the roster row afterwards (even before the certificate is made) changes
// neither the certificate nor the verify page.
func TestCertificateKeepsSignerAsSigned(t *testing.T) {
	storetest.Each(t, testCertificateKeepsSignerAsSigned)
}

func testCertificateKeepsSignerAsSigned(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	a := e.asn("199001012015032001")
	code := e.signAs(a.NIP, "Zoë Ngatiyem")
	if _, err := importRoster(e, "nip;nama;jabatan;unit_kerja\r\n199001012015032001;Zoë Ngatiyem-Sulastri, S.Kep.;Kepala Ruang;Dinas Pendidikan, Pemuda, dan Olahraga\r\n"); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, e.download(e.client(), "/sign/"+a.Token+"/certificate.pdf"))
	for _, want := range []string{"Zoë Ngatiyem", "Perawat Terampil", "Dinas Kesehatan"} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate lacks %q as signed", want)
		}
	}
	for _, later := range []string{"Sulastri", "Kepala Ruang"} {
		if strings.Contains(text, later) {
			t.Errorf("certificate shows %q, from the roster after signing", later)
		}
	}
	_, page := e.get(e.client(), "/verify/"+code)
	if !strings.Contains(page, "Zoë Ngatiyem") || strings.Contains(page, "Sulastri") || !strings.Contains(page, "Dinas Kesehatan") {
		t.Errorf("verify page does not show the signer as signed:\n%s", page)
	}
	// It names the key that signed the certificate and its validity.
	signer, err := certificate.LoadOrCreateSigner(certificate.KeyOptions{Dir: e.cfg.DataDir})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, `id="signing-key"`) || !strings.Contains(page, signer.Fingerprint()) || !strings.Contains(page, "Berlaku") {
		t.Errorf("verify page does not name the signing key %s", signer.Fingerprint())
	}
}

// The verify page prints the latest signed checkpoint of the audit chain
// and serves its file, which checks out against the instance's key.
func TestVerifyPageShowsLatestCheckpoint(t *testing.T) {
	e := newEnv(t)
	if _, page := e.get(e.client(), "/verify"); strings.Contains(page, `id="audit-checkpoint"`) {
		t.Fatal("a checkpoint is shown before any was made")
	}
	if code, _ := e.get(e.client(), "/audit/checkpoint.txt"); code != http.StatusNotFound {
		t.Fatalf("checkpoint file before any: %d", code)
	}
	signer, err := certificate.LoadOrCreateSigner(certificate.KeyOptions{Dir: e.cfg.DataDir})
	if err != nil {
		t.Fatal(err)
	}
	svc := certificate.NewService(e.st, signer, e.cfg.BaseURL, nil)
	cp, err := svc.Checkpoint(context.Background(), e.cfg.Instansi, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, page := e.get(e.client(), "/verify")
	if !strings.Contains(page, `id="audit-checkpoint"`) || !strings.Contains(page, cp.Head[:16]) || !strings.Contains(page, "WIB") {
		t.Fatalf("verify page lacks the checkpoint %s:\n%s", cp.Head, page)
	}
	code, file := e.get(e.client(), "/audit/checkpoint.txt")
	if code != http.StatusOK {
		t.Fatalf("checkpoint file: %d", code)
	}
	got, err := svc.VerifyCheckpoint(context.Background(), []byte(file))
	if err != nil || got.Head != cp.Head || got.Events != uint64(cp.Seq) {
		t.Fatalf("served checkpoint does not verify: %+v %v", got, err)
	}
	// Printed reports carry it too.
	admin := e.staffLogin("admin", store.RoleAdmin)
	text := pdfText(t, e.download(admin, "/reports/summary.pdf?campaign=1"))
	if !strings.Contains(text, "Titik periksa rantai audit terakhir") || !strings.Contains(text, cp.Head[:16]) {
		t.Errorf("summary report lacks the checkpoint %s:\n%s", cp.Head[:16], text)
	}
}
