// Package demo fills an empty database with a believable city government:
// the default campaign, departments of Kota Yogyakarta, a few hundred ASN
// with valid NIPs, an admin and a department head.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/campaign"
	"github.com/ikrar/ikrar/internal/nip"
	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/staff"
	"github.com/ikrar/ikrar/internal/store"
)

// Result is what the operator is told after seeding.
type Result struct {
	AdminUser, AdminPassword string
	HeadUser, HeadPassword   string
	HeadDepartment           string
	Links                    []string
	ASN                      int
}

type unit struct {
	code, name string
	parent     string
	size       int
}

var units = []unit{
	{"setda", "Sekretariat Daerah", "", 6},
	{"setda-tapem", "Bagian Tata Pemerintahan", "setda", 14},
	{"setda-hukum", "Bagian Hukum", "setda", 12},
	{"inspektorat", "Inspektorat", "", 24},
	{"disdikpora", "Dinas Pendidikan, Pemuda, dan Olahraga", "", 60},
	{"dinkes", "Dinas Kesehatan", "", 48},
	{"dpupkp", "Dinas Pekerjaan Umum, Perumahan, dan Kawasan Permukiman", "", 30},
	{"dpp", "Dinas Pertanian dan Pangan", "", 20},
	{"kominfosan", "Dinas Komunikasi, Informatika, dan Persandian", "", 22},
	{"kesbangpol", "Badan Kesatuan Bangsa dan Politik", "", 16},
	{"bkpsdm", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "", 20},
	{"mergangsan", "Kemantren Mergangsan", "", 10},
	{"mergangsan-brontokusuman", "Kelurahan Brontokusuman", "mergangsan", 8},
	{"mergangsan-keparakan", "Kelurahan Keparakan", "mergangsan", 8},
	{"gondokusuman", "Kemantren Gondokusuman", "", 10},
	{"gondokusuman-baciro", "Kelurahan Baciro", "gondokusuman", 8},
	{"gondokusuman-klitren", "Kelurahan Klitren", "gondokusuman", 8},
}

var (
	firstM  = []string{"Budi", "Agus", "Slamet", "Joko", "Bambang", "Heru", "Wahyu", "Eko", "Dwi", "Yusuf", "Rizky", "Hendra", "Sigit", "Bayu", "Aditya", "Fajar", "Teguh", "Ahmad", "Muhammad", "Arif"}
	firstF  = []string{"Siti", "Sri", "Endang", "Wulan", "Dewi", "Rina", "Ratna", "Ani", "Nur", "Lestari", "Retno", "Dyah", "Putri", "Ayu", "Indah", "Kartika", "Ningsih", "Fitri", "Rahayu", "Zoë"}
	last    = []string{"Santosa", "Wibowo", "Prasetyo", "Susanto", "Hidayat", "Nugroho", "Rahmawati", "Wijayanti", "Setiawan", "Kurniawan", "Purnomo", "Handayani", "Saputra", "Utami", "Suryani", "Ngatiyem", "Haryanto", "Pamungkas", "Sulistyo", "Maharani"}
	pre     = []string{"", "", "", "", "", "", "Ir. ", "dr. "}
	preM    = []string{"Drs. ", "H. "} // titles that name a man
	preF    = []string{"Dra. ", "Hj. "}
	post    = []string{"", "", "", ", S.Pd.", ", S.Sos.", ", S.H.", ", S.E.", ", M.Pd.", ", S.Kom.", ", S.T., M.T.", ", A.Md.", ", M.Si.", ", S.Kep., Ns."}
	jabatan = []string{"Analis Kebijakan Ahli Muda", "Pranata Komputer Ahli Pertama", "Pengadministrasi Perkantoran", "Penata Kelola Sistem dan Teknologi Informasi", "Guru Ahli Pertama", "Perawat Terampil", "Analis Sumber Daya Manusia Aparatur", "Kepala Seksi", "Kepala Subbagian Umum", "Bendahara", "Pengelola Keuangan", "Auditor Ahli Muda", "Penyuluh Pertanian", "Dokter Ahli Pertama", "Arsiparis Terampil"}
)

// Seed fills an empty database. It does nothing (and says so) when a
// campaign already exists, so restarting with --demo never duplicates data.
func Seed(ctx context.Context, st *store.Store, instansi, baseURL string, seed uint64) (Result, bool, error) {
	depts, err := st.Departments(ctx)
	if err != nil {
		return Result{}, false, err
	}
	if len(depts) > 0 {
		return Result{}, false, nil
	}
	if err := campaign.EnsureDefault(ctx, st, instansi); err != nil {
		return Result{}, false, err
	}
	ids := map[string]uint{}
	for _, u := range units {
		d := store.Department{Code: u.code, Name: u.name}
		if u.parent != "" {
			p := ids[u.parent]
			d.ParentID = &p
		}
		if err := st.CreateDepartment(ctx, "system:demo", &d); err != nil {
			return Result{}, false, fmt.Errorf("demo department %s: %w", u.code, err)
		}
		ids[u.code] = d.ID
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var rows []store.ImportRow
	seen := map[string]bool{}
	for _, u := range units {
		for i := 0; i < u.size; i++ {
			gender := 1 + rng.IntN(2)
			var name string
			if gender == 1 {
				name = firstM[rng.IntN(len(firstM))]
			} else {
				name = firstF[rng.IntN(len(firstF))]
			}
			title := pre[rng.IntN(len(pre))]
			if rng.IntN(5) == 0 {
				if gender == 1 {
					title = preM[rng.IntN(len(preM))]
				} else {
					title = preF[rng.IntN(len(preF))]
				}
			}
			name = title + name + " " + last[rng.IntN(len(last))] + post[rng.IntN(len(post))]
			var n string
			for n == "" || seen[n] {
				n = nip.Generate(rng, "", time.Time{}, time.Time{}, gender, 1+rng.IntN(999))
			}
			seen[n] = true
			info, err := nip.Validate(n)
			if err != nil {
				return Result{}, false, fmt.Errorf("demo NIP %s: %w", n, err)
			}
			phone := ""
			if rng.IntN(3) > 0 {
				phone = fmt.Sprintf("628%d", 1100000000+rng.IntN(899999999))
			}
			// Four in five have an email, so the outbox has something to
			// show; the domain is reserved (.example), so a demo with real
			// SMTP configured never writes to anyone. Taken from the NIP,
			// not the random source, to keep the rest of the demo as it was.
			email := ""
			if n[len(n)-1]%5 != 0 {
				email = "pegawai." + n + "@demo-ikrar.example"
			}
			rows = append(rows, store.ImportRow{Line: len(rows) + 2, NIP: n, Name: strings.TrimSpace(name),
				Position: jabatan[rng.IntN(len(jabatan))], Department: u.name, Kind: info.Kind, Phone: phone, Email: email})
		}
	}
	if _, err := st.ImportRoster(ctx, "system:demo", "demo", rows, store.ImportOptions{NewToken: secret.Token, NewAccessCode: secret.AccessCode}); err != nil {
		return Result{}, false, err
	}
	res := Result{AdminUser: "admin", AdminPassword: secret.Code(12), HeadUser: "kepala.disdikpora", HeadPassword: secret.Code(12),
		HeadDepartment: "disdikpora", ASN: len(rows)}
	if _, err := staff.Add(ctx, st, "system:demo", res.AdminUser, store.RoleAdmin, res.AdminPassword, nil); err != nil {
		return Result{}, false, err
	}
	if _, err := staff.Add(ctx, st, "system:demo", res.HeadUser, store.RoleHead, res.HeadPassword, []string{"disdikpora"}); err != nil {
		return Result{}, false, err
	}
	var shown []store.ImportRow
	for _, r := range rows {
		if r.Department == "Dinas Pendidikan, Pemuda, dan Olahraga" && len(shown) < 3 {
			shown = append(shown, r)
		}
	}
	for _, r := range shown {
		a, err := st.ASNByNIP(ctx, r.NIP)
		if err != nil {
			return Result{}, false, err
		}
		res.Links = append(res.Links, fmt.Sprintf("%s/sign/%s   (%s, NIP %s, kode akses %s)", baseURL, a.Token, a.Name, a.NIP, a.AccessCode))
	}
	return res, true, nil
}
