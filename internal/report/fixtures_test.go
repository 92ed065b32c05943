package report

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// -samples=DIR writes the sample documents to DIR so they can be opened or
// rasterised (pdftoppm -png -r 50) and looked at.
var sampleDir = flag.String("samples", "", "write sample reports to this directory")

var testTime = time.Date(2026, 11, 25, 7, 20, 0, 0, time.UTC) // 14.20 WIB

var (
	firstNames = []string{"Budi", "Siti", "Agus", "Dewi", "Rina", "Joko", "Sri", "Bambang", "Endang", "Hendra",
		"Wahyu", "Ratna", "Yulia", "Eko", "Nur", "Dian", "Fajar", "Lestari", "Zoë", "Andreas"}
	lastNames = []string{"Santosa", "Rahayu", "Wibowo", "Lestari", "Setiawan", "Handayani", "Susanto",
		"Purnomo", "Kusuma", "Hidayat", "Nugroho", "Wulandari", "Pratama", "O'Neil", "Saputra"}
	titlesPre  = []string{"", "", "", "Drs. ", "Ir. ", "dr. "}
	titlesPost = []string{"", "", ", S.Pd.", ", S.Kom.", ", M.Pd.", ", S.E., M.M.", ", S.H.", ", A.Md."}
	positions  = []string{"Analis Kebijakan Ahli Muda", "Pengelola Keuangan", "Guru Ahli Pertama",
		"Kepala Seksi Pelayanan Umum", "Penata Kelola Sistem dan Teknologi Informasi",
		"Pranata Komputer Ahli Pertama", "Arsiparis Terampil", "Pengadministrasi Perkantoran",
		"Sekretaris Dinas", "Kepala Bidang Pembinaan Sekolah Menengah Pertama"}
)

// samplePeople builds n realistic roster entries; roughly two thirds signed.
func samplePeople(n int, departments ...string) []Person {
	if len(departments) == 0 {
		departments = []string{"Dinas Pendidikan, Pemuda, dan Olahraga"}
	}
	people := make([]Person, n)
	for i := range people {
		name := titlesPre[i%len(titlesPre)] + firstNames[i%len(firstNames)] + " " +
			lastNames[(i/3)%len(lastNames)] + titlesPost[i%len(titlesPost)]
		kind := "PNS"
		nip := fmt.Sprintf("19%02d%02d%02d20%02d%02d%d%03d", 60+i%35, 1+i%12, 1+i%28, 5+i%15, 1+i%12, 1+i%2, i%1000)
		if i%7 == 0 {
			kind = "PPPK"
			nip = fmt.Sprintf("19%02d%02d%02d2024%d%d%d%03d", 70+i%25, 1+i%12, 1+i%28, 2, 1+i%3, 1+i%2, i%1000)
		}
		p := Person{NIP: nip, Name: name, Position: positions[i%len(positions)],
			Department: departments[i%len(departments)], Kind: kind}
		if i%3 != 2 {
			p.SignedAt = testTime.Add(-time.Duration(n-i) * 47 * time.Minute)
			p.CertificateCode = fmt.Sprintf("IKR-%06d", 100000+i)
		}
		people[i] = p
	}
	return people
}

var deptNames = []string{
	"Sekretariat Daerah", "Bagian Tata Pemerintahan", "Bagian Hukum", "Inspektorat",
	"Dinas Pendidikan, Pemuda, dan Olahraga", "Dinas Kesehatan",
	"Dinas Pekerjaan Umum, Perumahan, dan Kawasan Permukiman", "Dinas Pertanian dan Pangan",
	"Dinas Komunikasi, Informatika, dan Persandian", "Badan Kesatuan Bangsa dan Politik",
	"Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Kemantren Mergangsan",
	"Kelurahan Brontokusuman", "Kelurahan Keparakan", "Kelurahan Wirogunan", "Kemantren Gondokusuman",
	"Kelurahan Baciro", "Kelurahan Demangan", "Kelurahan Klitren", "Kelurahan Kotabaru", "Kelurahan Terban",
	"Dinas Sosial, Tenaga Kerja, dan Transmigrasi", "Dinas Perhubungan", "Dinas Lingkungan Hidup",
	"Dinas Kependudukan dan Pencatatan Sipil", "Badan Perencanaan Pembangunan Daerah",
	"Badan Pengelolaan Keuangan dan Aset Daerah", "Satuan Polisi Pamong Praja",
	"Dinas Pariwisata", "Dinas Kebudayaan (Kundha Kabudayan)",
}

// sampleDepartments builds n departments with a few parent/child levels and
// returns them with their total.
func sampleDepartments(n int) ([]DepartmentStat, DepartmentStat) {
	depth := map[string]int{"Bagian Tata Pemerintahan": 1, "Bagian Hukum": 1}
	for _, k := range []string{"Brontokusuman", "Keparakan", "Wirogunan", "Baciro", "Demangan", "Klitren", "Kotabaru", "Terban"} {
		depth["Kelurahan "+k] = 1
	}
	ds := make([]DepartmentStat, n)
	var total DepartmentStat
	for i := range ds {
		name := deptNames[i%len(deptNames)]
		roster := 40 + (i*137)%380
		signed := roster * ((i*29)%101 + 0) / 100
		ds[i] = DepartmentStat{Code: fmt.Sprintf("%d.%02d", 1+i/10, i%10+1), Name: name, Depth: depth[name],
			Roster: roster, Signed: signed, OwnRoster: roster}
		total.Roster += roster
		total.OwnRoster += roster
		total.Signed += signed
	}
	return ds, total
}

func sampleDaily(n int) []DayCount {
	days := make([]DayCount, n)
	for i := range days {
		days[i] = DayCount{Day: testTime.AddDate(0, 0, i-n+1), Count: (i*53)%170 + 5}
	}
	return days
}

func departmentReport(n int) Report {
	people := samplePeople(n)
	total := DepartmentStat{Code: "1.05", Name: "Dinas Pendidikan, Pemuda, dan Olahraga", Roster: len(people)}
	for _, p := range people {
		if p.Signed() {
			total.Signed++
		}
	}
	return Report{
		Instansi:      "Pemerintah Kota Yogyakarta",
		CampaignTitle: "Ikrar Netralitas Pegawai Aparatur Sipil Negara pada Pemilu dan Pemilihan Tahun 2024",
		GeneratedAt:   testTime,
		Scope:         total.Name,
		Departments:   []DepartmentStat{total},
		Total:         total,
		People:        people,
		Daily:         sampleDaily(12),
	}
}

func summaryReport(n int) Report {
	ds, total := sampleDepartments(n)
	return Report{
		Instansi:      "Pemerintah Kota Yogyakarta",
		CampaignTitle: "Ikrar Netralitas Pegawai Aparatur Sipil Negara pada Pemilu dan Pemilihan Tahun 2024",
		GeneratedAt:   testTime,
		Scope:         "Semua unit kerja",
		Departments:   ds,
		Total:         total,
		Daily:         sampleDaily(20),
	}
}

func sampleLinks(n int) LinksSheet {
	people := samplePeople(n, "Dinas Pendidikan, Pemuda, dan Olahraga", "Kemantren Gondokusuman")
	links := make([]Link, n)
	for i, p := range people {
		links[i] = Link{NIP: p.NIP, Name: p.Name, Position: p.Position, Department: p.Department,
			URL:        fmt.Sprintf("https://ikrar.jogjakota.go.id/sign/tk%020d", i*7919),
			AccessCode: fmt.Sprintf("K%07X", 0x1A2B3C+i*4099)}
	}
	return LinksSheet{
		Instansi:      "Pemerintah Kota Yogyakarta",
		CampaignTitle: "Ikrar Netralitas Pegawai Aparatur Sipil Negara pada Pemilu dan Pemilihan Tahun 2024",
		SignURL:       "https://ikrar.jogjakota.go.id/sign",
		GeneratedAt:   testTime,
		Links:         links,
	}
}

// needTool returns the path of an external tool, skipping the test when it
// is missing, except in CI where a missing tool is a failure.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required in CI (poppler-utils / qpdf): %v", name, err)
		}
		t.Skipf("skipping: %s not installed (apt-get install poppler-utils qpdf)", name)
	}
	return path
}

// writeSample stores a rendered sample when -samples is given.
func writeSample(t *testing.T, name string, data []byte) {
	t.Helper()
	if *sampleDir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(*sampleDir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}
