package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/ikrar/ikrar/internal/nip"
)

func runGenRoster(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("gen-roster", stderr)
	n := fs.Int("n", 100_000, "roster entries")
	depts := fs.Int("departments", 200, "departments (unit kerja)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same file")
	out := fs.String("out", "", "output CSV file (- for stdout)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"--out is required"}
	}
	if *n < 1 || *n > maxRosterEntries {
		return usageError{fmt.Sprintf("--n must be 1–%d", maxRosterEntries)}
	}
	if *depts < 1 || *depts > *n {
		return usageError{"--departments must be 1–n"}
	}
	w := stdout
	var f *os.File
	if *out != "-" {
		var err error
		if f, err = os.Create(*out); err != nil {
			return fmt.Errorf("create roster: %w", err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := writeRoster(bw, *n, *depts, *seed); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("write roster: %w", err)
		}
		fmt.Fprintf(stdout, "wrote %d entries in %d departments to %s\n", *n, *depts, *out)
	}
	return nil
}

// NIPs are made unique by construction rather than by a set: entry i gets
// serial i%999+1, gender (i/999)%2+1 and the birth day (i/1998) spread over
// 1965–1999 by a stride coprime with the number of days, so no two entries
// share birth date, gender and serial.
const (
	birthDays        = 12_783 // 1965-01-01 .. 1999-12-31
	birthStride      = 7_919  // prime, does not divide birthDays
	maxRosterEntries = 999 * 2 * birthDays
)

var firstBirth = time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC)

func rosterNIP(r *rand.Rand, i int) string {
	serial := i%999 + 1
	gender := (i/999)%2 + 1
	day := (i / 1998 * birthStride) % birthDays
	birth := firstBirth.AddDate(0, 0, day)
	appointedYear := min(birth.Year()+20+r.IntN(16), 2023)
	kind := nip.KindPNS
	if r.IntN(100) < 15 {
		kind = nip.KindPPPK
		// PPPK appointments began in 2019.
		appointedYear = max(appointedYear, 2019)
	}
	appointed := time.Date(appointedYear, time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
	return nip.Generate(r, kind, birth, appointed, gender, serial)
}

var (
	deptKinds = []string{"Dinas", "Badan", "Kantor", "Kemantren", "Kelurahan", "UPT Puskesmas", "SD Negeri", "SMP Negeri", "Bagian", "Bidang"}
	deptNames = []string{"Kesehatan", "Pendidikan", "Pekerjaan Umum", "Perhubungan", "Sosial", "Pariwisata", "Kebudayaan",
		"Lingkungan Hidup", "Pertanian dan Pangan", "Perdagangan", "Koperasi", "Kependudukan", "Keuangan", "Kepegawaian",
		"Perencanaan", "Komunikasi dan Informatika", "Pemadam Kebakaran", "Perpustakaan", "Tata Ruang", "Gondokusuman",
		"Mergangsan", "Umbulharjo", "Kotagede", "Tegalrejo", "Jetis", "Danurejan", "Gedongtengen", "Wirobrajan"}
	firstNames = []string{"Budi", "Sri", "Agus", "Siti", "Eko", "Dwi", "Tri", "Rina", "Joko", "Wahyu", "Yuni", "Bambang", "Endang",
		"Hadi", "Retno", "Slamet", "Indah", "Sugeng", "Dewi", "Teguh", "Ani", "Rudi", "Nur", "Heru", "Lestari", "Ngatiyem", "Zoë"}
	lastNames = []string{"Santosa", "Wahyuni", "Prasetyo", "Rahayu", "Susanto", "Wijaya", "Hartono", "Kusuma", "Setiawan",
		"Purnomo", "Handayani", "Nugroho", "Saputra", "Lestari", "Utami", "Hidayat", "Suryani", "Widodo", "Kurniawan", "Pratiwi"}
	prefixes  = []string{"", "", "", "", "Drs. ", "dr. ", "Ir. ", "H. ", "Hj. "}
	suffixes  = []string{"", "", "", ", S.Pd.", ", S.Sos.", ", S.H.", ", S.E.", ", M.Pd.", ", S.Kom.", ", S.T., M.T.", ", A.Md.", ", M.Si."}
	positions = []string{"Analis Kebijakan Ahli Muda", "Pranata Komputer Ahli Pertama", "Pengadministrasi Perkantoran",
		"Guru Ahli Pertama", "Perawat Terampil", "Analis Sumber Daya Manusia Aparatur", "Kepala Seksi",
		"Kepala Subbagian Umum", "Bendahara", "Pengelola Keuangan", "Auditor Ahli Muda", "Penyuluh Pertanian"}
)

func departmentName(i int) string {
	kind := deptKinds[i%len(deptKinds)]
	name := deptNames[(i/len(deptKinds))%len(deptNames)]
	if round := i / (len(deptKinds) * len(deptNames)); round > 0 {
		return kind + " " + name + " " + strconv.Itoa(round+1)
	}
	return kind + " " + name
}

// writeRoster writes n entries in the import format (nip,nama,jabatan,
// unit_kerja). Department sizes vary (a school is smaller than a hospital)
// but every department gets at least one entry.
func writeRoster(w io.Writer, n, depts int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, seed^0x6b6c617261))
	names := make([]string, depts)
	weights := make([]float64, depts)
	var sum float64
	for i := range names {
		names[i] = departmentName(i)
		weights[i] = 0.2 + r.Float64()*r.Float64()*4
		sum += weights[i]
	}
	// Cumulative quotas: department d ends at entry cut[d].
	cut := make([]int, depts)
	acc := 0.0
	for d := range cut {
		acc += weights[d]
		cut[d] = d + 1 + int(float64(n-depts)*acc/sum)
	}
	cut[depts-1] = n
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"nip", "nama", "jabatan", "unit_kerja"}); err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	d := 0
	rec := make([]string, 4)
	for i := range n {
		for i >= cut[d] {
			d++
		}
		rec[0] = rosterNIP(r, i)
		rec[1] = prefixes[r.IntN(len(prefixes))] + firstNames[r.IntN(len(firstNames))] + " " +
			lastNames[r.IntN(len(lastNames))] + suffixes[r.IntN(len(suffixes))]
		rec[2] = positions[r.IntN(len(positions))]
		rec[3] = names[d]
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write roster: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	return nil
}
