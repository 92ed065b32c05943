package certificate

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleData() Data {
	return Data{
		Code:          "IKR-7Q4M-9XKD-2HPA",
		Instansi:      "Pemerintah Kota Yogyakarta",
		CampaignTitle: "Ikrar Netralitas Pegawai Aparatur Sipil Negara pada Pemilu dan Pemilihan Tahun 2024",
		Preamble:      "Dalam rangka menyukseskan pelaksanaan Pemilu dan Pemilihan Tahun 2024, kami Pegawai Aparatur Sipil Negara di lingkungan Pemerintah Kota Yogyakarta berikrar:",
		Points: []string{
			"Menjaga dan menegakkan prinsip netralitas Pegawai ASN di instansi masing-masing dalam melaksanakan fungsi pelayanan publik baik sebelum, selama, maupun sesudah pelaksanaan Pemilu dan Pemilihan Tahun 2024.",
			"Menghindari konflik kepentingan, tidak melakukan praktik-praktik intimidasi dan ancaman kepada pegawai ASN dan seluruh elemen masyarakat serta tidak memihak kepada pasangan calon tertentu.",
			"Menggunakan media sosial secara bijak dan tidak menyebarkan ujaran kebencian serta berita bohong.",
			"Menolak politik uang dan segala jenis pemberian dalam bentuk apa pun.",
		},
		Closing:    "Demikian ikrar ini kami buat dalam rangka mewujudkan netralitas Pegawai ASN yang bermartabat, beretika, dan demokratis demi terwujudnya persatuan dan kesatuan Negara Kesatuan Republik Indonesia.",
		Name:       "Drs. Budi Santosa, M.Pd.",
		NIP:        "198703152010011002",
		Position:   "Kepala Seksi Kurikulum dan Penilaian",
		Department: "Dinas Pendidikan, Pemuda, dan Olahraga",
		TypedName:  "Budi Santosa",
		SignedAt:   time.Date(2023, 8, 28, 5, 20, 0, 0, time.UTC),
		PledgeHash: "3f8a6c0e6d1b0b5e2b8f0b7f5d2c9a1e4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e",
		VerifyURL:  "https://ikrar.jogjakota.go.id/verify/IKR-7Q4M-9XKD-2HPA",
	}
}

// testSignaturePNG draws a transparent PNG with an anti-aliased blue
// stroke, like a signature pad's export.
func testSignaturePNG(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 400, 150))
	for x := 20; x < 380; x++ {
		yc := 75 + 40*math.Sin(float64(x)/30)
		for y := int(yc) - 4; y <= int(yc)+4; y++ {
			d := math.Abs(float64(y) - yc)
			a := 1.0
			if d > 2 {
				a = math.Max(0, 3-d)
			}
			img.SetNRGBA(x, y, color.NRGBA{R: 20, G: 40, B: 140, A: uint8(255 * a)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// testSigner returns a freshly generated signer; each call is a new key.
func testSigner(tb testing.TB) *Signer {
	tb.Helper()
	s, err := LoadOrCreateSigner(KeyOptions{Dir: tb.TempDir(), Organization: "Pemerintah Kota Yogyakarta"})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// tool finds an external program. Without it the test is skipped, except
// under CI (CI non-empty), where a missing tool is a failure.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required in CI (apt-get install poppler-utils qpdf): %v", name, err)
		}
		t.Skipf("%s not installed (apt-get install poppler-utils qpdf); skipping", name)
	}
	return path
}

// writeTemp writes b to a file in a fresh temporary folder.
func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// run executes a tool and returns its combined output and exit code.
func run(t *testing.T, name string, args ...string) (string, int) {
	t.Helper()
	out, err := exec.Command(tool(t, name), args...).CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v", name, err)
		}
		code = ee.ExitCode()
	}
	return string(out), code
}

// pdfText extracts the text of a PDF with pdftotext, whitespace collapsed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := writeTemp(t, "doc.pdf", pdf)
	out, code := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	if code != 0 {
		t.Fatalf("pdftotext exit %d: %s", code, out)
	}
	return normSpace(out)
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
