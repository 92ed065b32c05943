package certificate

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// TestRenderBytesAreStable pins what Render makes of three kinds of
// certificate. Verifying a copy whose stored file is gone (a restore)
// renders the record again and compares bytes, so a change here means that
// every certificate made before it no longer verifies that way: optimise
// without changing these, and change them only on purpose (a new layout,
// new fonts), saying so in the commit. The first two are the bytes main
// rendered before the PDFs shared pdfkit; the UTF-8 one changed when the
// certificate took the shared font set, whose subsets also hold Greek and
// Cyrillic (commit "pdfkit: one embedded DejaVu set for every PDF").
func TestRenderBytesAreStable(t *testing.T) {
	withImage := sampleData()
	withImage.SignaturePNG = testSignaturePNG(t)
	utf8 := sampleData()
	utf8.Name, utf8.TypedName = "Nguyễn Łódź Ελληνικά Кириллица", "Nguyễn Łódź"
	longURL := sampleData()
	longURL.VerifyURL = "https://ikrar.pemerintah-kota-yogyakarta.example.go.id/layanan/kepegawaian/netralitas/verifikasi-sertifikat-elektronik/" + strings.Repeat("IKR-7Q4M-9XKD-2HPA/", 12)
	for _, tt := range []struct {
		name string
		d    Data
		want string
	}{
		{"typed name, Windows-1252 fonts", sampleData(), "bfe783db2a1af5a08fb9ae7bfdbba9afcf303e3797c2d8549e10000c6e409cc3"},
		{"drawn signature", withImage, "5578107035d7a0f59ef3bc8a998b73340d6041bd6a1625f5532be1756d183467"},
		{"long URL, cut on the third line", longURL, "adb8ecaf879eac643534c4039ba8be1c79dcce77d5a92b81cb390186276aed2a"},
		{"UTF-8 fonts", utf8, "0f4c285084f35cd095221665139530586547f839d5d4463c1de2691b111c15f2"},
	} {
		pdf, err := Render(tt.d)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		sum := sha256.Sum256(pdf)
		if got := hex.EncodeToString(sum[:]); got != tt.want {
			t.Errorf("%s: rendered bytes changed: SHA-256 %s, pinned %s", tt.name, got, tt.want)
		}
	}
}
