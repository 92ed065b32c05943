package certificate

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
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

// testSignaturePNG draws a transparent PNG with a blue scribble, like the
// signature pad's export.
func testSignaturePNG(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 400, 150))
	ink := color.NRGBA{R: 20, G: 40, B: 140, A: 255}
	for x := 20; x < 380; x++ {
		y := 75 + int(40*sinApprox(float64(x)/30))
		for dy := -2; dy <= 2; dy++ {
			img.SetNRGBA(x, y+dy, ink)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// sinApprox avoids importing math for a wobbly line.
func sinApprox(x float64) float64 {
	for x > 3.14159 {
		x -= 2 * 3.14159
	}
	return x - x*x*x/6 + x*x*x*x*x/120
}
